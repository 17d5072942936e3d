"""The academy's HTML pages: the learner's progress, a submission, the cohorts a person
manages or tutors (each cohort's own pages are in `views/progress.py`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from grader.service import access, access_log, progress
from grader.service.models import AccessKind

ME_ACCESS_LOG = 5
"""Latest looks at the learner's work shown on their progress page (all are on "Your data")."""


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = access.signed_in(request)
    if access.overseen_cohorts(user).exists():
        return redirect("cohorts")
    return redirect("me")


@login_required
def me(request: HttpRequest) -> HttpResponse:
    user = access.signed_in(request)
    tracks = progress.learner_progress(user)
    events = access_log.events_for(user)[:ME_ACCESS_LOG]
    return render(request, "academy/me.html", {
        "tracks": tracks, "learner": user, "is_own": True, "events": events})


@login_required
def submission(request: HttpRequest, submission_id: str) -> HttpResponse:
    user = access.signed_in(request)
    sub = (
        access.visible_submissions(user)
        .select_related("exercise", "learner", "grade").defer("notebook")
        .filter(pk=submission_id).first()
    )
    if sub is None:
        raise Http404("There is no submission with that id that you can see.")
    access_log.record_submission(user, sub, AccessKind.SUBMISSION)
    return render(request, "academy/submission.html", {
        "sub": sub, "grade": getattr(sub, "grade", None),
        "is_own": sub.learner_id == user.pk,
    })


@login_required
def cohorts(request: HttpRequest) -> HttpResponse:
    user = access.signed_in(request)
    overseen = access.overseen_cohorts(user).prefetch_related("tracks")
    if not overseen.exists():
        raise Http404("You do not manage or tutor any cohorts.")
    return render(request, "academy/cohorts.html", {"cohorts": overseen})
