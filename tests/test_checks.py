"""`grader check`: every problem in courses/ and exercises/, with file, place and sentence."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from notebook_factory import answer, autotest, code, markdown, write_notebook, written

from grader.autograde.result import CellResult, GradeResult, Status
from grader.checks.repository import check_notebook, check_repository
from grader.content.problems import Problem

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "catalogue"
GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"
NOTEBOOK = "exercises/fines-count/fines-count.ipynb"
GRADER = Path(sys.executable).parent / "grader"

BAD_PROBLEMS = [
    "courses/street-data/exercises.yml (exercises[0].datasets[0]): dataset "
    "exercises/fines-count/fines.csv does not exist",
    "courses/street-data/exercises.yml (exercises[0].ksbs[1]): KSB code 'K99' is not in "
    "standard ST0118",
    "courses/street-data/exercises.yml (exercises[2].notebook): notebook "
    "exercises/lost-notebook/lost-notebook.ipynb does not exist",
    "courses/broken/track.yml (line 3, column 8): malformed YAML: expected ',' or ']', but "
    "got ':'",
    "courses/street-data/track.yml (modules[0].lessons[0].file): lesson 'count-fines' points "
    "to courses/street-data/count-fines.md, which does not exist",
    "courses/street-data/track.yml (modules[0].lessons[0].exercises[2]): lesson 'count-fines' "
    "names exercise 'fines-cuont', which no courses/*/exercises.yml defines",
    "exercises/orphan: no courses/*/exercises.yml defines exercise 'orphan'",
    "exercises/no-tests/no-tests.ipynb: there is no autograded test cell with points",
]


@dataclass
class FakeAutograder:
    """A stand-in for `grader.autograde.autograde`, for the edges the real one never shows
    (an instructor notebook losing points, a student version scoring, a failed run).

    Scores one autograded cell `test-count` worth 2 points: `instructor` points when the
    submission is the source itself, `student` points otherwise. A manual cell is unmarked.
    """

    instructor: float = 2
    student: float = 0
    status: Status = Status.GRADED
    instructor_flags: tuple[str, ...] = ()
    calls: list[tuple[Path, Path, str]] = field(default_factory=list)

    def __call__(self, source: Path, submissions: list[Path]) -> list[GradeResult]:
        return [self.grade_one(source, s) for s in submissions]

    def grade_one(self, source: Path, submission: Path) -> GradeResult:
        self.calls.append((source, submission, submission.read_text(encoding="utf-8")))
        score = self.instructor if submission == source else self.student
        if self.status is not Status.GRADED:
            return GradeResult(str(submission), self.status, None, 4, True,
                               reason="The sandbox is not available on this machine.")
        cell = CellResult("test-count", score, 2)
        manual = CellResult("answer-written", None, 2, kind="manual")
        flags = self.instructor_flags if submission == source else ()
        return GradeResult(str(submission), Status.GRADED, score, 4, True, flags=flags,
                           cells=(cell, manual))


def copy_repo(tmp_path: Path, source: Path = GOOD) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(source, root, symlinks=True)
    return root


# The repository as a whole


def test_good_fixture_has_no_problems() -> None:
    assert check_repository(GOOD, grade=False) == []


def test_bad_fixture_reports_every_problem_in_order() -> None:
    assert [str(p) for p in check_repository(BAD, grade=False)] == BAD_PROBLEMS


def test_each_exercise_is_graded_as_instructor_and_as_student(tmp_path: Path) -> None:
    root = copy_repo(tmp_path)
    fake = FakeAutograder()
    assert check_repository(root, autograder=fake) == []
    source = root / NOTEBOOK
    assert [(c[0], c[1].name) for c in fake.calls] == [
        (source, "fines-count.ipynb"), (source, "fines-count.ipynb")
    ]
    assert fake.calls[0][1] == source
    student_text = fake.calls[1][2]
    assert "YOUR CODE HERE" in student_text and "counts.get(" not in student_text
    assert not fake.calls[1][1].exists(), "the student copy is a temporary file"


def test_instructor_version_losing_points(tmp_path: Path) -> None:
    root = copy_repo(tmp_path)
    assert check_repository(root, autograder=FakeAutograder(instructor=0)) == [
        Problem(NOTEBOOK, "", "the instructor version scores 0 of 2 autograded points "
                "(test-count 0 of 2); it must score full marks"),
    ]


def test_student_version_scoring(tmp_path: Path) -> None:
    root = copy_repo(tmp_path)
    assert check_repository(root, autograder=FakeAutograder(student=1)) == [
        Problem(NOTEBOOK, "", "the student version scores 1 of 2 autograded points "
                "(test-count 1 of 2); it must score zero"),
    ]


def test_grading_that_does_not_finish_is_a_problem(tmp_path: Path) -> None:
    root = copy_repo(tmp_path)
    found = check_repository(root, autograder=FakeAutograder(status=Status.FAILED))
    assert [p.message for p in found] == [
        f"grading the {who} version did not finish (failed): The sandbox is not available "
        "on this machine."
        for who in ("instructor", "student")
    ]


def test_instructor_version_flagged_for_review(tmp_path: Path) -> None:
    root = copy_repo(tmp_path)
    fake = FakeAutograder(instructor_flags=("tampering:builtins",))
    assert check_repository(root, autograder=fake) == [
        Problem(NOTEBOOK, "", "the instructor version is flagged for review "
                "(tampering:builtins); honest answers like it would be"),
    ]


def test_exercise_folder_no_yaml_mentions(tmp_path: Path) -> None:
    root = copy_repo(tmp_path)
    (root / "exercises" / "draft-idea").mkdir()
    (root / "exercises" / ".ipynb_checkpoints").mkdir()
    assert check_repository(root, grade=False) == [
        Problem("exercises/draft-idea", "", "no courses/*/exercises.yml defines exercise "
                "'draft-idea'"),
    ]


# One notebook


def check(tmp_path: Path, *cells: nbformat.NotebookNode) -> list[str]:
    return check_notebook(write_notebook(tmp_path / "ex.ipynb", *cells))


def test_good_notebook(tmp_path: Path) -> None:
    assert check(tmp_path, answer("a1", "x = 1"), autotest("t1", "assert x == 1")) == []


def test_notebook_without_nbgrader_metadata(tmp_path: Path) -> None:
    assert check(tmp_path, code("x = 1"), markdown("Hello")) == [
        "no cell has nbgrader metadata: mark answers and tests with nbgrader's "
        "'Create Assignment' toolbar",
        "there is no autograded test cell with points",
    ]


def test_duplicate_grade_ids(tmp_path: Path) -> None:
    assert check(tmp_path, answer("a1", "x = 1"), autotest("t1", "assert x"),
                 autotest("t1", "assert x")) == [
        "grade id 't1' is used by more than one cell",
    ]


def test_graded_cells_without_points(tmp_path: Path) -> None:
    assert check(tmp_path, answer("a1", "x = 1"), autotest("t1", "assert x", points=0),
                 written("w1", "Because.", points=0)) == [
        "graded cell 't1' has no points",
        "graded cell 'w1' has no points",
        "there is no autograded test cell with points",
    ]


def test_solution_cell_without_a_region(tmp_path: Path) -> None:
    cell = answer("a1", "x = 1")
    cell.source = "x = 1"
    assert check(tmp_path, cell, autotest("t1", "assert x")) == [
        "solution cell 'a1' has no '### BEGIN SOLUTION' ... '### END SOLUTION' region",
    ]


def test_regions_outside_their_cells(tmp_path: Path) -> None:
    assert check(tmp_path, code("### BEGIN HIDDEN TESTS\nassert True\n### END HIDDEN TESTS"),
                 markdown("### BEGIN SOLUTION\nx\n### END SOLUTION"),
                 answer("a1", "x = 1"), autotest("t1", "assert True")) == [
        "cell 1 has a hidden test region but is not marked as an autograder test cell",
        "cell 2 has a solution region but is not marked as a solution cell",
    ]


def test_nbgrader_refusal_is_reported(tmp_path: Path) -> None:
    assert check(tmp_path, answer("a1", "x = 1"),
                 autotest("t1", "assert x\n### BEGIN HIDDEN TESTS\n# Message: Look again.\n"
                          "assert x == 1")) == [
        "nbgrader could not make the student version: No end hidden tests statement found.",
    ]


def test_hidden_tests_need_a_learner_message(tmp_path: Path) -> None:
    assert check(tmp_path, answer("a1", "x = 1"),
                 autotest("t1", "assert x", hidden="assert x == 1", message=""),
                 autotest("t2", "assert x", hidden="y = 2\n# Message: Look again.\nassert x",
                          message="")
                 ) == [
        "cell 't1': hidden region 1 (line 2) has no '# Message:' line: write a hint for the "
        "learner that does not give the test away",
        "cell 't2': hidden region 1 (line 2) has code before its first '# Message:' line",
    ]


def test_visible_checks_come_before_hidden_ones(tmp_path: Path) -> None:
    cell = autotest("t1", "assert x", hidden="assert x == 1")
    cell.source += "\nassert x > 0"
    assert check(tmp_path, answer("a1", "x = 1"), cell) == [
        "cell 't1': code follows the last hidden region: put visible checks before "
        "'### BEGIN HIDDEN TESTS'",
    ]


def test_file_that_is_not_a_notebook(tmp_path: Path) -> None:
    path = tmp_path / "ex.ipynb"
    path.write_text("{\"cells\": [")
    assert check_notebook(path) == ["the file is not a notebook: it is not valid JSON"]
    path.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "x": 1}')
    [message] = check_notebook(path)
    assert message.startswith("not a valid notebook: Additional properties are not allowed")


# The command line, as a user runs it


def run_check(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PATH=f"{GRADER.parent}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run([str(GRADER), "check", *args], capture_output=True, text=True,
                          env=env, timeout=600, check=False)


def test_cli_prints_every_problem_and_exits_1() -> None:
    result = run_check("--root", str(BAD), "--no-grading")
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [*BAD_PROBLEMS, f"{len(BAD_PROBLEMS)} problem(s) found."]


def test_cli_exits_0_on_a_good_repository() -> None:
    result = run_check("--root", str(GOOD), "--no-grading")
    assert (result.returncode, result.stdout, result.stderr) == (0, "No problems found.\n", "")


# The real autograder (sandboxed kernels), as `grader check` uses it


def edit_cell(path: Path, grade_id: str, source: str) -> None:
    nb = nbformat.read(path, as_version=4)
    [cell] = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    cell.source = source
    nbformat.write(nb, path)


@pytest.mark.slow
def test_real_autograder_passes_the_good_fixture() -> None:
    assert check_repository(GOOD) == []


@pytest.mark.slow
def test_real_autograder_catches_a_wrong_instructor_solution(tmp_path: Path) -> None:
    root = copy_repo(tmp_path)
    edit_cell(root / NOTEBOOK, "answer-count", "def fines_per_street(rows):\n"
              "    ### BEGIN SOLUTION\n    return {}\n    ### END SOLUTION")
    assert check_repository(root) == [
        Problem(NOTEBOOK, "", "the instructor version scores 0 of 2 autograded points "
                "(test-count 0 of 2); it must score full marks"),
    ]


@pytest.mark.slow
def test_real_autograder_catches_tests_a_blank_answer_passes(tmp_path: Path) -> None:
    root = copy_repo(tmp_path)
    edit_cell(root / NOTEBOOK, "test-count", "assert len(rows) == 3")
    assert check_repository(root) == [
        Problem(NOTEBOOK, "", "the student version scores 2 of 2 autograded points "
                "(test-count 2 of 2); it must score zero"),
    ]


@pytest.mark.slow
def test_cli_with_grading_exits_0_on_the_good_fixture() -> None:
    result = run_check("--root", str(GOOD))
    assert (result.returncode, result.stdout) == (0, "No problems found.\n"), result.stderr


def test_cache_skips_exercises_that_passed_unchanged(tmp_path: Path) -> None:
    root, cache = copy_repo(tmp_path), tmp_path / "cache"
    fake = FakeAutograder()
    assert check_repository(root, autograder=fake, cache_dir=cache) == []
    assert len(fake.calls) == 2
    assert check_repository(root, autograder=fake, cache_dir=cache) == []
    assert len(fake.calls) == 2, "an unchanged exercise that passed is not graded again"
    (root / "datasets" / "fines.csv").write_text("street\nCamden Road\n")
    assert check_repository(root, autograder=fake, cache_dir=cache) == []
    assert len(fake.calls) == 4, "a changed dataset (through its symlink) is graded again"


def test_cache_never_records_a_failure(tmp_path: Path) -> None:
    root, cache = copy_repo(tmp_path), tmp_path / "cache"
    failing = FakeAutograder(instructor=0)
    for _ in range(2):
        assert len(check_repository(root, autograder=failing, cache_dir=cache)) == 1
    assert len(failing.calls) == 4
