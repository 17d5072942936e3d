"""The validity corpus: answers written from the task text alone, graded by the real grader.

`tests/content/validity/<exercise-id>/<answer-grade-id>.yml` holds, for one autograded
answer cell, answers a careful learner might write:

    right:                      # each must get every autograded point
      - note: 'The task says "round to 3 decimal places".'
        code: |
          share_parking_no_location = round(parking["Ward Name"].isna().mean(), 3)
    wrong:                      # each must lose points on this answer's test cells
      - note: 'Counts repeated notices, but the task says "(no repeats)".'
        code: |
          share_parking_no_location = pcns["Ward Name"].isna().mean()
        also_affects: [test-later]   # later test cells that use this result (optional)

Each answer replaces the model solution of that one cell in the learner's released copy;
every other answer cell gets the model solution. "This answer's test cells" are the
autograded test cells after the answer cell, up to the next code answer cell. A right answer
must score full marks on every test cell; a wrong one must lose points on at least one of
its own test cells and keep full marks everywhere else, except in `also_affects`.

All answers of one exercise are graded in one `autograde_many` call (kernels forked from the
zygote, in the sandbox): the way the service grades, and cheap enough for CI. The feedback
of every answer is also searched for the exercise's hidden-test, solution and mark-scheme
lines (`leak_markers`): a failed hidden check shows its author's message, never its code.

Run `python tests/content/validity_corpus.py [exercise-id ...]` for a table per exercise.
"""

from __future__ import annotations

import copy
import html
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import nbformat
import yaml
from nbformat import NotebookNode
from pydantic import BaseModel, ConfigDict, Field

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "exercises"
CORPUS = Path(__file__).resolve().parent / "validity"
RIGHT: Literal["right"] = "right"
WRONG: Literal["wrong"] = "wrong"

sys.path.insert(0, str(ROOT))
from grader.content.notebook import grade_id, is_solution, is_test, points  # noqa: E402


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AnswerEntry(_Strict):
    note: str = Field(min_length=10, description="The task text that makes it right or "
                                                 "wrong, quoted.")
    code: str = Field(min_length=1)
    also_affects: list[str] = Field(default_factory=list)


class AnswerFile(_Strict):
    right: list[AnswerEntry] = Field(default_factory=list)
    wrong: list[AnswerEntry] = Field(default_factory=list)


@dataclass(frozen=True)
class CorpusAnswer:
    """One answer of the corpus, for one answer cell of one exercise."""

    exercise_id: str
    answer_id: str
    kind: Literal["right", "wrong"]
    number: int
    """1-based position among the answers of its kind in its file."""
    note: str
    code: str
    also_affects: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        return f"{self.exercise_id}/{self.answer_id} {self.kind} {self.number}"


@dataclass(frozen=True)
class Outcome:
    """How the grader treated one corpus answer."""

    answer: CorpusAnswer
    scores: dict[str, float] = field(default_factory=dict)
    problem: str = ""
    """Empty when the grader did what the corpus expects."""


def exercise_ids() -> list[str]:
    return sorted(p.name for p in EXERCISES.iterdir() if (p / f"{p.name}.ipynb").is_file())


def instructor_path(exercise_id: str) -> Path:
    return EXERCISES / exercise_id / f"{exercise_id}.ipynb"


def answer_cells(nb: NotebookNode) -> list[str]:
    """Grade ids of the autograded answer cells (code the learner writes)."""
    return [str(grade_id(c)) for c in nb.cells if is_solution(c) and c.cell_type == "code"]


def own_tests(nb: NotebookNode, answer_id: str) -> list[str]:
    """The test cells after the answer cell, up to the next code answer cell."""
    found: list[str] = []
    ids = [grade_id(c) for c in nb.cells]
    for cell in nb.cells[ids.index(answer_id) + 1:]:
        if is_solution(cell) and cell.cell_type == "code":
            break
        if is_test(cell):
            found.append(str(grade_id(cell)))
    return found


def load_answers(exercise_id: str) -> list[CorpusAnswer]:
    """Every answer written for the exercise (an error names the file and the field)."""
    answers: list[CorpusAnswer] = []
    for path in sorted((CORPUS / exercise_id).glob("*.yml")):
        try:
            data = AnswerFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        except Exception as error:
            raise ValueError(f"{path.relative_to(ROOT)}: {error}") from error
        for kind, entries in ((RIGHT, data.right), (WRONG, data.wrong)):
            answers += [CorpusAnswer(exercise_id, path.stem, kind, n, e.note, e.code,
                                     frozenset(e.also_affects))
                        for n, e in enumerate(entries, start=1)]
    return answers


