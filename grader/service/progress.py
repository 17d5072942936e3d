"""Progress: each learner's best and latest score per exercise, and a cohort's grid.

An exercise counts as done once one submission of it has been graded (a score exists, even
zero): its status is then "Graded", or "Full marks". Scores are shown beside it.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from grader.service.models import Cohort, Exercise, Submission, SubmissionStatus, Track, User


class Progress:
    NOT_STARTED = "Not started"
    WAITING = "Waiting for grade"
    NOT_GRADED = "Not graded yet"
    GRADED = "Graded"
    FULL_MARKS = "Full marks"


@dataclass(frozen=True)
class ExerciseProgress:
    """One learner's standing on one exercise."""

    exercise: Exercise
    attempts: tuple[Submission, ...]
    """Newest first, each with its grade (if any) loaded."""
    best: Submission | None
    """The graded submission with the highest score (earliest of equals)."""
    latest: Submission | None

    @property
    def status(self) -> str:
        if self.best is not None:
            g = self.best.grade
            return Progress.FULL_MARKS if g.score == g.max_score else Progress.GRADED
        if not self.attempts:
            return Progress.NOT_STARTED
        if any(not s.finished for s in self.attempts):
            return Progress.WAITING
        return Progress.NOT_GRADED

    @property
    def done(self) -> bool:
        return self.best is not None

    @property
    def best_date(self) -> datetime | None:
        return self.best.created_at if self.best else None


@dataclass(frozen=True)
class TrackProgress:
    track: Track
    exercises: tuple[ExerciseProgress, ...]

    @property
    def to_do(self) -> tuple[ExerciseProgress, ...]:
        return tuple(e for e in self.exercises if not e.done)

    @property
    def percent_done(self) -> int:
        return round(100 * sum(e.done for e in self.exercises) / len(self.exercises)) if (
            self.exercises) else 0


def _ordered_exercises(tracks: Iterable[Track]) -> list[tuple[Track, list[Exercise]]]:
    return [
        (t, [te.exercise for te in t.trackexercise_set.select_related("exercise")
             .order_by("position") if te.exercise.active])
        for t in tracks
    ]


def _exercise_progress(exercise: Exercise, subs: list[Submission]) -> ExerciseProgress:
    graded = [s for s in subs if s.status == SubmissionStatus.GRADED and s.grade.score is not None]
    best = max(graded, key=lambda s: (s.grade.score, -s.created_at.timestamp()), default=None)
    return ExerciseProgress(exercise, tuple(subs), best, subs[0] if subs else None)


def _submissions_by_key(learners: Iterable[User]) -> dict[tuple[int, str], list[Submission]]:
    by_key: dict[tuple[int, str], list[Submission]] = defaultdict(list)
    rows = (
        Submission.objects.filter(learner__in=list(learners))
        .select_related("grade", "exercise")
        .defer("notebook", "grade__feedback_html")
        .order_by("-created_at")
    )
    for sub in rows:
        if not hasattr(sub, "grade"):
            sub.grade = None
        by_key[(sub.learner_id, sub.exercise_id)].append(sub)
    return by_key


def learner_progress(learner: User) -> tuple[TrackProgress, ...]:
    """The learner's graded tracks (from their cohorts), each exercise's standing, in order."""
    tracks = Track.objects.filter(cohorts__learners=learner, active=True, graded=True).distinct()
    by_key = _submissions_by_key([learner])
    return tuple(
        TrackProgress(track, tuple(
            _exercise_progress(ex, by_key.get((learner.pk, ex.pk), [])) for ex in exercises))
        for track, exercises in _ordered_exercises(tracks)
    )


@dataclass(frozen=True)
class CohortGrid:
    """Learners by exercises for one cohort, with completion both ways."""

    cohort: Cohort
    exercises: tuple[Exercise, ...]
    rows: tuple[tuple[User, tuple[ExerciseProgress, ...]], ...]
    exercise_completion: tuple[int, ...] = field(default=())
    """Percent of learners done, per exercise (same order as `exercises`)."""

    def learner_completion(self, cells: tuple[ExerciseProgress, ...]) -> int:
        return round(100 * sum(c.done for c in cells) / len(cells)) if cells else 0


def cohort_grid(cohort: Cohort) -> CohortGrid:
    exercises: list[Exercise] = []
    for _, exs in _ordered_exercises(cohort.tracks.filter(active=True, graded=True)):
        exercises += [e for e in exs if e not in exercises]
    learners = list(cohort.learners.order_by("last_name", "first_name", "username"))
    by_key = _submissions_by_key(learners)
    rows = tuple(
        (u, tuple(_exercise_progress(e, by_key.get((u.pk, e.pk), [])) for e in exercises))
        for u in learners
    )
    completion = tuple(
        round(100 * sum(row[1][i].done for row in rows) / len(rows)) if rows else 0
        for i in range(len(exercises))
    )
    return CohortGrid(cohort, tuple(exercises), rows, completion)


def _safe(value: object) -> str:
    """Stop spreadsheet programs treating a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def grid_csv(grid: CohortGrid) -> str:
    """The grid as CSV: one row per learner; best score, status and date per exercise."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["Learner", "Email", "Completion (%)"]
    for e in grid.exercises:
        header += [f"{e.pk} best score", f"{e.pk} max score", f"{e.pk} status", f"{e.pk} date"]
    writer.writerow(header)
    for user, cells in grid.rows:
        row = [_safe(user.display_name), _safe(user.email), grid.learner_completion(cells)]
        for c in cells:
            g = c.best.grade if c.best else None
            row += [
                "" if g is None else f"{g.score:g}",
                "" if g is None else f"{g.max_score:g}",
                c.status,
                c.best_date.date().isoformat() if c.best_date else "",
            ]
        writer.writerow(row)
    writer.writerow(["Completion per exercise (%)", "", ""]
                    + [v for pct in grid.exercise_completion for v in (pct, "", "", "")])
    return out.getvalue()
