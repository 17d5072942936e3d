"""A notebook everyone can use, in real headless Chromium on the built fixture site.

One notebook start per test (20 s or so on 2 cores): the keyboard-only exercise ends with
axe-core on the live notebook, answered and checked, rather than starting Python twice.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from keyboard_support import FOCUSED, open_and_answer, press_until_active, tab_to
from site_helpers import AXE_JS
from static_server import RequestLog
from test_axe import SETTLED, WCAG_TAGS

from grader.lite.jupyterlite import INDEXEDDB_FILES_STORE, INDEXEDDB_NAME

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KERNEL_TIMEOUT_MS = 120_000
EXERCISE = "exercises/fixture-counts/"
NOTEBOOK_PATH = "fixture-counts/counts.ipynb"
ANSWER = 'ward_count = int(complaints["ward"].nunique())'
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


def test_exercise_by_keyboard_alone_then_axe_finds_nothing_in_the_notebook(
    site_url: str, page_and_requests: tuple[Any, RequestLog]
) -> None:
    """Open, answer, run, read the check and save with key presses only; every editor is
    named after its cell; axe-core finds no violation of any impact in the live notebook,
    nor on the page once the notebook has been given more room (from the keyboard too)."""
    page, requests = page_and_requests
    page.goto(site_url + EXERCISE)
    frame = open_and_answer(page, "Code cell 3: your answer", ANSWER, timeout_ms=KERNEL_TIMEOUT_MS)
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

    # Room to work, from the keyboard: the sidebars go, the notebook gets the width, the
    # page stays clean for axe; Escape gives the room back and the focus to the button.
    width = page.locator("iframe.cda-tryit__iframe").bounding_box()["width"]
    page.keyboard.press("Escape")
    tab_to(page, "button: Give the notebook more room")
    page.keyboard.press("Enter")
    room = page.get_by_role("button", name="Give the notebook more room", pressed=True)
    assert room.count() == 1
    assert page.locator(".md-sidebar--primary").is_hidden()
    assert page.locator("iframe.cda-tryit__iframe").bounding_box()["width"] > width * 1.2
    page.evaluate(SETTLED)  # the theme's transitions, before axe reads colours
    assert frame_axe(page) == []
    page.keyboard.press("Escape")
    assert page.evaluate(FOCUSED) == "button: Give the notebook more room"
    assert page.locator("body.cda-room").count() == 0
    assert all(u.startswith(site_url) for u in requests.urls)
