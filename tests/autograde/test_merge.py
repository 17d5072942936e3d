"""The merged notebook: instructor tests restored, outputs cleared, canaries and probe added."""

from __future__ import annotations

import nbformat
from autograde_corpus import SOURCE, SUBMISSIONS

from grader.autograde.limits import Limits
from grader.autograde.merge import CANARY, PROBE, merge, role
from grader.autograde.precheck import precheck
from grader.autograde.source import load_instructor
from grader.content.notebook import grade_id


def merged(name: str):  # type: ignore[no-untyped-def]
    instructor = load_instructor(SOURCE)
    return merge(precheck(SUBMISSIONS / name, instructor, Limits()), instructor, "n0nce")


def by_id(nb) -> dict:  # type: ignore[no-untyped-def]
    return {grade_id(c): c for c in nb.cells if grade_id(c)}


def test_tests_come_from_the_instructor_with_hidden_tests() -> None:
    cells = by_id(merged("cheat_edited_tests.ipynb"))
    assert "BEGIN HIDDEN TESTS" in cells["test_squares_hidden"].source
    assert cells["test_squares"].source.startswith("assert squares(1) == [1]")
    assert cells["test_squares"].metadata.nbgrader.points == 2


def test_test_turned_markdown_is_code_again() -> None:
    assert by_id(merged("cheat_test_to_markdown.ipynb"))["test_squares"].cell_type == "code"


def test_forged_outputs_are_cleared() -> None:
    nb = merged("cheat_faked_outputs.ipynb")
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_answers_keep_the_learner_source() -> None:
    assert "range(1, n + 1)" in by_id(merged("honest_correct.ipynb"))["squares"].source


def test_a_canary_follows_each_test_and_the_probe_is_last() -> None:
    nb = merged("honest_correct.ipynb")
    roles = [role(c) for c in nb.cells]
    assert roles.count(CANARY) == 3 and roles[-1] == PROBE
    for index, cell in enumerate(nb.cells):
        if role(cell) == CANARY:
            assert grade_id(nb.cells[index - 1]) == cell.metadata.grader["after"]
            assert "n0nce" in cell.source


def test_merge_does_not_change_its_input() -> None:
    instructor = load_instructor(SOURCE)
    nb = precheck(SUBMISSIONS / "honest_correct.ipynb", instructor, Limits())
    before = nbformat.writes(nb)
    merge(nb, instructor, "x")
    assert nbformat.writes(nb) == before
