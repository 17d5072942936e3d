"""The cheat and abuse corpus: every notebook gives the outcome expected.yml names."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from autograde_corpus import CORPUS, QUICK_LIMITS, SOURCE, SUBMISSIONS, load_corpus_maker

from grader.autograde import GradingOptions, autograde_many

EXPECTED = yaml.safe_load((CORPUS / "expected.yml").read_text())


def check(name: str, result, expected: dict) -> list[str]:  # type: ignore[no-untyped-def]
    problems = []
    statuses = expected["status"] if isinstance(expected["status"], list) else [
        expected["status"]]
    if result.status.value not in statuses:
        problems.append(f"status {result.status.value} ({result.reason})")
    if "score" in expected and result.score != expected["score"]:
        problems.append(f"score {result.score} != {expected['score']}")
    if "score_at_most" in expected and (result.score or 0) > expected["score_at_most"]:
        problems.append(f"score {result.score} > {expected['score_at_most']}")
    if expected.get("flagged") is True and not result.flags:
        problems.append("not flagged")
    if expected.get("flagged") is False and result.flags:
        problems.append(f"flagged {result.flags}")
    for flag in expected.get("flags", []):
        if flag not in result.flags:
            problems.append(f"missing flag {flag} (has {result.flags})")
    if result.status.value in ("rejected", "failed") and not result.reason:
        problems.append("no reason")
    return [f"{name}: {p}" for p in problems]


def test_corpus_is_complete() -> None:
    on_disk = {p.name for p in SUBMISSIONS.glob("*.ipynb")}
    assert len(EXPECTED) >= 25 + 5
    assert on_disk <= set(EXPECTED), on_disk - set(EXPECTED)


@pytest.mark.slow
def test_corpus_outcomes(tmp_path: Path) -> None:
    maker = load_corpus_maker()
    student = maker.release(maker.instructor())
    maker.write_cases(maker.large_cases(student), tmp_path)
    paths = {p.name: p for p in SUBMISSIONS.glob("*.ipynb")}
    paths.update({p.name: p for p in tmp_path.glob("*.ipynb")})
    assert set(paths) == set(EXPECTED)
    names = sorted(paths)
    results = autograde_many(SOURCE, [paths[n] for n in names],
                             options=GradingOptions(limits=QUICK_LIMITS, workers=2))
    problems = []
    for name, result in zip(names, results, strict=True):
        assert result.submission == str(paths[name])
        problems += check(name, result, EXPECTED[name])
    assert not problems, "\n".join(problems)
