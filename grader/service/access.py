"""Who may see what. Every view and API endpoint looks objects up through these functions,
so an id changed in a URL finds nothing rather than someone else's work."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from grader.service.models import Cohort, Exercise, Role, Submission, Track, User

Viewer = User | AnonymousUser
"""Who is asking, as `request.user` gives it (anonymous unless signed in)."""


def signed_in(request: HttpRequest) -> User:
    """The user of a view behind `login_required` (an anonymous visitor never gets there)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user


def graded_tracks_for(learner: User) -> QuerySet[Track]:
    """Graded tracks assigned to any cohort the learner belongs to."""
    return Track.objects.filter(
        graded=True, active=True, cohorts__learners=learner
    ).distinct()


def submittable_exercises(learner: User) -> QuerySet[Exercise]:
    """Exercises the learner may submit: those of graded tracks of their cohorts."""
    return Exercise.objects.filter(
        active=True, tracks__in=graded_tracks_for(learner)
    ).distinct()


def can_submit(user: Viewer, exercise_id: str) -> bool:
    return isinstance(user, User) and submittable_exercises(user).filter(pk=exercise_id).exists()


def managed_cohorts(user: Viewer) -> QuerySet[Cohort]:
    """Cohorts the user manages; admins see every cohort."""
    if not isinstance(user, User):  # every User is signed in; AnonymousUser is not
        return Cohort.objects.none()
    if user.role == Role.ADMIN or user.is_superuser:
        return Cohort.objects.all()
    return Cohort.objects.filter(managers=user)


def visible_submissions(user: Viewer) -> QuerySet[Submission]:
    """Submissions the user may read: their own, and their managed cohorts' learners'."""
    if not isinstance(user, User):
        return Submission.objects.none()
    learner_ids = User.objects.filter(learner_cohorts__in=managed_cohorts(user)).values("pk")
    return Submission.objects.filter(learner=user) | Submission.objects.filter(
        learner__in=learner_ids
    )
