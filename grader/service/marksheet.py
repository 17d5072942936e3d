"""What a person sees of the tutor's marks of one submission (the submission and feedback
pages): learners only once every written answer is marked, tutors and managers at once."""

from __future__ import annotations

from dataclasses import dataclass

from grader.service.marking import written_answers
from grader.service.models import Submission, User


@dataclass(frozen=True)
class MarkRow:
    """One written answer and its mark."""

    number: int
    """1 for the first written answer of the notebook."""
    grade_id: str
    max_score: float
    score: float | None
    """None until marked, and for a learner until every answer is marked; 0 for an answer
    left as released."""
    comment: str


@dataclass(frozen=True)
class Marksheet:
    released: bool
    """The viewer may see the marks: every answer is marked, or the viewer is staff."""
    complete: bool
    """Every written answer has a mark."""
    rows: tuple[MarkRow, ...]
    automatic: float | None
    """The autograder's points."""
    total: float | None
    """Automatic points plus the marks the viewer may see."""
    max_score: float


def marksheet(sub: Submission, viewer: User) -> Marksheet | None:
    """The marks of a graded submission with written answers, as `viewer` may see them;
    None when it has no written answers (or no grade)."""
    grade = getattr(sub, "grade", None)
    cells = written_answers(grade)
    if grade is None or not cells:
        return None
    released = viewer.pk != sub.learner_id or not sub.awaiting_marking
    marks = {m.grade_id: m for m in sub.marks.all()} if released else {}
    # An answer left as released scores 0 from the autograder and needs no tutor.
    rows = tuple(
        MarkRow(i, c["grade_id"], float(c.get("max_score") or 0),
                marks[c["grade_id"]].score if c["grade_id"] in marks else c.get("score"),
                marks[c["grade_id"]].comment if c["grade_id"] in marks else "")
        for i, c in enumerate(cells, start=1))
    return Marksheet(
        released=released, complete=not sub.awaiting_marking, rows=rows,
        automatic=grade.score, total=sub.total_score if released else grade.score,
        max_score=grade.max_score)
