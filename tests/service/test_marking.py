"""Marking written answers (grader.service.marking): totals kept with every grade and mark,
marks carried forward for unchanged answers, bad marks refused with nothing changed, and
the history append-only."""

from __future__ import annotations

import pytest
from academy_helpers import REPORT, written
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from grader.service import grading
from grader.service.marking import MarkError, MarkInput, mark_answer, parse_mark
from grader.service.models import Mark, MarkEvent, Submission
from grader.service.models.marking import AppendOnlyError

pytestmark = pytest.mark.django_db(transaction=True)


def resubmit(learner, data: bytes, exercise: str = REPORT) -> Submission:  # noqa: ANN001
    client = Client()
    client.force_login(learner)
    response = client.post("/api/v1/submissions", {
        "exercise": exercise, "notebook": SimpleUploadedFile(f"{exercise}.ipynb", data)})
    assert response.status_code == 201, response.content
    return Submission.objects.get(pk=response.json()["id"])


def mark(tutor, sub, grade_id: str, score: float, comment: str = "") -> Mark:  # noqa: ANN001
    return mark_answer(tutor=tutor, submission_id=sub.pk, grade_id=grade_id,
                       mark=MarkInput(score, comment))


def test_a_graded_submission_awaits_marking_with_its_answers_stored(awaiting) -> None:  # noqa: ANN001
    sub = Submission.objects.get(pk=awaiting["ann_report"].pk)
    assert sub.status == "graded"
    assert sub.awaiting_marking is True
    assert sub.total_score == 1.0  # the automatic point only
    assert list(sub.written_answers) == ["answer-why", "answer-limits"]
    assert sub.written_answers["answer-why"] == "Ann says the busiest street needs signs."
    # An exercise without written answers never awaits marking.
    plain = Submission.objects.get(pk=resubmit(awaiting["ann"], written("fines-count"),
                                                "fines-count").pk)
    assert plain.awaiting_marking is False and plain.total_score == 1.0


def test_marks_add_up_and_each_change_is_recorded(awaiting) -> None:  # noqa: ANN001
    tess, sub = awaiting["tess"], awaiting["ann_report"]
    mark(tess, sub, "answer-why", 2, "Clear.")
    sub.refresh_from_db()
    assert sub.awaiting_marking is True and sub.total_score == 3.0
    mark(tess, sub, "answer-limits", 1.5, "Only one limit.")
    mark(tess, sub, "answer-limits", 2.5, "Two limits after all.")
    sub.refresh_from_db()
    assert sub.awaiting_marking is False and sub.total_score == 5.5
    events = list(MarkEvent.objects.filter(submission=sub).values_list(
        "grade_id", "old_score", "new_score", "comment", "kind", "by"))
    assert events == [
        ("answer-why", None, 2.0, "Clear.", "marked", tess.pk),
        ("answer-limits", None, 1.5, "Only one limit.", "marked", tess.pk),
        ("answer-limits", 1.5, 2.5, "Two limits after all.", "marked", tess.pk),
    ]
    # Saving the same mark again records nothing new.
    mark(tess, sub, "answer-limits", 2.5, "Two limits after all.")
    assert MarkEvent.objects.filter(submission=sub).count() == 3


def test_an_unchanged_answer_keeps_its_mark_and_a_changed_one_is_marked_again(
        awaiting) -> None:  # noqa: ANN001
    tess, ann = awaiting["tess"], awaiting["ann"]
    first = awaiting["ann_report"]
    mark(tess, first, "answer-why", 2, "Clear.")
    mark(tess, first, "answer-limits", 1, "Only one limit.")
    second = resubmit(ann, written(
        answer_why="Ann says the busiest street needs signs.",  # unchanged
        answer_limits="Ann: long streets; fines are not all parking; and dates."))
    second.refresh_from_db()
    carried = Mark.objects.get(submission=second, grade_id="answer-why")
    assert (carried.score, carried.comment, carried.marked_by) == (2.0, "Clear.", tess)
    assert not Mark.objects.filter(submission=second, grade_id="answer-limits").exists()
    assert second.awaiting_marking is True and second.total_score == 3.0
    event = MarkEvent.objects.get(submission=second)
    assert (event.kind, event.grade_id, event.old_score, event.new_score) == (
        "carried_forward", "answer-why", None, 2.0)
    # Only the same learner's earlier work counts: Bob's identical text is not Ann's.
    bob = resubmit(awaiting["bob"], written(answer_why="Ann says the busiest street needs signs."))
    assert not Mark.objects.filter(submission=bob).exists()


def test_an_answer_left_as_released_scores_0_and_needs_no_tutor(awaiting) -> None:  # noqa: ANN001
    sub = resubmit(awaiting["bob"], written(answer_why="Signs help.",
                                            answer_limits="YOUR ANSWER HERE"))
    sub.refresh_from_db()
    assert sub.awaiting_marking is True and sub.total_score == 1.0
    mark(awaiting["tess"], sub, "answer-why", 1.5)
    sub.refresh_from_db()
    assert sub.awaiting_marking is False and sub.total_score == 2.5
    # A tutor may still mark it (and the mark counts).
    mark(awaiting["tess"], sub, "answer-limits", 1)
    sub.refresh_from_db()
    assert sub.total_score == 3.5


