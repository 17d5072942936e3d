"""The course catalogue: tracks, modules, lessons and exercises described in YAML.

Layout (paths relative to the repository root)::

    courses/standards.yml            apprenticeship standards and their KSB codes
    courses/<track-id>/track.yml     one track: audience, outcomes, time, modules, lessons
    courses/<track-id>/exercises.yml the exercises that track's authors maintain (ids are
                                     unique across all tracks; any lesson may use any of them)
    courses/<track-id>/<lesson>.md   lesson bodies, in Markdown
    exercises/<exercise-id>/         the nbgrader instructor notebook and its datasets

`load_catalogue(root)` reads all of it and returns one validated, frozen `Catalogue`,
or raises `CatalogueError` listing every problem with its file, place and a plain sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
KSB_PATTERN = r"^[KSB][0-9]{1,2}$"
COURSES_DIR = "courses"
EXERCISES_DIR = "exercises"
STANDARDS_FILE = "standards.yml"
EXERCISES_FILE = "exercises.yml"
TRACK_FILE = "track.yml"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
KsbCode = Annotated[str, StringConstraints(pattern=KSB_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class Strict(BaseModel):
    """Base for catalogue models: unknown keys are errors, objects never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


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

    id: Annotated[str, StringConstraints(pattern=r"^ST[0-9]{4}$")]
    title: Text
    level: int = Field(ge=2, le=7)
    version: Text
    ksbs: tuple[Ksb, ...] = Field(min_length=1)


class Exercise(Strict):
    """An nbgrader exercise. Its instructor notebook lives in exercises/<id>/."""

    id: Slug
    title: Text
    summary: Text = Field(description="One or two sentences shown on the exercise page.")
    notebook: Text = Field(description="File name of the instructor notebook in exercises/<id>/.")
    datasets: tuple[Text, ...] = Field(
        default=(), description="Files beside the notebook that the learner's code reads."
    )
    standard: Annotated[str, StringConstraints(pattern=r"^ST[0-9]{4}$")] | None = Field(
        default=None, description="Standard whose KSB codes `ksbs` refers to."
    )
    ksbs: tuple[KsbCode, ...] = Field(default=(), description="KSBs this exercise evidences.")
    estimated_minutes: int = Field(ge=1, le=600)


class Lesson(Strict):
    """A lesson: a Markdown page with a case study and, optionally, exercises."""

    id: Slug
    title: Text
    file: Text = Field(description="Markdown file, relative to the track's folder.")
    estimated_minutes: int = Field(ge=1, le=600)
    outcomes: tuple[Text, ...] = Field(min_length=1)
    case_study: Text = Field(description="The Camden case study the lesson is built on.")
    exercises: tuple[Slug, ...] = Field(default=(), description="Exercise ids.")


class Module(Strict):
    """A group of lessons within a track."""

    id: Slug
    title: Text
    summary: Text
    lessons: tuple[Lesson, ...] = Field(min_length=1)


class Track(Strict):
    """A learning track: self-study for all staff, or graded for apprentices."""

    id: Slug
    title: Text
    summary: Text
    audience: Audience
    standard: Annotated[str, StringConstraints(pattern=r"^ST[0-9]{4}$")] | None = None
    estimated_hours: float = Field(gt=0, le=200)
    outcomes: tuple[Text, ...] = Field(min_length=1)
    modules: tuple[Module, ...] = Field(min_length=1)


class ExerciseList(Strict):
    """The contents of courses/<track-id>/exercises.yml."""

    exercises: tuple[Exercise, ...]


