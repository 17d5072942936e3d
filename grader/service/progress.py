"""Progress: where each learner stands on each exercise (`grader.service.states`), for one
learner (their pages, their KSB evidence) or a whole cohort (grid, API, exports, heatmap).

A cohort is read with a fixed number of queries whatever its size. The database works out
each learner's figures per exercise in one GROUP BY query (best percent, best fully marked
percent, first pass, anything awaiting marking), so a cohort of 500 learners and 20,000
submissions costs Python 20,000 small rows, not 20,000 model objects. One learner's pages
read their submissions themselves (`standing`), to show the best one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from itertools import repeat
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, ExpressionWrapper, F, FloatField, Max, Min, Q, QuerySet
from django.db.models.functions import Coalesce, NullIf

from grader.service.models import Cohort, Exercise, Submission, SubmissionStatus, Track, User
from grader.service.states import (
    NOT_STARTED,
    PERCENT_TOLERANCE,
    STATE_LABELS,
    Attempt,
    Standing,
    State,
    aware,
    standing,
    state_of,
)

__all__ = [
    "NOT_STARTED", "STATE_LABELS", "CohortProgress", "LearnerRow", "Standing", "State",
    "TrackProgress", "cohort_progress", "learner_progress",
]


def _driver_rows(queryset: QuerySet) -> list[tuple[Any, ...]]:
    """The query's rows as the database driver returns them, skipping Django's converter per
    value: for 20,000 submissions on SQLite those cost 0.5 s, most of a page's budget."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. no exercises: Django knows without asking the database
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _uuid_text(value: Any) -> str:
    """The id as URLs spell it. SQLite stores 32 hex digits; PostgreSQL gives a UUID."""
    if isinstance(value, str) and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(value)


Attempts = dict[int, dict[str, list[Attempt]]]
"""Learner id -> exercise id -> that learner's graded submissions of that exercise."""


def graded_attempts(learners: QuerySet | Iterable[int], exercise_ids: Iterable[str]) -> Attempts:
    """Every graded submission of these learners for these exercises, in one query."""
    query = _graded(learners, exercise_ids).annotate(
        # COALESCE(x, x) is x; as an expression, SQLite's driver hands it over as text
        # instead of parsing each date in Python (40 ms for 20,000 rows).
        sent=Coalesce("created_at", "created_at"),
    ).values_list("learner_id", "exercise_id", "id", "sent", "total_score",
                  "grade__max_score", "awaiting_marking")
    found: Attempts = defaultdict(lambda: defaultdict(list))
    for learner_id, exercise_id, sub_id, sent, total, max_score, awaiting in (
            _driver_rows(query)):
        pct = 100 * total / max_score if max_score else None
        found[learner_id][exercise_id].append(Attempt(
            _uuid_text(sub_id), sent, total, max_score or 0.0, bool(awaiting), pct))
    return found


def _graded(learners: QuerySet | Iterable[int], exercise_ids: Iterable[str]) -> QuerySet:
    return Submission.objects.filter(
        learner__in=learners, exercise_id__in=list(exercise_ids),
        status=SubmissionStatus.GRADED, total_score__isnull=False).order_by()


def cohort_standings(learners: QuerySet | Iterable[int],
                     exercises: Iterable[Exercise]) -> dict[int, dict[str, Standing]]:
    """Learner id -> exercise id -> standing, from one GROUP BY query; pairs with no graded
    submission are left out (they are not started)."""
    percent = ExpressionWrapper(
        F("total_score") * 100.0 / NullIf(F("grade__max_score"), 0.0), output_field=FloatField())
    marked = Q(awaiting_marking=False)
    passing = marked & Q(percent__gte=F("exercise__pass_percent") - PERCENT_TOLERANCE)
    query = (_graded(learners, [e.pk for e in exercises]).annotate(percent=percent)
             .values("learner_id", "exercise_id").annotate(
                 best=Max("percent"), best_marked=Max("percent", filter=marked),
                 n_marked=Count("pk", filter=marked),
                 n_waiting=Count("pk", filter=Q(awaiting_marking=True)),
                 first_pass=Min("created_at", filter=passing))
             .values_list("learner_id", "exercise_id", "best", "best_marked", "n_marked",
                          "n_waiting", "first_pass"))
    found: dict[int, dict[str, Standing]] = defaultdict(dict)
    for learner_id, exercise_id, best, best_marked, n_marked, n_waiting, first in (
            _driver_rows(query)):
        state = state_of(passed=first is not None, waiting=n_waiting > 0, marked=n_marked > 0)
        found[learner_id][exercise_id] = Standing(state, best, best_marked, first)
    return found


def standings(attempts: Attempts, learner_id: int,
              exercises: Iterable[Exercise]) -> tuple[Standing, ...]:
    """One learner's standing on each exercise, in order."""
    mine = attempts.get(learner_id)
    if mine is None:
        return tuple(NOT_STARTED for _ in exercises)
    return tuple(NOT_STARTED if (found := mine.get(e.pk)) is None
                 else standing(found, e.pass_percent) for e in exercises)


def last_submitted(learners: QuerySet[Any, Any] | Iterable[int]) -> dict[int, datetime]:
    """When each learner last sent anything (graded or not), in one query."""
    rows = (Submission.objects.filter(learner__in=learners).order_by()
            .values("learner_id").annotate(last=Max("created_at")))
    return {r["learner_id"]: r["last"] for r in rows}


