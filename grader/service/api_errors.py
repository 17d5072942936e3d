"""Every error under /api/ is the documented JSON: `{"error": "<one plain sentence>"}`.

The views answer their own errors with `error()`. What comes from elsewhere is turned into
the same shape here: Django's 404, 405, 400 and 500 pages by `ApiErrorMiddleware`, CSRF
failures by `csrf_failure`, and the web server's own refusals (a body far over the limit,
refused before it is read) by `server_error_body`, which `webserver.py` uses.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.csrf import csrf_failure as django_csrf_failure

from grader.autograde.precheck import too_large_message
from grader.service.notebooks import grading_limits

API_PREFIX = "/api/"
MULTIPART_ALLOWANCE = 64 * 1024
"""Bytes a multipart form adds around the notebook (field names, boundaries, exercise id)."""
JSON_TYPE = "application/json"

MESSAGES = {
    400: "The request could not be read. Send the fields the API documentation describes.",
    403: "You are not allowed to do that.",
    404: "There is nothing at this address. Check it against the API documentation.",
    408: "The request took too long to arrive. Please try again.",
    431: "The request headers are too large.",
    500: "Something went wrong on our side. Please try again in a minute; if it keeps "
         "happening, tell the academy team.",
    501: "The server does not support this kind of request.",
}
CSRF_MESSAGE = (
    "The request was refused because it did not carry this page's security token (CSRF). "
    "Reload the page and try again; scripts should send an API token instead."
)


def is_api(path: str) -> bool:
    return path.startswith(API_PREFIX)


def max_body_bytes() -> int:
    """The largest request body the service reads: the notebook limit plus the form."""
    return settings.ACADEMY_MAX_NOTEBOOK_BYTES + MULTIPART_ALLOWANCE


def oversize_message(size: int | None) -> str:
    return too_large_message(size, grading_limits())


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def message_for(status: int, response: HttpResponse | None = None,
                request: HttpRequest | None = None) -> str:
    if status == 405 and response is not None and request is not None:
        allowed = response.headers.get("Allow", "")
        return (f"This address does not accept {request.method} requests; it accepts "
                f"{allowed or 'none'}.")
    if status == 413:
        return oversize_message(None)
    return MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])


class ApiErrorMiddleware:
    """Turns any error response under /api/ that is not already JSON into the documented JSON
    (Django's 404 and 500 pages, the empty 405 of `require_http_methods`, ...). First in
    MIDDLEWARE, so it sees what every other layer answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (not is_api(request.path) or response.status_code < 400
                or response.headers.get("Content-Type", "").startswith(JSON_TYPE)):
            return response
        replaced = error(response.status_code,
                         message_for(response.status_code, response, request))
        for header in ("Allow", "Retry-After"):
            if header in response.headers:
                replaced.headers[header] = response.headers[header]
        return replaced


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: JSON under /api/, Django's own page elsewhere."""
    if is_api(request.path):
        return error(403, CSRF_MESSAGE)
    return django_csrf_failure(request, reason=reason)


def server_error_body(status: int, content_length: int | None) -> bytes:
    """The JSON body of an error the web server answers itself, before Django sees the
    request (`webserver.JsonErrorTask`)."""
    message = oversize_message(content_length or None) if status == 413 else message_for(status)
    return json.dumps({"error": message}).encode()
