"""The marking API (documented in docs/api.md): the answers to mark, a mark, the history.

Same rules as the rest of /api/v1/: a session cookie (with the CSRF token for changes) or an
`Authorization: Token <key>` header; errors are `{"error": "<plain sentence>"}`; anything a
person may not see is 404, as if it did not exist.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from grader.service import access, access_log, markbook, marking
from grader.service.models import AccessKind, MarkEvent, Submission
from grader.service.views.api import error, serialise

SIGN_IN = "Sign in, or send an API token, to use this."


def _item(answer: markbook.Answer) -> dict[str, Any]:
    sub, question, mark = answer.submission, answer.question, answer.mark
    scheme = question.scheme
    return {
        "submission": str(sub.pk),
        "learner": sub.learner.email,
        "exercise": sub.exercise_id,
        "grade_id": question.grade_id,
        "question": question.number,
        "max_score": question.max_score,
        "answer_html": str(answer.html),
        "mark_scheme": {
            "model_answer": scheme.model_answer if scheme else "",
            "marking_points": scheme.marking_points if scheme else "",
        },
        "score": mark.score if mark else None,
        "comment": mark.comment if mark else "",
        "marked_at": mark.marked_at.isoformat() if mark else None,
        "graded_at": sub.grade.graded_at.isoformat(),
        "mark_url": reverse("api-mark", args=[sub.pk, question.grade_id]),
    }


@require_GET
def marking_list(request: HttpRequest) -> JsonResponse:
    """Each learner's latest graded submission of an exercise: one item per written answer."""
    if not request.user.is_authenticated:
        return error(401, SIGN_IN)
    slug, exercise_id = request.GET.get("cohort", ""), request.GET.get("exercise", "")
    if not slug or not exercise_id:
        return error(400, "Say which cohort and exercise, as ?cohort=<slug>&exercise=<id>.")
    cohort = access.cohorts_tutored(request.user).filter(slug=slug).first()
    if cohort is None:
        return error(404, "There is no cohort with that name that you tutor.")
    exercise = markbook.exercises_to_mark(cohort).filter(pk=exercise_id).first()
    if exercise is None:
        return error(404, "That cohort has no graded exercise with that id.")
    items = [_item(a) for a in markbook.answers(cohort, exercise, request.user)]
    return JsonResponse({"items": items})


@require_http_methods(["PUT"])
def mark(request: HttpRequest, submission_id: str, grade_id: str) -> JsonResponse:
    """Set a tutor's mark for one written answer; the updated submission is returned."""
    if not request.user.is_authenticated:
        return error(401, SIGN_IN)
    try:
        data = json.loads(request.body or b"null")
    except ValueError:
        return error(400, 'The body must be JSON, such as {"score": 2, "comment": "..."}.')
    try:
        marking.mark_answer(tutor=request.user, submission_id=submission_id, grade_id=grade_id,
                            mark=marking.parse_mark(data))
    except marking.MarkError as exc:
        return error(exc.status, exc.message)
    sub = (Submission.objects.select_related("grade", "exercise", "learner")
           .prefetch_related("marks").defer("notebook").get(pk=submission_id))
    return JsonResponse(serialise(sub, viewer=request.user))


@require_GET
def history(request: HttpRequest, submission_id: str) -> JsonResponse:
    """Every change to a submission's marks, oldest first (tutors and managers of its cohort)."""
    if not request.user.is_authenticated:
        return error(401, SIGN_IN)
    sub = (access.history_readers_see(request.user).filter(pk=submission_id)
           .select_related("exercise").defer("notebook").first())
    if sub is None:
        return error(404, "There is no submission with that id whose history you can see.")
    access_log.record_submission(request.user, sub, AccessKind.HISTORY)
    events = MarkEvent.objects.filter(submission_id=submission_id).select_related("by")
    return JsonResponse({"events": [{
        "at": e.at.isoformat(),
        "by": e.by.email if e.by else None,
        "grade_id": e.grade_id,
        "old_score": e.old_score,
        "new_score": e.new_score,
        "comment": e.comment,
        "kind": e.kind,
    } for e in events]})
