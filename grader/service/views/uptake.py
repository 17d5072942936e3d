"""Uptake across the council, for managers and academy leads: counts only (uptake.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from grader.service import access, uptake


@login_required
@require_GET
def uptake_page(request: HttpRequest) -> HttpResponse:
    user = access.signed_in(request)
    if not user.sees_uptake:
        raise Http404("Only managers and academy leads see uptake.")
    months = uptake.uptake_by_month()
    return render(request, "academy/uptake.html", {
        "table": uptake.uptake_table(), "months": months,
        "chart": uptake.uptake_chart(months)})