def track_exercises(tracks: QuerySet[Track]) -> list[Exercise]:
    """Active exercises of these tracks in course order, each once, in one query."""
    seen: dict[str, Exercise] = {}
    rows = (Exercise.objects.filter(trackexercise__track__in=tracks, active=True)
            .order_by("trackexercise__track__title", "trackexercise__position"))
    for exercise in rows:
        seen.setdefault(exercise.pk, exercise)
    return list(seen.values())


def graded_tracks(cohort: Cohort) -> QuerySet[Track]:
    return cohort.tracks.filter(active=True, graded=True)


# One learner: the "My progress" page.


@dataclass(frozen=True)
class ExerciseProgress:
    """One learner's standing on one exercise, with every attempt for the page."""

    exercise: Exercise
    standing: Standing
    attempts: tuple[Submission, ...]
    """Newest first, each with its grade (if any) loaded."""

    @property
    def done(self) -> bool:
        return self.standing.done

    @property
    def latest(self) -> Submission | None:
        return self.attempts[0] if self.attempts else None

    @property
    def being_graded(self) -> bool:
        return any(not s.finished for s in self.attempts)


@dataclass(frozen=True)
class TrackProgress:
    track: Track
    exercises: tuple[ExerciseProgress, ...]

    @property
    def to_do(self) -> tuple[ExerciseProgress, ...]:
        return tuple(e for e in self.exercises if not e.done)

    @property
    def passed(self) -> int:
        return sum(e.done for e in self.exercises)

    @property
    def percent_done(self) -> int:
        return round(100 * self.passed / len(self.exercises)) if self.exercises else 0


def learner_progress(learner: User) -> tuple[TrackProgress, ...]:
    """The learner's graded tracks (from their cohorts), each exercise's standing, in order."""
    tracks = list(Track.objects.filter(cohorts__learners=learner, active=True, graded=True)
                  .distinct())
    by_track = {t.pk: track_exercises(Track.objects.filter(pk=t.pk)) for t in tracks}
    exercise_ids = {e.pk for exs in by_track.values() for e in exs}
    attempts = graded_attempts([learner.pk], exercise_ids)
    subs: dict[str, list[Submission]] = defaultdict(list)
    for sub in (Submission.objects.filter(learner=learner, exercise_id__in=exercise_ids)
                .select_related("grade").defer("notebook", "grade__feedback_html")
                .order_by("-created_at")):
        subs[sub.exercise_id].append(sub)
    return tuple(
        TrackProgress(track, tuple(
            ExerciseProgress(ex, state, tuple(subs[ex.pk])) for ex, state in zip(
                by_track[track.pk], standings(attempts, learner.pk, by_track[track.pk]),
                strict=True)))
        for track in tracks
    )


# A cohort: the grid, the progress API and the exports.


@dataclass(frozen=True)
class LearnerRow:
    """One learner of a cohort: a standing per exercise (in the grid's order)."""

    learner: User
    cells: tuple[Standing, ...]
    last_submitted_at: datetime | None

    @cached_property
    def passed(self) -> int:
        return sum(1 for c in self.cells if c.state is State.PASSED)

    @cached_property
    def needs_work(self) -> int:
        return sum(1 for c in self.cells if c.state is State.NEEDS_WORK)

    @property
    def percent_done(self) -> int:
        return round(100 * self.passed / len(self.cells)) if self.cells else 0


@dataclass(frozen=True)
class CohortProgress:
    """Learners by exercises for one cohort."""

    cohort: Cohort
    exercises: tuple[Exercise, ...]
    rows: tuple[LearnerRow, ...]

    def passed_percent(self, index: int) -> int:
        """Percent of learners who passed the exercise at `index`."""
        return self.exercise_totals[index][1]

    @cached_property
    def exercise_totals(self) -> tuple[tuple[Exercise, int], ...]:
        """Each exercise with the percent of learners who passed it."""
        passed = [0] * len(self.exercises)
        for row in self.rows:
            for i, cell in enumerate(row.cells):
                if cell.state is State.PASSED:
                    passed[i] += 1
        n = len(self.rows)
        return tuple((e, round(100 * p / n) if n else 0)
                     for e, p in zip(self.exercises, passed, strict=True))

    def pass_dates(self) -> list[datetime]:
        """When each (learner, exercise) pass happened, for the chart."""
        return [aware(c.first_pass) for r in self.rows for c in r.cells
                if c.first_pass is not None]


def cohort_learners(cohort: Cohort) -> QuerySet[User]:
    return cohort.learners.order_by("last_name", "first_name", "username").only(
        "id", "username", "first_name", "last_name", "email")


def cohort_progress(cohort: Cohort) -> CohortProgress:
    """Every learner's standing on every graded exercise of the cohort (4 queries)."""
    exercises = track_exercises(graded_tracks(cohort))
    learners = list(cohort_learners(cohort))
    ids = Cohort.learners.through.objects.filter(cohort_id=cohort.pk).values("user_id")
    found = cohort_standings(ids, exercises)
    ids_in_order = [e.pk for e in exercises]
    last = last_submitted(ids)
    nothing = (NOT_STARTED,) * len(ids_in_order)
    rows = tuple(
        LearnerRow(u, nothing if mine is None else tuple(
            map(mine.get, ids_in_order, repeat(NOT_STARTED))), last.get(u.pk))
        for u in learners for mine in (found.get(u.pk),))
    return CohortProgress(cohort, tuple(exercises), rows)
