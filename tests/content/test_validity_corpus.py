"""Every autograded cell accepts answers that satisfy its task text and rejects plausible
wrong ones (the corpus in tests/content/validity/, described in validity_corpus.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from validity_corpus import coverage_problems, exercise_ids, grade_exercise, summary


@pytest.mark.parametrize("exercise_id", exercise_ids())
def test_every_answer_cell_has_right_and_wrong_answers(exercise_id: str) -> None:
    problems = coverage_problems(exercise_id)
    assert not problems, "\n".join(problems)


@pytest.mark.slow
@pytest.mark.parametrize("exercise_id", exercise_ids())
def test_grader_accepts_right_and_rejects_wrong(exercise_id: str, tmp_path: Path) -> None:
    outcomes = grade_exercise(exercise_id, tmp_path)
    problems = [o.problem for o in outcomes if o.problem]
    assert not problems, summary(outcomes) + "\n" + "\n".join(problems)


def test_judge_names_what_went_wrong() -> None:
    from validity_corpus import RIGHT, WRONG, CorpusAnswer, judge

    full = {"t1": 2.0, "t2": 1.0}
    right = CorpusAnswer("ex", "a1", RIGHT, 1, "note", "x = 1")
    wrong = CorpusAnswer("ex", "a1", WRONG, 1, "note", "x = 2", frozenset({"t2"}))
    assert judge(right, {"t1": 2.0, "t2": 1.0}, full, ["t1"]) == ""
    assert judge(right, {"t1": 0.0, "t2": 1.0}, full, ["t1"]) == (
        "ex/a1 right 1: a right answer lost points on ['t1']")
    assert judge(wrong, {"t1": 0.0, "t2": 0.0}, full, ["t1"]) == ""
    assert judge(wrong, {"t1": 2.0, "t2": 0.0}, full, ["t1"]) == (
        "ex/a1 wrong 1: a wrong answer kept full marks on ['t1']")
    other = CorpusAnswer("ex", "a1", WRONG, 2, "note", "x = 3")
    assert judge(other, {"t1": 0.0, "t2": 0.0}, full, ["t1"]) == (
        "ex/a1 wrong 2: a wrong answer also lost points on ['t2']")
