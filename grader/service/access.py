"""Who may see what. Every view and API endpoint looks objects up through these functions,
so an id changed in a URL finds nothing rather than someone else's work."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
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


def cohorts_tutored(user: Viewer) -> QuerySet[Cohort]:
    """Cohorts whose learners' written answers the user marks (admins are not tutors unless
    a cohort names them: marking is a job given to a person)."""
    if not isinstance(user, User) or not user.is_active:
        return Cohort.objects.none()
    return Cohort.objects.filter(tutors=user)


def _learners_of(cohorts: QuerySet[Cohort]) -> QuerySet[User, Any]:
    return User.objects.filter(learner_cohorts__in=cohorts).values("pk")


def visible_submissions(user: Viewer) -> QuerySet[Submission]:
    """Submissions the user may read: their own, and the learners' of cohorts they manage
    or tutor."""
    if not isinstance(user, User):
        return Submission.objects.none()
    return (
        Submission.objects.filter(learner=user)
        | Submission.objects.filter(learner__in=_learners_of(managed_cohorts(user)))
        | Submission.objects.filter(learner__in=_learners_of(cohorts_tutored(user)))
    )


def can_mark(user: User, submission: Submission) -> bool:
    """A tutor marks the work of the learners of the cohorts they tutor, never their own."""
    return (
        submission.learner_id != user.pk
        and cohorts_tutored(user).filter(learners=submission.learner_id).exists()
    )


def history_readers_see(user: User) -> QuerySet[Submission]:
    """Submissions whose marking history the user may read: the learners' of the cohorts
    they tutor or manage (not the learner's own: they see marks and comments instead)."""
    if not user.is_authenticated:
        return Submission.objects.none()
    cohorts = managed_cohorts(user) | cohorts_tutored(user)
    return Submission.objects.filter(learner__in=_learners_of(cohorts)).exclude(learner=user)


def overseen_cohorts(user: User) -> QuerySet[Cohort]:
    """Cohorts whose progress, KSB evidence and exports the user may read: those they manage
    or tutor (admins: every cohort)."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    return Cohort.objects.filter(
        pk__in=(managed_cohorts(user) | cohorts_tutored(user)).values("pk"))


def visible_learners(user: User) -> QuerySet[User]:
    """People whose progress, KSB page and portfolio the user may see: themselves, and the
    learners of the cohorts they manage or tutor."""
    if not user.is_authenticated:
        return User.objects.none()
    return User.objects.filter(
        Q(pk=user.pk) | Q(pk__in=_learners_of(overseen_cohorts(user))))
