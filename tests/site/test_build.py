"""The built site: generated pages, navigation, search, the Try it control, no external
resources, nothing written into docs/, and loud failures on a bad catalogue."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from site_helpers import CACHE_DIR, CONFIG_FILE, FIXTURE_ROOT, BuiltSite

from grader.cli import main
from grader.content.catalogue import CatalogueError
from grader.lite.jupyterlite import PYODIDE_DIR, STORAGE_NAME
from grader.sitebuild.build import build_site

pytestmark = pytest.mark.slow

PAGES = {
    "tracks/fixture-basics/index.html": "Fixture basics",
    "tracks/fixture-basics/reading-data/index.html": "Reading data",
    "tracks/fixture-basics/counting/index.html": "Counting rows",
    "tracks/fixture-graded/index.html": "Fixture graded",
    "tracks/fixture-graded/adding-up/index.html": "Adding up",
    "exercises/fixture-counts/index.html": "Count complaints by ward",
    "exercises/fixture-graded-sum/index.html": "Add up the hours",
}


LOADED_LINKS = {"stylesheet", "preload", "modulepreload", "preconnect", "dns-prefetch", "icon"}
"""`<link rel>` values that make the browser fetch the href."""


class _Tags(HTMLParser):
    """Collects (tag, attributes) of every start tag."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(path: Path) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tags


def _cls(attrs: dict[str, str | None]) -> list[str]:
    return (attrs.get("class") or "").split()


def html_pages(site_dir: Path) -> list[Path]:
    return [p for p in site_dir.rglob("*.html") if "lite" not in p.relative_to(site_dir).parts]


def test_every_generated_page_exists_with_its_title(site: BuiltSite) -> None:
    for path, title in PAGES.items():
        text = (site.site_dir / path).read_text(encoding="utf-8")
        assert re.search(rf"<h1[^>]*>{re.escape(title)}<", text), f"{path} has no h1 {title!r}"


def test_nothing_is_written_into_docs(site: BuiltSite) -> None:
    assert site.docs_after == site.docs_before
    assert not (CONFIG_FILE.parent / "docs" / "tracks").exists()
    assert not (CONFIG_FILE.parent / "docs" / "exercises").exists()


def test_navigation_links_every_generated_page(site: BuiltSite) -> None:
    nav_links = {
        a.get("href")
        for tag, a in tags(site.site_dir / "index.html")
        if tag == "a" and "md-nav__link" in _cls(a)
    }
    for path in PAGES:
        url = path.removesuffix("index.html")
        assert url in nav_links, f"{url} is not in the navigation"


