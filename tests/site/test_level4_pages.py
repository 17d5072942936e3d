"""The Data analyst level 4 pages as built: worked examples show output computed at build time
(tables, printed text and charts with their text alternatives), the KSB coverage page is made
from the catalogue, and axe-core finds no violation of any impact on any level 4 page."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = [pytest.mark.slow]

TRACK = "tracks/data-analyst-l4/"
NEW_EXERCISES = ("da-foundations-schools", "da-sql-parking-wards", "da-inference-collisions",
                 "da-dashboard-road-safety", "da-capstone-food-hygiene")


def html(real_site: Any, path: str) -> str:
    return (real_site.site_dir / path / "index.html").read_text(encoding="utf-8")


def test_worked_examples_show_computed_output(real_site: Any) -> None:
    import pandas as pd

    page = html(real_site, f"{TRACK}sql-joins")
    assert "python run" not in page and "sql run" not in page
    source = (real_site.root / "courses/data-analyst-l4/sql-joins.md").read_text(encoding="utf-8")
    blocks = len(re.findall(r"^```(?:python|sql) run", source, re.MULTILINE))
    assert blocks >= 5 and page.count('<div class="cda-output">') == blocks, "each block's output"
    assert "Same figure in every ward: True" in page
    schools = pd.read_csv(real_site.root / "datasets/data/school_fsm.csv")
    wards = pd.read_csv(real_site.root / "datasets/data/lsoa_ward_lookup.csv")["WD22NM"]
    no_school = sorted(set(wards) - {n.replace(" and ", " & ") for n in schools["ward_name"]})
    assert no_school and all(f"<td>{name}</td>" in page for name in no_school), "the left join"

def test_charts_have_text_alternatives_with_computed_numbers(real_site: Any) -> None:
    page = html(real_site, f"{TRACK}summary-for-an-audience")
    images = re.findall(r'<img class="cda-output__figure" src="data:image/png;base64,[^"]+" '
                        r'alt="([^"]+)"', page)
    assert len(images) == 1
    assert "{" not in images[0] and re.search(r"\d{3} pedestrians hurt", images[0])


def test_coverage_page_is_built_from_the_catalogue(real_site: Any) -> None:
    page = html(real_site, "ksb-coverage")
    assert "Not covered" not in page
    for exercise in ("da-sql-parking-wards", "da-inference-collisions", "da-dashboard-road-safety"):
        assert f"exercises/{exercise}/" in page
    assert not (real_site.root / "docs" / "ksb-coverage.md").exists(), "generated, not in docs/"


# axe on these pages: tests/site/test_axe.py walks every page of the real site, any impact.
