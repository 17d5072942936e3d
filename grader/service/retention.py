"""Retention: what the academy keeps, and for how long (the privacy notice says the same).

- A learner's submissions (notebooks, grades, feedback, marks and their history) go
  `ACADEMY_RETAIN_WORK_DAYS` after the learner leaves their last cohort: the latest end date
  of their cohorts, or the day they were taken out of the last one. A learner still in a
  cohort that has not ended keeps everything.
- Entries of "who looked at my work" go `ACADEMY_RETAIN_ACCESS_LOG_DAYS` after they were made.
- Invitations go once used or out of date; failed sign-ins once out of the throttling window.

`plan` says what would go (`grader manage retention --dry-run`); `apply` deletes it. A
django-q2 schedule runs `apply` every day (`ensure_schedule`, called by `grader serve`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone

from grader.service.models import (
    AccessEvent,
    Cohort,
    Invitation,
    SignInFailure,
    Submission,
    User,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionPlan:
    """What is past its retention period at `now`."""

    now: datetime
    learners: tuple[int, ...]
    """Ids of the learners whose work is past its period."""
    submissions: int
    access_log_entries: int
    invitations: int
    sign_in_failures: int

    def lines(self) -> list[str]:
        return [
            f"Retention at {timezone.localtime(self.now):%Y-%m-%d %H:%M}:",
            f"  submissions (with notebooks, grades, feedback and marks): {self.submissions}, "
            f"of {len(self.learners)} learner(s) who left their last cohort more than "
            f"{settings.ACADEMY_RETAIN_WORK_DAYS} days ago",
            f"  'who looked at my work' entries older than "
            f"{settings.ACADEMY_RETAIN_ACCESS_LOG_DAYS} days: {self.access_log_entries}",
            f"  invitations used or out of date: {self.invitations}",
            f"  failed sign-ins older than {settings.SIGNIN_WINDOW_MINUTES} minutes: "
            f"{self.sign_in_failures}",
        ]


def left_at(user: User, today_start: datetime) -> datetime | None:
    """When the learner left their last cohort; None while a cohort of theirs is running."""
    dates = []
    for cohort in user.learner_cohorts.all():
        if cohort.ended_on is None:
            return None
        ended = timezone.make_aware(datetime.combine(cohort.ended_on, time.max))
        if ended >= today_start:
            return None
        dates.append(ended)
    if user.left_cohorts_at is not None:
        dates.append(user.left_cohorts_at)
    if not dates:  # in no cohort and no date kept: count from their last submission
        last = user.submissions.order_by("-created_at").values_list("created_at", flat=True)
        dates += list(last[:1])
    return max(dates, default=None)


def _expired_learners(now: datetime) -> tuple[int, ...]:
    cutoff = now - timedelta(days=settings.ACADEMY_RETAIN_WORK_DAYS)
    today_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    learners = (User.objects.filter(submissions__isnull=False).distinct()
                .prefetch_related("learner_cohorts"))
    return tuple(sorted(u.pk for u in learners
                        if (when := left_at(u, today_start)) is not None and when < cutoff))


def _querysets(now: datetime, learners: tuple[int, ...]) -> dict[str, QuerySet[Any]]:
    log_cutoff = now - timedelta(days=settings.ACADEMY_RETAIN_ACCESS_LOG_DAYS)
    window = now - timedelta(minutes=settings.SIGNIN_WINDOW_MINUTES)
    return {
        "submissions": Submission.objects.filter(learner__in=learners),
        "access_log_entries": AccessEvent.objects.filter(at__lt=log_cutoff),
        "invitations": Invitation.objects.filter(Q(used_at__isnull=False)
                                                 | Q(expires_at__lte=now)),
        "sign_in_failures": SignInFailure.objects.filter(at__lt=window),
    }


def plan(now: datetime | None = None) -> RetentionPlan:
    now = now or timezone.now()
    learners = _expired_learners(now)
    counts = {name: qs.count() for name, qs in _querysets(now, learners).items()}
    return RetentionPlan(now=now, learners=learners, **counts)


def apply(now: datetime | None = None) -> RetentionPlan:
    """Delete everything past its period; return what went."""
    found = plan(now)
    with transaction.atomic():
        for qs in _querysets(found.now, found.learners).values():
            qs.delete()
    log.info("retention applied: %s", " ".join(found.lines()[1:]))
    return found


def run_scheduled() -> str:
    """The daily task: its return value is kept in django-q2's log of tasks."""
    return "; ".join(line.strip() for line in apply().lines()[1:])


def ensure_schedule() -> None:
    """Run retention once a day on whichever worker's scheduler is free."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name="academy-retention",
        defaults={"func": "grader.service.retention.run_scheduled",
                  "schedule_type": Schedule.DAILY, "repeats": -1},
    )


@receiver(m2m_changed, sender=Cohort.learners.through)
def note_leaving(sender: object, instance: object, action: str, reverse: bool,
                 pk_set: set[int] | None, **kwargs: object) -> None:
    """Keep the day a learner is taken out of their last cohort; clear it when they join one."""
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    if reverse:  # user.learner_cohorts.add/remove(...): the instance is the learner
        ids = {instance.pk}  # type: ignore[attr-defined]
    elif action == "pre_clear":  # cohort.learners.clear(): remember who is about to go
        instance._clearing = set(instance.learners.values_list("pk", flat=True))  # type: ignore[attr-defined]
        return
    elif action == "post_clear":
        ids = getattr(instance, "_clearing", set())
    else:
        ids = set(pk_set or ())
    if action == "post_add":
        User.objects.filter(pk__in=ids).update(left_cohorts_at=None)
        return
    gone = User.objects.filter(pk__in=ids, learner_cohorts__isnull=True)
    gone.update(left_cohorts_at=timezone.now())
