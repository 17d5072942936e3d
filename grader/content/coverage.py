"""Which codes of an apprenticeship standard a graded track teaches and evidences.

Worked out from the catalogue alone, so it cannot drift from it: an exercise gives evidence
for the KSB codes it lists in exercises.yml, and the lessons that use the exercise teach them.
A code that no exercise of the track evidences must be marked `workplace_only` in
standards.yml with the reason; otherwise it is a gap. The site's KSB coverage page
(`grader.sitebuild.coverage_page`) is made from `track_coverage`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from grader.content.catalogue import Audience, Catalogue, Exercise, Ksb, Lesson, Track


class Status(StrEnum):
    """Where the evidence for one code comes from."""

    EVIDENCED = "taught and evidenced"
    """Lessons teach it and at least one graded exercise gives evidence for it."""
    WORKPLACE = "workplace evidence"
    """The standard marks it workplace only: the apprentice shows it at work."""
    GAP = "not covered"
    """Neither: a problem with the track."""


@dataclass(frozen=True)
class CodeCoverage:
    """One KSB code of the standard and how the track covers it."""

    ksb: Ksb
    status: Status
    exercises: tuple[Exercise, ...]
    """Exercises of the track that give evidence for it, in track order."""
    lessons: tuple[Lesson, ...]
    """Lessons that teach it: those using one of `exercises`, in track order."""


@dataclass(frozen=True)
class TrackCoverage:
    """Every code of a graded track's standard, in the standard's order."""

    track: Track
    codes: tuple[CodeCoverage, ...]

    def by_status(self, status: Status) -> tuple[CodeCoverage, ...]:
        return tuple(c for c in self.codes if c.status is status)

    def of_kind(self, letter: str) -> tuple[CodeCoverage, ...]:
        """Codes starting with `letter`: K (knowledge), S (skills) or B (behaviours)."""
        return tuple(c for c in self.codes if c.ksb.code.startswith(letter))


def graded_tracks(catalogue: Catalogue) -> tuple[Track, ...]:
    return tuple(t for t in catalogue.tracks
                 if t.audience is Audience.GRADED and t.standard in catalogue.standards)


def track_coverage(catalogue: Catalogue, track: Track) -> TrackCoverage:
    """How `track` covers every code of its standard (the track must be graded)."""
    if track.standard is None or track.standard not in catalogue.standards:
        raise ValueError(f"track '{track.id}' names no standard in courses/standards.yml")
    standard = catalogue.standards[track.standard]
    used: list[tuple[Lesson, Exercise]] = [
        (lesson, catalogue.exercises[e])
        for m in track.modules
        for lesson in m.lessons
        for e in lesson.exercises
        if e in catalogue.exercises
    ]
    codes = []
    for ksb in standard.ksbs:
        pairs = [(lesson, ex) for lesson, ex in used
                 if ex.standard == standard.id and ksb.code in ex.ksbs]
        exercises = tuple(dict.fromkeys(ex for _, ex in pairs))
        lessons = tuple(dict.fromkeys(lesson for lesson, _ in pairs))
        if exercises:
            status = Status.EVIDENCED
        elif ksb.workplace_only:
            status = Status.WORKPLACE
        else:
            status = Status.GAP
        codes.append(CodeCoverage(ksb, status, exercises, lessons))
    return TrackCoverage(track, tuple(codes))
