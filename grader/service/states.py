"""Where a learner stands on an exercise: exactly one of four states.

- `passed`: a fully marked submission reaches the exercise's pass mark (`pass_percent`);
- `awaiting_marking`: none passed, and a graded submission still has a written answer
  without a mark;
- `needs_work`: every graded submission is fully marked and below the pass mark;
- `not_started`: no graded submission (nothing sent, or only work still being graded,
  rejected or not gradable).

Scores are whole scores: the autograder's points plus the tutors' marks
(`Submission.total_score`, kept right by the marking code in the same transaction as every
grade and mark). "Done" means passed, everywhere: pages, grid, CSV and totals.

`standing()` works a state out from one learner's submissions; `grader.service.progress`
asks the database for the same figures for a whole cohort at once (`state_of` is the rule
both use, and a test checks they agree).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NamedTuple

PERCENT_TOLERANCE = 1e-9
"""Scores are floats: 59.999999 of 100 after adding marks still counts as 60%."""


class State(StrEnum):
    NOT_STARTED = "not_started"
    AWAITING_MARKING = "awaiting_marking"
    NEEDS_WORK = "needs_work"
    PASSED = "passed"

    @property
    def label(self) -> str:
        """The state in words, as every page and the CSV show it."""
        return STATE_LABELS[self]


STATE_LABELS = {
    State.NOT_STARTED: "Not started",
    State.AWAITING_MARKING: "Awaiting marking",
    State.NEEDS_WORK: "Needs work",
    State.PASSED: "Passed",
}


class Attempt(NamedTuple):
    """One graded submission, as progress needs it (a tuple: a cohort has thousands)."""

    submission_id: str
    """The submission's id as text, as URLs spell it."""
    sent: Any
    """When it was sent, as the database gave it: text on SQLite, a datetime on PostgreSQL.
    Either sorts in time order; `created_at` turns it into a datetime when one is needed."""
    total_score: float
    """The autograder's points plus the tutors' current marks."""
    max_score: float
    awaiting_marking: bool
    """At least one written answer has no mark yet (`total_score` may still grow)."""
    percent: float | None
    """`total_score` as a percent of `max_score` (None when the exercise has no points)."""

    @classmethod
    def of(cls, submission_id: str, sent: Any, total_score: float, max_score: float,
           awaiting_marking: bool) -> Attempt:
        percent = 100 * total_score / max_score if max_score else None
        return cls(submission_id, sent, total_score, max_score, awaiting_marking, percent)

    @property
    def created_at(self) -> datetime:
        return aware(self.sent)

    def passes(self, pass_percent: int) -> bool:
        return (not self.awaiting_marking and self.percent is not None
                and self.percent + PERCENT_TOLERANCE >= pass_percent)


def _better(a: Attempt, b: Attempt | None) -> bool:
    """Is `a` better than `b`: a higher percent, or the same sent earlier?"""
    if b is None:
        return True
    pa, pb = a.percent or 0.0, b.percent or 0.0
    return pa > pb or (pa == pb and a.sent < b.sent)


class Standing(NamedTuple):
    """Where one learner stands on one exercise."""

    state: State
    best_percent: float | None
    """Highest percent of any graded submission (marks given so far included)."""
    marked_percent: float | None
    """Highest percent of any fully marked submission (what a gradebook export reports)."""
    first_pass: Any
    """When the first passing submission was sent, as the database gave it (None if not
    passed); `passed_at` is the datetime. Turned into one only when asked: a cohort's API
    answer does not need 10,000 of them."""
    best: Attempt | None = None
    """The submission the state rests on: the best passing one; else the best fully marked
    one; else the best one awaiting marking. Known when the standing was worked out from
    the learner's submissions (`standing`), not for a whole cohort (`grader.service.progress`
    asks the database for the figures above only)."""

    @property
    def done(self) -> bool:
        return self.state is State.PASSED

    @property
    def passed_at(self) -> datetime | None:
        return None if self.first_pass is None else aware(self.first_pass)

    @property
    def label(self) -> str:
        return self.state.label


NOT_STARTED = Standing(State.NOT_STARTED, None, None, None)


def state_of(*, passed: bool, waiting: bool, marked: bool) -> State:
    """The rule, named once: passed beats awaiting marking beats needs work."""
    if passed:
        return State.PASSED
    if waiting:
        return State.AWAITING_MARKING
    return State.NEEDS_WORK if marked else State.NOT_STARTED


def _max(a: float | None, b: float | None) -> float | None:
    return b if a is None or (b is not None and b > a) else a


def standing(attempts: Iterable[Attempt], pass_percent: int) -> Standing:
    """The state of one learner on one exercise, from its graded submissions."""
    best_percent = marked_percent = None
    passed = marked = waiting = None
    first_pass: Any = None
    for a in attempts:
        best_percent = _max(best_percent, a.percent)
        if a.awaiting_marking:
            if _better(a, waiting):
                waiting = a
            continue
        marked_percent = _max(marked_percent, a.percent)
        if a.passes(pass_percent):
            if _better(a, passed):
                passed = a
            if first_pass is None or a.sent < first_pass:
                first_pass = a.sent
        elif _better(a, marked):
            marked = a
    state = state_of(passed=passed is not None, waiting=waiting is not None,
                     marked=marked is not None)
    if state is State.NOT_STARTED:
        return NOT_STARTED
    return Standing(state, best_percent, marked_percent, first_pass,
                    passed or marked or waiting)


def aware(value: Any) -> datetime:
    """A time as the database driver gave it, as an aware datetime: SQLite gives a naive
    datetime or ISO text in UTC, PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
