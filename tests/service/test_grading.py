"""Claiming and recording grades: a result is written once, by the current attempt only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from academy_helpers import committed, notebook
from django.utils import timezone

from grader.service import grading
from grader.service.intake import Upload, submit
from grader.service.models import Grade, Submission, SubmissionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(people, monkeypatch):  # noqa: ANN001, ANN201
    """A stored, queued submission that no worker has taken yet."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)
    with committed():
        sub = submit(Upload(people["ann"], "fines-count", notebook("fines-count"), "nb.ipynb"))
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.QUEUED
    return sub


def test_submission_is_stored_then_queued(queued) -> None:  # noqa: ANN001
    from django_q.models import OrmQ

    assert OrmQ.objects.count() == 1
    assert queued.queued_at is not None and queued.sha256 and queued.size_bytes > 0


def abandon(sub: Submission, settings) -> None:  # noqa: ANN001
    """Make the grading in progress look older than the task timeout (its worker is gone)."""
    Submission.objects.filter(pk=sub.pk).update(started_at=timezone.now() - timedelta(
        seconds=settings.ACADEMY_GRADING_TIMEOUT + 1))


def test_a_duplicate_task_never_grades_what_another_worker_is_grading(queued) -> None:  # noqa: ANN001
    assert grading.claim(queued.pk) is not None
    assert grading.claim(queued.pk) is None
    assert Submission.objects.get(pk=queued.pk).attempts == 1


def test_a_superseded_attempt_cannot_write_a_second_result(queued, settings) -> None:  # noqa: ANN001
    first = grading.claim(queued.pk)
    abandon(queued, settings)
    second = grading.claim(queued.pk)   # the task came back: a new worker took it over
    assert first and second and (first.attempt, second.attempt) == (1, 2)
    result = {"status": SubmissionStatus.GRADED, "score": 1.0, "max_score": 1.0}
    assert grading.record(queued.pk, second, result) is True
    assert grading.record(queued.pk, first, result) is False   # the old worker finishes late
    assert Grade.objects.filter(submission=queued).count() == 1
    assert Grade.objects.get(submission=queued).attempt == 2
    assert grading.claim(queued.pk) is None   # finished: a duplicate task does nothing


def test_grade_task_grades_with_the_autograder(queued) -> None:  # noqa: ANN001
    assert grading.grade_submission(str(queued.pk)).startswith("graded")
    assert grading.grade_submission(str(queued.pk)) == "skipped: finished or being graded"
    queued.refresh_from_db()
    assert queued.status == SubmissionStatus.GRADED and queued.grade.score == 1.0


def test_an_autograder_crash_is_a_failed_grade_not_a_lost_one(queued, settings) -> None:  # noqa: ANN001
    settings.ACADEMY_AUTOGRADE = "builtins.int"   # raises TypeError when called like autograde
    grading.grade_submission(str(queued.pk))
    queued.refresh_from_db()
    assert queued.status == SubmissionStatus.FAILED
    assert "went wrong on our side" in queued.grade.reason


def test_grading_cut_short_too_often_is_marked_failed(queued, settings) -> None:  # noqa: ANN001
    for _ in range(grading.MAX_GRADING_ATTEMPTS):
        assert grading.claim(queued.pk) is not None
        abandon(queued, settings)
    assert grading.claim(queued.pk) is None
    queued.refresh_from_db()
    assert queued.status == SubmissionStatus.FAILED
    assert "cut short several times" in queued.grade.reason


def test_requeue_stale_finds_lost_work_and_leaves_fresh_work(queued, settings) -> None:  # noqa: ANN001
    from django_q.models import OrmQ

    assert grading.requeue_stale() == 0
    grading.claim(queued.pk)   # a worker took it, then vanished
    later = timezone.now() + timedelta(seconds=settings.ACADEMY_STALE_AFTER_SECONDS + 1)
    assert grading.requeue_stale(now=later) == 1
    assert OrmQ.objects.count() == 2
    assert Submission.objects.get(pk=queued.pk).status == SubmissionStatus.QUEUED
    # A row stored but never queued (the process died between commit and enqueue).
    never = Submission.objects.create(
        learner=queued.learner, exercise=queued.exercise, notebook=b"{}", filename="x",
        size_bytes=2, sha256="x")
    Submission.objects.filter(pk=never.pk).update(
        created_at=timezone.now() - timedelta(minutes=5))
    assert grading.requeue_stale() == 1
    assert Submission.objects.get(pk=never.pk).status == SubmissionStatus.QUEUED