def test_search_index_covers_generated_pages(site: BuiltSite) -> None:
    index = json.loads((site.site_dir / "search/search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    for path in PAGES:
        assert path.removesuffix("index.html") in locations
    texts = " ".join(doc["text"] for doc in index["docs"])
    assert "Camden's street cleaning team logs every complaint" in texts


def test_lesson_page_renders_course_markdown_with_outcomes(site: BuiltSite) -> None:
    text = (site.site_dir / "tracks/fixture-basics/reading-data/index.html").read_text("utf-8")
    assert "Load a CSV file into a table" in text
    assert "Street cleaning complaints in Camden wards" in text
    assert "<strong>pandas</strong>" in text  # the lesson's own Markdown, rendered
    assert text.count("<h1") == 1  # the lesson file's own top heading is replaced
    assert 'href="../../../exercises/fixture-counts/"' in text


def test_exercise_page_has_try_it_control_and_no_iframe_until_clicked(site: BuiltSite) -> None:
    page = site.site_dir / "exercises/fixture-counts/index.html"
    found = tags(page)
    buttons = [a for t, a in found if t == "button" and "cda-tryit__button" in _cls(a)]
    assert buttons and buttons[0]["type"] == "button"
    assert not [t for t, _ in found if t == "iframe"]
    new_tab = next(a for t, a in found if t == "a" and "cda-tryit__newtab" in _cls(a))
    assert new_tab["href"] == "../../lite/notebooks/index.html?path=fixture-counts/counts.ipynb"
    assert (page.parent / "../../lite/notebooks/index.html").resolve().is_file()
    assert (site.site_dir / "lite/files/fixture-counts/counts.ipynb").is_file()
    assert (site.site_dir / "lite/files/fixture-counts/complaints.csv").is_file()
    scripts = {a.get("src") for t, a in found if t == "script"}
    assert "../../assets/js/tryit.js" in scripts and "../../assets/js/progress.js" in scripts


def test_submit_container_only_on_graded_exercises(site: BuiltSite) -> None:
    graded = (site.site_dir / "exercises/fixture-graded-sum/index.html").read_text("utf-8")
    assert (
        '<div id="academy-submit" data-exercise-id="fixture-graded-sum" '
        'data-notebook-path="fixture-graded-sum/hours.ipynb" '
        f'data-storage-name="{STORAGE_NAME}"></div>'
    ) in graded
    practice = (site.site_dir / "exercises/fixture-counts/index.html").read_text("utf-8")
    assert "academy-submit" not in practice


def test_exercise_page_names_ksbs_from_the_standard(site: BuiltSite) -> None:
    text = (site.site_dir / "exercises/fixture-graded-sum/index.html").read_text("utf-8")
    assert "<strong>K8</strong>: Data formats and structures" in text
    assert "<strong>S10</strong>: Filter data to find what is relevant" in text


def test_no_page_loads_anything_from_another_host(site: BuiltSite) -> None:
    external = re.compile(r"^(https?:)?//", re.I)
    for page in html_pages(site.site_dir):
        for tag, attrs in tags(page):
            for attr in ("src", "srcset", "data"):
                assert not external.match(attrs.get(attr) or ""), f"{page}: <{tag} {attr}>"
            rel = set((attrs.get("rel") or "").split())
            if tag == "link" and rel & LOADED_LINKS:
                assert not external.match(attrs.get("href") or ""), f"{page}: <link> {attrs}"
    for css in site.site_dir.glob("assets/**/*.css"):
        text = css.read_text(encoding="utf-8")
        assert not re.search(r"@import\s+url\(\s*['\"]?(https?:)?//|url\(\s*['\"]?https?:", text)
    assert "fonts.googleapis.com" not in (site.site_dir / "index.html").read_text("utf-8")


def test_home_page_lists_tracks(site: BuiltSite) -> None:
    text = (site.site_dir / "index.html").read_text("utf-8")
    assert 'href="tracks/fixture-basics/"' in text and 'href="tracks/fixture-graded/"' in text
    assert "academy:tracks" not in text


def test_rebuild_with_nothing_changed_reuses_jupyterlite(site: BuiltSite, tmp_path: Path) -> None:
    report = build_site(FIXTURE_ROOT, tmp_path / "site", cache_dir=CACHE_DIR,
                        config_file=CONFIG_FILE)
    assert report.lite_reused
    assert (tmp_path / "site/lite" / PYODIDE_DIR / "pyodide.js").is_file()


def _broken_catalogue(tmp_path: Path) -> Path:
    root = tmp_path / "academy"
    shutil.copytree(FIXTURE_ROOT, root)
    track = root / "courses/fixture-basics/track.yml"
    track.write_text(track.read_text("utf-8").replace("[fixture-counts]", "[no-such-exercise]"))
    return root


def test_bad_catalogue_fails_the_build_naming_file_and_problem(tmp_path: Path) -> None:
    root = _broken_catalogue(tmp_path)
    with pytest.raises(CatalogueError) as caught:
        build_site(root, tmp_path / "site", cache_dir=tmp_path / "cache", config_file=CONFIG_FILE)
    message = str(caught.value)
    assert "courses/fixture-basics/track.yml" in message and "no-such-exercise" in message
    assert not (tmp_path / "site").exists()


def test_cli_build_reports_catalogue_problems_and_exits_1(tmp_path: Path) -> None:
    root = _broken_catalogue(tmp_path)
    result = CliRunner().invoke(
        main, ["build", "--root", str(root), "--site-dir", str(tmp_path / "site"),
               "--cache-dir", str(tmp_path / "cache")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "courses/fixture-basics/track.yml" in result.output
    assert "no-such-exercise" in result.output
    assert "Traceback" not in result.output


def test_cli_build_has_help() -> None:
    result = CliRunner().invoke(main, ["build", "--help"])
    assert result.exit_code == 0
    assert "--site-dir" in result.output and "--cache-dir" in result.output


def test_submit_script_is_included_when_the_service_provides_it(site: BuiltSite) -> None:
    script = CONFIG_FILE.parent / "docs/assets/js/submit.js"
    page = site.site_dir / "exercises/fixture-graded-sum/index.html"
    scripts = {a.get("src") for t, a in tags(page) if t == "script"}
    assert ("../../assets/js/submit.js" in scripts) == script.is_file()
