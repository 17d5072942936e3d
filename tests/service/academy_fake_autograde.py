"""FAKE autograder, for queue and view tests that must not depend on grading speed.

It never runs the notebook: a submission scores full marks unless an answer cell still
raises NotImplementedError. Written answers of the instructor notebook (manually graded
cells) are reported unmarked, with their points, as the real autograder reports them. The
browser and durability tests use the real autograder.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from grader.autograde.result import CellResult, GradeResult, Status
from grader.content.notebook import TEXT_STUB

FAKE_DELAY_ENV = "ACADEMY_FAKE_GRADE_SECONDS"
FAKE_LOG_ENV = "ACADEMY_FAKE_GRADE_LOG"
"""A file to which each call appends the notebook's `academy_test_id` metadata, if set."""


def written_answers(source: Path, sent: dict) -> tuple[CellResult, ...]:
    """Like nbgrader: a written answer left as released ("YOUR ANSWER HERE") scores 0,
    any other waits for a person (None)."""
    nb = json.loads(Path(source).read_text(encoding="utf-8"))
    texts = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id"): "".join(c["source"])
             for c in sent["cells"]}
    return tuple(
        CellResult(meta["grade_id"], 0.0 if texts.get(meta["grade_id"]) == TEXT_STUB else None,
                   float(meta.get("points", 0)), kind="manual")
        for meta in (c.get("metadata", {}).get("nbgrader", {}) for c in nb["cells"])
        if meta.get("grade") and meta.get("solution"))


def fake_autograde(source: Path, submission: Path, *, limits: object = None) -> GradeResult:
    time.sleep(float(os.environ.get(FAKE_DELAY_ENV, "0")))
    nb = json.loads(Path(submission).read_text(encoding="utf-8"))
    if (log_path := os.environ.get(FAKE_LOG_ENV)) and "academy_test_id" in nb["metadata"]:
        with open(log_path, "a", encoding="utf-8") as log:  # one short write: appends whole
            log.write(f"{nb['metadata']['academy_test_id']}\n")
    answers = [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    empty = any("NotImplementedError" in "".join(c["source"]) for c in answers)
    score = 0.0 if empty else 1.0
    manual = written_answers(source, nb)
    return GradeResult(
        submission=str(submission), status=Status.GRADED, score=score,
        max_score=1.0 + sum(c.max_score for c in manual), needs_manual_grading=bool(manual),
        cells=(CellResult("test", score, 1.0, message="" if score else "not done"), *manual),
        feedback_html="<h1>Fake feedback</h1><script>parent.pwned = true</script>",
        duration_seconds=0.0,
    )


RECORD_ENV = "ACADEMY_FAKE_GRADE_RECORD"
"""Where `recording_autograde` writes down everything it was given (test_minimisation.py)."""


def recording_autograde(source: Path, submission: Path, **kwargs: object) -> GradeResult:
    """The FAKE autograder, writing down its arguments, environment, current folder and the
    files it was given, so a test can prove that no name or email reaches the grader."""
    seen = {
        "arguments": [str(source), str(submission), repr(kwargs)],
        "environment": dict(os.environ),
        "folder": sorted(str(p) for p in Path(submission).parent.rglob("*")),
        "files": [Path(source).read_text(encoding="utf-8"),
                  Path(submission).read_text(encoding="utf-8")],
    }
    Path(os.environ[RECORD_ENV]).write_text(json.dumps(seen), encoding="utf-8")
    return fake_autograde(source, submission)
