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
