"""nbgrader's own test notebooks must score exactly as nbgrader's tests assert."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.autograde import GradingOptions, Status, autograde_many

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO.parent / "shared" / "peer" / "nbgrader-fixtures"

# (source, submission, score, max score) as in FIXTURES/README.md
CASES = [
    ("submitted-unchanged.ipynb", "submitted-unchanged.ipynb", 1, 7),
    ("submitted-unchanged.ipynb", "submitted-changed.ipynb", 2, 7),
    ("submitted-unchanged.ipynb", "submitted-cheat-attempt.ipynb", 1, 7),
    ("submitted-unchanged.ipynb", "submitted-cheat-attempt-alternative.ipynb", 1, 7),
    ("validating-environment-variable.ipynb", "validating-environment-variable.ipynb", 0, 1),
    ("timeout.ipynb", "timeout.ipynb", 1, 1),
]


@pytest.mark.slow
def test_peer_fixture_scores_match_nbgrader() -> None:
    assert FIXTURES.is_dir(), f"{FIXTURES}: the shared nbgrader fixtures are missing"
    by_source: dict[str, list[tuple[str, float, float]]] = {}
    for source, submission, score, max_score in CASES:
        by_source.setdefault(source, []).append((submission, score, max_score))
    for source, expected in by_source.items():
        results = autograde_many(FIXTURES / source, [FIXTURES / s for s, _, _ in expected],
                                 options=GradingOptions(workers=2))
        for result, (submission, score, max_score) in zip(results, expected, strict=True):
            assert result.status is Status.GRADED, (submission, result.reason)
            assert (result.score, result.max_score) == (score, max_score), submission


@pytest.mark.slow
def test_showtraceback_cheats_are_flagged() -> None:
    results = autograde_many(
        FIXTURES / "submitted-unchanged.ipynb",
        [FIXTURES / "submitted-cheat-attempt.ipynb", FIXTURES / "submitted-unchanged.ipynb"],
    )
    cheat, honest = results
    assert any("showtraceback" in flag for flag in cheat.flags)
    assert honest.flags == ()
