"""Predicates on nbgrader cells, and the region finder."""

from __future__ import annotations

from notebook_factory import answer, autotest, code, make_notebook, markdown, written

from grader.content import notebook as nbg


def test_kinds_of_cell() -> None:
    plain, ans, tst, manual = code("x = 1"), answer("a1", "y = 2"), autotest("t1", "assert y"), \
        written("w1", "Because.")
    assert [nbg.is_solution(c) for c in (plain, ans, tst, manual)] == [False, True, False, True]
    assert [nbg.is_grade(c) for c in (plain, ans, tst, manual)] == [False, False, True, True]
    assert [nbg.is_test(c) for c in (plain, ans, tst, manual)] == [False, False, True, False]
    assert [nbg.is_manual(c) for c in (plain, ans, tst, manual)] == [False, False, False, True]
    assert [nbg.is_locked(c) for c in (plain, ans, tst, manual)] == [False, False, True, False]
    assert nbg.grade_id(plain) is None and nbg.grade_id(tst) == "t1"


def test_a_graded_markdown_cell_without_solution_is_not_a_test() -> None:
    cell = markdown("Read me")
    cell.metadata[nbg.NBGRADER] = {nbg.GRADE: True, nbg.POINTS: 1, nbg.GRADE_ID: "odd"}
    assert nbg.is_grade(cell) and not nbg.is_test(cell)


def test_task_cell_is_manual_and_has_points() -> None:
    cell = markdown("Draw a chart.")
    cell.metadata[nbg.NBGRADER] = {nbg.TASK: True, nbg.POINTS: 3, nbg.GRADE_ID: "task1"}
    assert nbg.is_task(cell) and nbg.is_manual(cell) and nbg.points(cell) == 3


def test_points_only_count_on_graded_cells() -> None:
    assert nbg.points(autotest("t1", "assert True", points=2.5)) == 2.5
    assert nbg.points(answer("a1", "x = 1")) == 0
    bad = autotest("t2", "assert True")
    bad.metadata[nbg.NBGRADER][nbg.POINTS] = "lots"
    assert nbg.points(bad) == 0


def test_autograded_points_sum_test_cells_only() -> None:
    nb = make_notebook(
        answer("a1", "x = 1"),
        autotest("t1", "assert x", points=2),
        autotest("t2", "assert x", points=3),
        written("w1", "Because.", points=4),
    )
    assert nbg.autograded_points(nb) == 5
    assert [nbg.grade_id(c) for c in nbg.graded_cells(nb)] == ["t1", "t2", "w1"]


def test_duplicate_grade_ids_each_listed_once() -> None:
    nb = make_notebook(autotest("t1", "a"), autotest("t1", "b"), autotest("t1", "c"),
                       answer("a1", "x"))
    assert nbg.duplicate_grade_ids(nb.cells) == ["t1"]


def test_regions_between_markers() -> None:
    source = "a\n### BEGIN HIDDEN TESTS\nb\nc\n### END HIDDEN TESTS\nd\n### BEGIN HIDDEN TESTS\ne"
    assert nbg.regions(source, nbg.BEGIN_HIDDEN_TESTS, nbg.END_HIDDEN_TESTS) == ["b\nc", "e"]


def test_region_markers_found_in_cells() -> None:
    assert nbg.has_solution_region(answer("a1", "x = 1"))
    assert not nbg.has_solution_region(code("x = 1"))
    assert nbg.has_hidden_tests(autotest("t1", "assert x", hidden="assert x > 0"))
    assert not nbg.has_hidden_tests(autotest("t1", "assert x"))


def test_source_given_as_a_list_of_lines() -> None:
    cell = code("")
    cell["source"] = ["a\n", "b"]
    assert nbg.source_text(cell) == "a\nb"
