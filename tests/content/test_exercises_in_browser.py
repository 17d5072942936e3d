"""Every exercise runs in the browser as shipped.

The student version of every exercise in the repository is built into one JupyterLite site,
as `grader build` ships it (the build is cached in .cache/, so it is reused when the site was
built with the same content), and served on 127.0.0.1. One notebook page starts one
Pyodide kernel; for each exercise the test reads the student notebook as the page would
(JupyterLite's contents service) and runs every code cell above the first solution cell (the
imports, the dataset, the code the exercise gives) in that kernel, in a fresh namespace and
the exercise's own folder: no setup cell may raise, and no request may leave 127.0.0.1. One
exercise (the SQL one) also runs through the notebook page itself, saved to IndexedDB.

Pyodide starts in about 20 s on 2 idle cores; allow KERNEL_TIMEOUT_MS on a loaded machine.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from browser_support import (
    CACHE_DIR,
    CHROMIUM_ARGS,
    READ_CONTENTS,
    REPO,
    first_solution_index,
    open_notebook,
    release_all,
    run_in_shared_kernel,
    run_setup_cells,
    setup_cells,
)
from static_server import RequestLog, serve

from grader.content.catalogue import Catalogue
from grader.content.reader import load_catalogue
from grader.lite.jupyterlite import LiteBuild, build_lite
from grader.sitebuild.build import expose_app

log = logging.getLogger(__name__)

CATALOGUE = load_catalogue(REPO)
EXERCISE_IDS = sorted(CATALOGUE.exercises)


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return CATALOGUE


@pytest.fixture(scope="session")
def contents(catalogue: Catalogue, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every exercise's student notebook and datasets, as the site's JupyterLite contents."""
    return release_all(catalogue, tmp_path_factory.mktemp("exercise-contents"))


@pytest.fixture(scope="session")
def lite_site(contents: Path, tmp_path_factory: pytest.TempPathFactory) -> LiteBuild:
    """The JupyterLite site of all exercises, configured as the site build ships it."""
    build = build_lite(contents, tmp_path_factory.mktemp("exercise-lite") / "lite",
                       cache_dir=CACHE_DIR)  # fmt: skip
    expose_app(build.path / "jupyter-lite.json")
    log.info("JupyterLite site %s in %.1f s", "reused" if build.cache_hit else "built",
             build.seconds)  # fmt: skip
    return build


@pytest.fixture(scope="session")
def lite_url(lite_site: LiteBuild) -> Iterator[str]:
    yield from serve(lite_site.path)


# Module scope: only one sync Playwright may run in a thread at a time, and other test
# folders start their own.
@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def timings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, float]]]:
    """Seconds per exercise, written to <basetemp>/exercise-browser-timings.json at the end."""
    found: dict[str, dict[str, float]] = {}
    yield found
    out = tmp_path_factory.getbasetemp() / "exercise-browser-timings.json"
    out.write_text(json.dumps(found, indent=1), encoding="utf-8")
    log.info("browser timings in %s", out)


@pytest.fixture
def page_and_requests(chromium: Any) -> Iterator[tuple[Any, RequestLog]]:
    """A fresh context (empty storage) and a log of its requests, the kernel's worker's too.

    Fails the test if any request went to a host other than 127.0.0.1 or failed.
    """
    context = chromium.new_context()
    requests = RequestLog()
    context.on("request", requests.record)
    context.on("requestfailed", requests.record_failure)
    context.on("response", requests.record_response)
    try:
        yield context.new_page(), requests
    finally:
        context.close()
    assert requests.foreign() == [], f"requests to other hosts: {requests.foreign()}"
    assert requests.failed == [], f"requests that failed: {requests.failed}"


