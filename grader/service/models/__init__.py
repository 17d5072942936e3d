"""The academy's data model: people and cohorts, the course catalogue, submissions and grades."""

from __future__ import annotations

from grader.service.models.courses import Exercise, Ksb, Standard, Track, TrackExercise
from grader.service.models.marking import Mark, MarkEvent, MarkKind
from grader.service.models.people import (
    ApiToken,
    Cohort,
    Invitation,
    Role,
    SignInFailure,
    User,
)
from grader.service.models.privacy import AccessEvent, AccessKind, ErasureRequest, ErasureStatus
from grader.service.models.selfstudy import StaffArea, StudyProgress
from grader.service.models.submissions import Grade, Submission, SubmissionStatus

__all__ = [
    "AccessEvent",
    "AccessKind",
    "ApiToken",
    "Cohort",
    "ErasureRequest",
    "ErasureStatus",
    "Exercise",
    "Grade",
    "Invitation",
    "Ksb",
    "Mark",
    "MarkEvent",
    "MarkKind",
    "Role",
    "SignInFailure",
    "StaffArea",
    "Standard",
    "StudyProgress",
    "Submission",
    "SubmissionStatus",
    "Track",
    "TrackExercise",
    "User",
]
