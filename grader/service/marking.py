"""Tutors mark written answers: the marking flows, kept apart from views and the API.

Two flows change marks, and both end by refreshing the submission's denormalised
`total_score` and `awaiting_marking` in the same transaction, so progress pages never see a
mark without its total:

- a grade is recorded (`on_grade_recorded`, called by `grading.record`): the answers are
  stored, unchanged answers keep the mark of an earlier submission (`carry_forward`);
- a tutor marks an answer (`mark_answer`).

Every change adds a `MarkEvent`; no code path updates or deletes one.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from grader.service import access
from grader.service.markscheme import answer_sha256, extract_answers
from grader.service.models import (
    Grade,
    Mark,
    MarkEvent,
    MarkKind,
    Submission,
    SubmissionStatus,
    User,
)
from grader.service.models.marking import MAX_COMMENT_CHARS

log = logging.getLogger(__name__)

WRITTEN = "manual"
"""`kind` of a written answer in `Grade.cells` (the autograder's `CellResult.kind`)."""


class MarkError(Exception):
    """A mark that cannot be recorded; `status` is the HTTP status the API answers with."""

    def __init__(self, status: int, message: str, field: str = "") -> None:
        self.status = status
        self.message = message
        self.field = field
        """The form field at fault (`score`, `comment`), or empty."""
        super().__init__(message)


@dataclass(frozen=True)
class MarkInput:
    """A mark as a tutor sends it, checked."""

    score: float
    comment: str
    expected_graded_at: datetime | None = None
    """The grade the tutor saw (`graded_at`); None to skip the check."""


def written_answers(grade: Grade | None) -> list[dict[str, Any]]:
    """The written-answer cells of a graded result, in notebook order."""
    if grade is None or grade.status != SubmissionStatus.GRADED:
        return []
    return [c for c in grade.cells if c.get("kind") == WRITTEN]


def _written_ids(grade: Grade | None) -> list[str]:
    return [c["grade_id"] for c in written_answers(grade)]


def unmarked_ids(grade: Grade | None) -> list[str]:
    """Written answers the autograder left for a person (`score` None). An answer the
    learner left as it was released already scores 0, as in nbgrader, and needs no tutor
    (one may still mark it)."""
    return [c["grade_id"] for c in written_answers(grade) if c.get("score") is None]


# --- when a grade is recorded ------------------------------------------------------------


def store_answers(sub: Submission, grade: Grade) -> None:
    """Keep the text of each written answer, which tutors mark and hashes compare."""
    sub.written_answers = extract_answers(bytes(sub.notebook), _written_ids(grade))
    Submission.objects.filter(pk=sub.pk).update(written_answers=sub.written_answers)


def carry_forward(sub: Submission, grade: Grade) -> int:
    """Give each unchanged written answer the latest mark its same text got in an earlier
    submission of the same exercise; return how many marks were carried."""
    marked = set(sub.marks.values_list("grade_id", flat=True))
    maxima = {c["grade_id"]: float(c.get("max_score") or 0) for c in written_answers(grade)}
    carried = 0
    for gid, text in sub.written_answers.items():
        if gid in marked or gid not in maxima:
            continue
        digest = answer_sha256(text)
        earlier = (
            Mark.objects.filter(
                submission__learner_id=sub.learner_id, submission__exercise_id=sub.exercise_id,
                submission__created_at__lt=sub.created_at, grade_id=gid, answer_sha256=digest,
                score__lte=maxima[gid])
            .order_by("-marked_at").first()
        )
        if earlier is None:
            continue
        now = timezone.now()
        Mark.objects.create(submission=sub, grade_id=gid, score=earlier.score,
                            comment=earlier.comment, marked_by_id=earlier.marked_by_id,
                            marked_at=now, answer_sha256=digest)
        MarkEvent.objects.create(submission=sub, grade_id=gid, at=now,
                                 by_id=earlier.marked_by_id, old_score=None,
                                 new_score=earlier.score, comment=earlier.comment,
                                 kind=MarkKind.CARRIED_FORWARD, answer_sha256=digest)
        carried += 1
    return carried


def refresh_totals(sub: Submission, grade: Grade | None) -> None:
    """Set `total_score` (automatic points + current marks) and `awaiting_marking`."""
    if grade is None or grade.status != SubmissionStatus.GRADED or grade.score is None:
        total, awaiting = None, False
    else:
        maxima = {c["grade_id"]: float(c.get("max_score") or 0) for c in written_answers(grade)}
        # A mark above the answer's points (the exercise changed since) no longer counts.
        marks = {gid: score for gid, score in
                 sub.marks.filter(grade_id__in=list(maxima)).values_list("grade_id", "score")
                 if score <= maxima[gid]}
        total = float(grade.score) + sum(marks.values())
        awaiting = any(gid not in marks for gid in unmarked_ids(grade))
    sub.total_score, sub.awaiting_marking = total, awaiting
    Submission.objects.filter(pk=sub.pk).update(total_score=total, awaiting_marking=awaiting)


GRADE_RECORDED_STEPS: tuple[Callable[[Submission, Grade], object], ...] = (
    store_answers,  # first: carrying forward compares the hashes of these texts
    carry_forward,  # before the totals, so that a carried mark counts in them
    refresh_totals,
)


def on_grade_recorded(submission_id: Any) -> None:
    """Run the steps above for a submission whose grade was just recorded. Call inside the
    transaction that created the grade."""
    sub = Submission.objects.get(pk=submission_id)
    grade = Grade.objects.filter(submission_id=submission_id).first()
    if grade is None or grade.status != SubmissionStatus.GRADED:
        refresh_totals(sub, grade)
        return
    for step in GRADE_RECORDED_STEPS:
        step(sub, grade)


# --- when a tutor marks ------------------------------------------------------------------


def parse_mark(data: Any) -> MarkInput:
    """Check a mark as sent (JSON body or form); MarkError(400) names the problem."""
    if not isinstance(data, dict):
        raise MarkError(400, 'Send a JSON object such as {"score": 2, "comment": "..."}.')
    score = data.get("score")
    if score is None or (isinstance(score, str) and not score.strip()):
        raise MarkError(400, "Give a score: a number such as 2 or 1.5.", "score")
    if isinstance(score, str):
        text = score.strip()
        try:
            score = float(text)
        except ValueError:
            raise MarkError(400, f"The score must be a number; '{text[:40]}' is not.",
                            "score") from None
    if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
        raise MarkError(400, "The score must be a number, such as 2 or 1.5.", "score")
    comment = data.get("comment", "")
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        raise MarkError(400, "The comment must be text.", "comment")
    if len(comment) > MAX_COMMENT_CHARS:
        raise MarkError(400, f"The comment is {len(comment):,} characters long; "
                             f"the most is {MAX_COMMENT_CHARS:,}.", "comment")
    expected = data.get("graded_at")
    when = None
    if expected not in (None, ""):
        when = _parse_time(expected)
    return MarkInput(float(score), comment.strip(), when)


def _parse_time(value: Any) -> datetime:
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        raise MarkError(400, f"'graded_at' must be the grade's time as the API gave it; "
                             f"'{str(value)[:40]}' is not a date and time.") from None
    return when if when.tzinfo else timezone.make_aware(when)


def mark_answer(*, tutor: User, submission_id: Any, grade_id: str, mark: MarkInput) -> Mark:
    """Record a tutor's mark for one written answer, with its history row and the new total.

    MarkError(404) when the tutor may not mark this learner's work, (400) for a bad mark,
    (409) when the submission was graded again since the tutor saw it. Nothing is changed
    unless everything is right.
    """
    with transaction.atomic():
        sub = (Submission.objects.select_for_update(of=("self",)).filter(pk=submission_id)
               .select_related("grade").defer("notebook", "grade__feedback_html").first())
        if sub is None or not access.can_mark(tutor, sub):
            raise MarkError(404, "There is no submission with that id that you can mark.")
        grade = getattr(sub, "grade", None)
        cells = {c["grade_id"]: c for c in written_answers(grade)}
        if grade is None or grade_id not in cells:
            raise MarkError(400, f"'{grade_id[:100]}' is not a written answer of this "
                                 "submission, so it cannot be marked by a tutor.")
        maximum = float(cells[grade_id].get("max_score") or 0)
        if not 0 <= mark.score <= maximum:
            raise MarkError(400, f"The score must be from 0 to {maximum:g} for this answer; "
                                 f"{mark.score:g} is outside that.", "score")
        if mark.expected_graded_at is not None and mark.expected_graded_at != grade.graded_at:
            raise MarkError(409, "This submission was graded again after you opened it. "
                                 "Open it again to see the new result, then mark it.")
        current = sub.marks.filter(grade_id=grade_id).first()
        if current and current.score == mark.score and current.comment == mark.comment:
            return current
        now = timezone.now()
        digest = answer_sha256(sub.written_answers.get(grade_id, ""))
        MarkEvent.objects.create(
            submission=sub, grade_id=grade_id, at=now, by=tutor,
            old_score=current.score if current else None, new_score=mark.score,
            comment=mark.comment, kind=MarkKind.MARKED, answer_sha256=digest)
        saved, _ = Mark.objects.update_or_create(
            submission=sub, grade_id=grade_id, defaults={
                "score": mark.score, "comment": mark.comment, "marked_by": tutor,
                "marked_at": now, "answer_sha256": digest})
        refresh_totals(sub, grade)
    log.info("%s marked %s of submission %s: %g", tutor.pk, grade_id, sub.pk, mark.score)
    return saved
