"""Template context for every academy page: what the header's navigation should offer."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from grader.service import access


def academy_nav(request: HttpRequest) -> dict[str, Any]:
    """Callables, so a page that never shows the header never runs their queries."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav_learns": lambda: user.learner_cohorts.exists(),
        "nav_oversees": lambda: access.overseen_cohorts(user).exists(),
        "nav_tutors": lambda: access.cohorts_tutored(user).exists(),
    }
