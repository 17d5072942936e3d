"""KSB evidence: which knowledge, skills and behaviours each apprentice's passed work shows.

A code of the standard is evidenced by every exercise that names it in `exercises.yml`
and that the apprentice has passed (see `grader.service.progress`). Codes that notebook
work cannot show are `workplace_only`, with the reason from `courses/standards.yml`.

One apprentice: `learner_ksbs` (the KSB page and the portfolio). A cohort: `cohort_heatmap`
(codes against learners) and `evidence_by_code` (the progress API). Both use a fixed number
of queries whatever the number of learners.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from grader.service.models import Exercise, Ksb, Mark, Standard, Track, User
from grader.service.progress import (
    CohortProgress,
    LearnerRow,
    Standing,
    State,
    graded_attempts,
    standings,
    track_exercises,
)

CODE_ORDER = {"K": 0, "S": 1, "B": 2}
"""Standards list knowledge, then skills, then behaviours."""


def code_key(code: str) -> tuple[int, int]:
    """K2 before K10 before S1 before B1."""
    match = re.fullmatch(r"([KSB])(\d+)", code)
    return (CODE_ORDER[match[1]], int(match[2])) if match else (len(CODE_ORDER), 0)


def ordered_ksbs(standards: Iterable[str]) -> list[Ksb]:
    ksbs = Ksb.objects.filter(standard_id__in=list(standards)).select_related("standard")
    return sorted(ksbs, key=lambda k: (k.standard_id, code_key(k.code)))


def exercise_codes(exercises: Iterable[Exercise]) -> dict[str, tuple[str, ...]]:
    """Exercise id -> the KSB codes it evidences, in one query."""
    codes: dict[str, list[str]] = defaultdict(list)
    links = Exercise.ksbs.through.objects.filter(
        exercise_id__in=[e.pk for e in exercises]).values_list("exercise_id", "ksb__code")
    for exercise_id, code in links:
        codes[exercise_id].append(code)
    return {k: tuple(sorted(v, key=code_key)) for k, v in codes.items()}


class KsbStatus(StrEnum):
    EVIDENCED = "evidenced"
    NOT_YET = "not_yet"
    WORKPLACE = "workplace"

    @property
    def label(self) -> str:
        """The status in words, as the KSB page shows it."""
        return KSB_STATUS_LABELS[self]


KSB_STATUS_LABELS = {
    KsbStatus.EVIDENCED: "Evidence",
    KsbStatus.NOT_YET: "No evidence yet",
    KsbStatus.WORKPLACE: "Workplace evidence",
}


@dataclass(frozen=True)
class Evidence:
    """One passed exercise that evidences a code: the submission that passed it."""

    exercise: Exercise
    submission_id: str
    date: datetime
    score: float
    max_score: float
    percent: float
    comments: tuple[str, ...]
    """The tutors' comments on the submission's written answers, in cell order."""
    marks: tuple[Mark, ...]


@dataclass(frozen=True)
class KsbEvidence:
    ksb: Ksb
    evidence: tuple[Evidence, ...]

    @property
    def status(self) -> KsbStatus:
        if self.evidence:
            return KsbStatus.EVIDENCED
        return KsbStatus.WORKPLACE if self.ksb.workplace_only else KsbStatus.NOT_YET


@dataclass(frozen=True)
class StandardEvidence:
    """Every code of one standard for one apprentice."""

    standard: Standard
    items: tuple[KsbEvidence, ...]

    def count(self, status: KsbStatus) -> int:
        return sum(i.status is status for i in self.items)

    @property
    def evidenced(self) -> int:
        return self.count(KsbStatus.EVIDENCED)

    @property
    def workplace(self) -> int:
        return self.count(KsbStatus.WORKPLACE)

    @property
    def not_yet(self) -> int:
        return self.count(KsbStatus.NOT_YET)


def learner_tracks(learner: User) -> list[Track]:
    return list(Track.objects.filter(cohorts__learners=learner, active=True, graded=True)
                .exclude(standard=None).select_related("standard").distinct())


def learner_ksbs(learner: User) -> tuple[StandardEvidence, ...]:
    """Every code of the standards of the learner's graded tracks, with its evidence."""
    tracks = learner_tracks(learner)
    exercises = track_exercises(Track.objects.filter(pk__in=[t.pk for t in tracks]))
    attempts = graded_attempts([learner.pk], [e.pk for e in exercises])
    cells: dict[str, Standing] = dict(zip(
        [e.pk for e in exercises], standings(attempts, learner.pk, exercises), strict=True))
    passed = {ex.pk: ex for ex in exercises if cells[ex.pk].done}
    bests = {ex_id: best for ex_id in passed if (best := cells[ex_id].best) is not None}
    marks: dict[str, list[Mark]] = defaultdict(list)
    for mark in Mark.objects.filter(
            submission_id__in=[best.submission_id for best in bests.values()]
    ).order_by("submission_id", "id"):
        marks[str(mark.submission_id)].append(mark)
    codes = exercise_codes(passed.values())
    by_code: dict[str, list[Evidence]] = defaultdict(list)
    for ex_id, ex in passed.items():
        best = bests[ex_id]
        sub_marks = tuple(marks[best.submission_id])
        item = Evidence(ex, best.submission_id, best.created_at, best.total_score,
                        best.max_score, best.percent or 0.0,
                        tuple(m.comment for m in sub_marks if m.comment.strip()), sub_marks)
        for code in codes.get(ex_id, ()):
            by_code[code].append(item)
    standards = {t.standard_id: t.standard for t in tracks
                 if t.standard_id is not None and t.standard is not None}
    return tuple(
        StandardEvidence(std, tuple(
            KsbEvidence(k, tuple(sorted(by_code[k.code], key=lambda e: e.date)))
            for k in ordered_ksbs([std_id])))
        for std_id, std in sorted(standards.items())
    )


