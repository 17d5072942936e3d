"""Self-study progress kept on the server by people who chose to, and the staff list that
says which part of the council each person works in. Only ever counted for anyone else."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class StudyProgress(models.Model):
    """One lesson read or exercise started or finished, as the course site's progress.js
    keeps it in the browser (same keys and states)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_progress")
    key = models.CharField(max_length=200, help_text="lesson:<track>/<lesson> or exercise:<id>")
    state = models.CharField(max_length=16)
    first_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint("user", "key", name="unique_progress_key")]
        indexes = [models.Index(fields=["first_at"])]

    def __str__(self) -> str:
        return f"{self.key}: {self.state}"


class StaffArea(models.Model):
    """A row of the imported staff list: a keyed hash of the work email (never the address)
    and the directorate and service, copied onto the person's account when they have one."""

    digest = models.CharField(max_length=64, unique=True)
    directorate = models.CharField(max_length=200)
    service = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.directorate} / {self.service}"
