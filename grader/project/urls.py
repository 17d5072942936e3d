"""URLs: the academy's pages under /academy/, the API under /api/v1/; the course site is
served at / by WhiteNoise (see settings.WHITENOISE_ROOT)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from grader.service.signin import SignInForm
from grader.service.views import api, feedback, marking_api, pages, progress
from grader.service.views import marking as marking_pages

urlpatterns = [
    path("academy/", pages.home, name="home"),
    path("academy/login/", auth_views.LoginView.as_view(
        template_name="academy/login.html", redirect_authenticated_user=True,
        authentication_form=SignInForm), name="login"),
    path("academy/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("academy/me/", pages.me, name="me"),
    path("academy/submissions/<uuid:submission_id>/", pages.submission, name="submission"),
    path("academy/submissions/<uuid:submission_id>/feedback/", feedback.feedback,
         name="feedback"),
    path("academy/cohorts/", pages.cohorts, name="cohorts"),
    path("academy/cohorts/<slug:slug>/", progress.cohort, name="cohort"),
    path("academy/cohorts/<slug:slug>/ksbs/", progress.cohort_ksbs, name="cohort-ksbs"),
    path("academy/cohorts/<slug:slug>/progress.csv", progress.cohort_export,
         {"export": "progress"}, name="cohort-csv"),
    path("academy/cohorts/<slug:slug>/export/moodle.csv", progress.cohort_export,
         {"export": "moodle"}, name="cohort-moodle"),
    path("academy/cohorts/<slug:slug>/export/canvas.csv", progress.cohort_export,
         {"export": "canvas"}, name="cohort-canvas"),
    path("academy/learners/<int:learner_id>/", progress.learner, name="learner"),
    path("academy/learners/<int:learner_id>/ksbs/", progress.learner_ksbs,
         name="learner-ksbs"),
    path("academy/marking/", marking_pages.home, name="marking"),
    path("academy/marking/<slug:slug>/<slug:exercise_id>/", marking_pages.exercise,
         name="marking-exercise"),
    path("academy/marking/<slug:slug>/<slug:exercise_id>/<uuid:submission_id>/<str:grade_id>/",
         marking_pages.answer, name="marking-answer"),
    path("academy/submissions/<uuid:submission_id>/history/", marking_pages.history,
         name="marking-history"),
    path("academy/admin/", admin.site.urls),
    path("api/v1/session", api.session, name="api-session"),
    path("api/v1/submissions", api.submissions, name="api-submissions"),
    path("api/v1/submissions/<uuid:submission_id>", api.submission, name="api-submission"),
    path("api/v1/marking", marking_api.marking_list, name="api-marking"),
    path("api/v1/submissions/<uuid:submission_id>/marks/<str:grade_id>", marking_api.mark,
         name="api-mark"),
    path("api/v1/submissions/<uuid:submission_id>/history", marking_api.history,
         name="api-history"),
    path("api/v1/cohorts/<slug:slug>/progress", progress.api_cohort_progress,
         name="api-cohort-progress"),
    path("api/v1/learners/<int:learner_id>/portfolio", progress.api_portfolio,
         name="api-portfolio"),
]

admin.site.site_header = "Camden Data Academy administration"
admin.site.site_title = "Camden Data Academy"
