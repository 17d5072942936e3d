"""Shared by the site tests: paths, the built-site record, a request log."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.sitebuild.build import BuildReport, build_site

REPO = Path(__file__).resolve().parents[2]
FIXTURE_ROOT = Path(__file__).resolve().parent / "fixtures" / "academy"
CACHE_DIR = REPO / ".cache"
CONFIG_FILE = REPO / "mkdocs.yml"
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def docs_listing() -> dict[str, float]:
    """Every file under docs/ with its modification time."""
    docs = REPO / "docs"
    return {str(p.relative_to(docs)): p.stat().st_mtime for p in docs.rglob("*") if p.is_file()}


@dataclass(frozen=True)
class BuiltSite:
    """A site built by `build_site`, with the docs/ listing from before and after."""

    root: Path
    site_dir: Path
    report: BuildReport
    docs_before: dict[str, float]
    docs_after: dict[str, float]


def build(root: Path, site_dir: Path) -> BuiltSite:
    before = docs_listing()
    report = build_site(root, site_dir, cache_dir=CACHE_DIR, config_file=CONFIG_FILE)
    return BuiltSite(root, site_dir, report, before, docs_listing())


