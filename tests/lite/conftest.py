"""Fixtures for the JupyterLite tests: a tiny contents folder (one notebook and a CSV) built
once per session with the real `jupyter lite build`, cached in .cache/ at the repository root
(reruns are quick), and served on 127.0.0.1 for the browser test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lite_support import CACHE_DIR, CELLS, TRYIT_PAGE, write_contents, write_tryit_site
from static_server import serve

from grader.lite.jupyterlite import LiteBuild, build_lite
from grader.service.sitefiles import serving_site_files


@pytest.fixture(scope="session")
def lite_build(tmp_path_factory: pytest.TempPathFactory) -> LiteBuild:
    contents = write_contents(tmp_path_factory.mktemp("lite-contents"), *CELLS)
    out_dir = tmp_path_factory.mktemp("lite-site") / "lite"
    return build_lite(contents, out_dir, cache_dir=CACHE_DIR)


@pytest.fixture(scope="session")
def lite_url(lite_build: LiteBuild) -> Iterator[str]:
    """Base URL (ending in /) of the built site, served by http.server on 127.0.0.1."""
    yield from serve(lite_build.path)


@pytest.fixture(scope="session")
def tryit_url(lite_build: LiteBuild, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of an exercise page with the "Try it" control and docs/assets/js/tryit.js, beside
    a copy of the built JupyterLite site, served as the academy serves the site (WhiteNoise:
    its caching headers and precompressed files)."""
    root = tmp_path_factory.mktemp("tryit-site")
    write_tryit_site(root, lite_build.path)
    with serving_site_files(root) as base:
        yield base + TRYIT_PAGE
