"""The marking pages and API: who may do what, the JSON shapes of docs/api.md, bad input,
and what a learner sees once (and only once) every written answer is marked."""

from __future__ import annotations

import json

import pytest
from academy_helpers import PASSWORD
from django.test import Client

from grader.service.models import Mark, MarkEvent, Submission
from grader.service.tokens import issue_token

pytestmark = pytest.mark.django_db(transaction=True)

EXERCISE = "fines-report"
MODEL_ANSWER = "where the team may look first"
"""Words of the fixture's model answer: tutors see them, learners never."""
MARKING_POINTS = "1 for naming what the count shows"


def client_for(user) -> Client:  # noqa: ANN001
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def put_mark(client: Client, sub, grade_id: str, body: object, **headers):  # noqa: ANN001,ANN003,ANN201
    return client.put(f"/api/v1/submissions/{sub.pk}/marks/{grade_id}",
                      data=json.dumps(body) if not isinstance(body, bytes) else body,
                      content_type="application/json", **headers)


def pages(p) -> dict[str, str]:  # noqa: ANN001
    sub = p["ann_report"]
    return {
        "home": "/academy/marking/",
        "exercise": f"/academy/marking/alpha/{EXERCISE}/",
        "answer": f"/academy/marking/alpha/{EXERCISE}/{sub.pk}/answer-why/?by=question",
        "history": f"/academy/submissions/{sub.pk}/history/",
    }


def test_the_tutor_marks_from_the_pages_and_moves_to_the_next_answer(awaiting) -> None:  # noqa: ANN001
    tess = client_for(awaiting["tess"])
    home = tess.get("/academy/marking/").content.decode()
    assert "Alpha cohort" in home and "Beta cohort" not in home
    assert "2 submissions" in home  # Ann's and Bob's fines-report
    overview = tess.get(f"/academy/marking/alpha/{EXERCISE}/").content.decode()
    assert "Ann Learner" in overview and "Bob Learner" in overview
    assert "Cat Learner" not in overview and "4 answers still to mark" in overview
    url = pages(awaiting)["answer"]
    page = tess.get(url).content.decode()
    assert "Ann says the busiest street needs signs." in page
    assert MODEL_ANSWER in page and MARKING_POINTS in page
    assert 'for="id_score"' in page and "Score, from 0 to 2" in page
    assert "Control and Enter" in page  # the keys are documented on the page
    graded_at = Submission.objects.get(pk=awaiting["ann_report"].pk).grade.graded_at
    response = tess.post(url, {"score": "2", "comment": "Clear and to the point.",
                               "graded_at": graded_at.isoformat()})
    # Saved, then the same question of the next learner (Bob), in question order.
    bob = awaiting["bob_report"]
    assert response.status_code == 302
    assert response["Location"] == (
        f"/academy/marking/alpha/{EXERCISE}/{bob.pk}/answer-why/?by=question")
    mark = Mark.objects.get(submission=awaiting["ann_report"], grade_id="answer-why")
    assert (mark.score, mark.comment, mark.marked_by) == (2.0, "Clear and to the point.",
                                                          awaiting["tess"])
    nxt = tess.get(response["Location"]).content.decode()
    assert "Saved the mark for Ann Learner, question 1." in nxt
    # By learner, the next answer is the same learner's next question.
    response = tess.post(url.replace("question", "learner"), {"score": "2"})
    assert response["Location"].endswith(f"/{awaiting['ann_report'].pk}/answer-limits/?by=learner")


def test_bad_marks_on_the_page_say_what_is_wrong_and_change_nothing(awaiting) -> None:  # noqa: ANN001
    tess = client_for(awaiting["tess"])
    url = pages(awaiting)["answer"]
    for form, status, words in (
        ({"score": "lots"}, 400, "The score must be a number; &#x27;lots&#x27; is not."),
        ({"score": "5"}, 400, "The score must be from 0 to 2 for this answer"),
        ({"score": ""}, 400, "Give a score"),
        ({"score": "1", "comment": "x" * 5001}, 400, "the most is 5,000"),
        ({"score": "1", "graded_at": "2000-01-01T00:00:00+00:00"}, 409, "graded again"),
    ):
        response = tess.post(url, form)
        page = response.content.decode()
        assert response.status_code == status, page
        assert words in page and "There is a problem" in page
        assert "<title>Error:" in page
    assert not Mark.objects.exists() and not MarkEvent.objects.exists()


