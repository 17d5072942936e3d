"""Progress: where each learner stands on each exercise, for one learner or a whole cohort.

Each learner and exercise is in exactly one state (`State`), decided from the learner's
graded submissions, tutors' marks included (`Submission.total_score`, kept right by the
marking code in the same transaction as every grade and mark):

- `passed`: a fully marked submission reaches the exercise's pass mark (`pass_percent`);
- `awaiting_marking`: none passed, and a graded submission still has a written answer
  without a mark;
- `needs_work`: every graded submission is fully marked and below the pass mark;
- `not_started`: no graded submission (nothing sent, or only work still being graded,
  rejected or not gradable).

"Done" means passed, everywhere: the learner's page, the cohort grid, the CSV and totals.

A cohort is read with a fixed number of queries whatever its size: the submissions come
as plain tuples (`values_list`), not model objects, so 20,000 of them load quickly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from django.db.models import Max, QuerySet

from grader.service.models import Cohort, Exercise, Submission, SubmissionStatus, Track, User

PERCENT_TOLERANCE = 1e-9
"""Scores are floats: 59.999999 of 100 after adding marks still counts as 60%."""


class State(StrEnum):
    NOT_STARTED = "not_started"
    AWAITING_MARKING = "awaiting_marking"
    NEEDS_WORK = "needs_work"
    PASSED = "passed"

    @property
    def label(self) -> str:
        """The state in words, as every page and the CSV show it."""
        return STATE_LABELS[self]


STATE_LABELS = {
    State.NOT_STARTED: "Not started",
    State.AWAITING_MARKING: "Awaiting marking",
    State.NEEDS_WORK: "Needs work",
    State.PASSED: "Passed",
}


@dataclass(frozen=True, slots=True)
class Attempt:
    """One graded submission, as progress needs it."""

    submission_id: UUID
    created_at: datetime
    total_score: float
    """The autograder's points plus the tutors' current marks."""
    max_score: float
    awaiting_marking: bool
    """At least one written answer has no mark yet (`total_score` may still grow)."""

    @property
    def percent(self) -> float | None:
        return 100 * self.total_score / self.max_score if self.max_score else None

    def passes(self, pass_percent: int) -> bool:
        pct = self.percent
        return (not self.awaiting_marking and pct is not None
                and pct + PERCENT_TOLERANCE >= pass_percent)


def _rank(a: Attempt) -> tuple[float, float]:
    """Best first: highest percent, then the earliest of equals."""
    return (a.percent or 0.0, -a.created_at.timestamp())


@dataclass(frozen=True, slots=True)
class Standing:
    """Where one learner stands on one exercise."""

    state: State
    best: Attempt | None
    """The submission the state rests on: the best passing one; else the best fully marked
    one; else the best one awaiting marking; None when not started."""
    best_percent: float | None
    """Highest percent of any graded submission (marks given so far included)."""
    passed_at: datetime | None
    """When the first passing submission was sent."""

    @property
    def done(self) -> bool:
        return self.state is State.PASSED

    @property
    def label(self) -> str:
        return self.state.label

    @property
    def marked(self) -> Attempt | None:
        """The best fully marked submission (what a gradebook export reports)."""
        return self.best if self.best and not self.best.awaiting_marking else None


NOT_STARTED = Standing(State.NOT_STARTED, None, None, None)


def standing(attempts: Sequence[Attempt], pass_percent: int) -> Standing:
    """The state of one learner on one exercise, from its graded submissions."""
    if not attempts:
        return NOT_STARTED
    best_percent = max((a.percent for a in attempts if a.percent is not None), default=None)
    passing = [a for a in attempts if a.passes(pass_percent)]
    if passing:
        return Standing(State.PASSED, max(passing, key=_rank), best_percent,
                        min(a.created_at for a in passing))
    marked = [a for a in attempts if not a.awaiting_marking]
    awaiting = [a for a in attempts if a.awaiting_marking]
    if awaiting:
        best = max(marked or awaiting, key=_rank)
        return Standing(State.AWAITING_MARKING, best, best_percent, None)
    return Standing(State.NEEDS_WORK, max(marked, key=_rank), best_percent, None)


def graded_attempts(
    learners: QuerySet[User] | Iterable[int], exercise_ids: Iterable[str]
) -> dict[tuple[int, str], list[Attempt]]:
    """Every graded submission of these learners for these exercises, in one query."""
    rows = Submission.objects.filter(
        learner__in=learners, exercise_id__in=list(exercise_ids),
        status=SubmissionStatus.GRADED, total_score__isnull=False,
    ).values_list("learner_id", "exercise_id", "id", "created_at", "total_score",
                  "grade__max_score", "awaiting_marking")
    found: dict[tuple[int, str], list[Attempt]] = defaultdict(list)
    for learner_id, exercise_id, sub_id, created, total, max_score, awaiting in rows:
        found[(learner_id, exercise_id)].append(
            Attempt(sub_id, created, total, max_score or 0.0, awaiting))
    return found


def last_submitted(learners: QuerySet[User] | Iterable[int]) -> dict[int, datetime]:
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
            ExerciseProgress(ex, standing(attempts.get((learner.pk, ex.pk), []),
                                          ex.pass_percent), tuple(subs[ex.pk]))
            for ex in by_track[track.pk]))
        for track in tracks
    )


# A cohort: the grid, the progress API and the exports.


@dataclass(frozen=True)
class LearnerRow:
    """One learner of a cohort: a standing per exercise (in the grid's order)."""

    learner: User
    cells: tuple[Standing, ...]
    last_submitted_at: datetime | None

    @property
    def passed(self) -> int:
        return sum(c.done for c in self.cells)

    @property
    def needs_work(self) -> int:
        return sum(c.state is State.NEEDS_WORK for c in self.cells)

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
        if not self.rows:
            return 0
        return round(100 * sum(r.cells[index].done for r in self.rows) / len(self.rows))

    @property
    def exercise_totals(self) -> tuple[tuple[Exercise, int], ...]:
        return tuple((e, self.passed_percent(i)) for i, e in enumerate(self.exercises))

    def pass_dates(self) -> list[datetime]:
        """When each (learner, exercise) pass happened, for the chart."""
        return [c.passed_at for r in self.rows for c in r.cells if c.passed_at is not None]


def cohort_learners(cohort: Cohort) -> QuerySet[User]:
    return cohort.learners.order_by("last_name", "first_name", "username").only(
        "id", "username", "first_name", "last_name", "email")


def cohort_progress(cohort: Cohort) -> CohortProgress:
    """Every learner's standing on every graded exercise of the cohort (4 queries)."""
    exercises = track_exercises(graded_tracks(cohort))
    learners = list(cohort_learners(cohort))
    ids = Cohort.learners.through.objects.filter(cohort_id=cohort.pk).values("user_id")
    attempts = graded_attempts(ids, [e.pk for e in exercises])
    last = last_submitted(ids)
    rows = tuple(
        LearnerRow(u, tuple(standing(attempts.get((u.pk, e.pk), ()), e.pass_percent)
                            for e in exercises), last.get(u.pk))
        for u in learners
    )
    return CohortProgress(cohort, tuple(exercises), rows)