def coverage_problems(exercise_id: str) -> list[str]:
    """Answer cells without a right and a wrong answer, and files for unknown cells."""
    nb = nbformat.read(instructor_path(exercise_id), as_version=4)
    cells = answer_cells(nb)
    answers = load_answers(exercise_id)
    problems = [f"{exercise_id}: tests/content/validity/{exercise_id}/{a}.yml is for no answer "
                "cell of the notebook" for a in sorted({x.answer_id for x in answers} - set(cells))]
    tests = {str(grade_id(c)) for c in nb.cells if is_test(c)}
    for cell in cells:
        kinds = {a.kind for a in answers if a.answer_id == cell}
        problems += [f"{exercise_id}: answer cell '{cell}' has no {kind} answer in the corpus"
                     for kind in (RIGHT, WRONG) if kind not in kinds]
    for a in answers:
        unknown = sorted(a.also_affects - tests)
        if unknown:
            problems.append(f"{a.label}: also_affects names unknown test cells {unknown}")
    return problems


def fill(student: NotebookNode, instructor: NotebookNode, answer: CorpusAnswer) -> NotebookNode:
    """The released copy with model solutions everywhere except this answer's cell."""
    nb = copy.deepcopy(student)
    solutions = {grade_id(c): c.source for c in instructor.cells if is_solution(c)}
    for cell in nb.cells:
        if is_solution(cell) and cell.cell_type == "code":
            gid = grade_id(cell)
            cell.source = answer.code if gid == answer.answer_id else solutions[gid]
    return nb


def judge(answer: CorpusAnswer, scores: dict[str, float], full: dict[str, float],
          own: list[str]) -> str:
    """Empty when the scores are what the answer's kind requires; else the problem."""
    short = [t for t, s in scores.items() if s < full[t]]
    if answer.kind == RIGHT:
        return f"{answer.label}: a right answer lost points on {short}" if short else ""
    if not set(short) & set(own):
        return f"{answer.label}: a wrong answer kept full marks on {own}"
    extra = sorted(set(short) - set(own) - answer.also_affects)
    return f"{answer.label}: a wrong answer also lost points on {extra}" if extra else ""


def grade_exercise(exercise_id: str, workdir: Path, workers: int = 2) -> list[Outcome]:
    """Grade every corpus answer of one exercise in one batch."""
    from grader.autograde import GradingOptions, Status, autograde_many
    from grader.release.assignment import leak_markers, release_notebook

    source = instructor_path(exercise_id)
    instructor = nbformat.read(source, as_version=4)
    student = release_notebook(source)
    full = {str(grade_id(c)): points(c) for c in instructor.cells if is_test(c)}
    answers = load_answers(exercise_id)
    paths = []
    for index, answer in enumerate(answers):
        path = workdir / f"{exercise_id}-{index:03d}.ipynb"
        nbformat.write(fill(student, instructor, answer), path)
        paths.append(path)
    results = autograde_many(source, paths, options=GradingOptions(workers=workers))
    markers = leak_markers(source)
    outcomes = []
    for answer, result in zip(answers, results, strict=True):
        if result.status is not Status.GRADED or result.flags:
            outcomes.append(Outcome(answer, problem=f"{answer.label}: {result.status.value} "
                                    f"{list(result.flags)} {result.reason}"))
            continue
        scores = {c.grade_id: c.score or 0.0 for c in result.cells if c.kind == "autograded"}
        own = own_tests(instructor, answer.answer_id)
        shown = html.unescape(result.feedback_html) + "\n".join(c.message for c in result.cells)
        leaked = [m for m in markers if m in shown]
        problem = (f"{answer.label}: the feedback shows hidden or solution text {leaked[:2]}"
                   if leaked else judge(answer, scores, full, own))
        outcomes.append(Outcome(answer, scores, problem))
    return outcomes


def summary(outcomes: list[Outcome]) -> str:
    """Right answers accepted / written and wrong answers rejected / written."""
    right = [o for o in outcomes if o.answer.kind == RIGHT]
    wrong = [o for o in outcomes if o.answer.kind == WRONG]
    return (f"right accepted {sum(not o.problem for o in right)}/{len(right)}, "
            f"wrong rejected {sum(not o.problem for o in wrong)}/{len(wrong)}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        for ex_id in sys.argv[1:] or exercise_ids():
            found = grade_exercise(ex_id, Path(tmp))
            print(f"{ex_id}: {summary(found)}")
            for outcome in found:
                if outcome.problem:
                    print(f"  {outcome.problem}")
