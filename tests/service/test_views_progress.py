"""The progress pages, exports and API: who may see them, and what they show."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.test import Client
from progress_helpers import days_ago, graded

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:  # noqa: ANN001
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def staff(people, make_user):  # noqa: ANN001, ANN201
    """People, plus Tia who tutors alpha (and is nobody's manager)."""
    people["tia"] = make_user("tia.tutor@camden.example")
    people["alpha"].tutors.add(people["tia"])
    graded(people["ann"], "fines-count", 9, at=days_ago(2),
           marks=(("explain", 4, "Clear and careful."),))
    graded(people["bob"], "fines-count", 1, at=days_ago(20))
    graded(people["bob"], "fines-total", 2)
    return people


def urls_of(p) -> dict[str, str]:  # noqa: ANN001
    ann = p["ann"].pk
    return {
        "grid": "/academy/cohorts/alpha/",
        "heatmap": "/academy/cohorts/alpha/ksbs/",
        "csv": "/academy/cohorts/alpha/progress.csv",
        "moodle": "/academy/cohorts/alpha/export/moodle.csv",
        "canvas": "/academy/cohorts/alpha/export/canvas.csv",
        "learner": f"/academy/learners/{ann}/",
        "ksbs": f"/academy/learners/{ann}/ksbs/",
        "api-progress": "/api/v1/cohorts/alpha/progress",
        "api-portfolio": f"/api/v1/learners/{ann}/portfolio",
    }


# Who gets what, for cohort alpha (Ann and Bob; managed by Meg, tutored by Tia).
EXPECTED = {
    # url:            (signed out, ann, bob, cat (beta), meg, max (beta's manager), tia)
    "grid":           (302, 404, 404, 404, 200, 404, 200),
    "heatmap":        (302, 404, 404, 404, 200, 404, 200),
    "csv":            (302, 404, 404, 404, 200, 404, 200),
    "moodle":         (302, 404, 404, 404, 200, 404, 200),
    "canvas":         (302, 404, 404, 404, 200, 404, 200),
    "learner":        (302, 200, 404, 404, 200, 404, 200),
    "ksbs":           (302, 200, 404, 404, 200, 404, 200),
    "api-progress":   (401, 404, 404, 404, 200, 404, 200),
    "api-portfolio":  (401, 200, 404, 404, 200, 404, 200),
}


@pytest.mark.parametrize("url", sorted(EXPECTED))
def test_every_progress_page_checks_who_is_asking(staff, url: str) -> None:  # noqa: ANN001
    users = (None, *(staff[k] for k in ("ann", "bob", "cat", "meg", "max", "tia")))
    got = tuple(as_user(u).get(urls_of(staff)[url]).status_code for u in users)
    assert got == EXPECTED[url], f"{url}: {got}"


def test_learner_page_for_a_tutor_shows_states_and_attempts(staff) -> None:  # noqa: ANN001
    page = as_user(staff["tia"]).get(f"/academy/learners/{staff['bob'].pk}/").content.decode()
    assert "Progress: Bob Learner" in page and "My progress</h1>" not in page
    assert 'class="state state--needs_work">Needs work<' in page
    assert "Every attempt at Fines per street" in page


def test_api_errors_are_json_and_say_what_is_wrong(staff) -> None:  # noqa: ANN001
    response = as_user(staff["max"]).get("/api/v1/cohorts/alpha/progress")
    assert response.json() == {
        "error": "There is no cohort with that name that you manage or tutor."}
    response = Client().get(f"/api/v1/learners/{staff['ann'].pk}/portfolio")
    assert response.status_code == 401 and "Sign in" in response.json()["error"]


def test_a_token_of_a_deactivated_manager_gets_nothing(staff) -> None:  # noqa: ANN001
    from grader.service.tokens import issue_token

    key = issue_token(staff["meg"].email, label="test")
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert Client().get("/api/v1/cohorts/alpha/progress", **headers).status_code == 200
    staff["meg"].is_active = False
    staff["meg"].save()
    assert Client().get("/api/v1/cohorts/alpha/progress", **headers).status_code == 401


def test_progress_api_gives_states_best_percent_and_ksb_evidence(staff) -> None:  # noqa: ANN001
    body = as_user(staff["tia"]).get("/api/v1/cohorts/alpha/progress").json()
    learners = {item["email"]: item for item in body["learners"]}
    assert set(learners) == {"ann.learner@camden.example", "bob.learner@camden.example"}
    ann = learners["ann.learner@camden.example"]
    assert set(ann) == {"id", "name", "email", "exercises", "ksbs"}
    assert ann["id"] == staff["ann"].pk and ann["name"] == "Ann Learner"
    assert ann["exercises"]["fines-count"] == {"state": "passed", "best_percent": 90.0}
    assert ann["exercises"]["fines-total"] == {"state": "not_started", "best_percent": None}
    assert ann["ksbs"] == {"K2": [], "K8": [], "S2": ["fines-count"]}
    bob = learners["bob.learner@camden.example"]
    assert bob["exercises"]["fines-count"] == {"state": "needs_work", "best_percent": 10.0}
    assert bob["ksbs"]["S2"] == []


def test_grid_shows_states_in_words_the_at_risk_list_and_the_chart(staff) -> None:  # noqa: ANN001
    page = as_user(staff["meg"]).get("/academy/cohorts/alpha/").content.decode()
    assert 'class="state state--passed">Passed<' in page
    assert 'class="state state--needs_work">Needs work<' in page
    legend = page.split('class="legend"')[1].split("</ul>")[0]
    assert [s in legend for s in ("Not started", "Awaiting marking", "Needs work", "Passed")] \
        == [True] * 4
    assert "Learners who passed" in page and "50%" in page
    assert "sent no work in the last 14 days, or when 2 or more" in page
    at_risk = page.split('id="at-risk"')[1].split('id="over-time"')[0]
    assert "Bob Learner" in at_risk and "2 exercises need work" in at_risk
    assert "Ann Learner" not in at_risk
    assert "<svg" in page and "1 exercise passed in" in page
    assert "Cat Learner" not in page


def read_csv(response) -> list[list[str]]:  # noqa: ANN001
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_moodle_export_has_email_and_one_column_per_exercise(staff) -> None:  # noqa: ANN001
    response = as_user(staff["meg"]).get("/academy/cohorts/alpha/export/moodle.csv")
    assert response["Content-Disposition"] == 'attachment; filename="alpha-moodle-grades.csv"'
    rows = read_csv(response)
    assert rows[0][:4] == ["First name", "Last name", "Email address",
                           "Fines per street (fines-count)"]
    ann = next(r for r in rows if r[2] == "ann.learner@camden.example")
    assert ann[:5] == ["Ann", "Learner", "ann.learner@camden.example", "90.0", ""]
    assert len(rows) == 3


def test_canvas_export_has_its_five_columns_and_points_possible(staff) -> None:  # noqa: ANN001
    rows = read_csv(as_user(staff["tia"]).get("/academy/cohorts/alpha/export/canvas.csv"))
    assert rows[0][:6] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                           "Fines per street (fines-count)"]
    assert rows[1][:6] == ["Points Possible", "", "", "", "", "100"]
    bob = next(r for r in rows if r[3] == "bob.learner@camden.example")
    assert bob[:7] == ["Learner, Bob", "", "", "bob.learner@camden.example", "Alpha cohort",
                       "10.0", "20.0"]


