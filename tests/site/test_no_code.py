"""The no-code route (grader.sitebuild.no_code): read-only code shows collapsed in the browser
copy of a self-study exercise; what the learner types in or changes stays open."""

from __future__ import annotations

import nbformat
from notebook_factory import answer, autotest, code, make_notebook, markdown
from site_helpers import REPO

from grader.content import notebook as nbg
from grader.content.reader import load_catalogue
from grader.sitebuild.build import browser_notebook
from grader.sitebuild.no_code import hide_read_only_code, is_source_hidden


def locked(source: str) -> nbformat.NotebookNode:
    cell = code(source)
    cell.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True,
                                 "grade_id": "given", "schema_version": 3}
    return cell


def test_read_only_code_is_hidden_on_a_copy() -> None:
    nb = make_notebook(markdown("# Task"), locked("import pandas as pd"), code("df.head(5)"),
                       answer("a", "x = 1"), autotest("t", "assert x == 1"))
    shown = hide_read_only_code(nb)
    assert [is_source_hidden(c) for c in shown.cells] == [False, True, False, False, True]
    assert not any(is_source_hidden(c) for c in nb.cells)  # the original is unchanged
    assert shown.cells[1].source == "import pandas as pd"  # hidden, not removed


def test_self_study_exercises_ship_collapsed_and_graded_ones_do_not() -> None:
    catalogue = load_catalogue(REPO)
    seen = {"self-study": 0, "graded": 0}
    for exercise in catalogue.exercises.values():
        nb = nbformat.read(catalogue.notebook_path(exercise), as_version=4)
        shipped = browser_notebook(catalogue, exercise, nb)
        hidden = [is_source_hidden(c) for c in shipped.cells]
        if catalogue.is_graded(exercise.id):
            seen["graded"] += 1
            assert not any(hidden), f"exercises/{exercise.id}: an apprentice reads all the code"
            continue
        seen["self-study"] += 1
        expected = [c.cell_type == "code" and nbg.is_locked(c) for c in shipped.cells]
        assert hidden == expected, f"exercises/{exercise.id}"
        assert any(hidden), f"exercises/{exercise.id}: no prepared code to hide"
        assert not any(h and nbg.is_solution(c) for h, c in zip(hidden, shipped.cells,
                                                                strict=True))
    assert seen["self-study"] >= 8 and seen["graded"] >= 10
