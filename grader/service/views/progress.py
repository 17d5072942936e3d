"""Progress pages and files for the people who oversee a cohort (its managers and tutors),
and each apprentice's own KSB page and portfolio.

Every object is looked up through `grader.service.access`: a cohort the user does not
manage or tutor, or a learner they may not see, is a 404, as for submissions.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from grader.service import access, access_log, exports, ksb, portfolio, progress
from grader.service.at_risk import AtRiskRule, at_risk
from grader.service.charts import pass_chart
from grader.service.models import AccessKind, Cohort, User
from grader.service.views.api import error

NO_COHORT = "There is no cohort with that name that you manage or tutor."
NO_LEARNER = "There is no learner with that id that you can see."


@cache
def url_prefixes() -> dict[str, str]:
    """`/academy/learners/`: the big tables link hundreds of rows without reversing each."""
    return {"learner_prefix": reverse("learner", args=[0]).removesuffix("0/")}


@cache
def grid_badges() -> dict[str, Any]:
    """Each state's badge, rendered once for the whole grid."""
    badges = {s: render_to_string("academy/state_badge.html", {"state": s}, using="jinja2")
              for s in progress.State}
    return {"badges": badges}


def big_table(name: str, context: dict[str, Any]) -> SafeString:
    """A whole cohort's table, rendered by Jinja2 (ten times faster here than Django's
    engine; see TEMPLATES in settings). Jinja2 escaped every value, so the HTML is safe."""
    html = render_to_string(name, {**context, **url_prefixes()}, using="jinja2")
    return mark_safe(html)  # noqa: S308 - autoescaped by Jinja2


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
    user = access.signed_in(request)
    data = progress.cohort_progress(overseen_cohort(user, slug))
    rule = AtRiskRule.from_settings()
    return render(request, "academy/cohort.html", {
        "progress": data, "rule": rule, "at_risk": at_risk(data, rule),
        "chart": pass_chart(data.pass_dates()), "states": list(progress.State),
        "table": big_table("academy/grid_table.html", {"progress": data, **grid_badges()}),
    })


@login_required
@require_GET
def cohort_ksbs(request: HttpRequest, slug: str) -> HttpResponse:
    """The cohort heatmap: KSB codes against learners."""
    user = access.signed_in(request)
    data = progress.cohort_progress(overseen_cohort(user, slug))
    heatmap = ksb.cohort_heatmap(data)
    return render(request, "academy/cohort_ksbs.html", {
        "progress": data, "heatmap": heatmap,
        "table": big_table("academy/heatmap_table.html", {"heatmap": heatmap})})


@login_required
@require_GET
def cohort_export(request: HttpRequest, slug: str, export: str) -> HttpResponse:
    """progress.csv, export/moodle.csv or export/canvas.csv."""
    user = access.signed_in(request)
    make, suffix = exports.EXPORTS[export]
    data = progress.cohort_progress(overseen_cohort(user, slug))
    response = HttpResponse(make(data), content_type="text/csv; charset=utf-8")
    name = slugify(data.cohort.slug) or "cohort"
    response["Content-Disposition"] = f'attachment; filename="{name}-{suffix}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def learner(request: HttpRequest, learner_id: int) -> HttpResponse:
    """A learner's progress, as they see it on "My progress", for their managers and tutors."""
    user = access.signed_in(request)
    person = visible_learner(user, learner_id)
    access_log.record(user, person, AccessKind.PROGRESS)
    return render(request, "academy/me.html", {
        "learner": person, "is_own": person.pk == user.pk,
        "tracks": progress.learner_progress(person)})


@login_required
@require_GET
def learner_ksbs(request: HttpRequest, learner_id: int) -> HttpResponse:
    """One apprentice's KSB page: every code, its evidence, or why it needs the workplace."""
    user = access.signed_in(request)
    learner = visible_learner(user, learner_id)
    access_log.record(user, learner, AccessKind.KSB_PAGE)
    return render(request, "academy/learner_ksbs.html", {
        "learner": learner, "standards": ksb.learner_ksbs(learner),
        "is_own": learner.pk == user.pk})


# The JSON API (same token and session rules and error shape as views/api.py).


@lru_cache(maxsize=4096)
def _cell_json(state: progress.State, best_percent: float | None) -> dict[str, object]:
    """One exercise of one learner in the API answer. A cohort's cells share a few score
    values, so each answer is made once (rounding 30,000 floats costs more than the rest)."""
    return {"state": state,
            "best_percent": None if best_percent is None else round(best_percent, 1)}


@require_GET
def api_cohort_progress(request: HttpRequest, slug: str) -> JsonResponse:
    if not request.user.is_authenticated:
        return error(401, "Sign in, or send an API token, to use this.")
    found = access.overseen_cohorts(request.user).filter(slug=slug).first()
    if found is None:
        return error(404, NO_COHORT)
    data = progress.cohort_progress(found)
    index = ksb.CodeIndex(data)
    none = index.empty(k.code for k in ksb.ordered_ksbs(ksb.cohort_standards(data)))
    ids = [e.pk for e in data.exercises]
    return JsonResponse({"learners": [
        {
            "id": row.learner.pk,
            "name": row.learner.display_name,
            "email": row.learner.email,
            "exercises": {
                ex_id: _cell_json(cell.state, cell.best_percent)
                for ex_id, cell in zip(ids, row.cells, strict=True)
            },
            "ksbs": index.evidence(row, none),
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