def test_progress_csv_has_states(staff) -> None:  # noqa: ANN001
    rows = read_csv(as_user(staff["meg"]).get("/academy/cohorts/alpha/progress.csv"))
    assert rows[0][:7] == ["Learner", "Email", "Passed", "Passed (%)", "fines-count state",
                           "fines-count best (%)", "fines-count passed on"]
    ann = next(r for r in rows if r[0] == "Ann Learner")
    assert ann[2] == "1" and ann[4:6] == ["Passed", "90.0"] and ann[6]
    assert ann[7] == "Not started"
    assert rows[-1][:5] == ["Learners who passed (%)", "", "", "", "50"]


def test_ksb_page_lists_evidence_comments_and_workplace_codes(staff) -> None:  # noqa: ANN001
    page = as_user(staff["ann"]).get(f"/academy/learners/{staff['ann'].pk}/ksbs/")
    text = page.content.decode()
    assert "My knowledge, skills and behaviours" in text
    assert "S2: Analyse data" in text and "Fines per street" in text
    assert "Clear and careful." in text
    assert "K2: Security policy" in text and "which a notebook cannot know" in text
    assert "K8: Data quality risks" in text and "No evidence yet" in text
    s2 = text.split("S2: Analyse data")[1].split("</h3>")[0]
    assert 'class="state state--evidenced">Evidence<' in s2
    assert f"/api/v1/learners/{staff['ann'].pk}/portfolio" in text


def test_heatmap_counts_evidence_per_code(staff) -> None:  # noqa: ANN001
    text = as_user(staff["meg"]).get("/academy/cohorts/alpha/ksbs/").content.decode()
    assert "<abbr" in text and "K8" in text and "S2" in text
    ann_row = text.split("Ann Learner</a></th>")[1].split("</tr>")[0]
    assert "1 of 2" in ann_row and 'class="heat-work">–<' in ann_row


def test_portfolio_zip_holds_index_manifest_and_rendered_submission(staff) -> None:  # noqa: ANN001
    response = as_user(staff["meg"]).get(f"/api/v1/learners/{staff['ann'].pk}/portfolio")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="portfolio-ann-')
    zf = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(zf.read("manifest.json"))
    (evidence,) = manifest["ksbs"]["S2"]["evidence"]
    assert evidence["exercise"] == "fines-count" and evidence["score"] == 9
    assert evidence["marks"] == [{"grade_id": "explain", "score": 4, "max_score": 5.0,
                                  "comment": "Clear and careful."}]
    assert evidence["comments"] == ["Clear and careful."]
    assert manifest["ksbs"]["K2"]["workplace_only"] is True
    assert manifest["ksbs"]["K8"]["evidence"] == []
    page = zf.read(evidence["file"]).decode()
    assert "42" in page and "print" in page and "Clear and careful." in page
    index = zf.read("index.html").decode()
    assert evidence["file"] in index and "<link" not in index and "<script" not in index
