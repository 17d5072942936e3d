"""Sign-in throttling: too many failed attempts for one account, or from one address, within
a window, and further attempts are refused until the window has passed.

NCSC guidance for online services: throttle rather than lock for good, so that an attacker
cannot shut a member of staff out for long. Failures are stored in the database (so every
server process sees them) as keyed hashes of the account name and the address, never the
email address or IP address themselves, and are deleted once older than the window.

Checked in two places: the academy's sign-in form, which tells the person what happened, and
an authentication backend, so that the admin site's sign-in is throttled too.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from grader.service.models import SignInFailure

ACCOUNT, ADDRESS = "account", "address"


def _limits() -> dict[str, int]:
    return {ACCOUNT: settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT,
            ADDRESS: settings.SIGNIN_MAX_FAILURES_PER_ADDRESS}


def _window() -> timedelta:
    return timedelta(minutes=settings.SIGNIN_WINDOW_MINUTES)


def _digest(kind: str, value: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def account_digest(username: str) -> str:
    """The key under which an account's failures are counted."""
    return _digest(ACCOUNT, username.strip().lower())


def _keys(request: HttpRequest | None, username: str | None) -> dict[str, str]:
    keys = {}
    if username:
        keys[ACCOUNT] = account_digest(username)
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    if address and settings.SIGNIN_MAX_FAILURES_PER_ADDRESS > 0:
        keys[ADDRESS] = _digest(ADDRESS, address)
    return keys


def throttled(request: HttpRequest | None, username: str | None) -> str | None:
    """Which limit this attempt is over (`account` or `address`), or None."""
    since = timezone.now() - _window()
    limits = _limits()
    for kind, key in _keys(request, username).items():
        count = SignInFailure.objects.filter(kind=kind, key=key, at__gte=since).count()
        if count >= limits[kind]:
            return kind
    return None


@receiver(user_login_failed)
def record_failure(sender: object, credentials: dict, request: HttpRequest | None = None,
                   **kwargs: object) -> None:
    username = credentials.get("username")
    if throttled(request, username):
        return  # refused attempts do not extend the wait
    now = timezone.now()
    SignInFailure.objects.filter(at__lt=now - _window()).delete()
    SignInFailure.objects.bulk_create(
        SignInFailure(kind=kind, key=key, at=now)
        for kind, key in _keys(request, username).items())


@receiver(user_logged_in)
def clear_account_failures(sender: object, request: HttpRequest | None, user: object,
                           **kwargs: object) -> None:
    keys = _keys(None, user.get_username())  # type: ignore[attr-defined]
    SignInFailure.objects.filter(kind=ACCOUNT, key=keys[ACCOUNT]).delete()


class ThrottledModelBackend(ModelBackend):
    """Django's backend, refusing every attempt (even a right password) while throttled."""

    def authenticate(self, request, username=None, password=None, **kwargs):  # type: ignore[no-untyped-def]
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if throttled(request, username):
            raise PermissionDenied("too many failed sign-in attempts")
        return super().authenticate(request, username=username, password=password, **kwargs)


class SignInForm(AuthenticationForm):
    """The academy's sign-in form: says plainly when attempts are being refused."""

    error_messages = {
        "invalid_login": "Enter a correct email address and password. The password is "
                         "case-sensitive.",
        "inactive": "This account has been closed. Ask the academy team if you need it.",
        "throttled_account": (
            "There have been too many failed attempts to sign in to this account. Wait "
            "%(minutes)d minutes, then try again. If you have forgotten your password, ask "
            "your manager or the academy team to reset it."),
        "throttled_address": (
            "There have been too many failed attempts to sign in from your network. Wait "
            "%(minutes)d minutes, then try again."),
    }

    def clean(self):  # type: ignore[no-untyped-def]
        limit = throttled(self.request, self.cleaned_data.get("username"))
        if limit is not None:
            raise ValidationError(self.error_messages[f"throttled_{limit}"],
                                  code=f"throttled_{limit}",
                                  params={"minutes": settings.SIGNIN_WINDOW_MINUTES})
        return super().clean()
