"""Mark schemes (grader.service.markscheme): read from every instructor notebook in
exercises/, rendered safely, and never shown to a learner, before or after marking."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from grader.service.markbook import render_markdown
from grader.service.markscheme import (
    MARKING_PARAGRAPH,
    extract_answers,
    mark_schemes,
    split_scheme,
)

REPO = Path(__file__).resolve().parents[2]
WRITTEN_EXERCISES = sorted(
    p.parent.name for p in (REPO / "exercises").glob("*/*.ipynb")
    if '"grade": true' in p.read_text() and any(
        c.get("metadata", {}).get("nbgrader", {}).get("grade")
        and c.get("metadata", {}).get("nbgrader", {}).get("solution")
        for c in json.loads(p.read_text())["cells"]))


def test_the_repository_has_written_answers_to_check() -> None:
    assert len(WRITTEN_EXERCISES) >= 10


@pytest.mark.parametrize("exercise", WRITTEN_EXERCISES)
def test_every_written_answer_has_a_model_answer_and_marking_points(
        exercise: str, settings: object) -> None:
    settings.ACADEMY_ROOT = REPO
    schemes = mark_schemes(exercise, f"{exercise}.ipynb")
    assert schemes, exercise
    for scheme in schemes.values():
        assert scheme.model_answer.strip(), (exercise, scheme.grade_id)
        found = MARKING_PARAGRAPH.match(scheme.marking_points)
        assert found, (exercise, scheme.grade_id, scheme.marking_points[:60])
        # The points the scheme gives are the points of the cell.
        assert float(found["points"]) == scheme.points, (exercise, scheme.grade_id)


def test_nbgraders_mark_scheme_region_is_read_too() -> None:
    source = ("Model answer here.\n=== BEGIN MARK SCHEME ===\n1 for a reason.\n"
              "=== END MARK SCHEME ===\nMore model answer.")
    assert split_scheme(source) == ("Model answer here.\nMore model answer.", "1 for a reason.")
    assert split_scheme("Just an answer.") == ("Just an answer.", "")


def test_answers_are_taken_from_the_learners_notebook_by_grade_id() -> None:
    nb = {"cells": [
        {"cell_type": "markdown", "source": ["My ", "answer."],
         "metadata": {"nbgrader": {"grade_id": "a", "grade": True, "solution": True}}},
        {"cell_type": "markdown", "source": "Not graded.",
         "metadata": {"nbgrader": {"grade_id": "b", "grade": False, "solution": False}}},
    ]}
    assert extract_answers(json.dumps(nb).encode(), ["a", "b", "c"]) == {
        "a": "My answer.", "b": "", "c": ""}
    assert extract_answers(b"not json", ["a"]) == {"a": ""}


def test_an_answer_is_rendered_without_script_or_remote_content() -> None:
    text = ("**Bold** and [a link](https://example.org) and [bad](javascript:alert(1))\n\n"
            "<script>alert(1)</script><img src=https://example.org/x.png onerror=alert(1)>"
            "<a href='#' onclick='alert(1)'>x</a><iframe src=//evil></iframe>\n\n"
            "# Heading\n\n```\ncode <b>\n```")
    out = str(render_markdown(text))
    assert "<strong>Bold</strong>" in out
    assert '<a href="https://example.org" rel="noopener noreferrer">a link</a>' in out
    for bad in ("<script", "alert(1)</", "<img", "onerror", "onclick", "javascript:",
                "<iframe", "<h1"):
        assert bad not in out, bad
    assert "code &lt;b&gt;" in out


def _fragments(text: str) -> list[str]:
    """Distinctive lines of a model answer or marking points, as plain text."""
    plain = re.sub(r"[*_`>#]", "", text)
    lines = [re.sub(r"^\s*(\d+\.|-)\s+", "", line).strip() for line in plain.splitlines()]
    return [line for line in lines if len(line) >= 25]


@pytest.mark.django_db(transaction=True)
def test_learners_never_see_a_mark_scheme_or_model_answer(
        settings: object, make_user, monkeypatch) -> None:  # noqa: ANN001
    """For every exercise of the repository with written answers: the learner submits, the
    tutor marks every answer, and no page or response the learner can reach holds a line of
    the mark scheme or model answer, before marking or after."""
    from grader.service.catalogue_sync import sync_catalogue
    from grader.service.marking import MarkInput, mark_answer
    from grader.service.models import Cohort, Submission, Track

    settings.ACADEMY_ROOT = REPO
    settings.ACADEMY_RATE_LIMIT = 1000
    sync_catalogue(REPO)
    learner = make_user("lee.learner@camden.example")
    tutor = make_user("tia.tutor@camden.example")
    cohort = Cohort.objects.create(slug="all", name="All tracks")
    cohort.tracks.add(*Track.objects.filter(graded=True))
    cohort.learners.add(learner)
    cohort.tutors.add(tutor)
    client = Client()
    client.force_login(learner)
    marker = Client()
    marker.force_login(tutor)

    def learner_can_see(sub_id: str) -> str:
        seen = []
        for url in (f"/api/v1/submissions/{sub_id}", "/api/v1/submissions",
                    f"/academy/submissions/{sub_id}/", f"/academy/submissions/{sub_id}/feedback/",
                    "/academy/me/"):
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            if response["Content-Type"].startswith("application/json"):
                body = json.dumps(response.json(), ensure_ascii=False)
            seen += [body, html.unescape(body)]
        sub = Submission.objects.get(pk=sub_id)
        session = client.get(f"/api/v1/session?exercise={sub.exercise_id}").json()
        assert session["latest"]["id"] == sub_id
        seen.append(json.dumps(session, ensure_ascii=False))
        return "\n".join(seen)

    checked = 0
    # Only a graded track's exercises can be submitted (self-study ones never reach a tutor).
    graded = set(Track.objects.filter(graded=True).values_list("exercises", flat=True))
    assert len(graded & set(WRITTEN_EXERCISES)) >= 10
    for exercise in sorted(graded & set(WRITTEN_EXERCISES)):
        schemes = mark_schemes(exercise, f"{exercise}.ipynb")
        path = REPO / "exercises" / exercise / f"{exercise}.ipynb"
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") in schemes:
                cell["source"] = "My own answer, in my own words."
        response = client.post("/api/v1/submissions", {
            "exercise": exercise,
            "notebook": SimpleUploadedFile(path.name, json.dumps(nb).encode())})
        assert response.status_code == 201, response.content
        sub_id = response.json()["id"]
        assert Submission.objects.get(pk=sub_id).awaiting_marking, exercise
        before = learner_can_see(sub_id)
        for gid, scheme in schemes.items():
            mark_answer(tutor=tutor, submission_id=sub_id, grade_id=gid,
                        mark=MarkInput(scheme.points, f"Good work on {gid}."))
        after = learner_can_see(sub_id)
        assert "Good work on" in after  # the marks did reach the learner
        # The same fragments are found where they belong: on the tutor's page.
        first = next(iter(schemes.values()))
        tutor_page = html.unescape(marker.get(
            f"/academy/marking/all/{exercise}/{sub_id}/{first.grade_id}/").content.decode())
        assert _fragments(first.marking_points)[0] in tutor_page, exercise
        for scheme in schemes.values():
            for fragment in _fragments(scheme.model_answer) + _fragments(scheme.marking_points):
                assert fragment not in before and fragment not in after, (exercise, fragment)
                checked += 1
    assert checked > 50
