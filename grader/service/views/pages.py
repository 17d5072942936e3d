"""The academy's HTML pages: the learner's progress, a submission, the manager's cohorts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify

from grader.service import access, progress
from grader.service.models import Cohort


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if access.managed_cohorts(request.user).exists():
        return redirect("cohorts")
    return redirect("me")


@login_required
def me(request: HttpRequest) -> HttpResponse:
    tracks = progress.learner_progress(access.signed_in(request))
    return render(request, "academy/me.html", {"tracks": tracks})


@login_required
def submission(request: HttpRequest, submission_id: str) -> HttpResponse:
    sub = (
        access.visible_submissions(request.user)
        .select_related("exercise", "learner", "grade").defer("notebook")
        .filter(pk=submission_id).first()
    )
    if sub is None:
        raise Http404("There is no submission with that id that you can see.")
    return render(request, "academy/submission.html", {
        "sub": sub, "grade": getattr(sub, "grade", None),
        "is_own": sub.learner_id == request.user.pk,
    })


@login_required
def cohorts(request: HttpRequest) -> HttpResponse:
    managed = access.managed_cohorts(request.user).prefetch_related("tracks")
    if not managed.exists():
        raise Http404("You do not manage any cohorts.")
    return render(request, "academy/cohorts.html", {"cohorts": managed})


def _managed_cohort(request: HttpRequest, slug: str) -> Cohort:
    cohort = access.managed_cohorts(request.user).filter(slug=slug).first()
    if cohort is None:
        raise Http404("There is no cohort with that name that you manage.")
    return cohort


@login_required
def cohort(request: HttpRequest, slug: str) -> HttpResponse:
    grid = progress.cohort_grid(_managed_cohort(request, slug))
    rows = [(user, cells, grid.learner_completion(cells)) for user, cells in grid.rows]
    return render(request, "academy/cohort.html", {
        "grid": grid, "rows": rows,
        "completion": list(zip(grid.exercises, grid.exercise_completion, strict=True)),
    })


@login_required
def cohort_csv(request: HttpRequest, slug: str) -> HttpResponse:
    grid = progress.cohort_grid(_managed_cohort(request, slug))
    response = HttpResponse(progress.grid_csv(grid), content_type="text/csv; charset=utf-8")
    name = slugify(grid.cohort.slug) or "cohort"
    response["Content-Disposition"] = f'attachment; filename="{name}-progress.csv"'
    response["Cache-Control"] = "no-store"
    return response


