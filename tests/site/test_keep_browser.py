"""Work kept safe, in real headless Chromium on the built fixture site (docs/assets/js/keep.js
and the academy's notebook plugin): nothing typed is lost by a reload or a second tab, a
newer release is offered with the answers kept, "Start again" brings the original back
after a confirmation, and the erase control leaves nothing of this site in the browser."""

from __future__ import annotations

import time
from typing import Any

import pytest
from static_server import RequestLog
from test_notebook_a11y import EXERCISE, NOTEBOOK_PATH, press_until_active

from grader.lite.jupyterlite import INDEXEDDB_FILES_STORE, INDEXEDDB_NAME, STORAGE_NAME

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK_TIMEOUT_MS = 120_000
TYPED = "ward_count = 99  # typed, not saved by hand"
TYPED_IN_SECOND_TAB = "ward_count = 98  # typed in a second tab"
#: The saved record (or null), without creating the database.
SAVED = """async ([db, store, key]) => {
    const names = (await indexedDB.databases()).map((d) => d.name);
    if (!names.includes(db)) return null;
    const open = indexedDB.open(db);
    const handle = await new Promise((ok) => { open.onsuccess = () => ok(open.result); });
    const request = handle.transaction(store).objectStore(store).get(key);
    const value = await new Promise((ok) => { request.onsuccess = () => ok(request.result); });
    handle.close();
    return value || null;
}"""
#: Make the saved copy look like one from an earlier release: another fingerprint and
#: another wording of the first cell.
AGE = """async ([db, store, key]) => {
    const open = indexedDB.open(db);
    const handle = await new Promise((ok) => { open.onsuccess = () => ok(open.result); });
    const tx = handle.transaction(store, "readwrite");
    const value = await new Promise((ok) => {
        const r = tx.objectStore(store).get(key); r.onsuccess = () => ok(r.result); });
    value.content.metadata.academy.release = "an-older-release";
    value.content.cells[0].source = "# The old wording";
    tx.objectStore(store).put(value, key);
    await new Promise((ok) => { tx.oncomplete = ok; });
    handle.close();
}"""


def saved(page: Any) -> Any:
    return page.evaluate(SAVED, [INDEXEDDB_NAME, INDEXEDDB_FILES_STORE, NOTEBOOK_PATH])


def answer_source(record: Any) -> str:
    cells = record["content"]["cells"]
    answer = next(c for c in cells if c["metadata"].get("nbgrader", {}).get("grade_id") == "answer")
    source = answer["source"]
    return "".join(source) if isinstance(source, list) else source


def open_notebook(page: Any) -> Any:
    page.get_by_role("button", name="Try it in your browser").click()
    frame = page.frame_locator("iframe.cda-tryit__iframe")
    # The answer's editor: a rendered text cell's editor exists too, but hidden.
    answer = frame.locator('.jp-Notebook .cm-content[aria-label="Code cell 3: your answer"]')
    answer.wait_for(timeout=NOTEBOOK_TIMEOUT_MS)
    return page.frames[1]


def wait_for(check: Any, seconds: float = 20) -> Any:
    deadline = time.monotonic() + seconds
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.3)
    return result


