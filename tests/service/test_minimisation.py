"""Minimisation: the grader never receives a name or an email address, only the notebook and
ids; the service's logs name people by id. Proved on the whole chain: import with invitations,
submit, grade, mark, look, export, erasure request and approval, self-study, retention."""

from __future__ import annotations

import json
import logging
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from academy_fake_autograde import RECORD_ENV
from academy_helpers import REPORT, written
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from grader.service import erasure, marking, retention, selfstudy
from grader.service.models import Submission, User

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "yusuf.minimus@camden.example"
NEEDLES = (EMAIL, "Yusuf", "Minimus", "yusuf.minimus")
RECORDING = "academy_fake_autograde.recording_autograde"
SERVICE_LOGGERS = ("grader", "django", "mozilla_django_oidc")


def test_the_grader_and_the_logs_never_see_names_or_emails(
    tutors: dict[str, Any], smtp: Any, settings: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    record = tmp_path / "seen.json"
    monkeypatch.setenv(RECORD_ENV, str(record))
    settings.ACADEMY_AUTOGRADE = RECORDING
    caplog.set_level(logging.DEBUG)
    csv = tmp_path / "people.csv"
    csv.write_text(f"name,email,role\nYusuf Minimus,{EMAIL},learner\n")

    call_command("import_cohort", str(csv), "--cohort", "alpha", "--invite", stdout=StringIO())
    yusuf = User.objects.get(email=EMAIL)
    yusuf_id = yusuf.pk
    client = Client()
    client.force_login(yusuf)
    answer = "Yusuf Minimus thinks the fines fell."  # a learner may write their name: it is
    response = client.post("/api/v1/submissions", {  # the notebook, and the notebook goes
        "exercise": REPORT, "notebook": SimpleUploadedFile(  # to the grader as it is
            f"{REPORT}.ipynb", written(answer_why=answer))})
    assert response.status_code == 201, response.content
    sub = Submission.objects.get(pk=response.json()["id"])
    assert sub.status == "graded"

    seen = json.loads(record.read_text())
    files = seen.pop("files")
    assert answer in files[1]  # the grader had the notebook...
    grader_text = json.dumps(seen) + files[0] + files[1].replace(answer, "")
    for needle in NEEDLES:  # ...and nothing else that names the person
        assert needle.lower() not in grader_text.lower(), needle
    assert Path(seen["arguments"][1]).name == f"{REPORT}.ipynb"

    marking.mark_answer(tutor=tutors["tess"], submission_id=sub.pk, grade_id="answer-why",
                        mark=marking.MarkInput(score=1, comment="Clear."))
    tess = Client()
    tess.force_login(tutors["tess"])
    tess.get(f"/academy/submissions/{sub.pk}/")
    client.get("/api/v1/me/export")
    selfstudy.opt_in(yusuf)
    selfstudy.merge(yusuf, {"exercise:warm-up": "done"})
    retention.apply()
    req = erasure.request_erasure(yusuf, "Please erase me.")
    erasure.approve(req, by=tutors["meg"])

    # The service's loggers (not the test's own SMTP server, which logs what it receives).
    messages = [r.getMessage() for r in caplog.records if r.name.startswith(SERVICE_LOGGERS)]
    assert any(f"person {yusuf_id}" in m for m in messages)  # the logs do name people, by id
    for message in messages:
        for needle in NEEDLES:
            assert needle.lower() not in message.lower(), message
