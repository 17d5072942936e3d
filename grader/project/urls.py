"""URLs: the academy's pages under /academy/, the API under /api/v1/; the course site is
served at / by WhiteNoise (see settings.WHITENOISE_ROOT)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from grader.service.signin import SignInForm
from grader.service.views import api, feedback, pages

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
    path("academy/cohorts/<slug:slug>/", pages.cohort, name="cohort"),
    path("academy/cohorts/<slug:slug>/progress.csv", pages.cohort_csv, name="cohort-csv"),
    path("academy/admin/", admin.site.urls),
    path("api/v1/session", api.session, name="api-session"),
    path("api/v1/submissions", api.submissions, name="api-submissions"),
    path("api/v1/submissions/<uuid:submission_id>", api.submission, name="api-submission"),
]

admin.site.site_header = "Camden Data Academy administration"
admin.site.site_title = "Camden Data Academy"
