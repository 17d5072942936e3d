"""nbgrader's cell metadata, named once: keys, region markers and predicates on cells.

An nbgrader notebook marks its cells with `cell.metadata["nbgrader"]`. The kinds of cell
that matter here, as nbgrader's "Create Assignment" toolbar names them:

    autograded answer       solution=True,  grade=False   code the learner writes
    autograder tests        solution=False, grade=True    test code with points
    manually graded answer  solution=True,  grade=True    an answer a person marks
    manually graded task    task=True                     a task a person marks
    read-only               locked=True                   instructions that must not change

Inside cells, regions between markers are removed from the student version:
`### BEGIN SOLUTION` ... `### END SOLUTION` and `### BEGIN HIDDEN TESTS` ...
`### END HIDDEN TESTS` (and `=== BEGIN MARK SCHEME ===` in markdown answers).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from nbformat import NotebookNode

NBGRADER = "nbgrader"
"""Key of nbgrader's metadata in `cell.metadata`."""
GRADE = "grade"
SOLUTION = "solution"
LOCKED = "locked"
TASK = "task"
POINTS = "points"
GRADE_ID = "grade_id"
CHECKSUM = "checksum"
SCHEMA_VERSION = "schema_version"
CELL_TYPE = "cell_type"

BEGIN_SOLUTION = "BEGIN SOLUTION"
END_SOLUTION = "END SOLUTION"
BEGIN_HIDDEN_TESTS = "BEGIN HIDDEN TESTS"
END_HIDDEN_TESTS = "END HIDDEN TESTS"
BEGIN_MARK_SCHEME = "BEGIN MARK SCHEME"
END_MARK_SCHEME = "END MARK SCHEME"

CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
"""What nbgrader puts in place of a code solution region (Python)."""
TEXT_STUB = "YOUR ANSWER HERE"
"""What nbgrader puts in place of a written answer."""


def nbgrader_metadata(cell: NotebookNode | dict[str, Any]) -> dict[str, Any]:
    """The cell's nbgrader metadata, or an empty dict when it has none."""
    meta = cell.get("metadata", {}).get(NBGRADER, {})
    return meta if isinstance(meta, dict) else {}


def has_nbgrader_metadata(cell: NotebookNode | dict[str, Any]) -> bool:
    return bool(nbgrader_metadata(cell))


def is_solution(cell: NotebookNode | dict[str, Any]) -> bool:
    """The learner writes in this cell (an autograded or a manually graded answer)."""
    return bool(nbgrader_metadata(cell).get(SOLUTION, False))


def is_grade(cell: NotebookNode | dict[str, Any]) -> bool:
    """The cell carries points (autograder tests or a manually graded answer)."""
    return bool(nbgrader_metadata(cell).get(GRADE, False))


def is_task(cell: NotebookNode | dict[str, Any]) -> bool:
    """A manually graded task: markdown describing work a person marks."""
    return bool(nbgrader_metadata(cell).get(TASK, False))


def is_locked(cell: NotebookNode | dict[str, Any]) -> bool:
    """The learner may not change the cell (nbgrader restores it when grading)."""
    if is_solution(cell):
        return False
    return is_grade(cell) or bool(nbgrader_metadata(cell).get(LOCKED, False))


def is_test(cell: NotebookNode | dict[str, Any]) -> bool:
    """An autograder test cell: code with points that runs against the learner's answers."""
    return is_grade(cell) and not is_solution(cell) and cell.get("cell_type") == "code"


def is_manual(cell: NotebookNode | dict[str, Any]) -> bool:
    """A manually graded answer or task: a person awards its points."""
    return (is_grade(cell) and is_solution(cell)) or is_task(cell)


def grade_id(cell: NotebookNode | dict[str, Any]) -> str | None:
    value = nbgrader_metadata(cell).get(GRADE_ID)
    return str(value) if value is not None else None


def points(cell: NotebookNode | dict[str, Any]) -> float:
    """Points of a graded cell or task; 0 for any other cell."""
    if not (is_grade(cell) or is_task(cell)):
        return 0.0
    try:
        return float(nbgrader_metadata(cell).get(POINTS, 0) or 0)
    except (TypeError, ValueError):
        return 0.0


def source_text(cell: NotebookNode | dict[str, Any]) -> str:
    """The cell's source as one string (nbformat allows a list of lines on disk)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def regions(source: str, begin: str, end: str) -> list[str]:
    """Text between each `begin` and `end` marker line, markers excluded.

    An unclosed region runs to the end of the source, as nbgrader treats it.
    """
    found: list[str] = []
    current: list[str] | None = None
    for line in source.splitlines():
        if current is None and begin in line:
            current = []
        elif current is not None and end in line:
            found.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    if current is not None:
        found.append("\n".join(current))
    return found


def has_solution_region(cell: NotebookNode | dict[str, Any]) -> bool:
    return BEGIN_SOLUTION in source_text(cell)


def has_hidden_tests(cell: NotebookNode | dict[str, Any]) -> bool:
    return BEGIN_HIDDEN_TESTS in source_text(cell)


def graded_cells(nb: NotebookNode) -> Iterator[NotebookNode]:
    """Cells that carry points, in notebook order."""
    return (c for c in nb.cells if is_grade(c) or is_task(c))


def autograded_points(nb: NotebookNode) -> float:
    """Sum of the points of the autograder test cells: full marks for the autograder."""
    return sum(points(c) for c in nb.cells if is_test(c))


def duplicate_grade_ids(cells: Iterable[NotebookNode]) -> list[str]:
    """Grade ids used by more than one cell, each once, in order of first repeat."""
    seen: set[str] = set()
    dups: list[str] = []
    for cell in cells:
        gid = grade_id(cell)
        if gid is None or not has_nbgrader_metadata(cell):
            continue
        if gid in seen and gid not in dups:
            dups.append(gid)
        seen.add(gid)
    return dups
