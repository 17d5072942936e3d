"""axe-core (npm, injected into the page) finds no WCAG 2.2 AA violation of any impact on
every HTML page of the built site, in real headless Chromium (one browser, one page, axe
injected once per page). The live notebook is checked in test_notebook_a11y.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from site_helpers import AXE_JS, REPO
from static_server import RequestLog

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: Pages every site must have, so a walk that finds nothing cannot pass.
EXPECTED_PAGES = {"", "exercises/fixture-counts/", "accessibility/", "your-browser/"}
#: JupyterLite's own pages: the live notebook is checked with an exercise open instead.
NOT_WALKED = ("lite",)


def axe_violations(page: Any, *, injected: bool = False) -> list[dict[str, Any]]:
    """axe's violations on the page; `injected`: axe is already in it (add_init_script)."""
    if not injected:
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
        WCAG_TAGS,
    )
    return result["violations"]


def described(violations: list[dict[str, Any]]) -> list[str]:
    """Every violation, whatever its impact, with the first few nodes it was found on."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in violations
    ]


def every_page(site_dir: Path) -> list[str]:
    """The URL path of every HTML page of a built site, but JupyterLite's."""
    paths = []
    for html in sorted(site_dir.rglob("*.html")):
        relative = html.relative_to(site_dir)
        if relative.parts[0] in NOT_WALKED:
            continue
        path = relative.as_posix()
        paths.append(path.removesuffix("index.html"))
    return paths


#: Resolves once every finite CSS transition and animation of the page has finished: axe
#: measures colours as they are at that moment, and the theme's navigation fades in.
SETTLED = """() => Promise.all(document.getAnimations()
    .filter((a) => a.effect && a.effect.getTiming().iterations !== Infinity)
    .map((a) => a.finished.catch(() => null)))"""


def walk(page: Any, base_url: str, paths: list[str]) -> dict[str, list[str]]:
    """axe on each page in turn; the pages with a violation and what it found."""
    page.context.add_init_script(path=str(AXE_JS))  # once per page, before its own scripts
    problems = {}
    for path in paths:
        page.goto(base_url + path, wait_until="domcontentloaded")
        page.evaluate(SETTLED)
        found = described(axe_violations(page, injected=True))
        if found:
            problems[path] = found
    return problems


def hand_written(path: str) -> bool:
    """A page from docs/: the same in every build, so walked once, in the real site."""
    stem = path.removesuffix("/").removesuffix(".html")
    docs = REPO / "docs"
    return bool(stem) and ((docs / f"{stem}.md").is_file() or (docs / stem / "index.md").is_file())


def test_no_wcag_violation_on_any_page(
    site: Any, site_url: str, page_and_requests: tuple[Any, RequestLog]
) -> None:
    """Every page the fixture catalogue generates, and the home page."""
    paths = every_page(site.site_dir)
    assert EXPECTED_PAGES <= set(paths)
    paths = [p for p in paths if not hand_written(p)]
    page, _ = page_and_requests
    assert walk(page, site_url, paths) == {}


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
    assert any(v.startswith("image-alt") for v in described(axe_violations(page)))


def test_no_wcag_violation_on_any_page_of_the_real_site(
    real_site: Any, real_site_url: str, page_and_requests: tuple[Any, RequestLog]
) -> None:
    """The repository's own content, as `make build` ships it: every page."""
    paths = every_page(real_site.site_dir)
    assert len(paths) > 50
    page, _ = page_and_requests
    assert walk(page, real_site_url, paths) == {}
