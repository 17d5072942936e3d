"""Feedback pages, served so that nothing in them can run script in the site's origin.

The autograder sanitises feedback already; this is the second wall. Once the tutor's marks
may be shown, they are added at the end of the page from a template (which escapes the
tutor's comments), since the autograder's page was written before anyone marked.

The response carries `Content-Security-Policy: sandbox` (without allow-scripts, so the page
gets an opaque origin and no script runs) and the page shows it inside an `<iframe sandbox>`
as well.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.clickjacking import xframe_options_sameorigin

from grader.autograde import with_tutor_marks
from grader.service import access, access_log
from grader.service.marksheet import marksheet
from grader.service.models import AccessKind

FEEDBACK_CSP = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'self'; form-action 'none'; base-uri 'none'"
)


@login_required
@xframe_options_sameorigin
def feedback(request: HttpRequest, submission_id: str) -> HttpResponse:
    user = access.signed_in(request)
    sub = (
        access.visible_submissions(user)
        .select_related("grade", "exercise").defer("notebook").filter(pk=submission_id).first()
    )
    grade = getattr(sub, "grade", None) if sub else None
    if sub is None or grade is None or not grade.feedback_html:
        raise Http404("There is no feedback with that id that you can see.")
    access_log.record_submission(user, sub, AccessKind.FEEDBACK)
    page = grade.feedback_html
    sheet = marksheet(sub, user)
    if sheet is not None and sheet.released:
        marks = render_to_string("academy/marking/feedback_marks.html", {"sheet": sheet})
        page = with_tutor_marks(page, marks)
    response = HttpResponse(page, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = FEEDBACK_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
