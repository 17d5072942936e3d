"""The academy's data model: people and cohorts, the course catalogue, submissions and grades."""

from __future__ import annotations

from grader.service.models.courses import Exercise, Ksb, Standard, Track, TrackExercise
from grader.service.models.marking import Mark, MarkEvent, MarkKind
from grader.service.models.people import ApiToken, Cohort, Role, SignInFailure, User
from grader.service.models.submissions import Grade, Submission, SubmissionStatus

__all__ = [
    "ApiToken",
    "Cohort",
    "Exercise",
    "Grade",
    "Ksb",
    "Mark",
    "MarkEvent",
    "MarkKind",
    "Role",
    "SignInFailure",
    "Standard",
    "Submission",
    "SubmissionStatus",
    "Track",
    "TrackExercise",
    "User",
]
