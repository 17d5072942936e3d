"""URLs: the academy's pages under /academy/, the API under /api/v1/; the course site is
served at / by WhiteNoise (see settings.WHITENOISE_ROOT)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from grader.service.views import api, feedback, marking_api, mydata, pages, progress, signin
from grader.service.views import marking as marking_pages
from grader.service.views.uptake import uptake_page

urlpatterns = [
    path("academy/", pages.home, name="home"),
    path("academy/login/", signin.SignInPage.as_view(), name="login"),
    path("academy/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("academy/login/microsoft/", signin.SignInWithMicrosoft.as_view(),
         name="oidc-start"),
    path("academy/oidc/callback/", signin.MicrosoftCallback.as_view(), name="oidc-callback"),
    path("academy/login/refused/", signin.refused, name="signin-refused"),
    path("academy/invitation/set-password/", signin.invitation_set_password,
         name="invitation-set-password"),
    path("academy/invitation/<str:token>/", signin.invitation, name="invitation"),
    path("academy/password-reset/", signin.ResetRequest.as_view(), name="password-reset"),
    path("academy/password-reset/sent/", signin.ResetSent.as_view(),
         name="password-reset-sent"),
    path("academy/password-reset/done/", signin.ResetComplete.as_view(),
         name="password-reset-complete"),
    path("academy/password-reset/<uidb64>/<token>/", signin.ResetConfirm.as_view(),
         name="password_reset_confirm"),
    path("academy/privacy/", mydata.privacy, name="privacy"),
    path("academy/me/", pages.me, name="me"),
    path("academy/me/data/", mydata.data_page, name="my-data"),
    path("academy/me/data/erasure/", mydata.erasure_form, name="my-data-erasure"),
    path("academy/me/self-study/", mydata.self_study, name="self-study"),
    path("academy/uptake/", uptake_page, name="uptake"),
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
    path("api/v1/me/export", mydata.api_export, name="api-me-export"),
    path("api/v1/me/access-log", mydata.api_access_log, name="api-me-access-log"),
    path("api/v1/me/erasure-request", mydata.api_erasure_request,
         name="api-me-erasure-request"),
    path("api/v1/me/progress", mydata.api_progress, name="api-me-progress"),
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
