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


def test_metadata_that_is_not_an_object_counts_as_none() -> None:
    # A learner's notebook may carry any JSON where nbgrader expects objects.
    for cell in ({"cell_type": "code", "metadata": "x"},
                 {"cell_type": "code", "metadata": {nbg.NBGRADER: "solution"}},
                 {"cell_type": "code", "metadata": {nbg.NBGRADER: [1, 2]}},
                 {"cell_type": 3}, "a cell", None, 42, []):
        assert not nbg.has_nbgrader_metadata(cell)
        assert not (nbg.is_solution(cell) or nbg.is_graded(cell) or nbg.is_locked(cell))
        assert nbg.grade_id(cell) is None and nbg.checksum(cell) is None
        assert nbg.points(cell) == 0 and nbg.source_text(cell) == ""
    assert nbg.cell_type({"cell_type": 3}) is None


def test_source_with_lines_that_are_not_text_keeps_the_text() -> None:
    assert nbg.source_text({"source": ["a\n", 7, "b"]}) == "a\nb"
    assert nbg.source_text({"source": {"not": "text"}}) == ""


def test_plain_json_cells_answer_like_notebook_nodes() -> None:
    test_cell = autotest("t1", "assert x")
    as_json = {"cell_type": "code", "source": "assert x",
               "metadata": {nbg.NBGRADER: dict(test_cell.metadata[nbg.NBGRADER])}}
    assert nbg.is_test(as_json) and nbg.is_restored(as_json) and nbg.grade_id(as_json) == "t1"


def test_graded_means_worth_points_restored_means_taken_from_the_source() -> None:
    task = markdown("Draw a chart.")
    task.metadata[nbg.NBGRADER] = {nbg.TASK: True, nbg.POINTS: 3, nbg.GRADE_ID: "task1"}
    read_only = markdown("Instructions")
    read_only.metadata[nbg.NBGRADER] = {nbg.LOCKED: True, nbg.GRADE_ID: "intro"}
    cells = (code("x"), answer("a1", "x"), autotest("t1", "assert x"), written("w1", "B."),
             task, read_only)
    assert [nbg.is_graded(c) for c in cells] == [False, False, True, True, True, False]
    assert [nbg.is_restored(c) for c in cells] == [False, False, True, False, False, True]


def test_empty_grade_id_is_no_grade_id_and_checksum_is_read() -> None:
    cell = autotest("", "assert x")
    assert nbg.grade_id(cell) is None
    cell.metadata[nbg.NBGRADER][nbg.CHECKSUM] = "abc123"
    assert nbg.checksum(cell) == "abc123"
