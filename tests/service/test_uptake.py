"""Self-study progress kept on the server by those who opt in, and the counts managers and
academy leads see: suppressed under 10 (and the next smallest when one would be worked out by
subtraction), with no individual's record readable by anyone else."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib import admin
from django.test import Client

from grader.service import selfstudy, staff, uptake
from grader.service.models import StaffArea, StudyProgress, User

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
LESSON, EXERCISE = "lesson:everyone/count-fines", "exercise:warm-up"
ALL_DONE = {LESSON: "read", EXERCISE: "done"}


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _learner(make_user: Any, email: str, area: tuple[str, str], items: dict[str, str],
             when: datetime) -> User:
    user = make_user(email)
    user.directorate, user.service = area
    user.save()
    with time_machine.travel(when, tick=False):
        selfstudy.opt_in(user)
        selfstudy.merge(user, items)
    return user


@pytest.fixture
def staff_progress(catalogue: None, make_user: Any) -> dict[str, Any]:
    """Children and Learning / Schools: 14 started (5 in December 2026, 9 in January), 12
    finished. Corporate Services / Finance: 11 started in February, 10 finished. Supporting
    Communities / Libraries: 3 started in March, none finished. And Nell, who keeps her
    progress only in her browser (rows made by hand that must not be counted)."""
    schools, finance = ("Children and Learning", "Schools"), ("Corporate Services", "Finance")
    libraries = ("Supporting Communities", "Libraries")
    for i in range(14):
        when = datetime(2026, 12, 10, tzinfo=LONDON) if i < 5 else datetime(2027, 1, 10,
                                                                             tzinfo=LONDON)
        _learner(make_user, f"s{i}.school@camden.example", schools,
                 ALL_DONE if i < 12 else {EXERCISE: "started"}, when)
    for i in range(11):
        _learner(make_user, f"f{i}.finance@camden.example", finance,
                 ALL_DONE if i < 10 else {LESSON: "read"}, datetime(2027, 2, 10, tzinfo=LONDON))
    for i in range(3):
        _learner(make_user, f"l{i}.library@camden.example", libraries, {EXERCISE: "started"},
                 datetime(2027, 3, 10, tzinfo=LONDON))
    nell = make_user("nell.private@camden.example")
    StudyProgress.objects.create(user=nell, key=LESSON, state="read",
                                 first_at=datetime(2027, 1, 1, tzinfo=LONDON),
                                 updated_at=datetime(2027, 1, 1, tzinfo=LONDON))
    return {"lead": make_user("lia.lead@camden.example", role="lead"),
            "manager": make_user("mo.manager@camden.example", role="manager"),
            "learner": User.objects.get(email="s0.school@camden.example")}


def test_counts_are_suppressed_under_10_and_by_complement(staff_progress) -> None:  # noqa: ANN001
    table = uptake.uptake_table()
    assert [m.title for m in table.measures] == [
        "Started", "Finished the module Counting", "Passed the checks of Warm-up"]
    rows = {(r.directorate, r.service): [c.text for c in r.cells] for r in table.rows}
    assert rows == {
        # Started: Libraries (3) is hidden, so Finance (11), the next smallest, is too.
        ("Children and Learning", "Schools"): ["14", "12", "12"],
        ("Corporate Services", "Finance"): ["fewer than 10", "fewer than 10", "fewer than 10"],
        ("Supporting Communities", "Libraries"): ["fewer than 10"] * 3,
    }
    assert [c.text for c in table.totals] == ["28", "22", "22"]  # Nell is not counted


def test_uptake_over_time_with_its_text_alternative(staff_progress) -> None:  # noqa: ANN001
    months = uptake.uptake_by_month(today=date(2027, 3, 20))
    assert [(m.month, m.started.text) for m in months] == [
        (date(2026, 12, 1), "fewer than 10"), (date(2027, 1, 1), "14"),
        (date(2027, 2, 1), "25"), (date(2027, 3, 1), "28")]
    chart = uptake.uptake_chart(months)
    assert chart.bars[0].height == 0 and chart.bars[-1].height > chart.bars[1].height
    assert "By the end of March 2027, 28 people had started" in chart.summary


def test_the_uptake_page_shows_counts_only_to_managers_and_leads(staff_progress) -> None:  # noqa: ANN001
    for who in ("lead", "manager"):
        page = _as(staff_progress[who]).get("/academy/uptake/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "fewer than 10" in text and "<svg" in text and "People who had started" in text
        assert "@camden.example" not in text.replace(staff_progress[who].email, "")
    assert _as(staff_progress["learner"]).get("/academy/uptake/").status_code == 404
    assert 'href="/academy/uptake/"' in _as(staff_progress["lead"]).get("/academy/me/data/"
                                                                       ).content.decode()


def test_no_individual_self_study_record_is_readable_by_anyone_else(staff_progress) -> None:  # noqa: ANN001
    lead, learner = staff_progress["lead"], staff_progress["learner"]
    mine = _as(learner).get("/api/v1/me/progress").json()
    assert mine["items"] == ALL_DONE
    assert _as(lead).get("/api/v1/me/progress").json()["items"] == {}
    assert LESSON not in _as(lead).get("/academy/me/self-study/").content.decode()
    lead_export = zipfile.ZipFile(io.BytesIO(_as(lead).get("/api/v1/me/export").content))
    assert json.loads(lead_export.read("my-data.json"))["self_study_progress"] == []
    assert StudyProgress not in admin.site._registry  # not even admins browse them
    assert Client().get("/api/v1/me/progress").status_code == 401


def test_progress_merges_and_is_never_lowered(catalogue, make_user) -> None:  # noqa: ANN001
    ann = make_user("ann.learner@camden.example")
    client = _as(ann)
    refused = client.post("/api/v1/me/progress", json.dumps({"items": ALL_DONE}),
                          content_type="application/json")
    assert refused.status_code == 409  # not chosen yet
    assert client.post("/academy/me/self-study/", {"keep": "yes"}).status_code == 302
    assert client.cookies[selfstudy.SYNC_COOKIE].value == "1"
    merged = client.post("/api/v1/me/progress", json.dumps({"items": ALL_DONE}),
                         content_type="application/json").json()["items"]
    assert merged == ALL_DONE
    lower = client.post("/api/v1/me/progress", json.dumps({"items": {
        EXERCISE: "started", "lesson:everyone/other": "read"}}),
        content_type="application/json").json()["items"]
    assert lower == {**ALL_DONE, "lesson:everyone/other": "read"}
    bad = client.post("/api/v1/me/progress", json.dumps({"items": {"lesson:x": "done"}}),
                      content_type="application/json")
    assert bad.status_code == 400 and "'done' is not a state of lesson:x" in bad.json()["error"]
    # Quiz answers (quiz.js) are kept too: a wrong answer never lowers a right one.
    quiz = "quiz:everyone/count-fines/one-row"
    merged = client.post("/api/v1/me/progress", json.dumps({"items": {quiz: "right"}}),
                         content_type="application/json").json()["items"]
    assert merged[quiz] == "right"
    again = client.post("/api/v1/me/progress", json.dumps({"items": {quiz: "answered"}}),
                        content_type="application/json").json()["items"]
    assert again[quiz] == "right"
    for key, state in (("quiz:everyone/count-fines", "right"), (quiz, "done")):
        refused = client.post("/api/v1/me/progress", json.dumps({"items": {key: state}}),
                              content_type="application/json")
        assert refused.status_code == 400, key
    assert client.post("/academy/me/self-study/", {"keep": "no"}).status_code == 302
    assert StudyProgress.objects.filter(user=ann).count() == 0
    assert client.cookies[selfstudy.SYNC_COOKIE].value == ""  # deleted


def test_the_staff_list_keeps_hashes_and_fills_accounts(catalogue, make_user) -> None:  # noqa: ANN001
    ann = make_user("ann.learner@camden.example")
    report = staff.import_staff("email,directorate,service\n"
                                "Ann.Learner@camden.example,Corporate Services,Finance\n"
                                "zed.other@camden.example,Supporting Communities,\n")
    assert report.rows == 2 and report.accounts_updated == 1
    assert User.objects.get(pk=ann.pk).directorate == "Corporate Services"
    assert not StaffArea.objects.filter(digest__icontains="camden").exists()
    zed = make_user("zed.other@camden.example")
    selfstudy.opt_in(zed)
    assert User.objects.get(pk=zed.pk).directorate == "Supporting Communities"
    with pytest.raises(staff.StaffImportError, match="line 2: 'nope' is not an email"):
        staff.import_staff("email,directorate,service\nnope,X,Y\n")
    assert StaffArea.objects.count() == 2  # a bad file changes nothing


def test_progress_keys_match_the_course_site() -> None:
    from grader.sitebuild.controls import exercise_key
    from grader.sitebuild.lesson_parts import quiz_key
    from grader.sitebuild.pages import lesson_key

    class Named:
        def __init__(self, id: str) -> None:  # noqa: A002
            self.id = id

    assert uptake.lesson_key("t", "l") == lesson_key(Named("t"), Named("l"))
    assert uptake.exercise_key("e") == exercise_key("e")
    assert uptake.quiz_key("t", "l", "q") == quiz_key(Named("t"), Named("l"), "q")


def test_the_course_quizzes_are_measured() -> None:
    """Each module of Data essentials with quizzes has its measure: every question right."""
    from pathlib import Path

    from grader.content.reader import load_catalogue

    repo = Path(__file__).resolve().parents[2]
    found = {m.title: m.keys for m in uptake.measures(load_catalogue(repo))}
    quizzes = {t: k for t, k in found.items() if t.startswith("Answered the quizzes of ")}
    assert quizzes, sorted(found)
    for keys in quizzes.values():
        assert keys and all(selfstudy.KEY.match(k) and k.startswith("quiz:data-essentials/")
                            for k in keys)
