"""FAKE autograder, for queue and view tests that must not depend on grading speed.

It never runs the notebook: a submission scores full marks unless an answer cell still
raises NotImplementedError. The browser and durability tests use the real autograder.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from grader.autograde.result import CellResult, GradeResult, Status

FAKE_DELAY_ENV = "ACADEMY_FAKE_GRADE_SECONDS"
FAKE_LOG_ENV = "ACADEMY_FAKE_GRADE_LOG"
"""A file to which each call appends the notebook's `academy_test_id` metadata, if set."""


def fake_autograde(source: Path, submission: Path, *, limits: object = None) -> GradeResult:
    time.sleep(float(os.environ.get(FAKE_DELAY_ENV, "0")))
    nb = json.loads(Path(submission).read_text(encoding="utf-8"))
    if (log_path := os.environ.get(FAKE_LOG_ENV)) and "academy_test_id" in nb["metadata"]:
        with open(log_path, "a", encoding="utf-8") as log:  # one short write: appends whole
            log.write(f"{nb['metadata']['academy_test_id']}\n")
    answers = [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    empty = any("NotImplementedError" in "".join(c["source"]) for c in answers)
    score = 0.0 if empty else 1.0
    return GradeResult(
        submission=str(submission), status=Status.GRADED, score=score, max_score=1.0,
        needs_manual_grading=False,
        cells=(CellResult("test", score, 1.0, message="" if score else "not done"),),
        feedback_html="<h1>Fake feedback</h1><script>parent.pwned = true</script>",
        duration_seconds=0.0,
    )
