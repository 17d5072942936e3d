"""The KSB coverage page is made from the catalogue (grader.content.coverage and
grader.sitebuild.coverage_page): every code of ST0118 is taught and evidenced by a named
exercise, or needs workplace evidence with a reason, and nothing is left uncovered."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from grader.content.catalogue import Catalogue, Ksb
from grader.content.coverage import Status, track_coverage
from grader.content.reader import load_catalogue
from grader.sitebuild.coverage_page import COVERAGE_URI, coverage_page

REPO = Path(__file__).resolve().parents[2]
TRACK = "data-analyst-l4"
MOVED_TO_TAUGHT = ("K6", "S4", "S14", "K13", "S10")
"""Codes issue 12 found named but not taught; each now has lessons and an exercise."""
NEW_EVIDENCE = {"K6": "da-sql-parking-wards", "S4": "da-sql-parking-wards",
                "S14": "da-dashboard-road-safety", "K13": "da-inference-collisions",
                "S10": "da-inference-collisions"}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(REPO)


def test_every_code_is_covered(catalogue: Catalogue) -> None:
    coverage = track_coverage(catalogue, catalogue.track(TRACK))
    assert coverage.by_status(Status.GAP) == ()
    standard = catalogue.standards["ST0118"]
    assert [c.ksb.code for c in coverage.codes] == [k.code for k in standard.ksbs]
    for c in coverage.by_status(Status.WORKPLACE):
        assert c.ksb.workplace_reason, f"{c.ksb.code} needs a reason for workplace evidence"
    for c in coverage.by_status(Status.EVIDENCED):
        assert c.lessons and c.exercises


@pytest.mark.parametrize("code", MOVED_TO_TAUGHT)
def test_codes_issue_12_named_are_taught_and_evidenced(catalogue: Catalogue, code: str) -> None:
    coverage = track_coverage(catalogue, catalogue.track(TRACK))
    entry = next(c for c in coverage.codes if c.ksb.code == code)
    assert entry.status is Status.EVIDENCED
    assert NEW_EVIDENCE[code] in {e.id for e in entry.exercises}


def test_page_lists_every_code_with_links_and_reasons(catalogue: Catalogue) -> None:
    page = coverage_page(catalogue)
    assert page.src_uri == COVERAGE_URI
    rows = dict(re.findall(r"^\| ([KSB]\d+) \| (.*)$", page.markdown, re.MULTILINE))
    assert set(rows) == {k.code for k in catalogue.standards["ST0118"].ksbs}
    assert "[Run SQL queries on Camden data]" not in rows["K2"]
    k2 = catalogue.standards["ST0118"].ksbs[1]
    assert k2.workplace_reason and " ".join(k2.workplace_reason.split()) in rows["K2"]
    assert "(exercises/da-sql-parking-wards.md)" in rows["K6"]
    assert "(tracks/data-analyst-l4/" in rows["K6"]
    assert "Not covered" not in page.markdown


def test_a_gap_is_shown(catalogue: Catalogue) -> None:
    """A code that no exercise evidences and that is not workplace only is a gap."""
    std = catalogue.standards["ST0118"]
    gap = Ksb(code="K99", title="Something new")
    changed = dataclasses.replace(catalogue, standards={
        "ST0118": std.model_copy(update={"ksbs": (*std.ksbs, gap)})})
    coverage = track_coverage(changed, changed.track(TRACK))
    assert [c.ksb.code for c in coverage.by_status(Status.GAP)] == ["K99"]
    page = coverage_page(changed).markdown
    assert "**Not covered yet:** K99." in page
    assert "| K99 | Something new | Not covered | Not covered |" in page
