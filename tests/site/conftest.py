"""Fixtures for the site tests: a built site (built once per session), a local server for it
and a real headless Chromium that records every request it makes.

The fixture catalogue in tests/site/fixtures/academy is small and stable; the repository's
own content is built too (`real_site`), because that is what `make build` ships. The
JupyterLite build is cached in .cache/ at the repository root, so reruns are quick.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from site_helpers import CHROMIUM_ARGS, FIXTURE_ROOT, REPO, BuiltSite, build
from static_server import RequestLog, serve


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The fixture catalogue, built once per session."""
    return build(FIXTURE_ROOT, tmp_path_factory.mktemp("fixture-site") / "site")


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The repository's own courses/ and exercises/, built as `make build` builds them."""
    return build(REPO, tmp_path_factory.mktemp("real-site") / "site")


@pytest.fixture(scope="session")
def site_url(site: BuiltSite) -> Iterator[str]:
    """Base URL of the fixture site, served on 127.0.0.1."""
    yield from serve(site.site_dir)


@pytest.fixture(scope="session")
def real_site_url(real_site: BuiltSite) -> Iterator[str]:
    yield from serve(real_site.site_dir)


# Module scope: only one sync Playwright may run in a thread at a time, and other test
# folders start their own.
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page_and_requests(browser: object) -> Iterator[tuple[object, RequestLog]]:
    """A fresh browser context (empty storage) and a log of every request it makes.

    Fails the test if any request went to a host other than 127.0.0.1.
    """
    context = browser.new_context()  # type: ignore[attr-defined]
    log = RequestLog()
    context.on("request", log.record)
    page = context.new_page()
    try:
        yield page, log
    finally:
        context.close()
    assert log.foreign() == [], f"requests to other hosts: {log.foreign()}"
