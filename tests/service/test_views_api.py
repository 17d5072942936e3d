"""The JSON API: creating submissions, reading them, listing them, and who may do what."""

from __future__ import annotations

import json

import pytest
from academy_helpers import PASSWORD, committed, notebook
from django.test import Client

from grader.service.models import Grade, Submission
from grader.service.tokens import issue_token

# A submission is queued only once its row is committed: `committed()` runs that step.
pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # noqa: ANN001
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def upload(client: Client, exercise: str, data: bytes, name: str = "nb.ipynb", **extra):  # noqa: ANN003,ANN201
    from django.core.files.uploadedfile import SimpleUploadedFile

    with committed():
        return client.post("/api/v1/submissions", {
            "exercise": exercise, "notebook": SimpleUploadedFile(name, data)}, **extra)


def test_learner_submits_and_reads_the_grade(people) -> None:  # noqa: ANN001
    client = client_for(people["ann"])
    response = upload(client, "fines-count", notebook("fines-count"))
    assert response.status_code == 201, response.content
    body = response.json()
    # The queue runs synchronously in these tests, so the grade is there at once.
    detail = client.get(body["url"]).json()
    assert detail["status"] == "graded"
    assert detail["score"] == 1.0 and detail["max_score"] == 1.0
    assert detail["feedback_url"].endswith("/feedback/")
    assert "flags" not in detail
    listing = client.get("/api/v1/submissions").json()["submissions"]
    assert [s["id"] for s in listing] == [body["id"]]


def test_token_authentication_creates_without_csrf(people) -> None:  # noqa: ANN001
    key = issue_token(people["bob"].email, label="test")
    client = Client(enforce_csrf_checks=True)
    response = upload(client, "fines-total", notebook("fines-total"),
                      HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 201, response.content
    assert Submission.objects.get().learner == people["bob"]


def test_a_wrong_token_is_refused(people) -> None:  # noqa: ANN001
    response = Client().get("/api/v1/submissions", HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401
    assert "not valid" in response.json()["error"]


def test_session_post_without_csrf_token_is_refused(people) -> None:  # noqa: ANN001
    client = Client(enforce_csrf_checks=True)
    client.login(username=people["ann"].username, password=PASSWORD)
    response = upload(client, "fines-count", notebook("fines-count"))
    assert response.status_code == 403
    assert not Submission.objects.exists()


def test_session_endpoint_tells_the_widget_what_it_may_do(people) -> None:  # noqa: ANN001
    anon = Client().get("/api/v1/session?exercise=fines-count").json()
    assert anon["signed_in"] is False and anon["can_submit"] is False
    assert "csrf_token" not in anon
    ann = client_for(people["ann"])
    assert ann.get("/api/v1/session?exercise=fines-count").json()["can_submit"] is True
    # A self-study exercise and another cohort's exercise cannot be submitted.
    assert ann.get("/api/v1/session?exercise=warm-up").json()["can_submit"] is False
    assert ann.get("/api/v1/session?exercise=other-cohort-task").json()["can_submit"] is False


@pytest.mark.parametrize(
    ("exercise", "data", "status", "words"),
    [
        ("fines-count", b"this is not json", 400, "not valid notebook JSON"),
        ("fines-count", b'{"cells": "no"}', 400, "not a Jupyter notebook"),
        ("fines-count", b"", 400, "empty"),
        ("no-such-exercise", b"{}", 404, "no exercise called"),
        ("other-cohort-task", notebook("other-cohort-task"), 403, "not on a graded track"),
        ("warm-up", notebook("warm-up"), 403, "not on a graded track"),
        ("fines-count", notebook("fines-total"), 400, "is for the exercise"),
    ],
)
def test_bad_uploads_get_a_clear_4xx_and_leave_nothing(
    people, exercise: str, data: bytes, status: int, words: str,  # noqa: ANN001
) -> None:
    response = upload(client_for(people["ann"]), exercise, data)
    assert response.status_code == status
    assert words in response.json()["error"]
    assert not Submission.objects.exists() and not Grade.objects.exists()


def test_a_huge_upload_is_refused_with_the_limit(people, settings) -> None:  # noqa: ANN001
    settings.ACADEMY_MAX_NOTEBOOK_BYTES = 200_000
    nb = json.loads(notebook("fines-count"))
    nb["cells"][0]["source"] = "x" * 300_000
    response = upload(client_for(people["ann"]), "fines-count", json.dumps(nb).encode())
    assert response.status_code == 413
    assert "the limit is 0.2 MB" in response.json()["error"]
    assert not Submission.objects.exists()


def test_missing_fields_are_named(people) -> None:  # noqa: ANN001
    client = client_for(people["ann"])
    assert "'notebook'" in client.post("/api/v1/submissions", {"exercise": "x"}).json()["error"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/api/v1/submissions", {"notebook": SimpleUploadedFile("a", b"{}")})
    assert "'exercise'" in response.json()["error"]


def test_rate_limit_says_how_long_to_wait(people, settings) -> None:  # noqa: ANN001
    settings.ACADEMY_RATE_LIMIT = 2
    client = client_for(people["ann"])
    for _ in range(2):
        assert upload(client, "fines-count", notebook("fines-count")).status_code == 201
    response = upload(client, "fines-count", notebook("fines-count"))
    assert response.status_code == 429
    assert "submitted 2 times in the last 10 minutes" in response.json()["error"]
    assert Submission.objects.count() == 2


def test_manager_lists_a_learner_of_their_cohort_only(people) -> None:  # noqa: ANN001
    upload(client_for(people["ann"]), "fines-count", notebook("fines-count"))
    upload(client_for(people["cat"]), "fines-count", notebook("fines-count"))
    meg = client_for(people["meg"])
    mine = meg.get(f"/api/v1/submissions?learner={people['ann'].email}").json()["submissions"]
    assert len(mine) == 1 and mine[0]["learner"] == people["ann"].email
    assert "flags" in mine[0]
    other = meg.get(f"/api/v1/submissions?learner={people['cat'].email}").json()["submissions"]
    assert other == []
