"""The Data Charter kept in code: who looked at a learner's work, and requests for erasure."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AccessKind(models.TextChoices):
    """What someone other than the learner opened. The labels finish "They opened ..."."""

    PROGRESS = "progress", "your progress page"
    SUBMISSION = "submission", "a submission"
    FEEDBACK = "feedback", "the feedback on a submission"
    ANSWER = "answer", "a written answer, to mark it"
    HISTORY = "history", "the marking history of a submission"
    KSB_PAGE = "ksb_page", "your KSB page"
    PORTFOLIO = "portfolio", "your portfolio"


class AccessEvent(models.Model):
    """One time someone other than the learner opened the learner's work: who, when, what."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_events")
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="Empty once the viewer's account is erased.")
    viewer_role = models.CharField(
        max_length=16, help_text="Why they could see it: tutor, manager or admin.")
    at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=AccessKind.choices)
    what = models.CharField(max_length=300, help_text="The exercise and the date it was sent.")
    submission_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["learner", "-at"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"{self.kind} of person {self.learner_id} at {self.at:%Y-%m-%d %H:%M}"


class ErasureStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    REFUSED = "refused", "Refused"
    ERASED = "erased", "Erased"


class ErasureRequest(models.Model):
    """A learner's request to erase what the academy holds about them.

    Once erased, the row stays as the record that an erasure happened: `learner` is empty,
    the note is blank, and `erased_counts` says how many things went, identifying no one.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="erasure_requests")
    status = models.CharField(
        max_length=16, choices=ErasureStatus.choices, default=ErasureStatus.PENDING)
    requested_at = models.DateTimeField()
    note = models.TextField(blank=True, max_length=2000, help_text="What the learner wrote.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+")
    refusal_reason = models.TextField(
        blank=True, help_text="Shown to the learner: why, and what is kept until when.")
    erased_counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Erasure request {self.pk}"
