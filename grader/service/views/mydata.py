"""The Data Charter's promises to each person: see and download what the academy holds about
them, who looked at their work, erasure, the privacy notice, and self-study progress kept on
the server if they choose. Every page and endpoint here shows the signed-in person their own
data and nobody else's.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grader.service import access, access_log, data_export, erasure, selfstudy
from grader.service.models import ErasureRequest, ErasureStatus
from grader.service.views.api import error

SIGN_IN = "Sign in, or send an API token, to use this."
ACCESS_LOG_ON_PAGE = 200
"""Entries shown on the page; the API and the download have them all."""


def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice: open to everyone, signed in or not."""
    return render(request, "academy/privacy.html", {
        "work_days": settings.ACADEMY_RETAIN_WORK_DAYS,
        "log_days": settings.ACADEMY_RETAIN_ACCESS_LOG_DAYS,
        "invitation_days": settings.ACADEMY_INVITATION_DAYS,
        "signin_minutes": settings.SIGNIN_WINDOW_MINUTES,
        "small_number": settings.ACADEMY_SMALL_NUMBER,
        "contact": settings.ACADEMY_CONTACT, "contact_email": settings.ACADEMY_CONTACT_EMAIL,
    })


@login_required
@require_GET
def data_page(request: HttpRequest) -> HttpResponse:
    """Your data: download it, who looked at your work, and erasure."""
    user = access.signed_in(request)
    events = access_log.events_for(user)
    return render(request, "academy/my_data.html", {
        "events": events[:ACCESS_LOG_ON_PAGE], "event_count": events.count(),
        "requests": ErasureRequest.objects.filter(learner=user),
        "pending": ErasureRequest.objects.filter(
            learner=user, status=ErasureStatus.PENDING).exists(),
        "statuses": ErasureStatus, "contact": settings.ACADEMY_CONTACT,
        "max_note": erasure.MAX_NOTE_CHARS,
    })


@login_required
@require_POST
def erasure_form(request: HttpRequest) -> HttpResponse:
    user = access.signed_in(request)
    try:
        erasure.request_erasure(user, request.POST.get("note", ""))
    except erasure.ErasureError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "We have your request to erase your data. An admin will "
                                  "decide, and you will see the decision on this page.")
    return redirect(reverse("my-data") + "#erasure")


def _download(built: data_export.BuiltExport) -> HttpResponse:
    response = HttpResponse(built.data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{built.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def api_export(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return error(401, SIGN_IN)
    return _download(data_export.build_export(request.user))


@require_GET
def api_access_log(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return error(401, SIGN_IN)
    return JsonResponse({"entries": [access_log.serialise(e)
                                     for e in access_log.events_for(request.user)]})


def _erasure_json(req: ErasureRequest) -> dict[str, object]:
    return {"id": req.pk, "status": req.status, "requested_at": req.requested_at.isoformat(),
            "decided_at": req.decided_at.isoformat() if req.decided_at else None,
            "refusal_reason": req.refusal_reason, "page_url": reverse("my-data")}


@require_http_methods(["POST"])
def api_erasure_request(request: HttpRequest) -> JsonResponse:
    """Ask for erasure. JSON `{"note": "..."}` or a form; the note is optional."""
    if not request.user.is_authenticated:
        return error(401, SIGN_IN)
    note = request.POST.get("note", "")
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return error(400, "The body is not JSON.")
        note = body.get("note", "") if isinstance(body, dict) else ""
        if not isinstance(note, str):
            return error(400, "'note' must be text.")
    before = ErasureRequest.objects.filter(
        learner=request.user, status=ErasureStatus.PENDING).exists()
    try:
        req = erasure.request_erasure(request.user, note)
    except erasure.ErasureError as exc:
        return error(exc.status, exc.message)
    return JsonResponse(_erasure_json(req), status=200 if before else 201)


@login_required
@require_http_methods(["GET", "POST"])
def self_study(request: HttpRequest) -> HttpResponse:
    """Choose whether to keep self-study progress on the server, and see what it holds."""
    user = access.signed_in(request)
    if request.method == "POST":
        if request.POST.get("keep") == "yes":
            selfstudy.opt_in(user)
            messages.success(request, "Your progress will be kept on the server. Open any "
                                      "course page in this browser to send it what you have.")
        else:
            deleted = selfstudy.opt_out(user)
            messages.success(request, f"Your progress is no longer kept on the server. "
                                      f"{deleted} record{'s' if deleted != 1 else ''} deleted.")
        return redirect("self-study")
    return render(request, "academy/self_study.html", {
        "items": sorted(selfstudy.items_of(user).items())})


@require_http_methods(["GET", "POST"])
def api_progress(request: HttpRequest) -> JsonResponse:
    """GET: what the server keeps. POST `{"items": {...}}`: merge, and get everything back."""
    if not request.user.is_authenticated:
        return error(401, SIGN_IN)
    user = access.signed_in(request)
    if request.method == "POST":
        try:
            body = json.loads(request.body or b"{}")
            items = selfstudy.merge(user, body.get("items") if isinstance(body, dict) else None)
        except ValueError:
            return error(400, "The body is not JSON.")
        except selfstudy.ProgressError as exc:
            return error(409 if user.keeps_progress_since is None else 400, exc.message)
    else:
        items = selfstudy.items_of(user)
    return JsonResponse({"keeps_progress": user.keeps_progress_since is not None,
                         "items": items, "page_url": reverse("self-study"),
                         "csrf_token": get_token(request)})
