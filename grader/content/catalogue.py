"""The course catalogue: tracks, modules, lessons and exercises described in YAML.

Layout (paths relative to the repository root)::

    courses/standards.yml            apprenticeship standards and their KSB codes
    courses/<track-id>/track.yml     one track: audience, outcomes, time, modules, lessons
    courses/<track-id>/exercises.yml the exercises that track's authors maintain (ids are
                                     unique across all tracks; any lesson may use any of them)
    courses/<track-id>/<lesson>.md   lesson bodies, in Markdown
    courses/glossary.yml             plain definitions of the words lessons link to
    exercises/<exercise-id>/         the nbgrader instructor notebook and its datasets

This module holds the models. `grader.content.reader.load_catalogue(root)` reads all of it
and returns one validated, frozen `Catalogue`, or raises `CatalogueError` listing every
problem with its file, place and a plain sentence; `read_catalogue(root)` returns what could
be read together with the problems, for callers (such as `grader check`) that carry on and
report more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from grader.content.activities import Activity, Level
from grader.content.charts import Chart
from grader.content.fields import (
    NOTEBOOK_PATTERN,
    PATTERN_HINTS,
    SLUG_PATTERN,
    KsbCode,
    Minutes,
    RelativeFile,
    Slug,
    StandardId,
    Strict,
    Text,
)
from grader.content.glossary import Glossary, GlossaryTerm
from grader.content.problems import Problem

COURSES_DIR = "courses"
EXERCISES_DIR = "exercises"
STANDARDS_FILE = "standards.yml"
EXERCISES_FILE = "exercises.yml"
TRACK_FILE = "track.yml"

PassPercent = Annotated[int, Field(ge=1, le=100)]
DEFAULT_PASS_PERCENT = 50
"""The pass mark of a track that does not set `pass_percent`."""

__all__ = [
    "DEFAULT_PASS_PERCENT", "PATTERN_HINTS", "Audience", "Catalogue", "CatalogueError",
    "Exercise", "Ksb", "Lesson", "Module", "Problem", "Standard", "Track", "json_schema",
]


class Audience(StrEnum):
    """Who a track is for and how it is assessed."""

    SELF_STUDY = "self-study"
    GRADED = "graded"


class Ksb(Strict):
    """One knowledge, skill or behaviour of an apprenticeship standard."""

    code: KsbCode = Field(description="Code as the standard prints it, e.g. K8 or S14.")
    title: Text = Field(description="Short wording of the KSB.")
    workplace_only: bool = Field(
        default=False,
        description="True when notebook work cannot show it and workplace evidence is needed.",
    )
    workplace_reason: str | None = Field(
        default=None, description="Why it needs workplace evidence, in one plain sentence."
    )


class Standard(Strict):
    """An apprenticeship standard, e.g. ST0118 Data Analyst level 4."""

    id: StandardId = Field(description="Institute reference, e.g. ST0118.")
    title: Text
    level: int = Field(ge=2, le=7)
    version: Text = Field(description="Version of the standard, in quotes, e.g. '1.1'.")
    ksbs: tuple[Ksb, ...] = Field(min_length=1)


class Exercise(Strict):
    """An nbgrader exercise. Its instructor notebook lives in exercises/<id>/."""

    id: Slug
    title: Text
    summary: Text = Field(description="One or two sentences shown on the exercise page.")
    notebook: Annotated[str, StringConstraints(pattern=NOTEBOOK_PATTERN)] = Field(
        description="File name of the instructor notebook in exercises/<id>/."
    )
    datasets: tuple[RelativeFile, ...] = Field(
        default=(), description="Files beside the notebook that the learner's code reads."
    )
    standard: StandardId | None = Field(
        default=None, description="Standard whose KSB codes `ksbs` refers to."
    )
    ksbs: tuple[KsbCode, ...] = Field(default=(), description="KSBs this exercise evidences.")
    estimated_minutes: Minutes
    pass_percent: PassPercent | None = Field(
        default=None,
        description="Pass mark: the percent of the whole score, tutor's marks included, a "
        "learner needs. Leave it out to use the pass_percent of the track whose folder "
        "holds this exercises.yml.",
    )


class Lesson(Strict):
    """A lesson: a Markdown page with a case study and, optionally, exercises."""

    id: Slug
    title: Text
    file: RelativeFile = Field(description="Markdown file, relative to the track's folder.")
    estimated_minutes: Minutes
    outcomes: tuple[Text, ...] = Field(min_length=1)
    case_study: Text = Field(description="The Camden case study the lesson is built on.")
    exercises: tuple[Slug, ...] = Field(default=(), description="Exercise ids.")
    level: Level | None = Field(
        default=None,
        description="Who the lesson is for. In a track, give every lesson a level or none.",
    )
    activities: tuple[Activity, ...] = Field(
        default=(),
        description="Worked examples, quizzes and reflections, each with its minutes. "
        "Exercises count with their own estimated_minutes.",
    )
    charts: tuple[Chart, ...] = Field(
        default=(), description="Charts drawn from datasets/data/ at build time."
    )


class Module(Strict):
    """A group of lessons within a track."""

    id: Slug
    title: Text
    summary: Text
    lessons: tuple[Lesson, ...] = Field(min_length=1)


class Track(Strict):
    """A learning track: self-study for all staff, or graded for apprentices."""

    id: Slug = Field(description="Must match the track's folder name under courses/.")
    title: Text
    summary: Text
    audience: Audience
    standard: StandardId | None = Field(
        default=None, description="Required for a graded track: the standard it assesses."
    )
    estimated_hours: float = Field(gt=0, le=200)
    outcomes: tuple[Text, ...] = Field(min_length=1)
    modules: tuple[Module, ...] = Field(min_length=1)
    pass_percent: PassPercent = Field(
        default=DEFAULT_PASS_PERCENT,
        description="Pass mark of the exercises in this track's exercises.yml that do not "
        "set their own: the percent of the whole score, tutor's marks included.",
    )


class ExerciseList(Strict):
    """The contents of courses/<track-id>/exercises.yml."""

    exercises: tuple[Exercise, ...]


class ExerciseFile(Strict):
    """The shape of exercises.yml before each exercise is validated on its own."""

    exercises: tuple[Any, ...]


class StandardList(Strict):
    """The contents of courses/standards.yml."""

    standards: tuple[Standard, ...]


class CatalogueError(Exception):
    """Raised by `load_catalogue` with every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Catalogue:
    """Everything in courses/, validated and cross-checked."""

    root: Path
    """Repository root (absolute)."""
    standards: dict[str, Standard]
    exercises: dict[str, Exercise]
    tracks: tuple[Track, ...]
    defined_in: dict[str, str] = field(default_factory=dict)
    """Exercise id -> the exercises.yml that defines it, relative to the root."""
    glossary: dict[str, GlossaryTerm] = field(default_factory=dict)
    """Term id -> term, from courses/glossary.yml (empty when there is none)."""

    def track(self, track_id: str) -> Track:
        for track in self.tracks:
            if track.id == track_id:
                return track
        raise KeyError(f"no track '{track_id}' in {self.root / COURSES_DIR}")

    def lesson_path(self, track: Track, lesson: Lesson) -> Path:
        return self.root / COURSES_DIR / track.id / lesson.file

    def exercise_dir(self, exercise: Exercise) -> Path:
        return self.root / EXERCISES_DIR / exercise.id

    def notebook_path(self, exercise: Exercise) -> Path:
        return self.exercise_dir(exercise) / exercise.notebook

    def tracks_using(self, exercise_id: str) -> tuple[Track, ...]:
        return tuple(
            t
            for t in self.tracks
            if any(exercise_id in lesson.exercises for m in t.modules for lesson in m.lessons)
        )

    def is_graded(self, exercise_id: str) -> bool:
        return any(t.audience is Audience.GRADED for t in self.tracks_using(exercise_id))

    def pass_percent(self, exercise_id: str) -> int:
        """The exercise's own pass mark, else that of the track whose folder defines it."""
        exercise = self.exercises[exercise_id]
        if exercise.pass_percent is not None:
            return exercise.pass_percent
        folder = Path(self.defined_in.get(exercise_id, "")).parent.name
        for track in self.tracks:
            if track.id == folder:
                return track.pass_percent
        return DEFAULT_PASS_PERCENT


def json_schema() -> dict[str, Any]:
    """JSON Schema for track.yml, exercises.yml, standards.yml and glossary.yml."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Camden Data Academy course catalogue",
        "$defs": {
            "track": Track.model_json_schema(),
            "exercises": ExerciseList.model_json_schema(),
            "standards": StandardList.model_json_schema(),
            "glossary": Glossary.model_json_schema(),
        },
    }


def is_slug(value: str) -> bool:
    return re.fullmatch(SLUG_PATTERN, value) is not None
