"""Python ready when the learner is (docs/assets/js/tryit.js), in real headless Chromium, on an
exercise page served as the academy serves the site.

- Pre-start: while the page is read, Python starts in a hidden notebook that never takes the
  keyboard focus and saves nothing in the browser's storage; "Try it" shows that notebook,
  with the kernel that was started.
- Progress in words: with no pre-start (the browser asks to save data) and a slow network,
  the status region says how much of Python's download has arrived, how far its start has
  got, then that it is ready.
- Every request goes to the site's own origin: a route handler fails the test on any other
  host (and --host-resolver-rules makes such a request fail as well).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from lite_support import NOTEBOOK_PATH

from grader.lite.jupyterlite import (
    INDEXEDDB_CHECKPOINTS_STORE,
    INDEXEDDB_FILES_STORE,
    INDEXEDDB_NAME,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIMEOUT_MS = 400_000  # a kernel start took over 180 s on a 2-core machine at load 17
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]  # fmt: skip

#: Records what the page says in its status region, and the "notebook shown" event.
RECORDER = """
window.cdaSaid = []; window.cdaShown = [];
document.addEventListener("academy:notebook-shown", (e) => window.cdaShown.push(
    [e.detail.box.className, e.detail.iframe.className]));
document.addEventListener("DOMContentLoaded", () => {
    const status = document.querySelector(".cda-tryit__status");
    new MutationObserver(() => window.cdaSaid.push(status.textContent))
        .observe(status, {childList: true, characterData: true, subtree: true});
});
"""
#: Bytes a second of the slow network in the progress test.
SLOW_BYTES_PER_SECOND = 5_000_000
SAVE_DATA = "Object.defineProperty(navigator, 'connection', {value: {saveData: true}});"
STORED = """async ([db, stores, key]) => {
    if (!(await indexedDB.databases()).some((d) => d.name === db)) return null;
    const handle = await new Promise((ok, fail) => {
        const open = indexedDB.open(db);
        open.onsuccess = () => ok(open.result); open.onerror = () => fail(open.error);
    });
    const found = {};
    for (const store of stores) {
        if (!handle.objectStoreNames.contains(store)) { found[store] = null; continue; }
        found[store] = await new Promise((ok) => {
            const get = handle.transaction(store).objectStore(store).get(key);
            get.onsuccess = () => ok(get.result === undefined ? null : get.result);
        });
    }
    handle.close();
    return found;
}"""
KERNELS = """() => {
    const app = document.querySelector("iframe.cda-tryit__iframe").contentWindow.jupyterapp;
    return [...app.serviceManager.kernels.running()].map((k) => k.id);
}"""


@pytest.fixture
def context() -> Iterator[tuple[Any, list[str], list[str]]]:
    """A fresh browser context; every request logged, any to another host refused."""
    from playwright.sync_api import sync_playwright

    urls: list[str] = []
    foreign: list[str] = []

    def route(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname != "127.0.0.1":
            foreign.append(url)
            route.abort()
        else:
            route.continue_()

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = chromium.new_context()
        context.route("**/*", route)
        context.on("request", lambda request: urls.append(request.url))
        context.add_init_script(RECORDER)
        try:
            yield context, urls, foreign
        finally:
            chromium.close()
    hosts = {urlsplit(u).hostname for u in urls if urlsplit(u).scheme in ("http", "https")}
    assert foreign == [] and hosts == {"127.0.0.1"}, f"requests left the site: {foreign}"


def _stored(page: Any) -> dict[str, Any] | None:
    return page.evaluate(  # type: ignore[no-any-return]
        STORED, [INDEXEDDB_NAME, [INDEXEDDB_FILES_STORE, INDEXEDDB_CHECKPOINTS_STORE],
                 NOTEBOOK_PATH],
    )  # fmt: skip


def _run_first_cell(page: Any) -> str:
    frame = page.frame_locator("iframe.cda-tryit__iframe")
    frame.locator(".jp-Cell").first.click()
    page.keyboard.press("Shift+Enter")
    output = frame.locator(".jp-Cell").first.locator(".jp-OutputArea-output")
    output.filter(has_text="3.1.1").wait_for(timeout=TIMEOUT_MS)
    return str(output.inner_text()).strip()


def test_prestart_saves_nothing_and_try_it_shows_the_kernel_it_started(
    tryit_url: str, context: tuple[Any, list[str], list[str]]
) -> None:
    browser_context, urls, _ = context
    page = browser_context.new_page()
    page.goto(tryit_url)
    # A learner's keyboard focus stays where it is while the notebook starts out of sight
    # (JupyterLab focuses a notebook as it opens).
    page.get_by_role("link", name="Open in a new tab").focus()
    box = page.locator(".cda-tryit")
    box.and_(page.locator('[data-kernel="ready"]')).wait_for(timeout=TIMEOUT_MS)
    assert page.evaluate("document.activeElement.className") == "md-button cda-tryit__newtab"
    assert page.evaluate("document.hasFocus()")

    # Prepared out of sight: hidden from everyone, silent, and nothing stored.
    hidden = page.locator("iframe.cda-tryit__iframe")
    assert hidden.get_attribute("aria-hidden") == "true"
    assert hidden.get_attribute("tabindex") == "-1"
    assert hidden.get_attribute("inert") == ""
    assert not hidden.get_attribute("title")
    assert not hidden.is_visible()
    assert page.evaluate("window.cdaSaid") == []
    stored = _stored(page)
    assert stored is None or (
        stored[INDEXEDDB_FILES_STORE] is None and not stored[INDEXEDDB_CHECKPOINTS_STORE]
    ), f"pre-start stored {stored}"
    started = box.get_attribute("data-kernel-id")
    assert started and page.evaluate(KERNELS) == [started]
    # The kernel fetched pandas from this site before the learner asked for anything.
    assert any(u.endswith("/pandas-3.1.1-cp312-cp312-pyemscripten_2024_0_wasm32.whl")
               for u in urls)  # fmt: skip

    page.get_by_role("button", name="Try it in your browser").click()
    shown = page.locator("iframe.cda-tryit__iframe")
    assert shown.get_attribute("title") == "Notebook for the exercise: Population by borough"
    assert shown.get_attribute("aria-hidden") is None and shown.get_attribute("inert") is None
    assert shown.is_visible()
    assert page.locator(".cda-tryit__status").inner_text().startswith("Python is ready.")
    assert page.evaluate("window.cdaShown") == [["cda-tryit", "cda-tryit__iframe"]]
    assert _run_first_cell(page) == "(3, 2) 3.1.1"
    # The same kernel, and no second one; the learner's first run is number 1.
    assert page.evaluate(KERNELS) == [started]
    prompt = page.frame_locator("iframe.cda-tryit__iframe").locator(".jp-InputPrompt").first
    assert prompt.inner_text().strip() == "[1]:"
    # From the click on, JupyterLite's checkpoint of the notebook as opened is kept again.
    page.wait_for_function(
        "async (args) => { const s = await (" + STORED + ")(args); "
        "return !!s && Array.isArray(s.checkpoints) && s.checkpoints.length > 0; }",
        arg=[INDEXEDDB_NAME, [INDEXEDDB_FILES_STORE, INDEXEDDB_CHECKPOINTS_STORE], NOTEBOOK_PATH],
        timeout=30_000,
    )


def test_without_prestart_the_status_says_how_far_python_has_got(
    tryit_url: str, context: tuple[Any, list[str], list[str]]
) -> None:
    browser_context, _, _ = context
    browser_context.add_init_script(SAVE_DATA)  # the browser asks to save data
    page = browser_context.new_page()
    page.goto(tryit_url)
    page.wait_for_timeout(3000)
    assert page.locator("iframe").count() == 0, "pre-started although asked to save data"

    # A slow network (5 MB/s), so the download lasts long enough to be reported.
    network = browser_context.new_cdp_session(page)
    network.send("Network.enable")
    network.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 20, "downloadThroughput": SLOW_BYTES_PER_SECOND,
        "uploadThroughput": SLOW_BYTES_PER_SECOND})  # fmt: skip
    page.get_by_role("button", name="Try it in your browser").click()
    page.locator('.cda-tryit[data-kernel="ready"]').wait_for(timeout=TIMEOUT_MS)
    said = page.evaluate("window.cdaSaid")
    assert page.locator(".cda-tryit__status").get_attribute("role") == "status"
    assert said[0].startswith("Starting Python in your browser. The first time takes about ")
    assert "Step 1 of 3" in said[0]
    downloads = [m for m in said if m.startswith("Downloading Python: ")]
    assert downloads, said
    for message in downloads:
        found = re.fullmatch(r"Downloading Python: (\d+)% of (\d+) MB\.", message)
        assert found and 0 <= int(found[1]) < 100 and int(found[2]) > 10, message
    assert "Loading pandas: step 3 of 3." in said
    assert said[-1] == "Python is ready. Select a cell and press Shift and Enter to run it."
    assert said.index(downloads[0]) < said.index("Loading pandas: step 3 of 3.")
    assert _run_first_cell(page) == "(3, 2) 3.1.1"