class CodeIndex:
    """For a cohort's exercises in grid order: the KSB codes each one evidences."""

    def __init__(self, progress: CohortProgress) -> None:
        codes = exercise_codes(progress.exercises)
        self.columns = [(i, e.pk, codes[e.pk]) for i, e in enumerate(progress.exercises)
                        if codes.get(e.pk)]

    def evidence(self, row: LearnerRow,
                 none: dict[str, Sequence[str]] | None = None) -> dict[str, Sequence[str]]:
        """Code -> ids of the passed exercises evidencing it, for one learner; `none` (every
        code with an empty sequence, from `empty`) adds the codes with no evidence."""
        found: dict[str, list[str]] = {}
        cells = row.cells
        for i, exercise_id, codes in self.columns:
            if cells[i].state is State.PASSED:
                for code in codes:
                    if code in found:
                        found[code].append(exercise_id)
                    else:
                        found[code] = [exercise_id]
        result: dict[str, Sequence[str]] = {**none, **found} if none else dict(found)
        return result

    @staticmethod
    def empty(codes: Iterable[str]) -> dict[str, Sequence[str]]:
        return dict.fromkeys(codes, ())


@dataclass(frozen=True)
class HeatmapRow:
    learner: User
    counts: tuple[int | None, ...]
    """Passed exercises evidencing each column's code; None for a workplace-only code."""

    @property
    def evidenced(self) -> int:
        return sum(1 for c in self.counts if c)


@dataclass(frozen=True)
class Heatmap:
    """Codes against learners for one cohort."""

    columns: tuple[Ksb, ...]
    rows: tuple[HeatmapRow, ...]

    @property
    def teachable(self) -> int:
        """Codes that notebook work can evidence."""
        return sum(not k.workplace_only for k in self.columns)


def cohort_standards(progress: CohortProgress) -> list[str]:
    return sorted({sid for sid in progress.cohort.tracks.filter(active=True, graded=True)
                   .exclude(standard=None).values_list("standard_id", flat=True)})


def cohort_heatmap(progress: CohortProgress) -> Heatmap:
    """How many passed exercises evidence each code, for each learner of the cohort."""
    columns = tuple(ordered_ksbs(cohort_standards(progress)))
    index = CodeIndex(progress)
    rows = []
    for row in progress.rows:
        per_code = index.evidence(row)
        rows.append(HeatmapRow(row.learner, tuple(
            None if k.workplace_only else len(per_code.get(k.code, ())) for k in columns)))
    return Heatmap(columns, tuple(rows))
