"""The built site in real headless Chromium, served on 127.0.0.1.

Every request the browser makes is recorded (`page_and_requests`); a request to any host but
127.0.0.1 fails the test. The kernel start is CPU-bound (20 s or so on 2 cores): allow 120 s.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from static_server import RequestLog

from grader.lite.jupyterlite import KERNEL_IDLE_SELECTOR, PYODIDE_DIR

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KERNEL_TIMEOUT_MS = 120_000
LESSON = "tracks/fixture-basics/reading-data/"
EXERCISE = "exercises/fixture-counts/"
TRACK = "tracks/fixture-basics/"
DATASET_CELL = (
    'import pandas as pd; df = pd.read_csv("complaints.csv"); '
    'print("wards:", df["ward"].nunique(), "rows:", len(df))'
)
ANSWER = 'ward_count = int(complaints["ward"].nunique())'


def _status(page: Any, key: str) -> str:
    return page.locator(f'.cda-status[data-progress-key="{key}"]').first.inner_text()


def _open_notebook(page: Any, *, keyboard: bool = False) -> tuple[Any, float]:
    """Click "Try it" (or focus it and press Enter) and wait for the kernel; return the
    notebook frame and the click time."""
    button = page.get_by_role("button", name="Try it in your browser")
    if keyboard:
        button.focus()
        page.keyboard.press("Enter")
    else:
        button.click()
    clicked = time.perf_counter()
    iframe = page.locator("iframe.cda-tryit__iframe")
    assert iframe.get_attribute("title") == "Notebook for the exercise: Count complaints by ward"
    frame = page.frame_locator("iframe.cda-tryit__iframe")
    # The page says when the kernel itself is idle (the notebook's indicator reads "idle"
    # for a moment before the kernel exists); then the indicator must agree.
    page.locator('.cda-tryit[data-kernel="ready"]').wait_for(timeout=KERNEL_TIMEOUT_MS)
    frame.locator(KERNEL_IDLE_SELECTOR).wait_for(timeout=KERNEL_TIMEOUT_MS)
    return frame, clicked


def _run_new_cell(frame: Any, page: Any, code: str) -> Any:
    """Add a cell at the top of the notebook, type `code` in it and run it.

    At the top, because the notebook renders only the cells in view: the last cell of a long
    notebook may not be there to click.
    """
    cells = frame.locator(".jp-Notebook .jp-Cell")
    cells.first.click()
    page.keyboard.press("Escape")
    page.keyboard.press("a")
    cell = cells.first
    # The notebook's first cell is Markdown: wait until the new code cell has replaced it at
    # the top, or the click lands on the old cell's hidden editor.
    cell.and_(frame.locator(".jp-CodeCell")).wait_for()
    cell.locator(".cm-content").click()
    page.keyboard.type(code)
    page.keyboard.press("Shift+Enter")
    return cell


def test_lesson_to_exercise_runs_pandas_on_the_dataset_offline(
    site_url: str, page_and_requests: tuple[Any, RequestLog], tmp_path_factory: Any
) -> None:
    page, requests = page_and_requests
    page.goto(site_url + LESSON)
    page.get_by_role("link", name="Count complaints by ward").first.click()
    page.wait_for_url(site_url + EXERCISE)
    frame, clicked = _open_notebook(page)
    ready = time.perf_counter()
    cell = _run_new_cell(frame, page, DATASET_CELL)
    output = cell.locator(".jp-OutputArea-output")
    output.wait_for(timeout=KERNEL_TIMEOUT_MS)
    assert output.inner_text().strip() == "wards: 3 rows: 4"
    done = time.perf_counter()
    timings = {"click_to_kernel_idle_s": ready - clicked, "click_to_first_output_s": done - clicked}
    out = tmp_path_factory.getbasetemp() / "site-timings.json"
    out.write_text(json.dumps(timings, indent=1))
    print("browser timings:", timings)
    assert requests.foreign() == []
    assert any(f"/lite/{PYODIDE_DIR}/pyodide.asm.wasm" in u for u in requests.urls)


def test_exercise_done_when_visible_checks_pass_and_progress_survives_reload(
    site_url: str, page_and_requests: tuple[Any, RequestLog]
) -> None:
    page, requests = page_and_requests
    page.goto(site_url + EXERCISE)
    frame, _ = _open_notebook(page)
    assert page.locator(".cda-tryit").get_attribute("data-kernel") == "ready"
    # Write the answer in the answer cell (the one nbgrader left "YOUR CODE HERE" in).
    answer = frame.locator(".jp-Notebook .jp-Cell", has_text="YOUR CODE HERE")
    answer.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type(ANSWER)
    frame.locator("body").evaluate(
        "() => window.jupyterapp.commands.execute('notebook:run-all-cells')"
    )
    tryit = page.locator('.cda-tryit[data-checks="pass"]')
    tryit.wait_for(timeout=KERNEL_TIMEOUT_MS)
    assert "Every check passes" in page.locator(".cda-tryit__status").inner_text()

    page.goto(site_url + TRACK)
    assert _status(page, "exercise:fixture-counts") == "Finished"
    assert _status(page, "lesson:fixture-basics/reading-data") == "Not started"
    page.reload()
    assert _status(page, "exercise:fixture-counts") == "Finished"
    assert requests.foreign() == []


def test_visible_check_failing_does_not_finish_the_exercise(
    site_url: str, page_and_requests: tuple[Any, RequestLog]
) -> None:
    page, _ = page_and_requests
    page.goto(site_url + EXERCISE)
    frame, _ = _open_notebook(page, keyboard=True)
    # Run every cell without answering: the check cell raises NameError.
    frame.locator("body").evaluate(
        "() => window.jupyterapp.commands.execute('notebook:run-all-cells')"
    )
    frame.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").first.wait_for(
        timeout=KERNEL_TIMEOUT_MS
    )
    page.wait_for_timeout(4000)  # two polls of tryit.js
    assert page.locator(".cda-tryit").get_attribute("data-checks") is None
    page.goto(site_url + TRACK)
    assert _status(page, "exercise:fixture-counts") == "Started"


def test_lesson_read_survives_reload(
    site_url: str, page_and_requests: tuple[Any, RequestLog]
) -> None:
    page, requests = page_and_requests
    page.goto(site_url + TRACK)
    assert _status(page, "lesson:fixture-basics/reading-data") == "Not started"
    summary = page.locator(".cda-progress-summary__text")
    assert summary.inner_text() == "Lessons read: 0 of 2. Exercises finished: 0 of 1."
    page.get_by_role("link", name="Reading data").last.click()
    page.wait_for_url(site_url + LESSON)
    page.goto(site_url + TRACK)
    assert _status(page, "lesson:fixture-basics/reading-data") == "Read"
    page.reload()
    assert _status(page, "lesson:fixture-basics/reading-data") == "Read"
    assert _status(page, "lesson:fixture-basics/counting") == "Not started"
    assert summary.inner_text() == "Lessons read: 1 of 2. Exercises finished: 0 of 1."
    assert requests.foreign() == []


def test_real_lesson_exercise_reads_its_dataset_offline(
    real_site: Any, real_site_url: str, page_and_requests: tuple[Any, RequestLog]
) -> None:
    """The same journey on the repository's own content: the first lesson whose exercise has
    a dataset; the browser's pandas must see the same shape as the server's."""
    import pandas as pd

    from grader.content.reader import load_catalogue

    catalogue = load_catalogue(real_site.root)
    track, lesson, exercise = next(
        (t, lesson, catalogue.exercises[e])
        for t in catalogue.tracks
        for m in t.modules
        for lesson in m.lessons
        for e in lesson.exercises
        if catalogue.exercises[e].datasets
    )
    dataset = exercise.datasets[0]
    expected = pd.read_csv(catalogue.exercise_dir(exercise) / dataset).shape
    page, requests = page_and_requests
    page.goto(f"{real_site_url}tracks/{track.id}/{lesson.id}/")
    page.get_by_role("link", name=exercise.title).last.click()
    page.wait_for_url(f"{real_site_url}exercises/{exercise.id}/")
    page.get_by_role("button", name="Try it in your browser").click()
    page.locator('.cda-tryit[data-kernel="ready"]').wait_for(timeout=KERNEL_TIMEOUT_MS)
    frame = page.frame_locator("iframe.cda-tryit__iframe")
    frame.locator(KERNEL_IDLE_SELECTOR).wait_for(timeout=KERNEL_TIMEOUT_MS)
    cell = _run_new_cell(
        frame, page, f'import pandas as pd; print("shape", pd.read_csv("{dataset}").shape)'
    )
    output = cell.locator(".jp-OutputArea-output")
    output.wait_for(timeout=KERNEL_TIMEOUT_MS)
    assert output.inner_text().strip() == f"shape {expected}"
    assert requests.foreign() == []


KERNEL_IDLE_JS = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = panel && panel.sessionContext.session && panel.sessionContext.session.kernel;
    return !!kernel && kernel.status === "idle";
}"""


