"""The tutor's marking pages under /academy/marking/, and the marking history page.

Thin: who may see what is in `access`, the answers and their order in `markbook`, the
checks and the writing of a mark in `marking`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from grader.service import access, access_log, markbook, marking
from grader.service.models import AccessKind, Cohort, Exercise, MarkEvent, Submission, User
from grader.service.models.marking import MAX_COMMENT_CHARS


def _cohort(user: User, slug: str) -> Cohort:
    cohort = access.cohorts_tutored(user).filter(slug=slug).first()
    if cohort is None:
        raise Http404("There is no cohort with that name that you tutor.")
    return cohort


def _exercise(cohort: Cohort, exercise_id: str) -> Exercise:
    exercise = markbook.exercises_to_mark(cohort).filter(pk=exercise_id).first()
    if exercise is None:
        raise Http404("That cohort has no graded exercise with that id.")
    return exercise


def _order(request: HttpRequest) -> markbook.Order:
    value = request.GET.get("by", "")
    return markbook.Order(value) if value in {o.value for o in markbook.Order} \
        else markbook.Order.QUESTION


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Pick a cohort and an exercise: each with how many submissions await marking."""
    user = access.signed_in(request)
    cohorts = list(access.cohorts_tutored(user))
    if not cohorts:
        raise Http404("You do not tutor any cohorts.")
    rows = []
    for cohort in cohorts:
        rows.append((cohort, [
            (ex, markbook.latest_graded(cohort, ex, user)
             .filter(awaiting_marking=True).count())
            for ex in markbook.exercises_to_mark(cohort)]))
    return render(request, "academy/marking/home.html", {"rows": rows})


@login_required
def exercise(request: HttpRequest, slug: str, exercise_id: str) -> HttpResponse:
    """Every learner's answers to one exercise, marked or not, with the ways to mark them."""
    user = access.signed_in(request)
    cohort = _cohort(user, slug)
    ex = _exercise(cohort, exercise_id)
    answers = markbook.answers(cohort, ex, user)
    questions = markbook.questions(ex)
    by_learner: dict[Any, dict[str, markbook.Answer]] = {}
    for a in answers:
        by_learner.setdefault(a.submission, {})[a.question.grade_id] = a
    rows = [(sub, [found.get(q.grade_id) for q in questions])
            for sub, found in by_learner.items()]
    return render(request, "academy/marking/exercise.html", {
        "cohort": cohort, "exercise": ex, "questions": questions, "rows": rows,
        "to_mark": sum(1 for a in answers if a.needs_mark),
    })


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, slug: str, exercise_id: str, submission_id: str,
           grade_id: str) -> HttpResponse:
    """One answer beside its mark scheme, and the form that marks it."""
    user = access.signed_in(request)
    cohort = _cohort(user, slug)
    ex = _exercise(cohort, exercise_id)
    sub = (Submission.objects.filter(pk=submission_id, exercise=ex,
                                     learner__learner_cohorts=cohort)
           .select_related("grade", "learner", "exercise")
           .defer("notebook", "grade__feedback_html").first())
    if sub is None or not access.can_mark(user, sub):
        raise Http404("There is no answer with that id that you can mark.")
    found = markbook.one_answer(sub, grade_id)
    if found is None:
        raise Http404("That submission has no written answer with that id.")
    if request.method == "GET":
        access_log.record_submission(user, sub, AccessKind.ANSWER)
    order = _order(request)
    items = markbook.sequence(cohort, ex, user, order)
    previous, following, position = markbook.neighbours(items, (str(sub.pk), grade_id))
    error = None
    if request.method == "POST":
        try:
            marking.mark_answer(tutor=user, submission_id=sub.pk, grade_id=grade_id,
                                mark=marking.parse_mark(request.POST))
        except marking.MarkError as exc:
            if exc.status == 404:
                raise Http404(exc.message) from None
            error = exc
        else:
            messages.success(request, f"Saved the mark for {sub.learner.display_name}, "
                                      f"question {found.question.number}.")
            if following is None:
                messages.info(request, "That was the last answer.")
                return redirect("marking-exercise", cohort.slug, ex.pk)
            return redirect(_answer_url(cohort, ex, following, order))
    return render(request, "academy/marking/answer.html", {
        "cohort": cohort, "exercise": ex, "answer": found, "order": order,
        "position": position, "total": len(items), "error": error,
        "previous_url": _answer_url(cohort, ex, previous, order) if previous else None,
        "next_url": _answer_url(cohort, ex, following, order) if following else None,
        "posted": request.POST if error else None, "max_comment": MAX_COMMENT_CHARS,
    }, status=error.status if error else 200)


def _answer_url(cohort: Cohort, ex: Exercise, item: tuple[str, str],
                order: markbook.Order) -> str:
    url = reverse("marking-answer", args=[cohort.slug, ex.pk, item[0], item[1]])
    return f"{url}?by={order.value}"


@login_required
def history(request: HttpRequest, submission_id: str) -> HttpResponse:
    """Every change to the marks of a submission (tutors and managers of its cohort)."""
    user = access.signed_in(request)
    sub = (access.history_readers_see(user).filter(pk=submission_id)
           .select_related("learner", "exercise").defer("notebook").first())
    if sub is None:
        raise Http404("There is no submission with that id whose history you can see.")
    access_log.record_submission(user, sub, AccessKind.HISTORY)
    events = MarkEvent.objects.filter(submission=sub).select_related("by")
    return render(request, "academy/marking/history.html", {"sub": sub, "events": events})
