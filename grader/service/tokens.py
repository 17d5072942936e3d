"""API tokens: issued once, stored only as a digest."""

from __future__ import annotations

import secrets

from grader.service.models import ApiToken, User
from grader.service.models.people import hash_token


class UnknownUser(Exception):
    pass


def issue_token(email: str, *, label: str = "") -> str:
    """Create a token for the user with this email and return its key (shown only once)."""
    user = User.objects.filter(email__iexact=email.strip()).first() or User.objects.filter(
        username__iexact=email.strip()).first()
    if user is None:
        raise UnknownUser(f"There is no user with the email address '{email}'.")
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=hash_token(key), prefix=key[:8], label=label)
    return key