@pytest.fixture(scope="module")
def shared_kernel(
    chromium: Any, catalogue: Catalogue, lite_url: str,
) -> Iterator[tuple[Any, RequestLog]]:
    """One page with one notebook's kernel, which every exercise's setup cells run in
    (browser_support.run_in_shared_kernel), and the log of every request it made."""
    context = chromium.new_context()
    requests = RequestLog()
    context.on("request", requests.record)
    context.on("requestfailed", requests.record_failure)
    context.on("response", requests.record_response)
    page = context.new_page()
    first = catalogue.exercises[EXERCISE_IDS[0]]
    seconds = open_notebook(page, lite_url, f"{first.id}/{first.notebook}")
    log.info("one kernel for every exercise, ready in %.1f s", seconds)
    try:
        yield page, requests
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_setup_cells_run_without_error(
    exercise_id: str,
    catalogue: Catalogue,
    contents: Path,
    shared_kernel: tuple[Any, RequestLog],
    timings: dict[str, dict[str, float]],
) -> None:
    """The site serves the shipped notebook, and its setup cells (imports, the dataset, the
    code the exercise gives) run in Pyodide in the notebook's folder, with no request
    leaving the site."""
    page, requests = shared_kernel
    path = f"{exercise_id}/{catalogue.exercises[exercise_id].notebook}"
    shipped = nbformat.read(contents / path, as_version=4)
    setup = setup_cells(shipped)
    assert setup, f"exercises/{exercise_id}: no code cell before the first solution cell"

    served = page.evaluate(READ_CONTENTS, path)
    sources = ["".join(cell["source"]) for cell in served["cells"]]
    assert sources == [cell.source for cell in shipped.cells], f"{path}: not the shipped notebook"
    started = time.perf_counter()
    problems = run_in_shared_kernel(page, path, served, setup)
    timings[exercise_id] = {"setup_cells_s": time.perf_counter() - started}
    assert not problems, f"exercises/{exercise_id}: setup cells failed in the browser:\n" + (
        "\n".join(str(p) for p in problems)
    )
    assert requests.foreign() == [], f"requests to other hosts: {requests.foreign()}"
    assert requests.failed == [], f"requests that failed: {requests.failed}"
    assert "pyodide.asm.wasm" in {url.rsplit("/", 1)[-1] for url in requests.urls}


@pytest.mark.browser
@pytest.mark.slow
def test_a_failing_setup_cell_is_reported(
    catalogue: Catalogue, contents: Path, shared_kernel: tuple[Any, RequestLog],
) -> None:
    """The check above can fail: a fault planted in the first setup cell is found, and the
    cells after it are reported as not run."""
    page, _ = shared_kernel
    notebooks = {
        f"{e.id}/{e.notebook}": nbformat.read(contents / e.id / e.notebook, as_version=4)
        for e in catalogue.exercises.values()
    }
    # An exercise with several setup cells, so that some are skipped after the fault.
    path, shipped = next((p, nb) for p, nb in sorted(notebooks.items()) if len(setup_cells(nb)) > 1)
    setup = setup_cells(shipped)
    problems = run_in_shared_kernel(page, path, shipped, setup,
                                    plant=(setup[0], 'raise ValueError("planted")'))
    assert [(p.index, p.problem) for p in problems] == [
        (setup[0], "ValueError: planted"),
        *((i, "did not run (an earlier cell failed)") for i in setup[1:]),
    ]


@pytest.mark.browser
@pytest.mark.slow
def test_a_fresh_namespace_for_each_exercise(
    catalogue: Catalogue, contents: Path, shared_kernel: tuple[Any, RequestLog],
) -> None:
    """A name left by one exercise is gone for the next: a setup cell that forgot an import
    would fail here as it would in its own notebook."""
    page, _ = shared_kernel
    first, second = (catalogue.exercises[i] for i in EXERCISE_IDS[:2])
    nb = {"cells": [{"source": "left_behind = 1"}, {"source": "left_behind"}]}
    assert run_in_shared_kernel(page, f"{first.id}/{first.notebook}", nb, [0]) == []
    problems = run_in_shared_kernel(page, f"{second.id}/{second.notebook}", nb, [1])
    assert [p.problem for p in problems] == ["NameError: name 'left_behind' is not defined"]


@pytest.mark.browser
@pytest.mark.slow
def test_sql_runs_on_the_camden_database_in_the_browser(
    catalogue: Catalogue,
    contents: Path,
    lite_url: str,
    page_and_requests: tuple[Any, RequestLog],
) -> None:
    """The SQL exercise's setup cell queries camden.sqlite with Pyodide's sqlite3, offline:
    its output lists every table of the database (grader.content.database)."""
    from grader.content.database import TABLES

    page, requests = page_and_requests
    exercise = catalogue.exercises["da-sql-parking-wards"]
    path = f"{exercise.id}/{exercise.notebook}"
    shipped = nbformat.read(contents / path, as_version=4)
    run = run_setup_cells(page, lite_url, path, stop_at=first_solution_index(shipped))
    assert run.ran is True
    first = next(c for c in run.saved["cells"] if c["cell_type"] == "code")
    shown = json.dumps(first["outputs"])
    assert all(table.name in shown for table in TABLES), shown[:500]
    assert "camden.sqlite" in {url.rsplit("/", 1)[-1] for url in requests.urls}