def test_every_marking_page_checks_who_is_asking(awaiting) -> None:  # noqa: ANN001
    urls = pages(awaiting)
    for name, url in urls.items():
        response = Client().get(url)
        assert response.status_code == 302 and "/academy/login/" in response["Location"], name
    # Learners, another cohort's tutor and another cohort's manager see nothing.
    for who in ("ann", "cat", "tom", "max"):
        client = client_for(awaiting[who])
        for name, url in urls.items():
            if (who, name) == ("tom", "home"):
                continue  # Tom tutors beta: his own marking home page
            assert client.get(url).status_code == 404, (who, name)
        assert client.post(urls["answer"], {"score": "1"}).status_code == 404, who
    # Alpha's manager reads the history but only marks because she also tutors alpha.
    meg = client_for(awaiting["meg"])
    assert meg.get(urls["history"]).status_code == 200
    assert meg.get(urls["answer"]).status_code == 200
    awaiting["alpha"].tutors.remove(awaiting["meg"])
    assert meg.get(urls["answer"]).status_code == 404
    assert meg.get(urls["history"]).status_code == 200
    assert not Mark.objects.exists()


def test_marking_api_lists_marks_and_reads_history(awaiting) -> None:  # noqa: ANN001
    tess = client_for(awaiting["tess"])
    listing = tess.get(f"/api/v1/marking?cohort=alpha&exercise={EXERCISE}")
    assert listing.status_code == 200
    items = listing.json()["items"]
    assert [(i["learner"], i["grade_id"]) for i in items] == [
        ("ann.learner@camden.example", "answer-why"),
        ("ann.learner@camden.example", "answer-limits"),
        ("bob.learner@camden.example", "answer-why"),
        ("bob.learner@camden.example", "answer-limits")]
    first = items[0]
    assert {"submission", "learner", "exercise", "grade_id", "max_score", "answer_html",
            "mark_scheme", "score", "comment"} <= set(first)
    assert first["submission"] == str(awaiting["ann_report"].pk)
    assert first["exercise"] == EXERCISE and first["max_score"] == 2.0
    assert first["score"] is None and first["comment"] == ""
    assert first["answer_html"] == "<p>Ann says the busiest street needs signs.</p>"
    assert MODEL_ANSWER in first["mark_scheme"]["model_answer"]
    assert first["mark_scheme"]["marking_points"].startswith("Marking (2 points):")

    sub = awaiting["ann_report"]
    response = put_mark(tess, sub, "answer-why", {"score": 2, "comment": "Clear.",
                                                  "graded_at": first["graded_at"]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == str(sub.pk) and body["needs_manual_grading"] is True
    assert body["score"] == 3.0 and body["automatic_score"] == 1.0 and body["max_score"] == 6.0
    why = next(c for c in body["cells"] if c["grade_id"] == "answer-why")
    limits = next(c for c in body["cells"] if c["grade_id"] == "answer-limits")
    assert (why["kind"], why["score"], why["comment"]) == ("manual", 2.0, "Clear.")
    assert (limits["kind"], limits["score"], limits["comment"]) == ("manual", None, "")
    body = put_mark(tess, sub, "answer-limits", {"score": 1.5, "comment": "One limit."}).json()
    assert body["needs_manual_grading"] is False and body["score"] == 4.5

    events = tess.get(f"/api/v1/submissions/{sub.pk}/history").json()["events"]
    assert [(e["by"], e["grade_id"], e["old_score"], e["new_score"], e["comment"], e["kind"])
            for e in events] == [
        ("tess.tutor@camden.example", "answer-why", None, 2.0, "Clear.", "marked"),
        ("tess.tutor@camden.example", "answer-limits", None, 1.5, "One limit.", "marked")]
    assert all(e["at"] for e in events)
    # The cohort's manager reads it too; the learner, others and strangers do not.
    assert client_for(awaiting["meg"]).get(
        f"/api/v1/submissions/{sub.pk}/history").status_code == 200
    for who in ("ann", "bob", "tom", "max"):
        response = client_for(awaiting[who]).get(f"/api/v1/submissions/{sub.pk}/history")
        assert response.status_code == 404 and "error" in response.json(), who
    assert Client().get(f"/api/v1/submissions/{sub.pk}/history").status_code == 401


def test_marking_api_refuses_bad_input_with_a_json_error(awaiting) -> None:  # noqa: ANN001
    tess = client_for(awaiting["tess"])
    sub = awaiting["ann_report"]
    for grade_id, body, status, words in (
        ("answer-why", {"score": 3}, 400, "from 0 to 2"),
        ("answer-why", {"score": -0.5}, 400, "from 0 to 2"),
        ("answer-why", {"score": "two"}, 400, "must be a number"),
        ("answer-why", {"comment": "no score"}, 400, "Give a score"),
        ("answer-why", {"score": 1, "comment": "x" * 5001}, 400, "5,001 characters"),
        ("answer-why", b"not json", 400, "must be JSON"),
        ("test-busiest", {"score": 1}, 400, "not a written answer"),
        ("nope", {"score": 1}, 400, "not a written answer"),
        ("answer-why", {"score": 1, "graded_at": "2000-01-01T00:00:00+00:00"}, 409,
         "graded again"),
        ("answer-why", {"score": 1, "graded_at": "yesterday"}, 400, "not a date"),
    ):
        response = put_mark(tess, sub, grade_id, body)
        assert response.status_code == status, (body, response.content)
        assert words in response.json()["error"], response.json()
    # Someone else's learner, a learner, another cohort's tutor: 404, as for reading it.
    assert put_mark(tess, awaiting["cat_report"], "answer-why", {"score": 1}).status_code == 404
    for who in ("ann", "bob", "tom", "max"):
        response = put_mark(client_for(awaiting[who]), sub, "answer-why", {"score": 1})
        assert response.status_code == 404 and "error" in response.json(), who
    assert put_mark(Client(), sub, "answer-why", {"score": 1}).status_code == 401
    for who, cohort in (("ann", "alpha"), ("tom", "alpha"), ("meg", "beta")):
        response = client_for(awaiting[who]).get(
            f"/api/v1/marking?cohort={cohort}&exercise={EXERCISE}")
        assert response.status_code == 404, who
    assert tess.get("/api/v1/marking?cohort=alpha").status_code == 400
    assert tess.get("/api/v1/marking?cohort=alpha&exercise=warm-up").status_code == 404
    assert not Mark.objects.exists() and not MarkEvent.objects.exists()


def test_a_deactivated_tutors_token_is_refused(awaiting) -> None:  # noqa: ANN001
    key = issue_token(awaiting["tess"].email)
    sub = awaiting["ann_report"]
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert put_mark(Client(), sub, "answer-why", {"score": 1}, **auth).status_code == 200
    awaiting["tess"].is_active = False
    awaiting["tess"].save()
    response = put_mark(Client(), sub, "answer-why", {"score": 2}, **auth)
    assert response.status_code == 401 and "not valid" in response.json()["error"]
    assert Mark.objects.get().score == 1.0 and MarkEvent.objects.count() == 1


def test_a_session_mark_needs_the_csrf_token(awaiting) -> None:  # noqa: ANN001
    client = Client(enforce_csrf_checks=True)
    client.login(username=awaiting["tess"].username, password=PASSWORD)
    assert put_mark(client, awaiting["ann_report"], "answer-why", {"score": 1}).status_code \
        == 403
    assert not Mark.objects.exists()


def test_the_learner_sees_marks_only_once_every_answer_is_marked(awaiting) -> None:  # noqa: ANN001
    tess, ann = client_for(awaiting["tess"]), client_for(awaiting["ann"])
    sub = awaiting["ann_report"]
    api = f"/api/v1/submissions/{sub.pk}"
    put_mark(tess, sub, "answer-why", {"score": 2, "comment": "Clear, well done."})
    body = ann.get(api).json()
    assert body["score"] == 1.0 and body["needs_manual_grading"] is True
    assert all(c["score"] is None and c["comment"] == ""
               for c in body["cells"] if c["kind"] == "manual")
    page = ann.get(f"/academy/submissions/{sub.pk}/").content.decode()
    assert "Clear, well done." not in page and "has not finished marking" in page
    assert "Clear, well done." not in ann.get(body["feedback_url"]).content.decode()

    put_mark(tess, sub, "answer-limits", {"score": 2, "comment": "Two <b>limits</b>."})
    body = ann.get(api).json()
    assert body["score"] == 5.0 and body["percent"] == 83 and not body["needs_manual_grading"]
    assert [(c["score"], c["comment"]) for c in body["cells"] if c["kind"] == "manual"] == [
        (2.0, "Clear, well done."), (2.0, "Two <b>limits</b>.")]
    page = ann.get(f"/academy/submissions/{sub.pk}/").content.decode()
    assert "Clear, well done." in page and "Two &lt;b&gt;limits&lt;/b&gt;." in page
    assert "5 out of 6" in page
    feedback = ann.get(body["feedback_url"]).content.decode()
    assert "Clear, well done." in feedback and "Two &lt;b&gt;limits&lt;/b&gt;." in feedback
    assert "Your total: <strong>5</strong> out of 6" in feedback
    # Never the mark scheme or the model answer, and never the history.
    for text in (page, feedback, json.dumps(body)):
        assert MODEL_ANSWER not in text and MARKING_POINTS not in text
    assert ann.get(f"/api/v1/submissions/{sub.pk}/history").status_code == 404


def test_admin_shows_marks_read_only_and_grades_again_keeping_them(awaiting, make_user) -> None:  # noqa: ANN001
    admin_user = make_user("ada.admin@camden.example", role="admin", is_staff=True,
                           is_superuser=True)
    sub = awaiting["ann_report"]
    put_mark(client_for(awaiting["tess"]), sub, "answer-why", {"score": 2, "comment": "Ok."})
    before = Submission.objects.get(pk=sub.pk).grade.graded_at
    client = client_for(admin_user)
    page = client.get(f"/academy/admin/academy/submission/{sub.pk}/change/").content.decode()
    assert "marking history (append-only)" in page.lower() and "Ok." in page
    assert 'name="total_score"' not in page  # shown, never edited by hand
    response = client.post("/academy/admin/academy/submission/", {
        "action": "grade_again", "_selected_action": [str(sub.pk)]})
    assert response.status_code == 302
    regraded = Submission.objects.get(pk=sub.pk)  # the queue runs at once in these tests
    assert regraded.status == "graded" and regraded.grade.graded_at != before
    assert regraded.total_score == 3.0 and Mark.objects.get(submission=sub).score == 2.0


def test_opening_an_answer_takes_as_many_queries_for_a_big_cohort(awaiting, make_user) -> None:  # noqa: ANN001
    from academy_helpers import REPORT, written
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tess = client_for(awaiting["tess"])
    url = pages(awaiting)["answer"]

    def queries() -> int:
        tess.get(url)  # warm
        with CaptureQueriesContext(connection) as captured:
            assert tess.get(url).status_code == 200
        return len(captured)

    small = queries()
    for i in range(6):
        learner = make_user(f"extra{i}.learner@camden.example")
        awaiting["alpha"].learners.add(learner)
        client = Client()
        client.force_login(learner)
        assert client.post("/api/v1/submissions", {"exercise": REPORT, "notebook":
                           SimpleUploadedFile("n.ipynb", written())}).status_code == 201
    assert queries() == small
