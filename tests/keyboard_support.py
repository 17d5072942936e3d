"""Driving a page from the keyboard alone, for the keyboard-only tests in real Chromium."""

from __future__ import annotations

from typing import Any

#: The name of the notebook's active cell (the academy's labextension names every cell).
ACTIVE_CELL_NAME = """() => {
    const cell = document.querySelector(".jp-Notebook .jp-Cell.jp-mod-active");
    return cell && cell.getAttribute("aria-label");
}"""
#: The focused element, as "<tag>: <text>".
FOCUSED = """() => document.activeElement.tagName.toLowerCase() + ": "
    + document.activeElement.textContent.trim()"""


def tab_to(page: Any, text: str, limit: int = 150) -> None:
    """Press Tab until the focused element is `text` ("<tag>: <text>")."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED)[:60])
        if seen[-1] == text:
            return
    raise AssertionError(f"{text!r} not reached with Tab; the focus went to {seen}")


def press_until_active(page: Any, frame: Any, key: str, name: str, limit: int = 20) -> None:
    """Press `key` until the notebook's active cell is named `name`, or ends with it when
    `name` starts with ":" (": your answer" for any answer cell)."""
    for _ in range(limit):
        active = frame.evaluate(ACTIVE_CELL_NAME) or ""
        if active == name or (name.startswith(":") and active.endswith(name)):
            return
        page.keyboard.press(key)
    raise AssertionError(f"no active cell named {name!r}: {frame.evaluate(ACTIVE_CELL_NAME)}")


def open_and_answer(page: Any, answer_cell: str, answer: str, *, timeout_ms: int) -> Any:
    """From the exercise page, with key presses only: Tab to "Try it in your browser", open
    the notebook, wait for Python, go to the cell named `answer_cell` (see
    press_until_active) and type `answer` in place of what it held (left in edit mode).
    Returns the notebook's frame."""
    tab_to(page, "button: Try it in your browser")
    page.keyboard.press("Enter")
    page.locator('.cda-tryit[data-kernel="ready"]').wait_for(timeout=timeout_ms)
    frame = page.frames[1]
    # The notebook takes the focus once loaded; if it has not, "Go to the notebook" (the
    # same button) gives it.
    if page.evaluate(FOCUSED) == "button: Go to the notebook":
        page.keyboard.press("Enter")
    frame.wait_for_function("() => !!document.activeElement.closest('.jp-Notebook')")
    press_until_active(page, frame, "ArrowDown", answer_cell)
    page.keyboard.press("Enter")
    page.keyboard.press("Control+a")
    page.keyboard.type(answer)
    return frame
