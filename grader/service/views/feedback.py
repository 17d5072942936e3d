"""Feedback pages, served so that nothing in them can run script in the site's origin.

The autograder sanitises feedback already; this is the second wall. The response carries
`Content-Security-Policy: sandbox` (without allow-scripts, so the page gets an opaque origin
and no script runs) and the page shows it inside an `<iframe sandbox>` as well.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.clickjacking import xframe_options_sameorigin

from grader.service import access

FEEDBACK_CSP = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'self'; form-action 'none'; base-uri 'none'"
)


@login_required
@xframe_options_sameorigin
def feedback(request: HttpRequest, submission_id: str) -> HttpResponse:
    sub = (
        access.visible_submissions(request.user)
        .select_related("grade").filter(pk=submission_id).first()
    )
    grade = getattr(sub, "grade", None) if sub else None
    if grade is None or not grade.feedback_html:
        raise Http404("There is no feedback with that id that you can see.")
    response = HttpResponse(grade.feedback_html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = FEEDBACK_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
