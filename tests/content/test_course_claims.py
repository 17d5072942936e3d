"""Every claim the course makes about its data holds for the generated data (see
grader/content/claims.py and the claims.yml files under courses/ and datasets/)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from grader.content import notebook as nbg
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


FIGURE = re.compile(r"\b\d+(?:\.\d+)?\]?\s?%|\b\d+\.\d+\b")
"""A percentage (also "[23]%") or a number with decimals: figures a model answer takes from
the data."""


def test_every_model_answer_with_figures_has_a_claim() -> None:
    """A model answer (a written answer's solution) that gives a percentage or a decimal
    figure has at least one claim on its cell, so that a data change cannot leave markers
    with wrong numbers. The marking scheme after "Marking" is not about the data."""
    claimed = {(c.file, c.cell) for path in claims_files(ROOT)
               for c in load_claims(path, ROOT).claims}
    missing = []
    for path in sorted((ROOT / "exercises").glob("*/*.ipynb")):
        rel = str(path.relative_to(ROOT))
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "markdown" or not nbg.is_solution(cell):
                continue
            answer = cell.source.split("Marking")[0]
            if FIGURE.search(answer) and (rel, nbg.grade_id(cell)) not in claimed:
                missing.append(f"{rel} cell '{nbg.grade_id(cell)}': {FIGURE.findall(answer)[:3]}")
    assert not missing, "model answers with figures but no claim:\n" + "\n".join(missing)