def test_bad_marks_are_refused_and_change_nothing(awaiting) -> None:  # noqa: ANN001
    tess, sub = awaiting["tess"], awaiting["ann_report"]
    cases = [
        (lambda: mark(tess, sub, "answer-why", 3), 400, "from 0 to 2"),
        (lambda: mark(tess, sub, "answer-why", -1), 400, "from 0 to 2"),
        (lambda: mark(tess, sub, "test-busiest", 1), 400, "not a written answer"),
        (lambda: mark(tess, awaiting["cat_report"], "answer-why", 1), 404, "can mark"),
        (lambda: mark(awaiting["tom"], sub, "answer-why", 1), 404, "can mark"),
        (lambda: mark(awaiting["ann"], sub, "answer-why", 1), 404, "can mark"),
        (lambda: parse_mark({"score": "two"}), 400, "must be a number"),
        (lambda: parse_mark({"score": True}), 400, "must be a number"),
        (lambda: parse_mark({"score": float("nan")}), 400, "must be a number"),
        (lambda: parse_mark({"score": None}), 400, "Give a score"),
        (lambda: parse_mark({"score": 1, "comment": "x" * 5001}), 400, "5,001 characters"),
        (lambda: parse_mark({"score": 1, "comment": 3}), 400, "must be text"),
        (lambda: parse_mark([1]), 400, "JSON object"),
    ]
    for call, status, words in cases:
        with pytest.raises(MarkError) as info:
            call()
        assert (info.value.status, words in info.value.message) == (status, True), \
            info.value.message
    assert not Mark.objects.exists() and not MarkEvent.objects.exists()
    sub.refresh_from_db()
    assert sub.total_score == 1.0 and sub.awaiting_marking is True


def test_a_mark_for_an_answer_graded_again_since_is_stale(awaiting) -> None:  # noqa: ANN001
    tess, sub = awaiting["tess"], awaiting["ann_report"]
    seen = Submission.objects.get(pk=sub.pk).grade.graded_at
    mark(tess, sub, "answer-why", 2, "Clear.")
    assert grading.regrade(sub.pk) is True  # the queue runs at once in these tests
    regraded = Submission.objects.get(pk=sub.pk)
    assert regraded.grade.graded_at != seen
    # The mark survived the re-grade and counts again.
    assert regraded.total_score == 3.0 and regraded.awaiting_marking is True
    with pytest.raises(MarkError) as info:
        mark_answer(tutor=tess, submission_id=sub.pk, grade_id="answer-limits",
                    mark=MarkInput(1, "", expected_graded_at=seen))
    assert info.value.status == 409 and "graded again" in info.value.message
    assert not Mark.objects.filter(grade_id="answer-limits").exists()
    # With the new grade's time it is accepted.
    mark_answer(tutor=tess, submission_id=sub.pk, grade_id="answer-limits",
                mark=MarkInput(1, "", expected_graded_at=regraded.grade.graded_at))
    assert Submission.objects.get(pk=sub.pk).awaiting_marking is False


def test_a_deactivated_tutor_cannot_mark(awaiting) -> None:  # noqa: ANN001
    tess = awaiting["tess"]
    tess.is_active = False
    tess.save()
    with pytest.raises(MarkError) as info:
        mark(tess, awaiting["ann_report"], "answer-why", 1)
    assert info.value.status == 404


def test_the_history_is_append_only(awaiting) -> None:  # noqa: ANN001
    tess, ann = awaiting["tess"], awaiting["ann"]
    sub = awaiting["ann_report"]
    # Every code path that writes marks, watched at the SQL level.
    with CaptureQueriesContext(connection) as queries:
        mark(tess, sub, "answer-why", 1, "First.")
        mark(tess, sub, "answer-why", 2, "Second thoughts.")
        resubmit(ann, written(answer_why="Ann says the busiest street needs signs."))
        grading.regrade(sub.pk)
        mark(tess, sub, "answer-limits", 3, "Good.")
    table = MarkEvent._meta.db_table
    writes = [q["sql"] for q in queries.captured_queries if table in q["sql"]
              and q["sql"].lstrip().upper().startswith(("UPDATE", "DELETE"))]
    assert writes == []
    assert MarkEvent.objects.count() == 4
    # And the model refuses any change or removal.
    event = MarkEvent.objects.first()
    event.new_score = 0
    for attempt in (event.save, event.delete, MarkEvent.objects.all().delete,
                    lambda: MarkEvent.objects.update(new_score=0)):
        with pytest.raises(AppendOnlyError):
            attempt()
    assert list(MarkEvent.objects.values_list("kind", "new_score")) == [
        ("marked", 1.0), ("marked", 2.0), ("carried_forward", 2.0), ("marked", 3.0)]

