"""Who looked at my work: every time someone other than the learner opens the learner's
submission, feedback, written answer, marking history, KSB page or portfolio, one
`AccessEvent` records who, when and what. The learner reads the list on their pages and at
`GET /api/v1/me/access-log`; nobody else can read it (admins see only counts).

Views call `record` after the access check has let the viewer in, so a refused look (a 404)
is not recorded as a look.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from grader.service import access
from grader.service.models import AccessEvent, AccessKind, Role, Submission, User


def viewer_role(viewer: User, learner_id: int) -> str:
    """Why the viewer could see the learner's work, in one word."""
    if access.cohorts_tutored(viewer).filter(learners=learner_id).exists():
        return "tutor"
    if access.managed_cohorts(viewer).filter(learners=learner_id).exists() and not (
            viewer.role == Role.ADMIN or viewer.is_superuser):
        return "manager"
    return "admin"


def describe(sub: Submission) -> str:
    """What was opened, as the learner will read it: the exercise and when they sent it."""
    sent = timezone.localtime(sub.created_at)
    return f"{sub.exercise.title}, sent {sent:%-d %B %Y at %H:%M}"


def record(viewer: User, learner: User | int, kind: AccessKind, *,
           submission: Submission | None = None) -> AccessEvent | None:
    """Record that the viewer opened the learner's work; nothing when it is their own."""
    learner_id = learner if isinstance(learner, int) else learner.pk
    if not viewer.is_authenticated or viewer.pk == learner_id:
        return None
    return AccessEvent.objects.create(
        learner_id=learner_id, viewer=viewer, viewer_role=viewer_role(viewer, learner_id),
        at=timezone.now(), kind=kind, what=describe(submission) if submission else "",
        submission_id=submission.pk if submission else None)


def record_submission(viewer: User, sub: Submission, kind: AccessKind) -> AccessEvent | None:
    return record(viewer, sub.learner_id, kind, submission=sub)


def events_for(learner: User) -> QuerySet[AccessEvent]:
    """The learner's own list, newest first, with each viewer's name."""
    return AccessEvent.objects.filter(learner=learner).select_related("viewer")


def serialise(event: AccessEvent) -> dict[str, Any]:
    """One entry of `GET /api/v1/me/access-log`."""
    viewer = event.viewer
    return {
        "at": event.at.isoformat(),
        "who": viewer.display_name if viewer else None,
        "who_email": viewer.email if viewer else None,
        "role": event.viewer_role,
        "kind": event.kind,
        "what": event.get_kind_display() + (f": {event.what}" if event.what else ""),
        "submission": str(event.submission_id) if event.submission_id else None,
    }
