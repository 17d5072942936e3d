"""People, their roles, the cohorts they learn in or manage, and API tokens."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    LEARNER = "learner", "Learner"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Admin"
    LEAD = "lead", "Academy lead"
    """Sees the council-wide uptake counts (as managers do), and no one's work."""


class User(AbstractUser):
    """A member of council staff. The username is their work email address, in lower case."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.LEARNER)
    directorate = models.CharField(
        max_length=200, blank=True,
        help_text="From the imported staff list or the sign-in claim; only ever counted.")
    service = models.CharField(max_length=200, blank=True, help_text="As for directorate.")
    left_cohorts_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When they were taken out of their last cohort (retention counts from it).")
    keeps_progress_since = models.DateTimeField(
        null=True, blank=True,
        help_text="When they chose to keep their self-study progress on the server; empty if "
                  "they have not (or have stopped).")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email or self.username

    @property
    def is_manager(self) -> bool:
        return self.role in (Role.MANAGER, Role.ADMIN)

    @property
    def sees_uptake(self) -> bool:
        """Managers, academy leads and admins see the uptake counts (never a person's record)."""
        return self.is_active and (
            self.role in (Role.MANAGER, Role.LEAD, Role.ADMIN) or self.is_superuser)


class Cohort(models.Model):
    """A group of learners on the same tracks, seen by the managers who manage it and marked
    by its tutors. A person may be a manager and a tutor of the same cohort."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    tracks = models.ManyToManyField("academy.Track", blank=True, related_name="cohorts")
    learners = models.ManyToManyField(User, blank=True, related_name="learner_cohorts")
    managers = models.ManyToManyField(User, blank=True, related_name="managed_cohorts")
    tutors = models.ManyToManyField(User, blank=True, related_name="tutored_cohorts")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_on = models.DateField(
        null=True, blank=True,
        help_text="The day the cohort finished; its learners' work is kept for the retention "
                  "period after it (see the privacy notice).")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def hash_token(key: str) -> str:
    """Tokens are stored as SHA-256 digests: a leaked database does not leak usable tokens."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the JSON API (`Authorization: Token <key>`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="First characters, to tell tokens apart.")
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class SignInFailure(models.Model):
    """One failed sign-in, kept only for the throttling window (see `grader.service.signin`).
    `key` is a keyed hash of the account name or the address, never the value itself."""

    kind = models.CharField(max_length=8)
    key = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["kind", "key", "at"])]


class Invitation(models.Model):
    """A single-use link to set a first password, sent by email; stored as a digest.

    Sending again makes a new link and ends the earlier ones (`grader.service.invitations`).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation {self.pk} for person {self.user_id}"
