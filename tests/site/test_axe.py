"""axe-core (npm, injected into the page) finds no serious or critical WCAG 2.2 AA violation
on the home, track, lesson and exercise pages, in real headless Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from site_helpers import AXE_JS
from static_server import RequestLog

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
FIXTURE_PAGES = {
    "home": "",
    "track": "tracks/fixture-basics/",
    "graded track": "tracks/fixture-graded/",
    "lesson": "tracks/fixture-basics/reading-data/",
    "exercise": "exercises/fixture-counts/",
    "graded exercise": "exercises/fixture-graded-sum/",
    "accessibility statement": "accessibility/",
}


def axe_violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
        WCAG_TAGS,
    )
    return result["violations"]


def blocking(violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in violations
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("path", FIXTURE_PAGES.values(), ids=FIXTURE_PAGES.keys())
def test_no_serious_wcag_violation(
    path: str, site_url: str, page_and_requests: tuple[Any, RequestLog]
) -> None:
    page, _ = page_and_requests
    page.goto(site_url + path)
    assert blocking(axe_violations(page)) == []


def test_axe_would_catch_a_violation(
    site_url: str, page_and_requests: tuple[Any, RequestLog]
) -> None:
    """The check is live: an image without a text alternative is reported as critical."""
    page, _ = page_and_requests
    page.goto(site_url)
    page.evaluate(
        """() => document.querySelector("article").insertAdjacentHTML(
            "beforeend", '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">')"""
    )
    assert any(v.startswith("image-alt") for v in blocking(axe_violations(page)))


def test_no_serious_wcag_violation_on_real_pages(
    real_site: Any, real_site_url: str, page_and_requests: tuple[Any, RequestLog]
) -> None:
    """The repository's own pages: home, every track, and each track's first lesson and
    first exercise."""
    from grader.content.reader import load_catalogue

    catalogue = load_catalogue(real_site.root)
    paths = [""]
    for track in catalogue.tracks:
        lessons = [lesson for m in track.modules for lesson in m.lessons]
        paths += [f"tracks/{track.id}/", f"tracks/{track.id}/{lessons[0].id}/"]
        first_exercise = next((e for lesson in lessons for e in lesson.exercises), None)
        if first_exercise:
            paths.append(f"exercises/{first_exercise}/")
    page, _ = page_and_requests
    problems = {}
    for path in paths:
        page.goto(real_site_url + path)
        problems[path] = blocking(axe_violations(page))
    assert problems == {path: [] for path in paths}