class StandardList(Strict):
    """The contents of courses/standards.yml."""

    standards: tuple[Standard, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the catalogue, phrased for the course author."""

    file: str
    """Path of the file, relative to the repository root."""
    location: str
    """Where in the file, e.g. `modules[0].lessons[2].exercises` ('' for the whole file)."""
    message: str
    """A plain sentence saying what is wrong."""

    def __str__(self) -> str:
        where = f" ({self.location})" if self.location else ""
        return f"{self.file}{where}: {self.message}"


class CatalogueError(Exception):
    """Raised by `load_catalogue` with every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Catalogue:
    """Everything in courses/, validated and cross-checked."""

    root: Path
    standards: dict[str, Standard]
    exercises: dict[str, Exercise]
    tracks: tuple[Track, ...]

    def track(self, track_id: str) -> Track:
        return next(t for t in self.tracks if t.id == track_id)

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


def _format_location(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _plain(error: dict[str, Any]) -> str:
    kind, msg = error["type"], error["msg"]
    if kind == "extra_forbidden":
        return f"unknown key '{error['loc'][-1]}' (check its spelling)"
    if kind == "missing":
        return f"required key '{error['loc'][-1]}' is missing"
    if kind == "string_pattern_mismatch" and "[KSB]" in str(error.get("ctx", {})):
        return f"bad KSB code {error['input']!r}: use a letter K, S or B and a number, e.g. K8"
    if kind == "string_pattern_mismatch":
        return f"{error['input']!r} is not a valid id: use lower-case letters, digits and hyphens"
    if kind == "enum":
        return f"{error['input']!r} is not allowed: {msg.removeprefix('Input should be ')}"
    return msg[0].lower() + msg[1:]


def _read_yaml(path: Path, root: Path, problems: list[Problem]) -> Any:
    rel = str(path.relative_to(root))
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(Problem(rel, "", "file is missing"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problems.append(Problem(rel, where, f"malformed YAML: {getattr(exc, 'problem', exc)}"))
    return None


def _parse(model: type[BaseModel], data: Any, rel: str, problems: list[Problem]) -> Any:
    if not isinstance(data, dict):
        problems.append(Problem(rel, "", "must be a YAML mapping of keys to values"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(Problem(rel, _format_location(err["loc"]), _plain(err)))
        return None


def _duplicates(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    return [i for i in ids if i in seen or seen.add(i)]  # type: ignore[func-returns-value]


def _check_exercise(
    ex: Exercise,
    ex_rel: str,
    where: str,
    root: Path,
    standards: dict[str, Standard],
    exercises: dict[str, Exercise],
    problems: list[Problem],
) -> None:
    if ex.id in exercises:
        problems.append(Problem(ex_rel, where, f"duplicate exercise id '{ex.id}'"))
        return
    exercises[ex.id] = ex
    folder = root / EXERCISES_DIR / ex.id
    if not (folder / ex.notebook).is_file():
        problems.append(
            Problem(ex_rel, where, f"notebook exercises/{ex.id}/{ex.notebook} does not exist")
        )
    for name in ex.datasets:
        if not (folder / name).is_file():
            problems.append(
                Problem(ex_rel, where, f"dataset exercises/{ex.id}/{name} does not exist")
            )
    if ex.ksbs:
        std = standards.get(ex.standard or "")
        if std is None:
            problems.append(
                Problem(ex_rel, where, f"names KSBs but standard {ex.standard!r} is unknown")
            )
        else:
            codes = {k.code for k in std.ksbs}
            for code in ex.ksbs:
                if code not in codes:
                    problems.append(
                        Problem(ex_rel, f"{where}.ksbs", f"bad KSB code '{code}': {std.id} "
                                "has no such code")
                    )


def load_catalogue(root: Path) -> Catalogue:
    """Read and cross-check courses/ under `root`; raise CatalogueError listing all problems."""
    root = Path(root).resolve()
    problems: list[Problem] = []
    courses = root / COURSES_DIR

    std_rel = f"{COURSES_DIR}/{STANDARDS_FILE}"
    std_list = _parse(
        StandardList, _read_yaml(courses / STANDARDS_FILE, root, problems) or {}, std_rel, problems
    )
    standards = {s.id: s for s in std_list.standards} if std_list else {}

    exercises: dict[str, Exercise] = {}
    for ex_file in sorted(courses.glob(f"*/{EXERCISES_FILE}")):
        ex_rel = str(ex_file.relative_to(root))
        ex_list = _parse(ExerciseList, _read_yaml(ex_file, root, problems), ex_rel, problems)
        for i, ex in enumerate(ex_list.exercises if ex_list else ()):
            _check_exercise(ex, ex_rel, f"exercises[{i}]", root, standards, exercises, problems)

    tracks: list[Track] = []
    for track_file in sorted(courses.glob(f"*/{TRACK_FILE}")):
        rel = str(track_file.relative_to(root))
        track = _parse(Track, _read_yaml(track_file, root, problems), rel, problems)
        if track is None:
            continue
        if track.id != track_file.parent.name:
            problems.append(Problem(rel, "id", f"track id '{track.id}' must match its folder "
                                    f"name '{track_file.parent.name}'"))
        if track.audience is Audience.GRADED and track.standard not in standards:
            problems.append(Problem(rel, "standard", f"graded track names unknown standard "
                                    f"{track.standard!r}"))
        for dup in _duplicates(m.id for m in track.modules):
            problems.append(Problem(rel, "modules", f"duplicate module id '{dup}'"))
        lesson_ids = [lesson.id for m in track.modules for lesson in m.lessons]
        for dup in _duplicates(lesson_ids):
            problems.append(Problem(rel, "modules", f"duplicate lesson id '{dup}'"))
        for mi, module in enumerate(track.modules):
            for li, lesson in enumerate(module.lessons):
                where = f"modules[{mi}].lessons[{li}]"
                if not (track_file.parent / lesson.file).is_file():
                    problems.append(Problem(rel, f"{where}.file", f"lesson '{lesson.id}' points "
                                            f"to {lesson.file}, which does not exist"))
                for ex_id in lesson.exercises:
                    if ex_id not in exercises:
                        problems.append(Problem(rel, f"{where}.exercises", f"lesson "
                                                f"'{lesson.id}' names unknown exercise '{ex_id}'"))
        tracks.append(track)
    for dup in _duplicates(t.id for t in tracks):
        problems.append(Problem(COURSES_DIR, "", f"duplicate track id '{dup}'"))
    if problems:
        raise CatalogueError(problems)
    return Catalogue(root=root, standards=standards, exercises=exercises, tracks=tuple(tracks))


def json_schema() -> dict[str, Any]:
    """JSON Schema for track.yml, exercises.yml and standards.yml, generated from the models."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Camden Data Academy course catalogue",
        "$defs": {
            "track": Track.model_json_schema(),
            "exercises": ExerciseList.model_json_schema(),
            "standards": StandardList.model_json_schema(),
        },
    }


def is_slug(value: str) -> bool:
    return re.fullmatch(SLUG_PATTERN, value) is not None
