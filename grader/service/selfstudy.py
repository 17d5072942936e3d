"""Self-study progress kept on the server, for people who choose it.

Progress lives in the browser (docs/assets/js/progress.js) unless a signed-in person opts
in. Then each page of the course site sends what the browser holds, the server merges it
with what it has (a state is never lowered), and the browser takes the merged result: the
same progress on every device. Opting out deletes the server's copy. Nobody else can read
a person's records: managers and academy leads see only counts (grader/service/uptake.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from grader.service import staff
from grader.service.models import StudyProgress, User

log = logging.getLogger(__name__)

RANK = {"started": 1, "answered": 1, "read": 2, "done": 2, "right": 2}
"""As progress.js: "done" (an exercise's checks pass), "read" (a lesson) and "right" (a quiz
question answered correctly) are never lowered."""
STATES = {"lesson": frozenset({"read"}), "exercise": frozenset({"started", "done"}),
          "quiz": frozenset({"answered", "right"})}
_SLUG = r"[a-z0-9][a-z0-9-]*"
KEY = re.compile(rf"^(?:(lesson|exercise):{_SLUG}(?:/{_SLUG})?|(quiz):{_SLUG}/{_SLUG}/{_SLUG})$")
"""progress.js's keys: "lesson:<track>/<lesson>", "exercise:<id>" and (quiz.js)
"quiz:<track>/<lesson>/<question>"."""
SYNC_COOKIE = "academy_keeps_progress"
"""Set (to "1") while the signed-in person keeps progress on the server: progress.js calls
the API only when it sees it, so nobody else's browser ever asks."""
MAX_ITEMS = 2000
"""More keys than the whole catalogue has, many times over: a bigger body is refused."""


class ProgressError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_items(items: object) -> dict[str, str]:
    """The `items` object progress.js keeps, checked: every key and state must be one of its."""
    if not isinstance(items, dict):
        raise ProgressError("Send {\"items\": {<key>: <state>}}, as the course site keeps it.")
    if len(items) > MAX_ITEMS:
        raise ProgressError(f"Send at most {MAX_ITEMS} items; this has {len(items)}.")
    for key, state in items.items():
        match = KEY.match(key) if isinstance(key, str) else None
        if match is None:
            raise ProgressError(f"'{key}' is not a lesson, exercise or quiz key.")
        kind = match.group(1) or match.group(2)
        if state not in STATES[kind]:
            raise ProgressError(f"'{state}' is not a state of {key}: use one of "
                                f"{', '.join(sorted(STATES[kind]))}.")
    return items


def items_of(user: User) -> dict[str, str]:
    return dict(StudyProgress.objects.filter(user=user).values_list("key", "state"))


@transaction.atomic
def merge(user: User, items: object) -> dict[str, str]:
    """Add the browser's items to the person's records (a state is never lowered); return
    everything the server holds, for the browser to take."""
    if user.keeps_progress_since is None:
        raise ProgressError("Choose to keep your progress on the server first.")
    now = timezone.now()
    held = {p.key: p for p in StudyProgress.objects.select_for_update().filter(user=user)}
    new = []
    for key, state in check_items(items).items():
        row = held.get(key)
        if row is None:
            new.append(StudyProgress(user=user, key=key, state=state, first_at=now,
                                     updated_at=now))
        elif RANK[state] > RANK[row.state]:
            row.state, row.updated_at = state, now
            row.save(update_fields=["state", "updated_at"])
    StudyProgress.objects.bulk_create(new)
    return items_of(user)


def opt_in(user: User) -> None:
    if user.keeps_progress_since is None:
        user.keeps_progress_since = timezone.now()
        user.save(update_fields=["keeps_progress_since"])
        log.info("person %s keeps self-study progress on the server", user.pk)
    staff.fill_area(user)


@transaction.atomic
def opt_out(user: User) -> int:
    """Stop keeping progress on the server and delete what it held; return how many went."""
    deleted, _ = StudyProgress.objects.filter(user=user).delete()
    user.keeps_progress_since = None
    user.save(update_fields=["keeps_progress_since"])
    log.info("person %s stopped keeping self-study progress (%d records deleted)",
             user.pk, deleted)
    return deleted


class ProgressCookieMiddleware:
    """Keeps SYNC_COOKIE in step with the signed-in person's choice on every service page
    (the course site's own files are served before this, and never touch it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        wanted = bool(user is not None and user.is_authenticated
                      and user.keeps_progress_since is not None)
        has = request.COOKIES.get(SYNC_COOKIE) == "1"
        if wanted and not has:
            response.set_cookie(SYNC_COOKIE, "1", max_age=settings.SESSION_COOKIE_AGE,
                                secure=settings.SESSION_COOKIE_SECURE, samesite="Lax")
        elif has and not wanted:
            response.delete_cookie(SYNC_COOKIE, samesite="Lax")
        return response
