"""A notebook everyone can use, in real headless Chromium on the built fixture site.

One notebook start per test (20 s or so on 2 cores): the keyboard-only exercise ends with
axe-core on the live notebook, answered and checked, rather than starting Python twice.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from site_helpers import AXE_JS
from static_server import RequestLog
from test_axe import WCAG_TAGS

from grader.lite.jupyterlite import INDEXEDDB_FILES_STORE, INDEXEDDB_NAME

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KERNEL_TIMEOUT_MS = 120_000
EXERCISE = "exercises/fixture-counts/"
NOTEBOOK_PATH = "fixture-counts/counts.ipynb"
ANSWER = 'ward_count = int(complaints["ward"].nunique())'
ACTIVE_CELL_NAME = """() => {
    const cell = document.querySelector(".jp-Notebook .jp-Cell.jp-mod-active");
    return cell && cell.getAttribute("aria-label");
}"""
#: The focused element, as "<tag>: <text>".
FOCUSED = """() => document.activeElement.tagName.toLowerCase() + ": "
    + document.activeElement.textContent.trim()"""
READ_SAVED = """async ([db, store, key]) => {
    const open = indexedDB.open(db);
    const handle = await new Promise((ok) => { open.onsuccess = () => ok(open.result); });
    const request = handle.transaction(store).objectStore(store).get(key);
    const value = await new Promise((ok) => { request.onsuccess = () => ok(request.result); });
    handle.close();
    return value ? value.content.cells.map((c) => [(c.metadata.nbgrader || {}).grade_id,
        Array.isArray(c.source) ? c.source.join("") : c.source]) : null;
}"""


def frame_axe(frame: Any) -> list[str]:
    """axe-core's violations, of any impact, in `frame` (a Playwright Frame)."""
    frame.add_script_tag(path=str(AXE_JS))
    violations = frame.evaluate(
        """async (tags) => (await axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})).violations""",
        WCAG_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}) at " + ", ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in violations
    ]


def tab_to(page: Any, text: str, limit: int = 80) -> None:
    """Press Tab until the focused element is `text` ("<tag>: <text>")."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED) == text:
            return
    raise AssertionError(f"{text!r} not reached with Tab")


def press_until_active(page: Any, frame: Any, key: str, name: str, limit: int = 20) -> None:
    """Press `key` until the notebook's active cell is named `name`."""
    for _ in range(limit):
        if frame.evaluate(ACTIVE_CELL_NAME) == name:
            return
        page.keyboard.press(key)
    raise AssertionError(f"no active cell named {name!r}: {frame.evaluate(ACTIVE_CELL_NAME)}")


def test_exercise_by_keyboard_alone_then_axe_finds_nothing_in_the_notebook(
    site_url: str, page_and_requests: tuple[Any, RequestLog]
) -> None:
    """Open, answer, run, read the check and save with key presses only; every editor is
    named after its cell; axe-core finds no violation of any impact in the live notebook."""
    page, requests = page_and_requests
    page.goto(site_url + EXERCISE)
    tab_to(page, "button: Try it in your browser")
    page.keyboard.press("Enter")
    page.locator('.cda-tryit[data-kernel="ready"]').wait_for(timeout=KERNEL_TIMEOUT_MS)
    frame = page.frames[1]
    # The notebook takes the focus once loaded; if it has not, "Go to the notebook" (the
    # same button) gives it.
    if page.evaluate(FOCUSED) == "button: Go to the notebook":
        page.keyboard.press("Enter")
    frame.wait_for_function("() => !!document.activeElement.closest('.jp-Notebook')")

    press_until_active(page, frame, "ArrowDown", "Code cell 3: your answer")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+a")
    page.keyboard.type(ANSWER)
    page.keyboard.press("Escape")
    press_until_active(page, frame, "ArrowUp", "Text cell 1: given")
    for _ in range(4):  # the text, the given code, the answer, the check
        page.keyboard.press("Shift+Enter")
    page.locator('.cda-tryit[data-checks="pass"]').wait_for(timeout=KERNEL_TIMEOUT_MS)
    status = page.get_by_role("status").filter(has_text="Every check passes")
    assert status.count() == 1
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 20
    # An earlier save (the notebook plugin's, a second after a change) may be there first:
    # wait for the one that holds the answer.
    while not (
        (saved := page.evaluate(READ_SAVED, [INDEXEDDB_NAME, INDEXEDDB_FILES_STORE,
                                             NOTEBOOK_PATH])) and ["answer", ANSWER] in saved
    ) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert saved is not None and ["answer", ANSWER] in saved

    names = frame.evaluate(
        "() => [...document.querySelectorAll('.jp-Notebook .cm-content')]"
        ".map((e) => e.getAttribute('aria-label'))"
    )
    assert "Code cell 3: your answer" in names and None not in names
    assert frame.locator(".jp-NotebookPanel-toolbar .jp-KernelName").count() == 0
    assert not frame.get_by_text("Not Trusted").is_visible()
    assert frame_axe(frame) == []
    assert all(u.startswith(site_url) for u in requests.urls)
