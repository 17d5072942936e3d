"""Grading a stored submission in a queue worker, safely against lost and duplicate tasks.

The queue (django-q2) only carries a submission id; the `Submission` row is the source of
truth. A worker *claims* the row with a fresh attempt token before grading, and writes the
result only if its token is still the current one, in the same transaction that creates the
one `Grade` of that submission. So a task delivered twice (a worker killed with kill -9, then
the task given to another worker) grades again but never writes two results, and a row whose
task was lost is found by `requeue_stale` and queued again.
"""

from __future__ import annotations

import logging
import os
import socket
import tempfile
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from grader.service import marking, stopping
from grader.service.models import Grade, Submission, SubmissionStatus
from grader.service.models.submissions import FINISHED
from grader.service.notebooks import grading_limits, instructor_path

log = logging.getLogger(__name__)

GRADE_TASK = "grader.service.grading.grade_submission"
MAX_GRADING_ATTEMPTS = 3
"""A notebook whose grading was cut short this many times is marked failed, not retried."""


@dataclass(frozen=True)
class Claim:
    """The right of one grading attempt to write a submission's result."""

    token: uuid.UUID
    """Written to `Submission.attempt_token`; only the holder of the current token may finish."""
    attempt: int
    """1 for the first attempt, 2 after a lost worker, ..."""


QUEUE_TAKEN_GRACE_SECONDS = 10
"""A queued submission whose task has left the broker (taken by a cluster) and is still not
being graded after this long was taken by a cluster that died: the Redis broker keeps no
copy of a task once it is taken."""


def _send(submission_id: uuid.UUID | str) -> None:
    from django_q.tasks import async_task

    async_task(
        GRADE_TASK,
        str(submission_id),
        task_name=f"grade-{submission_id}",
        group="grading",
        timeout=settings.ACADEMY_GRADING_TIMEOUT,
    )


def enqueue(submission_id: uuid.UUID | str) -> None:
    """Put a stored submission on the queue and mark it queued (if nobody has started it)."""
    _send(submission_id)
    Submission.objects.filter(pk=submission_id, status=SubmissionStatus.RECEIVED).update(
        status=SubmissionStatus.QUEUED, queued_at=timezone.now()
    )


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _claimable(now: Any) -> Q:
    """Rows a task may start grading: waiting ones, or one whose grading outlived the task
    timeout (its worker is gone). Never one another worker is grading now: a task delivered
    twice must not grade twice."""
    abandoned = now - timedelta(seconds=settings.ACADEMY_GRADING_TIMEOUT)
    return (Q(status__in=(SubmissionStatus.RECEIVED, SubmissionStatus.QUEUED))
            | Q(status=SubmissionStatus.GRADING, started_at__lt=abandoned))


def claim(submission_id: uuid.UUID | str) -> Claim | None:
    """Take a submission for grading; None when it is finished or being graded (a duplicate
    task)."""
    token = uuid.uuid4()
    now = timezone.now()
    with transaction.atomic():
        sub = (
            Submission.objects.select_for_update()
            .filter(_claimable(now), pk=submission_id)
            .first()
        )
        if sub is None:
            return None
        if sub.attempts >= MAX_GRADING_ATTEMPTS:
            _finish_without_grading(
                sub,
                "Grading was cut short several times, so we have stopped trying. "
                "Staff have been told; you may submit again.",
            )
            return None
        Submission.objects.filter(pk=sub.pk).update(
            status=SubmissionStatus.GRADING,
            attempt_token=token,
            attempts=F("attempts") + 1,
            started_at=now,
            worker=worker_name(),
        )
        return Claim(token=token, attempt=sub.attempts + 1)


def give_back(submission_id: uuid.UUID | str, claim_: Claim) -> None:
    """A worker told to stop returns its submission to the queue: not an attempt that counts
    against the notebook, and queued again at once rather than after the stale sweep."""
    returned = Submission.objects.filter(
        pk=submission_id, attempt_token=claim_.token, status=SubmissionStatus.GRADING
    ).update(status=SubmissionStatus.QUEUED, attempt_token=None, attempts=F("attempts") - 1,
             queued_at=timezone.now(), worker="")
    if returned:
        enqueue(submission_id)
        log.warning("submission %s given back to the queue (worker stopping)", submission_id)


