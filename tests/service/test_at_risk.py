"""The at-risk rule: no work for the idle days, or too many exercises needing work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from grader.service.at_risk import AtRiskRule, at_risk
from grader.service.progress import CohortProgress, LearnerRow
from grader.service.states import NOT_STARTED, Standing, State

NOW = datetime(2026, 3, 30, 12, tzinfo=UTC)
RULE = AtRiskRule(idle_days=14, needs_work=2)
NEEDS_WORK = Standing(State.NEEDS_WORK, 10.0, 10.0, None)


class Person:
    def __init__(self, name: str) -> None:
        self.display_name = name


def row(name: str, *cells: Standing, days_ago: int | None) -> LearnerRow:
    last = None if days_ago is None else NOW - timedelta(days=days_ago)
    return LearnerRow(Person(name), cells, last)  # type: ignore[arg-type]


def test_rule_picks_idle_never_started_and_struggling_learners() -> None:
    rows = (
        row("Active", NOT_STARTED, NEEDS_WORK, days_ago=3),
        row("Idle", NOT_STARTED, days_ago=14),
        row("Never", NOT_STARTED, days_ago=None),
        row("Struggling", NEEDS_WORK, NEEDS_WORK, days_ago=1),
    )
    found = at_risk(CohortProgress(None, (), rows), RULE, NOW)  # type: ignore[arg-type]
    assert [(r.row.learner.display_name, r.reasons) for r in found] == [
        ("Idle", ("has sent no work for 14 days (last on 16 March 2026)",)),
        ("Never", ("has not sent any work yet",)),
        ("Struggling", ("2 exercises need work",)),
    ]


def test_rule_is_explained_with_its_settings() -> None:
    assert AtRiskRule(21, 3).explanation == (
        "A learner is on this list when they have sent no work in the last 21 days, "
        "or when 3 or more of their exercises need work.")
