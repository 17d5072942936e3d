"""See and download, and erasure: the export holds everything about the person and nothing
about anyone else; an approved erasure leaves no trace of the person's email, name or
notebook text in any table of any app, nor in any file the service keeps."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from academy_helpers import REPORT, written
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from grader.service import erasure, marking, selfstudy
from grader.service.models import (
    ErasureRequest,
    ErasureStatus,
    Mark,
    MarkEvent,
    Submission,
    User,
)

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "zelda.quillfeather@camden.example"
NAME = "Quillfeather"
ANSWER = "Zelda's answer: the zebra crossing on Quernmore Road needs a warden"
COMMENT = "Good point about Quernmore Road, Zelda."


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def zelda(awaiting: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """Zelda, in alpha: one report sent and marked by Tess with a comment, looked at by Meg,
    self-study progress kept on the server, a note in the admin site's history."""
    zelda = make_user(EMAIL)
    zelda.first_name, zelda.last_name = "Zelda", NAME
    zelda.save()
    awaiting["alpha"].learners.add(zelda)
    client = _as(zelda)
    response = client.post("/api/v1/submissions", {"exercise": REPORT, "notebook":
        SimpleUploadedFile(f"{REPORT}.ipynb", written(answer_why=ANSWER, answer_limits=ANSWER))})
    assert response.status_code == 201, response.content
    sub = Submission.objects.get(pk=response.json()["id"])
    for grade_id, score in (("answer-why", 2), ("answer-limits", 1)):
        marking.mark_answer(tutor=awaiting["tess"], submission_id=sub.pk, grade_id=grade_id,
                            mark=marking.MarkInput(score=score, comment=COMMENT))
    _as(awaiting["meg"]).get(f"/academy/submissions/{sub.pk}/")
    selfstudy.opt_in(zelda)
    selfstudy.merge(zelda, {"lesson:everyone/count-fines": "read", "exercise:warm-up": "done"})
    LogEntry.objects.create(user=awaiting["meg"], content_type=ContentType.objects.get_for_model(
        User), object_id=str(zelda.pk), object_repr=EMAIL, action_flag=CHANGE,
        change_message=f"Changed the name of {EMAIL}")
    awaiting["zelda"], awaiting["zelda_sub"], awaiting["zelda_client"] = zelda, sub, client
    return awaiting


def test_the_export_holds_everything_about_the_person(zelda) -> None:  # noqa: ANN001
    response = zelda["zelda_client"].get("/api/v1/me/export")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="camden-data-academy-my-data-')
    zf = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(zf.read("my-data.json"))
    assert data["format"] == "camden-data-academy-my-data" and data["version"] == 1
    assert data["account"]["email"] == EMAIL and data["account"]["last_name"] == NAME
    assert [(c["slug"], c["as"]) for c in data["cohorts"]] == [("alpha", "learner")]
    [sub] = data["submissions"]
    assert sub["exercise"]["id"] == REPORT and sub["score"] == 1 + 2 + 1
    assert sorted((m["question"], m["score"], m["comment"]) for m in sub["marks"]) == [
        ("answer-limits", 1, COMMENT), ("answer-why", 2, COMMENT)]
    assert sub["written_answers"]["answer-why"] == ANSWER
    assert zf.read(sub["notebook"]) == bytes(zelda["zelda_sub"].notebook)
    [look] = data["who_looked_at_my_work"]
    assert look["who"] == "Meg Manager" and look["kind"] == "submission"
    assert {p["key"] for p in data["self_study_progress"]} == {
        "lesson:everyone/count-fines", "exercise:warm-up"}
    assert "README.txt" in zf.namelist()
    # Nothing about anyone else: no other learner's work or notebook.
    assert "ann.learner" not in zf.read("my-data.json").decode()
    assert [n for n in zf.namelist() if n.startswith("notebooks/")] == [sub["notebook"]]
    assert Client().get("/api/v1/me/export").status_code == 401


