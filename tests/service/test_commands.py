"""The thin commands: catalogue sync, tokens, the demo cohort, and the database in use."""

from __future__ import annotations

import io
import os

import pytest
from academy_helpers import committed
from django.core.management import CommandError, call_command
from django.db import connection

from grader.service.models import ApiToken, Cohort, Exercise, Submission, Track

pytestmark = pytest.mark.django_db


def test_sync_catalogue_copies_tracks_exercises_and_ksbs() -> None:
    out = io.StringIO()
    call_command("sync_catalogue", stdout=out)
    assert "3 tracks, 5 exercises" in out.getvalue()
    assert Track.objects.get(pk="apprentice-data").graded is True
    assert Track.objects.get(pk="everyone").graded is False
    ksbs = Exercise.objects.get(pk="fines-total").ksbs.values_list("code", flat=True)
    assert sorted(ksbs) == ["K8", "S2"]
    order = Track.objects.get(pk="apprentice-data").trackexercise_set.values_list(
        "exercise_id", flat=True)
    assert list(order) == ["fines-count", "fines-total", "fines-report"]


def test_issue_token_prints_a_token_stored_only_as_a_digest(people) -> None:  # noqa: ANN001
    out = io.StringIO()
    call_command("issue_token", people["ann"].email, stdout=out)
    key = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert len(key) > 30 and key not in (token.digest, token.prefix) and key.startswith(
        token.prefix)
    with pytest.raises(CommandError, match="no user with the email address"):
        call_command("issue_token", "nobody@camden.example")


def test_demo_cohort_is_idempotent_and_queues_real_history(catalogue) -> None:  # noqa: ANN001
    from grader.service.demo import load_demo

    with committed():
        first = load_demo()
    assert [login.role for login in first] == ["manager", "tutor", "learner", "learner",
                                               "learner"]
    count = Submission.objects.count()
    assert count > 0 and Submission.objects.filter(status="graded").count() == count
    # The tutor tutors the demo cohort and has written answers to mark, in the learner's
    # own words (not the model answer).
    cohort = Cohort.objects.get()
    assert [u.email for u in cohort.tutors.all()] == [first[1].email]
    waiting = Submission.objects.filter(awaiting_marking=True)
    assert waiting.exists()
    assert all("I would check the gaps" in text for sub in waiting
               for text in sub.written_answers.values())
    with committed():
        second = load_demo()
    assert Submission.objects.count() == count and Cohort.objects.count() == 1
    assert first[0].password != second[0].password


def test_database_is_the_one_the_environment_names() -> None:
    """The PostgreSQL pass of `make test` really runs on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "sqlite")
    expected = "postgresql" if url.startswith(("postgres", "postgresql")) else "sqlite"
    assert connection.vendor == expected
