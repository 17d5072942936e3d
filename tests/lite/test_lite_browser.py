"""The built JupyterLite site in real headless Chromium: the kernel starts from the site's own
Pyodide, pandas 3.1.1 reads the CSV beside the notebook (imported from the pycs compiled at
build time), matplotlib draws without rebuilding its font cache, the saved notebook lands in
IndexedDB where the "Submit" button reads it, and no request leaves 127.0.0.1."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from lite_support import CELLS, NOTEBOOK_PATH

from grader.lite.jupyterlite import (
    INDEXEDDB_CHECKPOINTS_STORE,
    INDEXEDDB_FILES_STORE,
    INDEXEDDB_NAME,
    KERNEL_IDLE_SELECTOR,
    LiteBuild,
    notebook_url,
)
from grader.lite.precompile import PYC_MAGIC, PYC_UNCHECKED_HASH

log = logging.getLogger(__name__)

#: A cell's output written to stderr (red in the notebook).
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Any other host fails to resolve: a request to it still shows in the log, and fails.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]  # fmt: skip

READ_SAVED = """async ([db, store, key]) => {
    const open = indexedDB.open(db);
    const handle = await new Promise((ok, fail) => {
        open.onsuccess = () => ok(open.result); open.onerror = () => fail(open.error);
    });
    const stores = [...handle.objectStoreNames];
    const request = handle.transaction(store).objectStore(store).get(key);
    const value = await new Promise((ok, fail) => {
        request.onsuccess = () => ok(request.result); request.onerror = () => fail(request.error);
    });
    handle.close();
    return {stores, value};
}"""


@pytest.fixture
def page_and_requests(lite_url: str) -> Iterator[tuple[object, list[str]]]:
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    failed: list[str] = []
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = chromium.new_context()
        context.on("request", lambda request: requests.append(request.url))
        context.on("requestfailed", lambda request: failed.append(request.url))
        context.on(
            "response",
            lambda response: response.status >= 400 and failed.append(response.url),
        )
        try:
            yield context.new_page(), requests
            assert not failed, f"requests that failed: {failed}"
        finally:
            chromium.close()


@pytest.mark.browser
@pytest.mark.slow
def test_notebook_runs_pandas_and_matplotlib_offline_and_saves_to_indexeddb(
    lite_build: LiteBuild, lite_url: str, page_and_requests: tuple[object, list[str]]
) -> None:
    page, requests = page_and_requests
    opened = time.perf_counter()
    page.goto(lite_url + notebook_url(NOTEBOOK_PATH))  # type: ignore[attr-defined]
    page.wait_for_selector(KERNEL_IDLE_SELECTOR, timeout=120_000)  # type: ignore[attr-defined]
    idle = time.perf_counter() - opened
    assert page.locator(".jp-NotebookPanel-toolbar").count() == 1  # type: ignore[attr-defined]
    assert not page.locator("#top-panel-wrapper").is_visible()  # type: ignore[attr-defined]

    page.locator(".jp-Cell").first.click()  # type: ignore[attr-defined]
    page.keyboard.press("Shift+Enter")  # type: ignore[attr-defined]
    first = page.locator(".jp-Cell").nth(0).locator(".jp-OutputArea-output")  # type: ignore[attr-defined]
    first.filter(has_text="3.1.1").wait_for(timeout=120_000)
    first_output = time.perf_counter() - opened
    assert first.inner_text().strip() == "(3, 2) 3.1.1"

    page.keyboard.press("Shift+Enter")  # type: ignore[attr-defined]
    chart = page.locator(".jp-Cell").nth(1)  # type: ignore[attr-defined]
    image = chart.locator(".jp-OutputArea-output img")
    image.wait_for(timeout=120_000)
    assert image.evaluate("img => img.naturalWidth") > 100
    assert image.get_attribute("src").startswith("data:image/png;base64,")
    # Not "Matplotlib is building the font cache": the shipped font list is current.
    assert chart.locator(STDERR).all_inner_texts() == []
    page.keyboard.press("Shift+Enter")  # type: ignore[attr-defined]
    third = page.locator(".jp-Cell").nth(2).locator(".jp-OutputArea-output")  # type: ignore[attr-defined]
    third.filter(has_text="+00:00").wait_for(timeout=60_000)
    assert third.inner_text().strip() == "2024-06-01 11:00:00+00:00"  # tzdata: BST is UTC+1
    page.keyboard.press("Shift+Enter")  # type: ignore[attr-defined]
    fourth = page.locator(".jp-Cell").nth(3).locator(".jp-OutputArea-output")  # type: ignore[attr-defined]
    fourth.filter(has_text="pyc").wait_for(timeout=60_000)
    # pandas was imported from the pyc shipped in its wheel: Python 3.12's magic number, then
    # flags 1 (unchecked hash). A pyc Python wrote itself would be timestamp-based (flags 0),
    # and Pyodide writes none (sys.dont_write_bytecode).
    magic_and_flags = (PYC_MAGIC + PYC_UNCHECKED_HASH.to_bytes(4, "little")).hex()
    assert fourth.inner_text().strip() == f"pyc {magic_and_flags}"
    page.keyboard.press("Shift+Enter")  # type: ignore[attr-defined]
    fifth = page.locator(".jp-Cell").nth(4).locator(".jp-OutputArea-output")  # type: ignore[attr-defined]
    fifth.filter(has_text="not compiled").wait_for(timeout=60_000)
    modules, _, missing = fifth.inner_text().strip().partition(" not compiled ")
    assert int(modules.removeprefix("modules ")) > 1000
    assert missing == "[]", f"imported in the browser, shipped without a pyc: {missing}"
    log.info("kernel idle %.1f s, first output %.1f s after page open", idle, first_output)
    print(f"kernel idle {idle:.1f} s, first output {first_output:.1f} s after page open")

    page.keyboard.press("Control+s")  # type: ignore[attr-defined]
    deadline = time.monotonic() + 30
    while True:  # the save is asynchronous: poll the store
        saved = page.evaluate(  # type: ignore[attr-defined]
            READ_SAVED, [INDEXEDDB_NAME, INDEXEDDB_FILES_STORE, NOTEBOOK_PATH]
        )
        if saved["value"] is not None or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert {INDEXEDDB_FILES_STORE, INDEXEDDB_CHECKPOINTS_STORE} <= set(saved["stores"])
    value = saved["value"]
    assert value is not None, f"{NOTEBOOK_PATH} not saved in {INDEXEDDB_NAME}"
    assert (value["path"], value["type"], value["format"]) == (NOTEBOOK_PATH, "notebook", "json")
    cells = value["content"]["cells"]
    # Shift+Enter on the last cell may have added an empty one below it.
    assert ["".join(c["source"]) for c in cells][: len(CELLS)] == list(CELLS)
    print("saved record fields:", sorted(value))
    checkpoints = page.evaluate(  # type: ignore[attr-defined]
        READ_SAVED, [INDEXEDDB_NAME, INDEXEDDB_CHECKPOINTS_STORE, NOTEBOOK_PATH]
    )["value"]
    assert isinstance(checkpoints, list) and checkpoints, "no checkpoint of the original"
    print("checkpoint record fields:", sorted(checkpoints[0]))
    assert "(3, 2) 3.1.1" in "".join(cells[0]["outputs"][0]["text"])

    hosts = {urlsplit(url).hostname for url in requests}
    assert hosts == {"127.0.0.1"}, f"requests left the site: {sorted(hosts)}"
    fetched = {urlsplit(url).path.rsplit("/", 1)[-1] for url in requests}
    # The kernel's worker traffic is in the log: the wasm and the pandas wheel came from here.
    assert {"pyodide.asm.wasm", "pyodide-lock.json"} <= fetched
    assert "pandas-3.1.1-cp312-cp312-pyemscripten_2024_0_wasm32.whl" in fetched
