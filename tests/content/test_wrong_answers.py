"""Graded exercises tell right answers from wrong ones, checked with real nbgrader.

For each exercise in `exercises/da-*/` this builds, in a throwaway nbgrader course:

- the instructor notebook as a submission: every autograder test cell gets full marks;
- the student notebook as released: zero autograded marks;
- one submission per file `tests/content/wrong_answers/<exercise-id>/<grade_id>.py`: the
  student notebook with every answer cell filled from the instructor's solution, except the
  answer cell `<grade_id>`, which gets the wrong code from that file. The test cell that
  follows that answer must lose points; the other test cells keep theirs, except test cells
  of later answers that use the wrong result, which the file names in a first line
  `# also-affects: test-a, test-b`.

All submissions of one exercise are graded in one nbgrader autograde run, and exercises
are graded in parallel (one process per CPU, or CONTENT_CHECK_WORKERS), to keep the run
time reasonable.
"""

from __future__ import annotations

import copy
import os
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat import NotebookNode

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "exercises"
WRONG_ANSWERS = Path(__file__).resolve().parent / "wrong_answers"
INSTRUCTOR = "instructor"
STUDENT = "student"
WRONG_PREFIX = "wrong-"
WORKERS_ENV = "CONTENT_CHECK_WORKERS"

sys.path.insert(0, str(ROOT))
from grader.content.notebook import grade_id, is_solution, is_test, points  # noqa: E402


@dataclass(frozen=True)
class WrongAnswer:
    """A plausible but wrong solution for one answer cell."""

    exercise_id: str
    grade_id: str
    """Grade id of the answer (solution) cell it replaces."""
    code: str
    also_affects: frozenset[str] = frozenset()
    """Test cells of later answers that use this answer's result and may lose points too."""


ALSO_AFFECTS = "# also-affects:"


def parse_also_affects(code: str) -> frozenset[str]:
    first = code.splitlines()[0] if code else ""
    if not first.startswith(ALSO_AFFECTS):
        return frozenset()
    return frozenset(x.strip() for x in first.removeprefix(ALSO_AFFECTS).split(",") if x.strip())


def exercise_ids() -> list[str]:
    return sorted(p.name for p in EXERCISES.glob("da-*") if p.is_dir())


def instructor_notebook_path(exercise_id: str) -> Path:
    notebooks = sorted((EXERCISES / exercise_id).glob("*.ipynb"))
    assert len(notebooks) == 1, f"exercises/{exercise_id}: expected one notebook"
    return notebooks[0]


def wrong_answers(exercise_id: str) -> list[WrongAnswer]:
    folder = WRONG_ANSWERS / exercise_id
    return [
        WrongAnswer(exercise_id, path.stem, code, parse_also_affects(code))
        for path in sorted(folder.glob("*.py"))
        for code in [path.read_text(encoding="utf-8")]
    ]


def next_test_cell(nb: NotebookNode, answer_id: str) -> str:
    """Grade id of the first autograder test cell after the answer cell `answer_id`."""
    ids = [grade_id(c) for c in nb.cells]
    start = ids.index(answer_id)
    return next(grade_id(c) for c in nb.cells[start + 1 :] if is_test(c))


def fill_answers(
    student: NotebookNode, instructor: NotebookNode, wrong: WrongAnswer
) -> NotebookNode:
    """The student notebook with instructor solutions everywhere except the wrong one."""
    nb = copy.deepcopy(student)
    solutions = {grade_id(c): c.source for c in instructor.cells if is_solution(c)}
    for cell in nb.cells:
        if is_solution(cell) and cell.cell_type == "code":
            gid = grade_id(cell)
            cell.source = wrong.code if gid == wrong.grade_id else solutions[gid]
    return nb


