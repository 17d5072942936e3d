"""mkdocs hooks (see `hooks:` in mkdocs.yml): the thin glue between mkdocs and
`grader.sitebuild.pages`.

The catalogue root is `extra.academy_root` in the config when `grader build` sets it, and
otherwise the folder holding mkdocs.yml, so `mkdocs serve` works too. Generated pages are
handed to mkdocs in memory with `File.generated`: nothing is written into docs/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page as MkPage

from grader.content.catalogue import Catalogue, CatalogueError
from grader.content.coverage import graded_tracks
from grader.content.reader import load_catalogue
from grader.sitebuild import charts as site_charts
from grader.sitebuild import nav as site_nav
from grader.sitebuild import pages as site
from grader.sitebuild import worked
from grader.sitebuild.coverage_page import coverage_page

log = get_plugin_logger("academy")
ROOT_KEY = "academy_root"
WORKED_CACHE = ".cache/worked"
"""Pages whose worked examples ran, under the catalogue root: rerun only when an input changes."""
CHART_CACHE = ".cache/charts"
"""Drawn charts, under the catalogue root: redrawn only when their data or description change."""
SUBMIT_SCRIPT = "assets/js/submit.js"
LOOK_CSS = "assets/look.css"
LOOK_SOURCE = Path(__file__).resolve().parents[1] / "service" / "static" / "academy" / "look.css"
"""The palette, type and header the site shares with the academy's pages (one file, both use it)."""

_state: dict[str, Any] = {}


def _root(config: MkDocsConfig) -> Path:
    configured = config.extra.get(ROOT_KEY)
    return Path(configured) if configured else Path(config.config_file_path).parent


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = _root(config)
    try:
        _state["catalogue"] = load_catalogue(root)
    except CatalogueError as exc:
        raise PluginError(f"The course catalogue in {root} has problems:\n{exc}") from exc
    _state["base_nav"] = _state.get("base_nav", config.nav)  # keep the hand-written nav
    if (Path(config.docs_dir) / SUBMIT_SCRIPT).is_file() and (
        SUBMIT_SCRIPT not in [str(s) for s in config.extra_javascript]
    ):
        config.extra_javascript.append(SUBMIT_SCRIPT)
    if LOOK_CSS not in [str(s) for s in config.extra_css]:
        config.extra_css.insert(0, LOOK_CSS)
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    from grader.lite.jupyterlite import STORAGE_NAME

    catalogue: Catalogue = _state["catalogue"]
    cards = frozenset(
        f.src_uri for f in files.documentation_pages() if f.src_uri.startswith("datasets/")
    )
    settings = site.SiteSettings(
        storage_name=STORAGE_NAME,
        use_directory_urls=config.use_directory_urls,
        dataset_cards=cards,
    )
    pages = site.generated_pages(catalogue, settings)
    if graded_tracks(catalogue):
        pages.append(coverage_page(catalogue))
    for page in pages:
        if files.get_file_from_path(page.src_uri) is not None:
            raise PluginError(f"docs/{page.src_uri} clashes with a generated page: remove it")
        files.append(File.generated(config, page.src_uri, content=page.markdown))
    for asset in site_charts.chart_assets(catalogue, catalogue.root / CHART_CACHE):
        files.append(File.generated(config, asset.src_uri, content=asset.content))
    files.append(File.generated(config, LOOK_CSS, abs_src_path=str(LOOK_SOURCE)))
    existing = {f.src_uri for f in files.documentation_pages()}
    base_nav = site_nav.prune_nav(_state["base_nav"] or [], existing)
    config.nav = site_nav.site_nav(catalogue, base_nav, sorted(cards))
    log.info("added %d generated pages", len(pages))
    return files


def on_page_markdown(markdown: str, *, page: MkPage, config: MkDocsConfig, files: Files) -> str:
    if site.TRACK_LIST_MARKER in markdown:
        listing = site.track_list_markdown(_state["catalogue"], page.file.src_uri)
        markdown = markdown.replace(site.TRACK_LIST_MARKER, listing)
    if worked.has_examples(markdown):
        markdown = _run_examples(markdown, page.file.src_uri, config)
    return markdown


def _run_examples(markdown: str, src_uri: str, config: MkDocsConfig) -> str:
    catalogue: Catalogue = _state["catalogue"]
    sources = {
        site.lesson_uri(t, lesson): catalogue.lesson_path(t, lesson).relative_to(catalogue.root)
        for t in catalogue.tracks
        for m in t.modules
        for lesson in m.lessons
    }
    source = sources.get(src_uri, Path(config.docs_dir).name + "/" + src_uri)
    settings = worked.RunSettings(root=catalogue.root, source=str(source))
    try:
        return worked.cached_run_examples(markdown, settings, catalogue.root / WORKED_CACHE)
    except worked.WorkedExampleError as exc:
        raise PluginError(str(exc)) from exc


def on_serve(server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
    root = _root(config)
    for folder in ("courses", "exercises"):
        server.watch(str(root / folder))
    return server
