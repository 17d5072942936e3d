"""Taking in a notebook: check it, store it, then queue it (in that order).

Every check runs before anything is written, so a bad upload leaves no record. The checks
run cheapest first and the rate limit before reading the file, so a flood costs little.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from grader.content.notebook import grade_id
from grader.service import access
from grader.service.grading import enqueue
from grader.service.models import Exercise, Submission, User

log = logging.getLogger(__name__)


class SubmissionError(Exception):
    """A submission refused with an HTTP status and a message for the learner."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Upload:
    """A notebook as received, before any check."""

    learner: User
    exercise_id: str
    data: bytes
    filename: str
    source: str = "upload"
    """`jupyterlite` (read from the browser), `upload` (a file) or `api`."""


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def check_exercise(upload: Upload) -> Exercise:
    exercise = Exercise.objects.filter(pk=upload.exercise_id, active=True).first()
    if exercise is None:
        raise SubmissionError(404, f"There is no exercise called '{upload.exercise_id}'.")
    if not access.can_submit(upload.learner, exercise.pk):
        raise SubmissionError(
            403,
            f"Exercise '{exercise.pk}' is not on a graded track of your cohort, so you cannot "
            "submit it for grading. Ask your manager if you think it should be.",
        )
    return exercise


def check_rate(upload: Upload) -> None:
    window = timedelta(seconds=settings.ACADEMY_RATE_WINDOW_SECONDS)
    since = timezone.now() - window
    recent = Submission.objects.filter(learner=upload.learner, created_at__gte=since)
    if recent.count() >= settings.ACADEMY_RATE_LIMIT:
        oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
        wait = max(1, round(((oldest + window) - timezone.now()).total_seconds() / 60))
        minutes = window.total_seconds() / 60
        raise SubmissionError(
            429,
            f"You have submitted {settings.ACADEMY_RATE_LIMIT} times in the last "
            f"{minutes:.0f} minutes. Please wait about {wait} minute(s) and try again.",
        )


def too_large(size: int) -> SubmissionError:
    limit = settings.ACADEMY_MAX_NOTEBOOK_BYTES
    return SubmissionError(
        413,
        f"The notebook is {_megabytes(size)}; the limit is {_megabytes(limit)}. "
        "Clear large outputs (Edit, then Clear Outputs of All Cells), save and try again.",
    )


def check_size(upload: Upload) -> None:
    if len(upload.data) > settings.ACADEMY_MAX_NOTEBOOK_BYTES:
        raise too_large(len(upload.data))
    if not upload.data.strip():
        raise SubmissionError(400, "The file is empty. Save your notebook and try again.")


def parse_notebook(upload: Upload) -> dict[str, Any]:
    try:
        nb = json.loads(upload.data.decode("utf-8"))
    except UnicodeDecodeError:
        raise SubmissionError(400, "The file is not a Jupyter notebook: it is not text.") from None
    except json.JSONDecodeError as exc:
        raise SubmissionError(
            400,
            f"The file is not a Jupyter notebook: it is not valid JSON "
            f"(line {exc.lineno}, column {exc.colno}).",
        ) from None
    if not (isinstance(nb, dict) and isinstance(nb.get("cells"), list) and nb.get("nbformat") == 4):
        raise SubmissionError(
            400, "The file is JSON but not a Jupyter notebook (version 4) with cells."
        )
    return nb


@functools.lru_cache(maxsize=256)
def _exercise_grade_ids(path: Path, mtime: float) -> frozenset[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return frozenset(gid for cell in nb.get("cells", []) if (gid := grade_id(cell)) is not None)


def exercise_grade_ids(exercise: Exercise) -> frozenset[str]:
    """nbgrader grade ids of the exercise's instructor notebook (never sent to learners)."""
    path = Path(settings.ACADEMY_ROOT) / "exercises" / exercise.pk / exercise.notebook
    if not path.is_file():
        return frozenset()
    return _exercise_grade_ids(path, path.stat().st_mtime)


def check_matches_exercise(exercise: Exercise, nb: dict[str, Any]) -> None:
    expected = exercise_grade_ids(exercise)
    found = {grade_id(cell) for cell in nb["cells"]}
    if expected and not expected & found:
        raise SubmissionError(
            400,
            f"This notebook is not the one for '{exercise.title}': it has none of that "
            "exercise's answer cells. Check you chose the right file.",
        )


def submit(upload: Upload) -> Submission:
    """Check, store and queue a notebook; raise SubmissionError (nothing stored) if refused."""
    # Order: who and what first (cheap, and says 404/403 before anything about the file),
    # then the rate limit (before reading the file), then the file itself.
    exercise = check_exercise(upload)
    check_rate(upload)
    check_size(upload)
    nb = parse_notebook(upload)
    check_matches_exercise(exercise, nb)
    with transaction.atomic():
        sub = Submission.objects.create(
            learner=upload.learner,
            exercise=exercise,
            notebook=upload.data,
            filename=Path(upload.filename or exercise.notebook).name[:255],
            size_bytes=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(),
            source=upload.source,
        )
        # Queued only once the row is committed: a worker never sees an id it cannot load.
        transaction.on_commit(lambda: enqueue(sub.pk))
    log.info("stored submission %s for %s by %s", sub.pk, exercise.pk, upload.learner)
    return sub