@pytest.fixture
def stop_state() -> object:
    from grader.service import stopping

    yield stopping
    stopping._state.__init__()


def test_a_stop_during_grading_gives_the_submission_back(queued, stop_state, monkeypatch) -> None:  # noqa: ANN001
    from django_q.models import OrmQ

    def signal_arrives(sub: Submission) -> dict:
        stop_state.on_signal(15, None)   # what SIGTERM does while the notebook runs
        raise AssertionError("the signal should have stopped the grading")

    monkeypatch.setattr(grading, "run_autograder", signal_arrives)
    with pytest.raises(stop_state.WorkerStopping):
        grading.grade_submission(str(queued.pk))
    sub = Submission.objects.get(pk=queued.pk)
    assert sub.status == SubmissionStatus.QUEUED and sub.attempts == 0
    assert sub.attempt_token is None and not Grade.objects.exists()
    assert OrmQ.objects.count() == 2   # queued again at once, beside the original task


def test_a_stop_while_recording_waits_for_the_record(queued, stop_state, monkeypatch) -> None:  # noqa: ANN001
    real_record = grading.record

    def signal_during_record(*args: object) -> bool:
        stop_state.on_signal(15, None)   # arrives mid-write: must not cut it
        return real_record(*args)

    monkeypatch.setattr(grading, "record", signal_during_record)
    with pytest.raises(stop_state.WorkerStopping):   # raised once the task is done
        grading.grade_submission(str(queued.pk))
    assert Submission.objects.get(pk=queued.pk).status == SubmissionStatus.GRADED
    assert Grade.objects.count() == 1


def test_a_task_taken_by_a_cluster_that_died_is_sent_again(queued) -> None:  # noqa: ANN001
    from django_q.models import OrmQ

    Submission.objects.filter(pk=queued.pk).update(
        queued_at=timezone.now() - timedelta(seconds=grading.QUEUE_TAKEN_GRACE_SECONDS + 1))
    assert grading.requeue_stale() == 0   # its task still waits in the broker
    OrmQ.objects.all().delete()           # a cluster took it (Redis keeps no copy), then died
    assert grading.requeue_stale() == 1
    assert OrmQ.objects.count() == 1
    assert grading.requeue_stale() == 0   # sent again just now: left alone


def test_the_sweep_never_takes_a_submission_from_the_worker_that_just_claimed_it(
    queued, monkeypatch,  # noqa: ANN001
) -> None:
    """The scale-out test's one grading too many: the sweep found a queued row whose task a
    live cluster had just taken, a worker claimed it, and the sweep then put it back to
    queued, so the worker's result was dropped and the notebook graded a second time."""
    Submission.objects.filter(pk=queued.pk).update(
        queued_at=timezone.now() - timedelta(seconds=grading.QUEUE_TAKEN_GRACE_SECONDS + 1))
    found_lost = grading._lost_queued
    claims = []

    def a_worker_claims_it_meanwhile(now):  # noqa: ANN001, ANN202
        lost = found_lost(now)
        claims.append(grading.claim(queued.pk))
        return lost

    from django_q.models import OrmQ

    OrmQ.objects.all().delete()   # its task left the broker: a cluster took it
    monkeypatch.setattr(grading, "_lost_queued", a_worker_claims_it_meanwhile)
    assert grading.requeue_stale() == 0
    assert claims[0] is not None and not OrmQ.objects.exists()
    sub = Submission.objects.get(pk=queued.pk)
    assert sub.status == SubmissionStatus.GRADING and sub.attempts == 1
    assert grading.record(queued.pk, claims[0], {"status": SubmissionStatus.GRADED,
                                                  "score": 1.0, "max_score": 1.0})