def test_reload_keeps_typing_newer_release_keeps_answers_start_again_restores(
    site_url: str, page_and_requests: tuple[Any, RequestLog]
) -> None:
    page, requests = page_and_requests
    page.goto(site_url + EXERCISE)
    assert saved(page) is None
    frame = open_notebook(page)
    frame.wait_for_function("() => !!document.activeElement.closest('.jp-Notebook')")
    press_until_active(page, frame, "ArrowDown", "Code cell 3: your answer")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+a")
    page.keyboard.type(TYPED)
    # No Ctrl+S: the plugin saves a second after the change.
    assert wait_for(lambda: (r := saved(page)) and answer_source(r) == TYPED)
    page.reload()
    assert answer_source(saved(page)) == TYPED
    frame = open_notebook(page)
    assert TYPED in frame.locator(".jp-Notebook").inner_text()

    # A second tab opens the saved work; what it saves reaches the first tab, whose older
    # copy then never overwrites it.
    second = page.context.new_page()
    second.goto(site_url + EXERCISE)
    second_frame = open_notebook(second)
    assert TYPED in second_frame.locator(".jp-Notebook").inner_text()
    second_frame.locator('.cm-content[aria-label="Code cell 3: your answer"]').click()
    second.keyboard.press("Control+a")
    second.keyboard.type(TYPED_IN_SECOND_TAB)
    assert wait_for(lambda: (r := saved(page)) and answer_source(r) == TYPED_IN_SECOND_TAB)
    answer = frame.locator('.cm-content[aria-label="Code cell 3: your answer"]')
    assert wait_for(lambda: TYPED_IN_SECOND_TAB in answer.inner_text())
    second.close()
    page.bring_to_front()
    answer.click()
    page.keyboard.press("End")
    page.keyboard.type("  # and back in the first")
    typed = TYPED_IN_SECOND_TAB + "  # and back in the first"
    assert wait_for(lambda: answer_source(saved(page)) == typed)
    assert frame.get_by_text("File Changed").count() == 0

    # A newer release: the page says so, and the new version keeps the answer.
    page.evaluate(AGE, [INDEXEDDB_NAME, INDEXEDDB_FILES_STORE, NOTEBOOK_PATH])
    page.reload()
    notice = page.get_by_role("heading", name="A newer version of this exercise is available")
    notice.wait_for()
    page.get_by_role("button", name="Use the new version").click()
    page.locator('.cda-tryit[data-kept="updated"]').wait_for()
    assert "1 answer was kept" in page.locator(".cda-keep__status").inner_text()
    record = saved(page)
    assert record["content"]["metadata"]["academy"]["release"] != "an-older-release"
    assert "".join(record["content"]["cells"][0]["source"]).startswith("# Count complaints")
    assert answer_source(record) == typed
    page.reload()
    assert page.locator('.cda-tryit[data-kept="newer"]').count() == 0

    # Start again: a confirmation that says what is lost, then the original.
    page.get_by_role("button", name="Start again").click()
    dialog = page.get_by_role("dialog", name="Start this exercise again?")
    assert "removes everything you have typed" in dialog.inner_text()
    dialog.get_by_role("button", name="Cancel").click()
    assert answer_source(saved(page)) == typed
    page.get_by_role("button", name="Start again").click()
    page.get_by_role("button", name="Yes, start again").click()
    page.locator('.cda-tryit[data-kept="reset"]').wait_for()
    assert saved(page) is None
    frame = open_notebook(page)
    assert typed not in frame.locator(".jp-Notebook").inner_text()
    assert "raise NotImplementedError()" in frame.locator(".jp-Notebook").inner_text()
    assert all(u.startswith(site_url) for u in requests.urls)


def test_erase_leaves_nothing_of_this_site_in_the_browser(
    site_url: str, page_and_requests: tuple[Any, RequestLog]
) -> None:
    page, requests = page_and_requests
    page.goto(site_url + EXERCISE)
    # What the site keeps: progress (progress.js) and a notebook store (JupyterLite's name).
    page.evaluate("() => window.cdaProgress.mark('exercise:fixture-counts', 'started')")
    page.evaluate(
        """(name) => new Promise((ok) => { const r = indexedDB.open(name);
            r.onupgradeneeded = () => r.result.createObjectStore("files");
            r.onsuccess = () => { r.result.close(); ok(); }; })""",
        STORAGE_NAME,
    )
    page.goto(site_url + "your-browser/")
    holder = page.locator(f'.cda-erase[data-storage-name="{STORAGE_NAME}"]')
    assert "If nothing appears here" not in holder.inner_text()
    page.get_by_role("button", name="Erase what this site keeps in your browser").click()
    dialog = page.get_by_role("dialog", name="Erase what this site keeps in your browser?")
    assert "You cannot undo this." in dialog.inner_text()
    dialog.get_by_role("button", name="Yes, erase it").click()
    page.locator('.cda-erase[data-erased="true"]').wait_for()
    assert page.evaluate("async () => (await indexedDB.databases()).length") == 0
    assert page.evaluate("() => localStorage.length + sessionStorage.length") == 0
    assert all(u.startswith(site_url) for u in requests.urls)