def _finish_without_grading(sub: Submission, reason: str) -> None:
    Submission.objects.filter(pk=sub.pk).update(
        status=SubmissionStatus.FAILED, finished_at=timezone.now(), attempt_token=None
    )
    Grade.objects.create(
        submission=sub, status=SubmissionStatus.FAILED, reason=reason, attempt=sub.attempts
    )
    marking.on_grade_recorded(sub.pk)
    log.error("submission %s failed after %d attempts", sub.pk, sub.attempts)


def record(submission_id: uuid.UUID | str, claim_: Claim, fields: dict[str, Any]) -> bool:
    """Write the result if `claim_` is still current; False when another attempt took over."""
    with transaction.atomic():
        won = Submission.objects.filter(
            pk=submission_id, attempt_token=claim_.token, status=SubmissionStatus.GRADING
        ).update(status=fields["status"], finished_at=timezone.now())
        if not won:
            log.warning("submission %s: attempt %d lost its claim; result dropped",
                        submission_id, claim_.attempt)
            return False
        Grade.objects.create(submission_id=submission_id, attempt=claim_.attempt, **fields)
        # Same transaction: the total and "awaiting marking" never lag behind the grade.
        marking.on_grade_recorded(submission_id)
    return True


def regrade(submission_id: uuid.UUID | str) -> bool:
    """Grade a finished submission again (after a fix to an exercise's tests, say).

    Its grade is removed and a new one recorded by the queue; tutors' marks stay and count
    again once the new grade is in. A tutor who opened the old result is told it changed
    (the API's `graded_at` check). False when the submission is not finished.
    """
    with transaction.atomic():
        changed = Submission.objects.filter(pk=submission_id, status__in=FINISHED).update(
            status=SubmissionStatus.RECEIVED, attempts=0, attempt_token=None, started_at=None,
            finished_at=None, total_score=None, awaiting_marking=False)
        if not changed:
            return False
        Grade.objects.filter(submission_id=submission_id).delete()
        transaction.on_commit(lambda: enqueue(submission_id))
    log.info("submission %s queued to be graded again", submission_id)
    return True


def _grade_fields(result: Any) -> dict[str, Any]:
    """Turn the autograder's frozen `GradeResult` into `Grade` columns."""
    return {
        "status": str(result.status),
        "score": result.score,
        "max_score": result.max_score,
        "needs_manual_grading": result.needs_manual_grading,
        "flags": list(result.flags),
        "reason": result.reason,
        "cells": [
            {
                "grade_id": c.grade_id,
                "score": c.score,
                "max_score": c.max_score,
                "kind": c.kind,
                "hidden": c.hidden,
                "message": c.message,
            }
            for c in result.cells
        ],
        "feedback_html": result.feedback_html,
        "duration_seconds": result.duration_seconds,
    }


def run_autograder(sub: Submission) -> dict[str, Any]:
    """Grade the stored notebook against the exercise's instructor notebook, with the limits
    the intake checked it against."""
    exercise = sub.exercise
    if not exercise.active:
        return {"status": SubmissionStatus.FAILED, "reason": (
            f"Exercise '{sub.exercise_id}' is no longer in the course catalogue.")}
    autograde = import_string(settings.ACADEMY_AUTOGRADE)
    with tempfile.TemporaryDirectory(prefix="academy-grade-") as tmp:
        path = Path(tmp) / Path(exercise.notebook).name
        path.write_bytes(bytes(sub.notebook))
        result = autograde(instructor_path(exercise), path, limits=grading_limits())
    return _grade_fields(result)


