"""States: exactly one per learner and exercise, worked out from a learner's submissions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from grader.service.states import Attempt, State, standing

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def attempt(score: float, max_score: float = 10, *, awaiting: bool = False,
            day: int = 0) -> Attempt:
    return Attempt.of(str(uuid.uuid4()), T0 + timedelta(days=day), score, max_score, awaiting)


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
    assert s.state is State.AWAITING_MARKING and not s.done and s.marked_percent is None
    assert s.best_percent == 90


def test_resubmission_awaiting_marking_after_needs_work_is_awaiting() -> None:
    first, second = attempt(2, day=0), attempt(3, awaiting=True, day=1)
    s = standing([second, first], 60)
    assert s.state is State.AWAITING_MARKING
    assert s.best == first and s.marked_percent == 20   # the gradebook keeps the marked score


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
