"""Reading courses/ into catalogue models and cross-checking them (see grader.content.catalogue).

`load_catalogue(root)` returns the validated `Catalogue` or raises `CatalogueError`;
`read_catalogue(root)` returns what could be read and every problem.

`CatalogueReader(root).read()` collects everything that validates and every problem met, so
that one mistake does not hide the next: each exercise is validated on its own, and a lesson
naming an exercise whose entry is invalid is not reported twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from grader.content.catalogue import (
    COURSES_DIR,
    EXERCISES_DIR,
    EXERCISES_FILE,
    PATTERN_HINTS,
    STANDARDS_FILE,
    TRACK_FILE,
    Audience,
    Catalogue,
    CatalogueError,
    Exercise,
    ExerciseFile,
    Lesson,
    Standard,
    StandardList,
    Track,
)
from grader.content.glossary import GLOSSARY_FILE, Glossary, GlossaryTerm
from grader.content.lessons import body_problems
from grader.content.problems import Problem, parse_file, read_mapping, validate


def _duplicates(ids: Iterable[str]) -> list[str]:
    """Ids seen more than once, each listed once, in order of first repeat."""
    seen: set[str] = set()
    dups: list[str] = []
    for i in ids:
        if i in seen and i not in dups:
            dups.append(i)
        seen.add(i)
    return dups


class CatalogueReader:
    """Collects what can be read under one root and every problem met on the way."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.courses = root / COURSES_DIR
        self.problems: list[Problem] = []
        self.standards: dict[str, Standard] = {}
        self.exercises: dict[str, Exercise] = {}
        self.defined_in: dict[str, str] = {}
        self.invalid_exercises: set[str] = set()
        """Ids of exercises whose entry is invalid (already reported)."""
        self.tracks: list[Track] = []
        self.glossary: dict[str, GlossaryTerm] = {}
        self.glossary_ok = True
        """False when courses/glossary.yml exists but could not be read (already reported)."""
        self.chart_ids: dict[str, str] = {}
        """Chart id -> the track.yml that defines it, relative to the root."""

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def problem(self, path: Path | str, location: str, message: str) -> None:
        rel = path if isinstance(path, str) else self.rel(path)
        self.problems.append(Problem(rel, location, message))

    def read_standards(self) -> None:
        path = self.courses / STANDARDS_FILE
        if not path.exists():
            return  # only needed once a track or exercise names a standard
        parsed = parse_file(path, self.root, StandardList, self.problems, PATTERN_HINTS)
        for i, std in enumerate(parsed.standards if parsed else ()):
            if std.id in self.standards:
                self.problem(path, f"standards[{i}].id", f"duplicate standard id '{std.id}'")
            for dup in _duplicates(k.code for k in std.ksbs):
                self.problem(path, f"standards[{i}].ksbs", f"KSB code '{dup}' is listed twice")
            self.standards.setdefault(std.id, std)

    def read_glossary(self) -> None:
        path = self.courses / GLOSSARY_FILE
        if not path.exists():
            return  # only needed once a lesson links to a term (then each link is reported)
        parsed = parse_file(path, self.root, Glossary, self.problems, PATTERN_HINTS)
        self.glossary_ok = parsed is not None
        for i, term in enumerate(parsed.terms if parsed else ()):
            if term.id in self.glossary:
                self.problem(path, f"terms[{i}].id", f"term id '{term.id}' is used twice")
            self.glossary.setdefault(term.id, term)
        for i, term in enumerate(parsed.terms if parsed else ()):
            for j, other in enumerate(term.see_also):
                if other not in self.glossary:
                    self.problem(path, f"terms[{i}].see_also[{j}]", f"term '{term.id}' says "
                                 f"see also '{other}', which is not in the glossary")

    def unknown_standard(self, std_id: str) -> str:
        listed = ", ".join(sorted(self.standards)) or "none"
        return f"standard '{std_id}' is not in {COURSES_DIR}/{STANDARDS_FILE} (it lists: {listed})"

    def read_exercises(self, path: Path) -> None:
        # Each exercise is validated on its own, so that one bad entry does not hide the
        # others (and make every lesson that uses them look wrong).
        data = read_mapping(path, self.root, self.problems)
        rel = self.rel(path)
        if data is None:
            return
        validate(ExerciseFile, data, rel, self.problems, PATTERN_HINTS)
        items = data.get("exercises")
        for i, item in enumerate(items if isinstance(items, list) else ()):
            where = f"exercises[{i}]"
            ex = validate(Exercise, item, rel, self.problems, PATTERN_HINTS, ("exercises", i))
            if ex is None:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    self.invalid_exercises.add(item["id"])
                continue
            if ex.id in self.exercises:
                self.problem(path, f"{where}.id", f"exercise id '{ex.id}' is already defined "
                             f"in {self.defined_in[ex.id]}")
                continue
            self.exercises[ex.id] = ex
            self.defined_in[ex.id] = rel
            folder = self.root / EXERCISES_DIR / ex.id
            if not (folder / ex.notebook).is_file():
                self.problem(path, f"{where}.notebook",
                             f"notebook {EXERCISES_DIR}/{ex.id}/{ex.notebook} does not exist")
            for d, name in enumerate(ex.datasets):
                if not (folder / name).is_file():
                    self.problem(path, f"{where}.datasets[{d}]",
                                 f"dataset {EXERCISES_DIR}/{ex.id}/{name} does not exist")
            self.check_ksbs(ex, path, where)

    def check_ksbs(self, ex: Exercise, path: Path, where: str) -> None:
        if not ex.ksbs:
            return
        if ex.standard is None:
            self.problem(path, f"{where}.standard",
                         "an exercise that names KSBs must name their standard, e.g. ST0118")
            return
        std = self.standards.get(ex.standard)
        if std is None:
            self.problem(path, f"{where}.standard", self.unknown_standard(ex.standard))
            return
        by_code = {k.code: k for k in std.ksbs}
        for k, code in enumerate(ex.ksbs):
            if code not in by_code:
                self.problem(path, f"{where}.ksbs[{k}]",
                             f"KSB code '{code}' is not in standard {std.id}")
            elif by_code[code].workplace_only:
                self.problem(path, f"{where}.ksbs[{k}]", f"KSB code '{code}' of {std.id} "
                             "needs workplace evidence: a notebook exercise cannot give it")

    def read_track(self, path: Path) -> None:
        track = parse_file(path, self.root, Track, self.problems, PATTERN_HINTS)
        if track is None:
            return
        folder = path.parent.name
        if track.id != folder:
            self.problem(path, "id", f"track id '{track.id}' must match its folder name "
                         f"'{folder}'")
        if track.audience is Audience.GRADED and track.standard is None:
            self.problem(path, "standard", "a graded track must name the apprenticeship "
                         "standard it assesses, e.g. standard: ST0118")
        elif track.standard is not None and track.standard not in self.standards:
            self.problem(path, "standard", self.unknown_standard(track.standard))
        for dup in _duplicates(m.id for m in track.modules):
            self.problem(path, "modules", f"module id '{dup}' is used more than once")
        lesson_ids = [lesson.id for m in track.modules for lesson in m.lessons]
        for dup in _duplicates(lesson_ids):
            self.problem(path, "modules", f"lesson id '{dup}' is used more than once in "
                         "this track")
        levels = {lesson.level is None for m in track.modules for lesson in m.lessons}
        if len(levels) > 1:
            self.problem(path, "modules", "some lessons say their level and some do not: give "
                         "every lesson a level (awareness, working or practitioner), or none")
        for mi, module in enumerate(track.modules):
            for li, lesson in enumerate(module.lessons):
                self.check_lesson(track, lesson, path, f"modules[{mi}].lessons[{li}]")
        self.tracks.append(track)

    def check_body(self, lesson: Lesson, lesson_file: Path, path: Path, where: str) -> None:
        for c, chart in enumerate(lesson.charts):
            if chart.id in self.chart_ids:
                self.problem(path, f"{where}.charts[{c}].id", f"chart id '{chart.id}' is "
                             f"already used in {self.chart_ids[chart.id]}")
            self.chart_ids.setdefault(chart.id, self.rel(path))
        body = lesson_file.read_text(encoding="utf-8")
        glossary = self.glossary if self.glossary_ok else None
        for key, message in body_problems(lesson, body, glossary, self.root):
            self.problem(path, f"{where}.{key}", message)

    def check_lesson(self, track: Track, lesson: Lesson, path: Path, where: str) -> None:
        lesson_file = path.parent / lesson.file
        if not lesson_file.is_file():
            self.problem(path, f"{where}.file", f"lesson '{lesson.id}' points to "
                         f"{self.rel(lesson_file)}, which does not exist")
        else:
            self.check_body(lesson, lesson_file, path, where)
        for e, ex_id in enumerate(lesson.exercises):
            ex = self.exercises.get(ex_id)
            if ex is None and ex_id in self.invalid_exercises:
                continue
            if ex is None:
                self.problem(path, f"{where}.exercises[{e}]", f"lesson '{lesson.id}' names "
                             f"exercise '{ex_id}', which no {COURSES_DIR}/*/{EXERCISES_FILE} "
                             "defines")
            elif track.audience is Audience.GRADED and not ex.ksbs:
                self.problem(path, f"{where}.exercises[{e}]", f"exercise '{ex_id}' is used "
                             "in a graded track but names no KSBs it gives evidence for")
            elif (track.audience is Audience.GRADED and track.standard
                  and ex.standard and ex.standard != track.standard):
                self.problem(path, f"{where}.exercises[{e}]", f"exercise '{ex_id}' gives "
                             f"evidence for {ex.standard}, but this track assesses "
                             f"{track.standard}")

    def read(self) -> None:
        # Order matters: exercises check their KSBs against the standards, and lessons check
        # the exercises they name and the glossary terms they link to.
        if not self.courses.is_dir():
            self.problem(COURSES_DIR, "", "the folder does not exist")
            return
        self.read_standards()
        self.read_glossary()
        for path in sorted(self.courses.glob(f"*/{EXERCISES_FILE}")):
            self.read_exercises(path)
        track_files = sorted(self.courses.glob(f"*/{TRACK_FILE}"))
        if not track_files:
            self.problem(COURSES_DIR, "", f"no track found: add {COURSES_DIR}/<track-id>/"
                         f"{TRACK_FILE}")
        for path in track_files:
            self.read_track(path)


def read_catalogue(root: Path) -> tuple[Catalogue, tuple[Problem, ...]]:
    """Read courses/ under `root`: what could be validated, and every problem found."""
    reader = CatalogueReader(Path(root).resolve())
    reader.read()
    catalogue = Catalogue(
        root=reader.root,
        standards=reader.standards,
        exercises=reader.exercises,
        tracks=tuple(reader.tracks),
        defined_in=reader.defined_in,
        glossary=reader.glossary,
    )
    return catalogue, tuple(reader.problems)


def load_catalogue(root: Path) -> Catalogue:
    """Read and cross-check courses/ under `root`; raise CatalogueError listing all problems."""
    catalogue, problems = read_catalogue(root)
    if problems:
        raise CatalogueError(problems)
    return catalogue