def release(exercise_id: str, workdir: Path) -> tuple[Any, NotebookNode]:
    """Copy the exercise into a new nbgrader course in `workdir` and generate the student
    version; return the nbgrader API object and the student notebook."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    # nbgrader runs `alembic` by name: the virtual environment's bin/ must be on PATH.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    shutil.copytree(EXERCISES / exercise_id, workdir / "source" / exercise_id, symlinks=False)
    config = Config()
    config.CourseDirectory.root = str(workdir)
    config.CourseDirectory.course_id = "content-check"
    # Generous limits: the check often runs beside other heavy tests.
    config.ExecutePreprocessor.timeout = 120
    config.ExecutePreprocessor.startup_timeout = 180
    api = NbGraderAPI(config=config)
    result = api.generate_assignment(exercise_id, force=True)
    assert result["success"], result.get("error") or result.get("log")
    name = instructor_notebook_path(exercise_id).name
    return api, nbformat.read(workdir / "release" / exercise_id / name, as_version=4)


def autograde(
    api: Any, exercise_id: str, workdir: Path, submissions: dict[str, NotebookNode]
) -> dict[str, dict[str, float]]:
    """Grade all `submissions` (student id -> notebook) in one autograde run and return,
    per student id, the score of each autograder test cell."""
    from nbgrader.api import Gradebook

    name = instructor_notebook_path(exercise_id).name
    for student_id, nb in submissions.items():
        folder = workdir / "submitted" / student_id / exercise_id
        shutil.copytree(workdir / "release" / exercise_id, folder)
        nbformat.write(nb, folder / name)
    result = api.autograde(exercise_id, "*", force=True, create=True)
    assert result["success"], result.get("error") or result.get("log")
    scores: dict[str, dict[str, float]] = {}
    with Gradebook(f"sqlite:///{workdir / 'gradebook.db'}") as gb:
        for student_id in submissions:
            sub = gb.find_submission_notebook(Path(name).stem, exercise_id, student_id)
            scores[student_id] = {
                g.name: float(g.score or 0) for g in sub.grades if g.cell_type == "code"
            }
    return scores


def check_exercise(exercise_id: str, workdir: Path) -> list[str]:
    """Grade everything for one exercise; return the problems found, in plain sentences."""
    instructor_nb = nbformat.read(instructor_notebook_path(exercise_id), as_version=4)
    max_scores = {grade_id(c): points(c) for c in instructor_nb.cells if is_test(c)}
    answer_ids = {
        grade_id(c) for c in instructor_nb.cells if is_solution(c) and c.cell_type == "code"
    }
    problems: list[str] = []
    wrongs = wrong_answers(exercise_id)
    for gid in sorted(answer_ids - {w.grade_id for w in wrongs}):
        problems.append(f"{exercise_id}: answer '{gid}' has no wrong answer in tests/")
    for w in wrongs:
        if w.grade_id not in answer_ids:
            problems.append(f"{exercise_id}: wrong answer for unknown answer '{w.grade_id}'")
    wrongs = [w for w in wrongs if w.grade_id in answer_ids]

    api, student_nb = release(exercise_id, workdir)
    submissions = {INSTRUCTOR: instructor_nb, STUDENT: student_nb}
    for w in wrongs:
        submissions[WRONG_PREFIX + w.grade_id] = fill_answers(student_nb, instructor_nb, w)
    scores = autograde(api, exercise_id, workdir, submissions)

    full = sum(max_scores.values())
    got = sum(scores[INSTRUCTOR].values())
    if got != full:
        problems.append(f"{exercise_id}: instructor version scored {got} of {full}")
    if sum(scores[STUDENT].values()) != 0:
        problems.append(f"{exercise_id}: student version scored "
                        f"{sum(scores[STUDENT].values())}, not 0")
    for w in wrongs:
        target = next_test_cell(instructor_nb, w.grade_id)
        cell_scores = scores[WRONG_PREFIX + w.grade_id]
        if cell_scores[target] >= max_scores[target]:
            problems.append(f"{exercise_id}: wrong answer for '{w.grade_id}' kept full "
                            f"marks on test '{target}'")
        for gid, score in cell_scores.items():
            if gid != target and gid not in w.also_affects and score < max_scores[gid]:
                problems.append(f"{exercise_id}: wrong answer for '{w.grade_id}' also lost "
                                f"points on test '{gid}' (the other answers are correct)")
    return problems


def check_exercises(exercise_ids: list[str], workdir: Path, workers: int) -> dict[str, list[str]]:
    """`check_exercise` for each exercise, `workers` at a time in separate processes (each
    nbgrader run is single-threaded and spends most of its time starting kernels)."""
    if workers <= 1 or len(exercise_ids) <= 1:
        return {ex: check_exercise(ex, workdir / ex) for ex in exercise_ids}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {ex: pool.submit(check_exercise, ex, workdir / ex) for ex in exercise_ids}
        return {ex: future.result() for ex, future in futures.items()}


def worker_count() -> int:
    """Processes for grading: CONTENT_CHECK_WORKERS, or one per CPU (at least 1)."""
    return int(os.environ.get(WORKERS_ENV) or os.cpu_count() or 1)


@pytest.fixture(scope="module")
def problems_by_exercise(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[str]]:
    """Grade every exercise selected in this session at once, in parallel."""
    selected = [
        item.callspec.params["exercise_id"]
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_exercise_tells_right_from_wrong"
    ]
    return check_exercises(selected, tmp_path_factory.mktemp("content"), worker_count())


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Object of type:Warning")
@pytest.mark.parametrize("exercise_id", exercise_ids())
def test_exercise_tells_right_from_wrong(
    exercise_id: str, problems_by_exercise: dict[str, list[str]]
) -> None:
    problems = problems_by_exercise[exercise_id]
    assert not problems, "\n".join(problems)


if __name__ == "__main__":  # handy while writing an exercise: python test_wrong_answers.py da-x
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        results = check_exercises(sys.argv[1:] or exercise_ids(), Path(tmp), worker_count())
    for ex_id, found in results.items():
        print(ex_id, "OK" if not found else "\n  " + "\n  ".join(found))