CHECK_CELL_RAN_JS = """() => {
    const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
    for (let i = 0; i < cells.length; i += 1) {
        const cell = cells.get(i);
        const meta = cell.getMetadata("nbgrader");
        if (cell.type === "code" && meta && meta.grade && !meta.solution) {
            return cell.executionCount !== null && cell.executionCount !== undefined;
        }
    }
    return false;
}"""


def test_notebook_saved_in_a_new_tab_counts_on_the_track_page(
    site_url: str, page_and_requests: tuple[Any, RequestLog]
) -> None:
    """"Open in a new tab": the exercise page cannot watch the notebook, so the track page
    reads the notebook JupyterLite saved in the browser (IndexedDB)."""
    page, requests = page_and_requests
    page.goto(site_url + EXERCISE)
    new_tab_url = page.get_by_role("link", name="Open in a new tab").get_attribute("href")
    page.goto(site_url + EXERCISE + new_tab_url)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=KERNEL_TIMEOUT_MS)
    page.locator(KERNEL_IDLE_SELECTOR).wait_for(timeout=KERNEL_TIMEOUT_MS)
    answer = page.locator(".jp-Notebook .jp-Cell", has_text="YOUR CODE HERE")
    answer.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type(ANSWER)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(CHECK_CELL_RAN_JS, timeout=KERNEL_TIMEOUT_MS)
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_timeout(2000)

    page.goto(site_url + TRACK)
    status = page.locator('.cda-status[data-progress-key="exercise:fixture-counts"]')
    page.wait_for_function(
        "(el) => el.textContent === 'Finished'", arg=status.element_handle(), timeout=10_000
    )
    page.reload()
    assert _status(page, "exercise:fixture-counts") == "Finished"
    assert requests.foreign() == []
