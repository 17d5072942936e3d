"""Small factories for the progress tests: graded submissions written straight to the
database, with the totals the marking code keeps (`total_score`, `awaiting_marking`), so a
test states exactly the scores it is about without running a grader."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from django.utils import timezone

from grader.service.models import Grade, Mark, Submission, SubmissionStatus, User

NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": "# My answer"},
        {"cell_type": "code", "id": "answer", "metadata": {}, "execution_count": 1,
         "outputs": [
            {"output_type": "stream", "name": "stdout", "text": "42\n"}],
         "source": "print(6 * 7)"},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                "language": "python"},
                 "language_info": {"name": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def graded(learner: User, exercise_id: str, score: float, *, max_score: float = 10,
           awaiting: bool = False, at: datetime | None = None,
           marks: tuple[tuple[str, float, str], ...] = (),
           notebook: dict | None = None) -> Submission:
    """A graded submission whose total (autograder plus marks) is `score` of `max_score`.
    `marks` are (grade_id, score, comment) of written answers already marked."""
    data = json.dumps(notebook or NOTEBOOK).encode()
    sub = Submission.objects.create(
        learner=learner, exercise_id=exercise_id, notebook=data, filename="n.ipynb",
        size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest(),
        status=SubmissionStatus.GRADED, total_score=score, awaiting_marking=awaiting)
    when = at or timezone.now()
    Submission.objects.filter(pk=sub.pk).update(created_at=when, finished_at=when)
    cells = [{"grade_id": g, "score": s, "max_score": 5.0, "kind": "manual"}
             for g, s, _ in marks]
    Grade.objects.create(submission=sub, status=SubmissionStatus.GRADED,
                         score=score - sum(s for _, s, _ in marks), max_score=max_score,
                         needs_manual_grading=bool(marks) or awaiting, attempt=1, cells=cells)
    for grade_id, mark, comment in marks:
        Mark.objects.create(submission=sub, grade_id=grade_id, score=mark, comment=comment,
                            marked_at=when, answer_sha256="0" * 64)
    sub.refresh_from_db()
    return sub


def days_ago(n: int) -> datetime:
    return timezone.now() - timedelta(days=n)
