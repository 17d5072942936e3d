"""The managers' at-risk list: learners who may need a conversation.

The rule, set in settings and shown on the cohort page in the same words: a learner is at
risk when they have sent no work for `ACADEMY_AT_RISK_IDLE_DAYS` days (14), or when
`ACADEMY_AT_RISK_NEEDS_WORK` (2) or more of their exercises need work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from grader.service.progress import CohortProgress, LearnerRow


@dataclass(frozen=True)
class AtRiskRule:
    idle_days: int
    """No submission in this many days."""
    needs_work: int
    """This many exercises or more in the state "needs work"."""

    @classmethod
    def from_settings(cls) -> AtRiskRule:
        return cls(settings.ACADEMY_AT_RISK_IDLE_DAYS, settings.ACADEMY_AT_RISK_NEEDS_WORK)

    @property
    def explanation(self) -> str:
        return (f"A learner is on this list when they have sent no work in the last "
                f"{self.idle_days} days, or when {self.needs_work} or more of their "
                f"exercises need work.")


@dataclass(frozen=True)
class AtRisk:
    """One learner on the list, with every reason that put them there."""

    row: LearnerRow
    reasons: tuple[str, ...]


def _reasons(row: LearnerRow, rule: AtRiskRule, now: datetime) -> tuple[str, ...]:
    reasons = []
    last = row.last_submitted_at
    if last is None:
        reasons.append("has not sent any work yet")
    elif now - last >= timedelta(days=rule.idle_days):
        days = (now - last).days
        reasons.append(f"has sent no work for {days} days "
                       f"(last on {timezone.localtime(last):%-d %B %Y})")
    if row.needs_work >= rule.needs_work:
        reasons.append(f"{row.needs_work} exercises need work")
    return tuple(reasons)


def at_risk(progress: CohortProgress, rule: AtRiskRule,
            now: datetime | None = None) -> tuple[AtRisk, ...]:
    """The learners of the cohort the rule picks out, in the grid's order."""
    now = now or timezone.now()
    found = ((row, _reasons(row, rule, now)) for row in progress.rows)
    return tuple(AtRisk(row, reasons) for row, reasons in found if reasons)
