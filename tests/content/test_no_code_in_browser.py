"""The no-code route in JupyterLite 0.6.4 in real Chromium: a self-study exercise opens with
its read-only code collapsed (a one-line placeholder) and its answer cells open."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from static_server import RequestLog
from test_exercises_in_browser import (  # noqa: F401 (fixtures shared with that module)
    catalogue,
    chromium,
    contents,
    lite_site,
    lite_url,
    page_and_requests,
)

from grader.content import notebook as nbg
from grader.content.catalogue import Catalogue
from grader.lite.jupyterlite import notebook_url
from grader.sitebuild.no_code import is_source_hidden

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXERCISE = "de-first-look"
CELLS_RENDERED = """(count) => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    return !!panel && !!panel.content && panel.content.widgets.length === count;
}"""
INPUT_HIDDEN = """() => window.jupyterapp.shell.currentWidget.content.widgets.map(
    (w) => w.inputHidden)"""


def test_read_only_code_opens_collapsed_and_answers_open(
    catalogue: Catalogue,  # noqa: F811
    contents: Path,  # noqa: F811
    lite_url: str,  # noqa: F811
    page_and_requests: tuple[Any, RequestLog],  # noqa: F811
) -> None:
    page, _ = page_and_requests
    path = f"{EXERCISE}/{catalogue.exercises[EXERCISE].notebook}"
    shipped = nbformat.read(contents / path, as_version=4)
    expected = [is_source_hidden(c) for c in shipped.cells]
    assert any(expected)
    page.set_viewport_size({"width": 1200, "height": 4000})  # every cell drawn, none windowed
    page.goto(lite_url + notebook_url(path))
    page.wait_for_function(CELLS_RENDERED, arg=len(shipped.cells), timeout=120_000, polling=250)
    assert page.evaluate(INPUT_HIDDEN) == expected
    placeholders = page.locator(".jp-Cell .jp-InputPlaceholder")
    assert placeholders.count() == sum(expected)
    answers = [i for i, c in enumerate(shipped.cells) if nbg.is_solution(c)]
    for i in answers:  # an answer cell shows its editor, ready to type in
        editor = page.locator(".jp-Notebook .jp-Cell").nth(i).locator(".jp-InputArea-editor")
        assert editor.is_visible()
    placeholders.first.click()  # a learner who wants to read the code opens it
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.content"
                           ".widgets[1].inputHidden", timeout=10_000)
