"""Authorisation of every page: signed out, another learner, another cohort's manager."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:  # noqa: ANN001
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def pages_of(p) -> dict[str, str]:  # noqa: ANN001
    ann_sub = p["ann_sub"].pk
    return {
        "me": "/academy/me/",
        "submission": f"/academy/submissions/{ann_sub}/",
        "feedback": f"/academy/submissions/{ann_sub}/feedback/",
        "cohorts": "/academy/cohorts/",
        "cohort": "/academy/cohorts/alpha/",
        "csv": "/academy/cohorts/alpha/progress.csv",
        "api-list": "/api/v1/submissions",
        "api-detail": f"/api/v1/submissions/{ann_sub}",
    }


# Who gets what, for Ann's submission in cohort alpha (managed by Meg).
EXPECTED = {
    # page:        (signed out, ann, bob (same cohort), cat (other cohort), meg, max)
    "me":          (302, 200, 200, 200, 200, 200),
    "submission":  (302, 200, 404, 404, 200, 404),
    "feedback":    (302, 200, 404, 404, 200, 404),
    "cohorts":     (302, 404, 404, 404, 200, 200),
    "cohort":      (302, 404, 404, 404, 200, 404),
    "csv":         (302, 404, 404, 404, 200, 404),
    "api-list":    (401, 200, 200, 200, 200, 200),
    "api-detail":  (401, 200, 404, 404, 200, 404),
}


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_every_page_checks_who_is_asking(graded, page: str) -> None:  # noqa: ANN001
    url = pages_of(graded)[page]
    users = (None, graded["ann"], graded["bob"], graded["cat"], graded["meg"], graded["max"])
    got = tuple(as_user(u).get(url).status_code for u in users)
    assert got == EXPECTED[page], f"{page}: {got}"


def test_signed_out_pages_send_people_to_sign_in(graded) -> None:  # noqa: ANN001
    response = Client().get("/academy/me/")
    assert response["Location"].startswith("/academy/login/?next=")


def test_other_learners_lists_never_show_anns_work(graded) -> None:  # noqa: ANN001
    for who in ("bob", "cat", "max"):
        body = as_user(graded[who]).get("/api/v1/submissions").json()
        assert str(graded["ann_sub"].pk) not in str(body)
        body = as_user(graded[who]).get(
            f"/api/v1/submissions?learner={graded['ann'].email}").json()
        assert body["submissions"] == []


def test_feedback_cannot_run_script_in_the_site_origin(graded) -> None:  # noqa: ANN001
    response = as_user(graded["ann"]).get(pages_of(graded)["feedback"])
    csp = response["Content-Security-Policy"]
    assert csp.startswith("sandbox;") and "allow-scripts" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    page = as_user(graded["ann"]).get(pages_of(graded)["submission"]).content.decode()
    assert '<iframe class="feedback" title="Feedback on this submission" sandbox ' in page


def test_service_pages_have_a_strict_policy(graded) -> None:  # noqa: ANN001
    response = as_user(graded["ann"]).get("/academy/me/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp.split("script-src")[1]
    assert "frame-ancestors 'self'" in csp


def test_logout_needs_a_post_with_csrf(graded) -> None:  # noqa: ANN001
    client = Client(enforce_csrf_checks=True)
    client.force_login(graded["ann"])
    assert client.post("/academy/logout/").status_code == 403
    assert client.get("/academy/me/").status_code == 200


def test_login_form_signs_in(people) -> None:  # noqa: ANN001
    from academy_helpers import PASSWORD

    client = Client(enforce_csrf_checks=True)
    page = client.get("/academy/login/")
    token = page.cookies["academy_csrftoken"].value
    response = client.post("/academy/login/", {
        "username": people["ann"].username, "password": PASSWORD,
        "csrfmiddlewaretoken": token, "next": "/academy/me/"})
    assert response.status_code == 302 and response["Location"] == "/academy/me/"
    assert response.cookies["academy_session"]["httponly"]
    assert response.cookies["academy_session"]["samesite"] == "Lax"


def test_learner_page_shows_state_best_latest_attempts_and_to_do(graded) -> None:  # noqa: ANN001
    page = as_user(graded["ann"]).get("/academy/me/").content.decode()
    assert "Apprentice data skills" in page
    assert 'class="state state--' in page   # states in words: see test_views_progress.py
    assert "Still to do" in page and "Total of fines" in page
    assert "Every attempt at Fines per street" in page
    assert f"/academy/learners/{graded['ann'].pk}/ksbs/" in page


def test_manager_grid_shows_states_and_who_passed(graded) -> None:  # noqa: ANN001
    page = as_user(graded["meg"]).get("/academy/cohorts/alpha/").content.decode()
    assert "Ann Learner" in page and "Bob Learner" in page and "Cat Learner" not in page
    assert ">Not started<" in page and "Learners who passed" in page
