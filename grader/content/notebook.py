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

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from nbformat import NotebookNode

NBGRADER = "nbgrader"
"""Key of nbgrader's metadata in `cell.metadata`."""
GRADE = "grade"
"""True on a cell that carries points (autograder tests, manually graded answers)."""
SOLUTION = "solution"
"""True on a cell the learner writes in."""
LOCKED = "locked"
"""True on a read-only cell."""
TASK = "task"
"""True on a manually graded task (markdown describing work a person marks)."""
POINTS = "points"
GRADE_ID = "grade_id"
"""The cell's name, unique in the notebook; the gradebook's key for the cell."""
CHECKSUM = "checksum"
"""nbgrader's checksum of a graded cell's source, written when the assignment is released."""
SCHEMA_VERSION = "schema_version"

METADATA = "metadata"
CELL_TYPE = "cell_type"
SOURCE = "source"
OUTPUTS = "outputs"
EXECUTION_COUNT = "execution_count"
CODE = "code"
MARKDOWN = "markdown"
RAW = "raw"
CELL_TYPES = (CODE, MARKDOWN, RAW)
"""The cell types of nbformat 4."""

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

def metadata(cell: object) -> Mapping[str, Any]:
    """The cell's metadata, or an empty mapping when the cell or its metadata is malformed."""
    if not isinstance(cell, Mapping):
        return {}
    meta = cell.get(METADATA)
    return meta if isinstance(meta, Mapping) else {}


def nbgrader_metadata(cell: object) -> Mapping[str, Any]:
    """The cell's nbgrader metadata, or an empty mapping when it has none (or it is malformed:
    a learner's notebook may carry any JSON there)."""
    meta = metadata(cell).get(NBGRADER)
    return meta if isinstance(meta, Mapping) else {}


def has_nbgrader_metadata(cell: object) -> bool:
    return bool(nbgrader_metadata(cell))


def _flag(cell: object, key: str) -> bool:
    return bool(nbgrader_metadata(cell).get(key, False))


def cell_type(cell: object) -> str | None:
    """`code`, `markdown` or `raw`; None for a malformed cell."""
    value = cell.get(CELL_TYPE) if isinstance(cell, Mapping) else None
    return value if isinstance(value, str) else None


def is_code(cell: object) -> bool:
    return cell_type(cell) == CODE


def is_solution(cell: object) -> bool:
    """The learner writes in this cell (an autograded or a manually graded answer)."""
    return _flag(cell, SOLUTION)


def is_grade(cell: object) -> bool:
    """nbgrader's grade flag: the cell carries points (autograder tests or a manually graded
    answer). Tasks carry points without it: see `is_graded`."""
    return _flag(cell, GRADE)


def is_task(cell: object) -> bool:
    """A manually graded task: markdown describing work a person marks."""
    return _flag(cell, TASK)


def is_graded(cell: object) -> bool:
    """The cell is worth points: a grade cell or a task (the cells a gradebook scores)."""
    return is_grade(cell) or is_task(cell)


def is_locked(cell: object) -> bool:
    """The learner may not change the cell (as nbgrader's `utils.is_locked`)."""
    if is_solution(cell):
        return False
    return is_grade(cell) or _flag(cell, LOCKED)


def is_test(cell: object) -> bool:
    """An autograder test cell: code with points that runs against the learner's answers."""
    return is_grade(cell) and not is_solution(cell) and is_code(cell)


def is_restored(cell: object) -> bool:
    """A cell the grader takes from the instructor's notebook, whatever the learner sent:
    the tests and every read-only cell."""
    return is_test(cell) or is_locked(cell)


def is_manual(cell: object) -> bool:
    """A manually graded answer or task: a person awards its points."""
    return (is_grade(cell) and is_solution(cell)) or is_task(cell)


def grade_id(cell: object) -> str | None:
    """The cell's grade id, or None when it has none (an empty id counts as none)."""
    value = nbgrader_metadata(cell).get(GRADE_ID)
    return str(value) if value not in (None, "") else None


def checksum(cell: object) -> str | None:
    """nbgrader's checksum of the cell as released, or None when it has none."""
    value = nbgrader_metadata(cell).get(CHECKSUM)
    return value if isinstance(value, str) and value else None


def points(cell: object) -> float:
    """Points of a graded cell or task; 0 for any other cell or for points that are not a
    number."""
    if not is_graded(cell):
        return 0.0
    try:
        return float(nbgrader_metadata(cell).get(POINTS, 0) or 0)
    except (TypeError, ValueError):
        return 0.0


def source_text(cell: object) -> str:
    """The cell's source as one string (nbformat allows a list of lines on disk)."""
    source = cell.get(SOURCE, "") if isinstance(cell, Mapping) else ""
    if isinstance(source, list):
        return "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


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


def has_solution_region(cell: object) -> bool:
    return BEGIN_SOLUTION in source_text(cell)


def has_hidden_tests(cell: object) -> bool:
    return BEGIN_HIDDEN_TESTS in source_text(cell)


def graded_cells(nb: NotebookNode) -> Iterator[NotebookNode]:
    """Cells that carry points, in notebook order."""
    return (c for c in nb.cells if is_graded(c))


def autograded_points(nb: NotebookNode) -> float:
    """Sum of the points of the autograder test cells: full marks for the autograder."""
    return sum(points(c) for c in nb.cells if is_test(c))


def duplicate_grade_ids(cells: Iterable[object]) -> list[str]:
    """Grade ids used by more than one cell, each once, in order of first repeat."""
    seen: set[str] = set()
    dups: list[str] = []
    for cell in cells:
        gid = grade_id(cell)
        if gid is None:
            continue
        if gid in seen and gid not in dups:
            dups.append(gid)
        seen.add(gid)
    return dups
