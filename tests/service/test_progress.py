"""States: exactly one per learner and exercise, and "done" means passed everywhere."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from progress_helpers import days_ago, graded

from grader.service.progress import Attempt, State, cohort_progress, learner_progress, standing

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def attempt(score: float, max_score: float = 10, *, awaiting: bool = False,
            day: int = 0) -> Attempt:
    return Attempt(uuid.uuid4(), T0 + timedelta(days=day), score, max_score, awaiting)


def test_no_graded_submission_is_not_started() -> None:
    s = standing([], 60)
    assert s.state is State.NOT_STARTED and s.best is None and s.best_percent is None
    assert not s.done and s.label == "Not started"


def test_marked_below_the_pass_mark_needs_work_and_is_not_done() -> None:
    zero = attempt(0, 12)
    s = standing([zero], 60)
    assert s.state is State.NEEDS_WORK and not s.done
    assert s.best == zero and s.best_percent == 0 and s.label == "Needs work"


def test_reaching_the_pass_mark_exactly_passes_even_with_float_sums() -> None:
    s = standing([attempt(0.1 + 0.2 + 5.7, 10)], 60)   # 5.999999999 of 10
    assert s.state is State.PASSED and s.done and s.passed_at == T0


def test_awaiting_marking_never_passes_even_with_enough_automatic_points() -> None:
    s = standing([attempt(9, 10, awaiting=True)], 60)
    assert s.state is State.AWAITING_MARKING and not s.done and s.marked is None
    assert s.best_percent == 90


def test_resubmission_awaiting_marking_after_needs_work_is_awaiting() -> None:
    first, second = attempt(2, day=0), attempt(3, awaiting=True, day=1)
    s = standing([second, first], 60)
    assert s.state is State.AWAITING_MARKING
    assert s.best == first and s.marked == first   # the gradebook keeps the marked score


def test_a_pass_is_kept_when_a_later_submission_is_worse() -> None:
    good, worse = attempt(8, day=0), attempt(1, day=3)
    s = standing([worse, good], 60)
    assert s.state is State.PASSED and s.best == good and s.passed_at == good.created_at


def test_best_of_equal_passes_is_the_earliest_and_passed_at_the_first_pass() -> None:
    a, b, c = attempt(7, day=0), attempt(9, day=2), attempt(9, day=4)
    s = standing([c, b, a], 60)
    assert s.best == b and s.passed_at == a.created_at and s.best_percent == 90


@pytest.mark.parametrize(("pass_percent", "state"), [(50, State.PASSED), (51, State.NEEDS_WORK)])
def test_the_exercise_pass_mark_decides(pass_percent: int, state: State) -> None:
    assert standing([attempt(5)], pass_percent).state is state


# With the database: a cohort and a learner's own page.



@pytest.mark.django_db
def test_cohort_progress_gives_one_state_per_learner_and_exercise(people) -> None:  # noqa: ANN001
    ann, bob = people["ann"], people["bob"]
    graded(ann, "fines-count", 10, at=days_ago(3))
    graded(ann, "fines-total", 2)
    graded(bob, "fines-count", 0, max_score=12)            # Ben's 0/12 is not done
    graded(bob, "fines-total", 9, awaiting=True)
    data = cohort_progress(people["alpha"])
    ids = [e.pk for e in data.exercises]
    assert ids[:2] == ["fines-count", "fines-total"]
    rows = {r.learner.pk: r for r in data.rows}
    states = {who: [c.state for c in rows[people[who].pk].cells][:2] for who in ("ann", "bob")}
    assert states == {"ann": [State.PASSED, State.NEEDS_WORK],
                      "bob": [State.NEEDS_WORK, State.AWAITING_MARKING]}
    assert rows[ann.pk].passed == 1 and rows[bob.pk].passed == 0
    assert data.passed_percent(0) == 50 and data.passed_percent(1) == 0
    assert rows[ann.pk].last_submitted_at is not None
    assert [c.state for c in rows[ann.pk].cells][2:] == [State.NOT_STARTED] * (len(ids) - 2)


@pytest.mark.django_db
def test_work_of_another_cohorts_learner_is_not_in_the_grid(people) -> None:  # noqa: ANN001
    graded(people["cat"], "fines-count", 10)
    data = cohort_progress(people["alpha"])
    assert people["cat"].pk not in {r.learner.pk for r in data.rows}
    assert all(c.state is State.NOT_STARTED for r in data.rows for c in r.cells)


@pytest.mark.django_db
def test_ungraded_and_rejected_work_is_not_started(people) -> None:  # noqa: ANN001
    from grader.service.models import SubmissionStatus

    sub = graded(people["ann"], "fines-count", 10)
    sub.status = SubmissionStatus.REJECTED
    sub.save()
    (tp,) = learner_progress(people["ann"])
    ep = next(e for e in tp.exercises if e.exercise.pk == "fines-count")
    assert ep.standing.state is State.NOT_STARTED and ep.attempts == (sub,)


@pytest.mark.django_db
def test_learner_progress_counts_only_passed_as_done(people) -> None:  # noqa: ANN001
    graded(people["ann"], "fines-count", 10)
    graded(people["ann"], "fines-total", 1)
    (tp,) = learner_progress(people["ann"])
    assert tp.track.pk == "apprentice-data"
    assert tp.passed == 1 and tp.percent_done == round(100 / len(tp.exercises))
    assert [e.exercise.pk for e in tp.to_do][0] == "fines-total"
