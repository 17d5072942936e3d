"""Honest submissions score exactly what plain `nbgrader autograde` gives them."""

from __future__ import annotations

import pytest
from autograde_corpus import SOURCE, SUBMISSIONS

from grader.autograde import GradingOptions, Status, autograde_many
from grader.autograde.plain import autograde_plain

HONEST = ["honest_correct", "honest_partial", "honest_wrong", "honest_unanswered"]


@pytest.mark.slow
def test_scores_equal_plain_nbgrader() -> None:
    paths = {name: SUBMISSIONS / f"{name}.ipynb" for name in HONEST}
    plain = autograde_plain(SOURCE, {name.replace("_", "-"): p for name, p in paths.items()})
    ours = autograde_many(SOURCE, list(paths.values()), options=GradingOptions(workers=2))
    for name, result in zip(HONEST, ours, strict=True):
        assert result.status is Status.GRADED
        assert result.flags == (), (name, result.flags)
        assert result.score == plain[name.replace("_", "-")], name
    assert [r.score for r in ours] == [4, 3, 0, 0]
