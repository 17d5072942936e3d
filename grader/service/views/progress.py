"""Progress pages and files for the people who oversee a cohort (its managers and tutors),
and each apprentice's own KSB page and portfolio.

Every object is looked up through `grader.service.access`: a cohort the user does not
manage or tutor, or a learner they may not see, is a 404, as for submissions.
"""

from __future__ import annotations

from functools import cache
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from grader.service import access, access_log, exports, ksb, portfolio, progress
from grader.service.at_risk import AtRiskRule, at_risk
from grader.service.charts import pass_chart
from grader.service.models import AccessKind, Cohort, User
from grader.service.views.api import error

NO_COHORT = "There is no cohort with that name that you manage or tutor."
NO_LEARNER = "There is no learner with that id that you can see."
ZERO = UUID(int=0)


@cache
def submission_prefix() -> str:
    """`/academy/submissions/`: the grid links thousands of cells without reversing each."""
    return reverse("submission", args=[ZERO]).removesuffix(f"{ZERO}/")


def overseen_cohort(user: User, slug: str) -> Cohort:
    cohort = access.overseen_cohorts(user).filter(slug=slug).first()
    if cohort is None:
        raise Http404(NO_COHORT)
    return cohort


def visible_learner(user: User, learner_id: int) -> User:
    learner = access.visible_learners(user).filter(pk=learner_id).first()
    if learner is None:
        raise Http404(NO_LEARNER)
    return learner


@login_required
@require_GET
def cohort(request: HttpRequest, slug: str) -> HttpResponse:
    """The grid (state in words and colour), the at-risk list and the chart."""
    data = progress.cohort_progress(overseen_cohort(request.user, slug))
    rule = AtRiskRule.from_settings()
    return render(request, "academy/cohort.html", {
        "progress": data, "rule": rule, "at_risk": at_risk(data, rule),
        "chart": pass_chart(data.pass_dates()), "states": progress.State,
        "submission_prefix": submission_prefix(),
    })


@login_required
@require_GET
def cohort_ksbs(request: HttpRequest, slug: str) -> HttpResponse:
    """The cohort heatmap: KSB codes against learners."""
    data = progress.cohort_progress(overseen_cohort(request.user, slug))
    return render(request, "academy/cohort_ksbs.html", {
        "progress": data, "heatmap": ksb.cohort_heatmap(data)})


@login_required
@require_GET
def cohort_export(request: HttpRequest, slug: str, export: str) -> HttpResponse:
    """progress.csv, export/moodle.csv or export/canvas.csv."""
    make, suffix = exports.EXPORTS[export]
    data = progress.cohort_progress(overseen_cohort(request.user, slug))
    response = HttpResponse(make(data), content_type="text/csv; charset=utf-8")
    name = slugify(data.cohort.slug) or "cohort"
    response["Content-Disposition"] = f'attachment; filename="{name}-{suffix}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def learner_ksbs(request: HttpRequest, learner_id: int) -> HttpResponse:
    """One apprentice's KSB page: every code, its evidence, or why it needs the workplace."""
    learner = visible_learner(request.user, learner_id)
    access_log.record(request.user, learner, AccessKind.KSB_PAGE)
    return render(request, "academy/learner_ksbs.html", {
        "learner": learner, "standards": ksb.learner_ksbs(learner),
        "is_own": learner.pk == request.user.pk, "statuses": ksb.KsbStatus})


# The JSON API (same token and session rules and error shape as views/api.py).


def _best_percent(cell: progress.Standing) -> float | None:
    return None if cell.best_percent is None else round(cell.best_percent, 1)


@require_GET
def api_cohort_progress(request: HttpRequest, slug: str) -> JsonResponse:
    if not request.user.is_authenticated:
        return error(401, "Sign in, or send an API token, to use this.")
    found = access.overseen_cohorts(request.user).filter(slug=slug).first()
    if found is None:
        return error(404, NO_COHORT)
    data = progress.cohort_progress(found)
    codes = ksb.exercise_codes(data.exercises)
    all_codes = [k.code for k in ksb.ordered_ksbs(ksb.cohort_standards(data))]
    return JsonResponse({"learners": [
        {
            "id": row.learner.pk,
            "name": row.learner.display_name,
            "email": row.learner.email,
            "exercises": {
                ex.pk: {"state": cell.state.value, "best_percent": _best_percent(cell)}
                for ex, cell in zip(data.exercises, row.cells, strict=True)
            },
            "ksbs": ksb.evidence_by_code(row, data, codes, all_codes),
        }
        for row in data.rows
    ]})


@require_GET
def api_portfolio(request: HttpRequest, learner_id: int) -> HttpResponse:
    """The apprentice's EPA portfolio as a zip: theirs, their managers' and tutors'."""
    if not request.user.is_authenticated:
        return error(401, "Sign in, or send an API token, to use this.")
    learner = access.visible_learners(request.user).filter(pk=learner_id).first()
    if learner is None:
        return error(404, NO_LEARNER)
    access_log.record(request.user, learner, AccessKind.PORTFOLIO)
    built = portfolio.build_portfolio(learner)
    response = HttpResponse(built.data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{built.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
