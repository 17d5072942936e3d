"""Invitations: a single-use link, sent by email, to set a first password.

`import_cohort --invite` invites each person new to the academy; `grader manage invite
<email>` and the admin site's "Send an invitation" send one again. Sending again makes a new
link and ends the earlier ones. A link works once, for `ACADEMY_INVITATION_DAYS` (7) days.
Only a SHA-256 digest of the link's secret is stored. Email goes through Django's SMTP
backend, configured from the environment (settings.py).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from grader.service.models import Invitation, User

log = logging.getLogger(__name__)

TOKEN_BYTES = 32


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    url: str
    """The link as sent (the only place its secret exists)."""


def create(user: User, *, base_url: str | None = None) -> SentInvitation:
    """A new link for the person; their earlier unused links stop working."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(user=user, used_at__isnull=True).delete()
        invitation = Invitation.objects.create(
            user=user, digest=_digest(token), created_at=now,
            expires_at=now + timedelta(days=settings.ACADEMY_INVITATION_DAYS))
    base = (base_url or settings.ACADEMY_BASE_URL).rstrip("/")
    return SentInvitation(invitation, base + reverse("invitation", args=[token]))


def send(user: User, *, base_url: str | None = None) -> SentInvitation:
    """Create a link and email it; raises OSError (smtplib's errors included) if the mail
    server refuses it, leaving the new link in place to be sent again."""
    sent = create(user, base_url=base_url)
    context = {"user": user, "url": sent.url, "expires_at": sent.invitation.expires_at,
               "days": settings.ACADEMY_INVITATION_DAYS, "contact": settings.ACADEMY_CONTACT}
    subject = render_to_string("academy/email/invitation_subject.txt", context).strip()
    body = render_to_string("academy/email/invitation.txt", context)
    send_mail(subject, body, None, [user.email])
    log.info("invitation %s sent to person %s", sent.invitation.pk, user.pk)
    return sent


def send_many(users: list[User], *, base_url: str | None = None) -> tuple[list[User], list[User]]:
    """Invite each person; return (sent, not sent) so a failure loses no one."""
    done, failed = [], []
    for user in users:
        try:
            send(user, base_url=base_url)
        except OSError as exc:
            log.error("invitation to person %s not sent: %s", user.pk, exc)
            failed.append(user)
        else:
            done.append(user)
    return done, failed


def find(token: str) -> Invitation | None:
    """The invitation for this link, if it is still unused and in date."""
    return (Invitation.objects.select_related("user")
            .filter(digest=_digest(token), used_at__isnull=True, expires_at__gt=timezone.now(),
                    user__is_active=True).first())


def mark_used(invitation: Invitation) -> None:
    """Called in the same transaction as the password is set: the link never works again."""
    Invitation.objects.filter(user=invitation.user).update(used_at=timezone.now())
