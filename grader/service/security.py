"""Security headers (a Content Security Policy per part of the site) and API token sign-in."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from grader.service.api_errors import error
from grader.service.models import ApiToken, User
from grader.service.models.people import hash_token

SERVICE_PREFIXES = ("/academy/", "/api/")
LITE_PREFIX = "/lite/"

_COMMON = (
    "default-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; object-src 'none'; "
    "form-action 'self'; base-uri 'self'"
)
SERVICE_CSP = f"{_COMMON}; script-src 'self'; style-src 'self'"
"""The academy's own pages: no inline script or style at all."""
SITE_CSP = (
    f"{_COMMON}; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; worker-src 'self' blob:"
)
"""Course pages: mkdocs-material writes small inline scripts (palette, search config)."""
LITE_CSP = (
    f"{_COMMON}; script-src 'self' 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval' blob:; "
    "style-src 'self' 'unsafe-inline'; worker-src 'self' blob:"
)
"""JupyterLite and Pyodide evaluate code they generate; this looser policy is scoped to /lite/."""


PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"


def policy_for(path: str) -> str:
    if path.startswith(SERVICE_PREFIXES):
        return SERVICE_CSP
    if path.startswith(LITE_PREFIX):
        return LITE_CSP
    return SITE_CSP


class SecurityHeadersMiddleware:
    """Adds a Content Security Policy to every response that has not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", policy_for(request.path))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


TOKEN_SCHEME = "Token"


def user_for_token(header: str) -> User | None:
    scheme, _, key = header.partition(" ")
    if scheme != TOKEN_SCHEME or not key.strip():
        return None
    token = ApiToken.objects.select_related("user").filter(digest=hash_token(key.strip())).first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


class TokenAuthenticationMiddleware:
    """`Authorization: Token <key>` signs an API request in as the token's owner.

    Such a request carries no cookie, so CSRF checks (which protect cookie sessions) are off
    for it. A header with a wrong token is refused outright rather than treated as anonymous.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if header and request.path.startswith("/api/"):
            user = user_for_token(header)
            if user is None:
                return error(401, "The API token is not valid. Ask for a new one.")
            request.user = user
            request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        return self.get_response(request)
