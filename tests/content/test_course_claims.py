"""Every claim the course makes about its data holds for the generated data (see
grader/content/claims.py and the claims.yml files under courses/ and datasets/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.content.claims import ClaimResult, check_all, claims_files, load_claims

ROOT = Path(__file__).resolve().parents[2]
# Only the YAML is read at collection; the data is read once, by the first test.
SOURCES = [f"{path.relative_to(ROOT)}#{n}" for path in claims_files(ROOT)
           for n in range(1, len(load_claims(path, ROOT).claims) + 1)]


@pytest.fixture(scope="module")
def results() -> dict[str, ClaimResult]:
    return {r.source: r for r in check_all(ROOT)}


def test_the_course_has_claims() -> None:
    assert SOURCES, "no claims found under courses/*/, exercises/ or datasets/ (claims.yml)"


@pytest.mark.parametrize("source", SOURCES)
def test_claim_holds(source: str, results: dict[str, ClaimResult]) -> None:
    result = results[source]
    assert result.holds, f"{source} ('{result.claim.text}'): {result.problem}"
