"""The JSON API under /api/v1/ (documented in docs/api.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from grader.service import access, access_log, intake, marking
from grader.service.api_errors import error, max_body_bytes, oversize_message
from grader.service.models import AccessKind, Exercise, Submission, User


def serialise(sub: Submission, *, viewer: User) -> dict[str, Any]:
    grade = getattr(sub, "grade", None)
    data: dict[str, Any] = {
        "id": str(sub.id),
        "url": reverse("api-submission", args=[sub.id]),
        "page_url": reverse("submission", args=[sub.id]),
        "exercise": {"id": sub.exercise_id, "title": sub.exercise.title},
        "learner": sub.learner.email if viewer.pk != sub.learner_id else None,
        "status": sub.status,
        "status_text": sub.get_status_display(),
        "finished": sub.finished,
        "created_at": sub.created_at.isoformat(),
        "finished_at": sub.finished_at.isoformat() if sub.finished_at else None,
        "attempts": sub.attempts,
        "score": None,
        "max_score": None,
        "percent": None,
        "automatic_score": None,
        "needs_manual_grading": False,
        "reason": "",
        "cells": [],
        "feedback_url": None,
        "graded_at": None,
    }
    if grade is not None:
        # A learner sees their tutor's marks once every written answer is marked; until then
        # their score is the automatic points. Tutors and managers see marks as they are given.
        released = viewer.pk != sub.learner_id or not sub.awaiting_marking
        marks = {m.grade_id: m for m in sub.marks.all()} if released else {}
        score = sub.total_score if released else grade.score
        data.update(
            score=score,
            automatic_score=grade.score,
            max_score=grade.max_score,
            percent=_percent(score, grade.max_score),
            needs_manual_grading=sub.awaiting_marking,
            reason=grade.reason,
            cells=[_cell(c, marks) for c in grade.cells],
            graded_at=grade.graded_at.isoformat(),
            feedback_url=reverse("feedback", args=[sub.id]) if grade.feedback_html else None,
        )
        if viewer.pk != sub.learner_id:
            data["flags"] = grade.flags
    return data


def _percent(score: float | None, max_score: float) -> int | None:
    return None if score is None or not max_score else round(100 * score / max_score)


def _cell(cell: dict[str, Any], marks: dict[str, Any]) -> dict[str, Any]:
    """A graded cell as the API shows it; a written answer (`kind: "manual"`) carries its
    mark and comment, or `score: null` until marked (or until the learner may see it)."""
    if cell.get("kind") != marking.WRITTEN:
        return cell
    mark = marks.get(cell["grade_id"])
    # Without a mark, the autograder's score: None, or 0 for an answer left as released.
    return {**cell, "score": mark.score if mark else cell.get("score"),
            "comment": mark.comment if mark else ""}


def _user(request: HttpRequest) -> User | None:
    """The signed-in user (by session or API token), or None for an anonymous visitor."""
    return request.user if isinstance(request.user, User) else None


@require_GET
def session(request: HttpRequest) -> JsonResponse:
    """What the submit widget needs: is the visitor signed in, and may they submit this?"""
    exercise_id = request.GET.get("exercise", "")
    user = _user(request)
    data: dict[str, Any] = {
        "signed_in": user is not None,
        "login_url": reverse("login"),
        "can_submit": False,
        "max_bytes": settings.ACADEMY_MAX_NOTEBOOK_BYTES,
    }
    if user is not None:
        data.update(name=user.display_name, csrf_token=get_token(request),
                    progress_url=reverse("me"))
        if exercise_id and access.can_submit(user, exercise_id):
            ex = Exercise.objects.get(pk=exercise_id)
            latest = (
                Submission.objects.filter(learner=user, exercise=ex)
                .select_related("grade", "exercise").prefetch_related("marks").first()
            )
            data.update(
                can_submit=True,
                exercise={"id": ex.pk, "title": ex.title},
                latest=serialise(latest, viewer=user) if latest else None,
            )
    return JsonResponse(data)


def _create(request: HttpRequest, user: User) -> JsonResponse:
    # Refuse an oversized body before Django reads it (waitress refuses it even earlier,
    # before reading it, with the same limit; this covers any other WSGI server).
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return error(400, "The Content-Length header is not a number.")
    if length > max_body_bytes():
        return error(413, oversize_message(length))
    upload = request.FILES.get("notebook")
    if upload is None:
        return error(400, "Send the notebook as a file in a form field called 'notebook'.")
    exercise_id = request.POST.get("exercise", "").strip()
    if not exercise_id:
        return error(400, "Say which exercise this is for in a form field called 'exercise'.")
    source = request.POST.get("source", "api")
    try:
        sub = intake.submit(intake.Upload(
            learner=user, exercise_id=exercise_id, data=upload.read(),
            filename=upload.name or "", source=source if source in {"jupyterlite", "upload"}
            else "api"))
    except intake.SubmissionError as exc:
        return error(exc.status, exc.message)
    sub = Submission.objects.select_related("exercise", "learner").get(pk=sub.pk)
    return JsonResponse(serialise(sub, viewer=user), status=201)


@require_http_methods(["GET", "POST"])
def submissions(request: HttpRequest) -> JsonResponse:
    """GET: list submissions (own, or `?learner=<email>` of a managed cohort). POST: create."""
    user = _user(request)
    if user is None:
        return error(401, "Sign in, or send an API token, to use this.")
    if request.method == "POST":
        return _create(request, user)
    rows = access.visible_submissions(user)
    if learner := request.GET.get("learner"):
        rows = rows.filter(learner__email__iexact=learner)
    else:
        rows = rows.filter(learner=user)
    if exercise := request.GET.get("exercise"):
        rows = rows.filter(exercise_id=exercise)
    rows = rows.select_related("grade", "exercise", "learner").prefetch_related("marks").defer(
        "notebook", "grade__feedback_html").order_by("-created_at")[:500]
    return JsonResponse({"submissions": [serialise(s, viewer=user) for s in rows]})


@require_GET
def submission(request: HttpRequest, submission_id: str) -> JsonResponse:
    user = _user(request)
    if user is None:
        return error(401, "Sign in, or send an API token, to use this.")
    sub = (
        access.visible_submissions(user)
        .select_related("grade", "exercise", "learner").prefetch_related("marks")
        .defer("notebook").filter(pk=submission_id).first()
    )
    if sub is None:
        return error(404, "There is no submission with that id that you can see.")
    access_log.record_submission(user, sub, AccessKind.SUBMISSION)
    return JsonResponse(serialise(sub, viewer=user))