def test_the_tutors_export_has_the_marks_they_gave(zelda) -> None:  # noqa: ANN001
    data = json.loads(zipfile.ZipFile(io.BytesIO(
        _as(zelda["tess"]).get("/api/v1/me/export").content)).read("my-data.json"))
    assert len(data["marks_given_as_tutor"]) == 2
    assert data["submissions"] == [] and ("alpha", "tutor") in {
        (c["slug"], c["as"]) for c in data["cohorts"]}


def test_refusal_reason_is_shown_and_a_new_request_can_follow(zelda) -> None:  # noqa: ANN001
    client, admin = zelda["zelda_client"], _admin()
    first = client.post("/api/v1/me/erasure-request", {"note": "Please erase me."})
    assert first.status_code == 201 and first.json()["status"] == "pending"
    again = client.post("/api/v1/me/erasure-request", "{}", content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    url = f"/academy/admin/academy/erasurerequest/{first.json()['id']}/change/"
    empty = admin.post(url, {"decision": "refuse", "refusal_reason": ""})
    assert b"Give the reason for refusing" in empty.content
    reason = "Your apprenticeship evidence must be kept until 31 July 2028."
    assert admin.post(url, {"decision": "refuse", "refusal_reason": reason}).status_code == 302
    page = client.get("/academy/me/data/").content.decode()
    assert "An admin refused it on" in page and reason in page
    assert client.post("/api/v1/me/erasure-request").status_code == 201  # a new request


def _admin() -> Client:
    admin = User.objects.create_superuser("ada.admin@camden.example",
                                          "ada.admin@camden.example", "x-pass-12345")
    return _as(admin)


def _rows_mentioning(needles: tuple[str, ...]) -> list[str]:
    """Every row of every table of every installed app, searched as text."""
    found = []
    for model in apps.get_models():
        for row in model._base_manager.all().values():
            text = " ".join(bytes(v).decode("utf-8", "replace")
                            if isinstance(v, (bytes, memoryview)) else str(v)
                            for v in row.values())
            found += [f"{model._meta.label}: {n}" for n in needles if n.lower() in text.lower()]
    return found


def _files_mentioning(needles: tuple[str, ...]) -> list[str]:
    found = []
    for path in Path(settings.ACADEMY_DATA_DIR).rglob("*"):
        if path.is_file():
            data = path.read_bytes().lower()
            found += [f"{path}: {n}" for n in needles if n.lower().encode() in data]
    return found


def test_an_approved_erasure_leaves_no_personal_data(zelda) -> None:  # noqa: ANN001
    needles = (EMAIL, NAME, "Quernmore")
    assert _rows_mentioning(needles)  # the searches find them before
    if connection.vendor == "sqlite":  # the database is a file the service keeps
        assert _files_mentioning(needles)
    req_id = zelda["zelda_client"].post("/api/v1/me/erasure-request").json()["id"]
    answer = _admin().post(f"/academy/admin/academy/erasurerequest/{req_id}/change/",
                           {"decision": "approve", "refusal_reason": ""})
    assert answer.status_code == 302

    assert _rows_mentioning(needles) == []
    assert _files_mentioning(needles) == []
    record = ErasureRequest.objects.get(pk=req_id)
    assert record.status == ErasureStatus.ERASED and record.learner is None and not record.note
    assert record.erased_counts == {"submissions": 1, "marks": 2, "access_log_entries": 1,
                                    "self_study_records": 2, "cohorts": 1}
    assert not User.objects.filter(email=EMAIL).exists()
    assert zelda["zelda_client"].get("/api/v1/session").json()["signed_in"] is False
    # Everyone else's work is untouched.
    assert Submission.objects.filter(learner=zelda["ann"]).count() == 1


def test_erasing_a_tutor_keeps_their_marks_on_others_work_without_their_name(zelda) -> None:  # noqa: ANN001
    tess = zelda["tess"]
    counts = erasure.erase_person(tess)
    assert counts["cohorts"] == 1
    assert Mark.objects.filter(submission=zelda["zelda_sub"], marked_by__isnull=True).count() == 2
    assert MarkEvent.objects.filter(submission=zelda["zelda_sub"], by__isnull=True).count() == 2
    assert _rows_mentioning(("tess.tutor@camden.example",)) == []
