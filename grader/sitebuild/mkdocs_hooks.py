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
from grader.content.reader import load_catalogue
from grader.sitebuild import nav as site_nav
from grader.sitebuild import pages as site

log = get_plugin_logger("academy")
ROOT_KEY = "academy_root"
SUBMIT_SCRIPT = "assets/js/submit.js"

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
    for page in pages:
        if files.get_file_from_path(page.src_uri) is not None:
            raise PluginError(f"docs/{page.src_uri} clashes with a generated page: remove it")
        files.append(File.generated(config, page.src_uri, content=page.markdown))
    existing = {f.src_uri for f in files.documentation_pages()}
    base_nav = site_nav.prune_nav(_state["base_nav"] or [], existing)
    config.nav = site_nav.site_nav(catalogue, base_nav, sorted(cards))
    log.info("added %d generated pages", len(pages))
    return files


def on_page_markdown(markdown: str, *, page: MkPage, config: MkDocsConfig, files: Files) -> str:
    if site.TRACK_LIST_MARKER in markdown:
        listing = site.track_list_markdown(_state["catalogue"], page.file.src_uri)
        markdown = markdown.replace(site.TRACK_LIST_MARKER, listing)
    return markdown


def on_serve(server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
    root = _root(config)
    for folder in ("courses", "exercises"):
        server.watch(str(root / folder))
    return server
