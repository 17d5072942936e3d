"""Tutors' marks for written answers, and their append-only history.

A written answer is a manually graded cell of an nbgrader notebook (nbgrader's "manually
graded answer"): the autograder scores it `None` and a tutor gives it points. `Mark` holds
the current mark of one answer of one submission; `MarkEvent` records every change to it,
and is never updated or deleted by any code path (only erased with its submission).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

MAX_COMMENT_CHARS = 5000
"""Longest comment a tutor may leave on one answer."""


class MarkKind(models.TextChoices):
    MARKED = "marked", "Marked by a tutor"
    CARRIED_FORWARD = "carried_forward", "Carried forward from an earlier submission"


class Mark(models.Model):
    """The current mark of one written answer of one submission."""

    submission = models.ForeignKey(
        "academy.Submission", on_delete=models.CASCADE, related_name="marks")
    grade_id = models.CharField(max_length=100)
    score = models.FloatField()
    comment = models.TextField(blank=True, max_length=MAX_COMMENT_CHARS)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="Empty once the tutor's account is erased.")
    marked_at = models.DateTimeField()
    answer_sha256 = models.CharField(
        max_length=64, help_text="SHA-256 of the answer text the mark was given for.")

    class Meta:
        constraints = [
            models.UniqueConstraint("submission", "grade_id", name="unique_mark_per_answer")
        ]

    def __str__(self) -> str:
        return f"{self.grade_id} of {self.submission_id}: {self.score:g}"


class AppendOnlyError(Exception):
    """Raised by any attempt to change or remove a row of the marking history."""


class MarkEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The marking history is append-only: rows are never updated.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("The marking history is append-only: rows are never deleted.")


class MarkEvent(models.Model):
    """One change to a mark: who, when, which answer, the old and new score, the comment."""

    submission = models.ForeignKey(
        "academy.Submission", on_delete=models.CASCADE, related_name="mark_events")
    grade_id = models.CharField(max_length=100)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="The tutor; empty for a carried-forward mark or once erased.")
    old_score = models.FloatField(null=True, blank=True)
    new_score = models.FloatField()
    comment = models.TextField(blank=True)
    kind = models.CharField(max_length=16, choices=MarkKind.choices)
    answer_sha256 = models.CharField(max_length=64)

    objects = MarkEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["submission", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.grade_id} of {self.submission_id} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The marking history is append-only: rows are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The marking history is append-only: rows are never deleted.")