def grade_submission(submission_id: str) -> str:
    """The queue task: claim, grade, record. Returns what happened, for django-q2's log.

    A stop (SIGTERM, see `stopping`) may cut the grading short but never the claim or the
    record: those database writes finish first."""
    with stopping.task():
        claim_ = claim(submission_id)
        if claim_ is None:
            return "skipped: finished or being graded"
        sub = Submission.objects.select_related("exercise").get(pk=submission_id)
        try:
            with stopping.interruptible():
                fields = run_autograder(sub)
        except stopping.WorkerStopping:
            give_back(submission_id, claim_)
            raise
        except Exception:
            log.exception("grading submission %s failed", submission_id)
            fields = {"status": SubmissionStatus.FAILED,
                      "reason": "Something went wrong on our side while grading. "
                                "Please try again."}
        written = record(submission_id, claim_, fields)
        return (f"{fields['status']} (attempt {claim_.attempt})" if written
                else "dropped: superseded")


def _waiting_in_broker() -> int:
    from django_q.brokers import get_broker

    return get_broker().queue_size() or 0


def _queued_long_ago(now: Any) -> Q:
    """Queued longer than the grace a cluster has to start a task it took."""
    return Q(status=SubmissionStatus.QUEUED,
             queued_at__lt=now - timedelta(seconds=QUEUE_TAKEN_GRACE_SECONDS))


def _lost_queued(now: Any) -> list[uuid.UUID]:
    """Queued submissions whose task a cluster took and lost. The broker delivers in order,
    so the newest `waiting` queued submissions may still be in it; older ones were taken.

    A task a live cluster has taken but not yet started counts as lost too: sending it again
    is harmless, because `claim` lets only one attempt grade."""
    queued = Submission.objects.filter(status=SubmissionStatus.QUEUED).order_by(
        "-queued_at", "-created_at")
    waiting = _waiting_in_broker()
    maybe_in_broker = set(queued.values_list("pk", flat=True)[:waiting]) if waiting else set()
    taken_long_ago = queued.filter(_queued_long_ago(now)).values_list("pk", flat=True)
    return [pk for pk in taken_long_ago if pk not in maybe_in_broker]


def _still_lost(now: Any) -> Q:
    """The rows `requeue_stale` may put back in the queue: stored and never queued (30 s),
    queued long ago, or graded for longer than `ACADEMY_STALE_AFTER_SECONDS`. Checked again
    as the rows are locked, so that a row a worker claims meanwhile is left to that worker."""
    stale = now - timedelta(seconds=settings.ACADEMY_STALE_AFTER_SECONDS)
    return (Q(status=SubmissionStatus.RECEIVED, created_at__lt=now - timedelta(seconds=30))
            | _queued_long_ago(now)
            | Q(status=SubmissionStatus.GRADING, started_at__lt=stale))


def requeue_stale(*, now: Any = None) -> int:
    """Queue again every submission whose task was lost; return how many.

    Lost: stored but never queued (30 s); queued, and its task taken by a cluster that died
    (`_lost_queued`); or grading for longer than `ACADEMY_STALE_AFTER_SECONDS` (its worker
    died). A task sent twice is harmless: `claim` lets only one attempt grade.

    The rows are found first and then locked and checked again before they are changed: a
    worker may claim one in between, and putting that row back to queued would take it from
    the worker (its result dropped, the notebook graded twice)."""
    now = now or timezone.now()
    candidates = list(
        Submission.objects.filter(_still_lost(now)).exclude(
            status=SubmissionStatus.QUEUED).values_list("pk", flat=True)
    ) + _lost_queued(now)
    if not candidates:
        return 0
    with transaction.atomic():
        lost = list(
            Submission.objects.select_for_update(skip_locked=True)
            .filter(_still_lost(now), pk__in=candidates)
            .values_list("pk", flat=True)
        )
        # Back to queued with a fresh date, so the next sweep leaves them alone for a while;
        # a worker that still holds an old claim can no longer write (see `record`).
        Submission.objects.filter(_still_lost(now), pk__in=lost).update(
            status=SubmissionStatus.QUEUED, queued_at=now)
    for pk in lost:
        _send(pk)
    if lost:
        log.warning("re-queued %d submission(s) whose task was lost", len(lost))
    return len(lost)


def ensure_schedule() -> None:
    """Run `requeue_stale` every minute on whichever worker's scheduler is free."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name="academy-requeue-stale",
        defaults={"func": "grader.service.grading.requeue_stale",
                  "schedule_type": Schedule.MINUTES, "minutes": 1, "repeats": -1},
    )
