"""The Data analyst level 4 pages as built: worked examples show output computed at build time
(tables, printed text and charts with their text alternatives), the KSB coverage page is made
from the catalogue, and axe-core finds no violation of any impact on any level 4 page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from static_server import RequestLog
from test_axe import axe_violations

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


@pytest.mark.browser
def test_no_wcag_violation_of_any_impact_on_level_4_pages(
    real_site: Any, real_site_url: str, page_and_requests: tuple[Any, RequestLog]
) -> None:
    """Every level 4 lesson (worked example output, charts, quizzes), the track page, the
    coverage page and the new exercises' pages."""
    from grader.content.reader import load_catalogue

    track = load_catalogue(real_site.root).track("data-analyst-l4")
    paths = [TRACK, "ksb-coverage/"] + [f"{TRACK}{lesson.id}/" for m in track.modules
                                        for lesson in m.lessons]
    paths += [f"exercises/{e}/" for e in NEW_EXERCISES]
    page, _ = page_and_requests
    problems = {}
    for path in paths:
        page.goto(real_site_url + path)
        problems[path] = [f"{v['id']} ({v['impact']}): {v['help']} at "
                          + ", ".join(str(n["target"]) for n in v["nodes"][:5])
                          for v in axe_violations(page)]
    assert problems == {path: [] for path in paths}
