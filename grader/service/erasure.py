"""Erasure: a learner asks (`POST /api/v1/me/erasure-request`); an admin approves it, or
refuses it with a reason the learner sees (apprenticeship evidence may have to be kept).

On approval `erase_person` deletes the account and everything that hangs from it, and keeps
the request as the record that an erasure happened: no person linked, no note, and only
counts that identify no one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from grader.service import signin, staff
from grader.service.models import (
    AccessEvent,
    ErasureRequest,
    ErasureStatus,
    Mark,
    SignInFailure,
    StudyProgress,
    Submission,
    User,
)

log = logging.getLogger(__name__)

MAX_NOTE_CHARS = 2000


class ErasureError(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def request_erasure(user: User, note: str = "") -> ErasureRequest:
    """Ask for erasure; asking again while a request waits returns the waiting one."""
    if len(note) > MAX_NOTE_CHARS:
        raise ErasureError(f"The note is {len(note)} characters long; the most is "
                           f"{MAX_NOTE_CHARS}.")
    with transaction.atomic():
        pending = ErasureRequest.objects.filter(
            learner=user, status=ErasureStatus.PENDING).first()
        if pending is not None:
            return pending
        req = ErasureRequest.objects.create(
            learner=user, requested_at=timezone.now(), note=note.strip())
    log.info("person %s asked for erasure (request %s)", user.pk, req.pk)
    return req


def refuse(req: ErasureRequest, *, by: User, reason: str) -> ErasureRequest:
    """Refuse, saying why: the learner reads the reason on their data page."""
    if not reason.strip():
        raise ErasureError("Give the reason for refusing: the learner will read it.")
    if req.status != ErasureStatus.PENDING:
        raise ErasureError(f"Request {req.pk} has already been decided.", status=409)
    req.status = ErasureStatus.REFUSED
    req.refusal_reason = reason.strip()
    req.decided_by = by
    req.decided_at = timezone.now()
    req.save()
    log.info("erasure request %s refused by %s", req.pk, by.pk)
    return req


def approve(req: ErasureRequest, *, by: User) -> ErasureRequest:
    """Erase the learner now, and keep the request as the record that it happened."""
    if req.status != ErasureStatus.PENDING or req.learner is None:
        raise ErasureError(f"Request {req.pk} has already been decided.", status=409)
    counts = erase_person(req.learner)
    req.refresh_from_db()
    req.status = ErasureStatus.ERASED
    req.decided_by = by if by.pk else None
    req.decided_at = timezone.now()
    req.erased_counts = counts
    req.save()
    log.info("erasure request %s approved by %s: %s", req.pk, by.pk, counts)
    return req


def _counts(user: User) -> dict[str, int]:
    """What is about to go, counted (the only thing kept about it)."""
    return {
        "submissions": Submission.objects.filter(learner=user).count(),
        "marks": Mark.objects.filter(submission__learner=user).count(),
        "access_log_entries": AccessEvent.objects.filter(learner=user).count(),
        "self_study_records": StudyProgress.objects.filter(user=user).count(),
        "cohorts": (user.learner_cohorts.count() + user.managed_cohorts.count()
                    + user.tutored_cohorts.count()),
    }


def _sessions(user: User) -> None:
    """Sessions are stored encoded: decode each to find the person's."""
    keys = [s.session_key for s in Session.objects.iterator()
            if s.get_decoded().get("_auth_user_id") == str(user.pk)]
    Session.objects.filter(session_key__in=keys).delete()


def _admin_history(user: User) -> None:
    """The admin site's history names people in its text: remove every entry about them."""
    about = Q(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk))
    subs = [str(pk) for pk in Submission.objects.filter(learner=user).values_list("pk", flat=True)]
    about |= Q(content_type=ContentType.objects.get_for_model(Submission), object_id__in=subs)
    for text in {user.email, user.username, user.get_full_name()} - {""}:
        about |= Q(object_repr__icontains=text) | Q(change_message__icontains=text)
    LogEntry.objects.filter(about).delete()


def _sign_in_failures(user: User) -> None:
    digests = {signin.account_digest(name) for name in (user.username, user.email) if name}
    SignInFailure.objects.filter(kind=signin.ACCOUNT, key__in=digests).delete()


def _staff_list(user: User) -> None:
    staff.forget(user.email)


def _requests(user: User) -> None:
    ErasureRequest.objects.filter(learner=user).update(note="", refusal_reason="")


def _account(user: User) -> None:
    """The account and all that cascades from it: submissions (notebooks, grades, feedback,
    marks, marking history), tokens, invitations, self-study records, access-log entries
    about them, cohort places. Marks they gave and looks they took lose their name."""
    user.delete()


ERASE_STEPS: tuple[Callable[[User], None], ...] = (
    _sessions, _admin_history, _sign_in_failures, _staff_list, _requests, _account)
"""Order: everything that finds the person by id, email or name must run before the
account goes (`_admin_history` needs the submission ids; the rest need the email)."""


def erase_person(user: User) -> dict[str, int]:
    """Delete the person and their work; return the counts kept in the erasure record."""
    with transaction.atomic():
        counts = _counts(user)
        for step in ERASE_STEPS:
            step(user)
        transaction.on_commit(_checkpoint)
    return counts


def _checkpoint() -> None:
    """SQLite overwrites deleted rows (secure_delete, settings.py), but its write-ahead log
    may still hold old copies of the pages: copy it back and empty it, once committed."""
    if connection.vendor != "sqlite":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy = cursor.fetchone()[0]
    except OperationalError as exc:
        busy = str(exc)
    if busy:
        log.warning("after an erasure the database's write-ahead log could not be emptied "
                    "(%s); SQLite empties it at its next checkpoint", busy)
