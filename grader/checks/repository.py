"""`grader check`: everything wrong with courses/ and exercises/, as a list of problems.

The catalogue is read first (its problems come from `grader.content.catalogue`). Then each exercise
notebook goes through NOTEBOOK_CHECKS, is released with nbgrader, and, when grading is on,
is graded twice by the real autograder: the instructor version must score full autograded
marks and the student version zero. Exercise folders that no YAML mentions are reported too.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
from nbformat import NotebookNode

from grader.checks import cache as check_cache
from grader.content import hidden_messages
from grader.content import notebook as nbg
from grader.content.catalogue import COURSES_DIR, EXERCISES_DIR, EXERCISES_FILE
from grader.content.problems import Problem
from grader.content.reader import read_catalogue
from grader.release.assignment import ReleaseError, release_notebook

if TYPE_CHECKING:  # importing the autograder costs seconds; a fully cached check needs none
    from grader.autograde.result import GradeResult

log = logging.getLogger(__name__)

GradeMany = Callable[[Path, list[Path]], list["GradeResult"]]
"""`autograde_many(source, submissions)`: grade submissions against an instructor notebook,
returning results in input order."""
NotebookCheck = Callable[[NotebookNode], list[str]]
"""Looks at one instructor notebook; returns plain sentences, one per problem."""


def _has_nbgrader_metadata(nb: NotebookNode) -> list[str]:
    if any(nbg.has_nbgrader_metadata(c) for c in nb.cells):
        return []
    return ["no cell has nbgrader metadata: mark answers and tests with nbgrader's "
            "'Create Assignment' toolbar"]


def _unique_grade_ids(nb: NotebookNode) -> list[str]:
    return [f"grade id '{gid}' is used by more than one cell"
            for gid in nbg.duplicate_grade_ids(nb.cells)]


def _grade_cells_have_points(nb: NotebookNode) -> list[str]:
    return [f"graded cell '{nbg.grade_id(c)}' has no points"
            for c in nbg.graded_cells(nb) if nbg.points(c) <= 0]


def _has_autograded_tests(nb: NotebookNode) -> list[str]:
    if any(nbg.is_test(c) and nbg.points(c) > 0 for c in nb.cells):
        return []
    return ["there is no autograded test cell with points"]


def _solutions_have_regions(nb: NotebookNode) -> list[str]:
    # A code answer without a region is replaced whole, so the learner loses the starter
    # code around it; written (markdown) answers are replaced whole by design.
    return [
        f"solution cell '{nbg.grade_id(c)}' has no '### {nbg.BEGIN_SOLUTION}' ... "
        f"'### {nbg.END_SOLUTION}' region"
        for c in nb.cells
        if nbg.is_solution(c) and nbg.is_code(c) and not nbg.has_solution_region(c)
    ]


def _cell_name(nb: NotebookNode, cell: NotebookNode) -> str:
    gid = nbg.grade_id(cell)
    return f"cell '{gid}'" if gid else f"cell {nb.cells.index(cell) + 1}"


def _regions_in_the_right_cells(nb: NotebookNode) -> list[str]:
    found = []
    for cell in nb.cells:
        if nbg.has_solution_region(cell) and not nbg.is_solution(cell):
            found.append(f"{_cell_name(nb, cell)} has a solution region but is not marked as "
                         "a solution cell")
        if nbg.has_hidden_tests(cell) and not nbg.is_grade(cell):
            found.append(f"{_cell_name(nb, cell)} has a hidden test region but is not marked "
                         "as an autograder test cell")
    return found


def _hidden_tests_have_messages(nb: NotebookNode) -> list[str]:
    """Every hidden region starts with the author's learner-safe `# Message:` line and comes
    after the visible checks (see grader.content.hidden_messages)."""
    return [f"{_cell_name(nb, cell)}: {problem}"
            for cell in nb.cells if nbg.is_test(cell)
            for problem in hidden_messages.problems(nbg.source_text(cell))]


NOTEBOOK_CHECKS: tuple[NotebookCheck, ...] = (
    _has_nbgrader_metadata,
    _unique_grade_ids,
    _grade_cells_have_points,
    _has_autograded_tests,
    _solutions_have_regions,
    _regions_in_the_right_cells,
    _hidden_tests_have_messages,
)
"""Structural checks, run before releasing: nbgrader's own refusals are less precise, so
a notebook is only released (and graded) when all of these pass."""


def _read_notebook(path: Path) -> tuple[NotebookNode | None, str]:
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except FileNotFoundError:
        return None, "the notebook does not exist"
    except nbformat.reader.NotJSONError:
        return None, "the file is not a notebook: it is not valid JSON"
    except nbformat.ValidationError as exc:
        return None, f"not a valid notebook: {exc.message}"
    except Exception as exc:  # nbformat raises assorted errors on odd input
        return None, f"not a valid notebook: {exc}"
    return nb, ""


def _score_problem(version: str, result: GradeResult, full: float, *, want_full: bool) -> str:
    """A sentence when `result` is not full marks (or zero, when not `want_full`), else ''."""
    if result.status != "graded" or result.score is None:
        reason = f": {result.reason}" if result.reason else ""
        return f"grading the {version} version did not finish ({result.status}){reason}"
    auto = [c for c in result.cells if c.kind == "autograded"]
    # The score counts manual points a person has given; only the autograded ones matter.
    earned = sum(c.score or 0.0 for c in auto) if auto else result.score
    expected = full if want_full else 0.0
    if abs(earned - expected) < 1e-9:
        return ""
    off = [
        f"{c.grade_id} {c.score:g} of {c.max_score:g}"
        for c in auto
        if c.score is not None
        and abs(c.score - (c.max_score if want_full else 0.0)) > 1e-9
    ]
    cells = f" ({', '.join(off)})" if off else ""
    return (f"the {version} version scores {earned:g} of {full:g} autograded points"
            f"{cells}; it must score {'full marks' if want_full else 'zero'}")


def grade_both_versions(
    source: Path, student: NotebookNode, full: float, grade: GradeMany
) -> list[str]:
    """Grade the instructor notebook (full marks expected) and the student one (zero)."""
    with tempfile.TemporaryDirectory(prefix="grader-check-") as tmp:
        student_path = Path(tmp) / source.name
        nbformat.write(student, student_path)
        instructor_result, student_result = grade(source, [source, student_path])
    found = [
        _score_problem("instructor", instructor_result, full, want_full=True),
        _score_problem("student", student_result, full, want_full=False),
    ]
    if instructor_result.flags:
        # Learners who answer like the instructor would be flagged too.
        found.append(f"the instructor version is flagged for review "
                     f"({', '.join(instructor_result.flags)}); honest answers like it would be")
    return [p for p in found if p]


def check_notebook(
    path: Path, *, grade: GradeMany | None = None, cache_dir: Path | None = None
) -> list[str]:
    """Problems of one instructor notebook, as sentences (empty when it is fine).

    With `grade`, both versions are graded, unless `cache_dir` records that this exact
    exercise folder already passed with this grader.
    """
    nb, error = _read_notebook(path)
    if nb is None:
        return [error]
    found = [message for check in NOTEBOOK_CHECKS for message in check(nb)]
    if found:
        return found
    # A pass is recorded only after releasing and grading worked on these very files.
    key = check_cache.exercise_key(path) if cache_dir and grade else ""
    if cache_dir and grade and check_cache.has_passed(cache_dir, key):
        log.info("%s passed before, unchanged; not released and graded again", path)
        return []
    try:
        student = release_notebook(path)
    except ReleaseError as exc:
        return [str(exc).removeprefix(f"{path}: ")]
    if grade is None:
        return []
    found = grade_both_versions(path, student, nbg.autograded_points(nb), grade)
    if cache_dir and not found:
        check_cache.record_pass(cache_dir, key)
    return found


def _unmentioned_folders(root: Path, known: set[str]) -> list[Problem]:
    folder = root / EXERCISES_DIR
    if not folder.is_dir():
        return []
    return [
        Problem(f"{EXERCISES_DIR}/{d.name}", "", f"no {COURSES_DIR}/*/{EXERCISES_FILE} "
                f"defines exercise '{d.name}'")
        for d in sorted(folder.iterdir())
        if d.is_dir() and not d.name.startswith((".", "_")) and d.name not in known
    ]


def _real_autograder(source: Path, submissions: list[Path]) -> list[GradeResult]:
    """`grader.autograde.autograde_many`, imported on first use (nbgrader's import is slow)."""
    from grader.autograde import autograde_many

    return autograde_many(source, list(submissions))


def check_repository(
    root: Path,
    *,
    grade: bool = True,
    autograder: GradeMany | None = None,
    cache_dir: Path | None = None,
) -> list[Problem]:
    """Every problem in courses/ and exercises/ under `root`, in a stable order.

    With `grade`, each exercise is graded by `autograder` (the real `autograde_many` when
    None): the instructor version must score full marks and the student version zero.
    With `cache_dir`, exercises that passed before, unchanged, are not graded again.
    """
    root = Path(root).resolve()
    catalogue, problems = read_catalogue(root)
    found = list(problems)
    found += _unmentioned_folders(root, set(catalogue.exercises))
    grader_fn = (autograder or _real_autograder) if grade else None
    for ex in catalogue.exercises.values():
        path = catalogue.notebook_path(ex)
        if not path.is_file():
            continue  # the catalogue has reported it
        rel = path.relative_to(root).as_posix()
        log.info("checking %s", rel)
        messages = check_notebook(path, grade=grader_fn, cache_dir=cache_dir)
        found += [Problem(rel, "", message) for message in messages]
    return found
