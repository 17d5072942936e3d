"""Small in-memory factories for nbgrader notebooks, shared by the unit tests.

    nb = make_notebook(code("import csv"), answer("a1", "x = 1"), autotest("t1", "assert x == 1"))
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def _meta(grade_id: str, **flags: Any) -> dict[str, Any]:
    base = {"schema_version": 3, "grade": False, "solution": False, "locked": False,
            "task": False, "grade_id": grade_id}
    return {"nbgrader": {**base, **flags}}


def code(source: str) -> NotebookNode:
    """A plain code cell, no nbgrader metadata."""
    return new_code_cell(source)


def markdown(source: str) -> NotebookNode:
    return new_markdown_cell(source)


def answer(grade_id: str, solution: str, *, before: str = "", after: str = "") -> NotebookNode:
    """An autograded answer: `solution` wrapped in a BEGIN/END SOLUTION region."""
    body = f"### BEGIN SOLUTION\n{solution}\n### END SOLUTION"
    source = "\n".join(part for part in (before, body, after) if part)
    return new_code_cell(source, metadata=_meta(grade_id, solution=True))


HIDDEN_MESSAGE = "Check your answer against the task again."


def autotest(grade_id: str, visible: str, *, hidden: str = "", points: float = 1,
             message: str = HIDDEN_MESSAGE) -> NotebookNode:
    """An autograder test cell; `hidden` goes in a BEGIN/END HIDDEN TESTS region that starts
    with the learner-safe `# Message:` line (none when `message` is empty)."""
    source = visible
    if hidden:
        first = f"# Message: {message}\n" if message else ""
        source += f"\n### BEGIN HIDDEN TESTS\n{first}{hidden}\n### END HIDDEN TESTS"
    return new_code_cell(source, metadata=_meta(grade_id, grade=True, locked=True,
                                                   points=points))


def written(grade_id: str, model_answer: str, *, points: float = 1) -> NotebookNode:
    """A manually graded written answer (markdown)."""
    return new_markdown_cell(
        model_answer, metadata=_meta(grade_id, grade=True, solution=True, points=points)
    )


def make_notebook(*cells: NotebookNode) -> NotebookNode:
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def write_notebook(path: Path, *cells: NotebookNode) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(make_notebook(*cells), path)
    return path
