"""Taking in a notebook: check it, store it, then queue it (in that order).

Every check runs before anything is written, so a bad upload leaves no record. The checks
run cheapest first and the rate limit before reading the file, so a flood costs little.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from nbformat import NotebookNode

from grader.autograde.precheck import Rejected, TooLarge, check_grade_ids, read_notebook
from grader.service import access, notebooks
from grader.service.grading import enqueue
from grader.service.models import Exercise, Submission, User
from grader.service.notebooks import grading_limits

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
        oldest = oldest or timezone.now()  # never None here: the count was at the limit
        wait = max(1, round(((oldest + window) - timezone.now()).total_seconds() / 60))
        minutes = window.total_seconds() / 60
        raise SubmissionError(
            429,
            f"You have submitted {settings.ACADEMY_RATE_LIMIT} times in the last "
            f"{minutes:.0f} minutes. Please wait about {wait} minute(s) and try again.",
        )


def read(upload: Upload) -> NotebookNode:
    """The autograder's own prechecks, with the limits the grader will use."""
    try:
        return read_notebook(upload.data, grading_limits())
    except TooLarge as rejection:
        raise SubmissionError(413, str(rejection)) from None
    except Rejected as rejection:
        raise SubmissionError(400, str(rejection)) from None


def check_belongs(exercise: Exercise, nb: NotebookNode) -> None:
    """Refuse another exercise's notebook, naming both; see `notebooks` for what belongs."""
    instructor = notebooks.instructor_of(exercise)
    if instructor is None:
        return  # logged; the grader reports the problem on the submission
    found = notebooks.fit(nb, instructor)
    if found.confirmed:
        return
    other = notebooks.other_owner(nb, exercise)
    if other is not None:
        raise SubmissionError(
            400,
            f"This notebook is for the exercise '{other.title}' ({other.pk}), not "
            f"'{exercise.title}' ({exercise.pk}). Submit it from the page of "
            f"'{other.title}', or choose the notebook of '{exercise.title}'.",
        )
    if found.ids_fit:
        return  # released from an older version of this exercise: its tests are restored
    try:
        check_grade_ids(nb, instructor)
    except Rejected as rejection:
        raise SubmissionError(400, str(rejection)) from None


def submit(upload: Upload) -> Submission:
    """Check, store and queue a notebook; raise SubmissionError (nothing stored) if refused."""
    # Order: who and what first (cheap, and says 404/403 before anything about the file),
    # then the rate limit (before reading the file), then the file itself: the autograder's
    # prechecks (size before parsing, parsing before cells), and last which exercise it is
    # (it needs the instructor notebooks).
    exercise = check_exercise(upload)
    check_rate(upload)
    nb = read(upload)
    check_belongs(exercise, nb)
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
    log.info("stored submission %s for %s by person %s", sub.pk, exercise.pk, upload.learner.pk)
    return sub
