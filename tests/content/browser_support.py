"""Support for running the shipped exercises in real headless Chromium.

`release_all` writes every exercise's student notebook as the site build ships it (the
JupyterLite contents); the JavaScript snippets drive the single-notebook page through
`window.jupyterapp`, which the shipped site exposes for the exercise page
(`grader.sitebuild.build.expose_app`).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from grader.content import notebook as nbg
from grader.content.catalogue import Catalogue
from grader.lite.jupyterlite import (
    INDEXEDDB_FILES_STORE,
    INDEXEDDB_NAME,
    KERNEL_IDLE_SELECTOR,
    notebook_url,
)
from grader.release.assignment import release_exercise
from grader.sitebuild.build import browser_notebook

REPO = Path(__file__).resolve().parents[2]
CACHE_DIR = REPO / ".cache"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Any other host fails to resolve: a request to it still shows in the log, and fails.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]  # fmt: skip
#: Pyodide's start is CPU-bound: 20 s or so on 2 idle cores, much more on a loaded machine.
KERNEL_TIMEOUT_MS = 180_000
#: Running the setup cells: loading pandas and matplotlib into Pyodide, reading a dataset.
RUN_TIMEOUT_MS = 240_000


def release_all(catalogue: Catalogue, contents: Path) -> Path:
    """Every exercise's student notebook and datasets in `contents`, byte for byte as the site
    build writes its JupyterLite contents (so `build_lite` reuses a cached build)."""
    for exercise in catalogue.exercises.values():
        path = release_exercise(catalogue, exercise, contents) / exercise.notebook
        nbformat.write(browser_notebook(catalogue, exercise, nbformat.read(path, as_version=4)),
                       path)
    return contents


def first_solution_index(nb: nbformat.NotebookNode) -> int:
    """Index of the first cell the learner writes in (all cells when there is none)."""
    return next((i for i, cell in enumerate(nb.cells) if nbg.is_solution(cell)), len(nb.cells))


def setup_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of the code cells before the first solution cell: imports, data, given code."""
    return [
        i for i, cell in enumerate(nb.cells[: first_solution_index(nb)])
        if cell.cell_type == "code"
    ]  # fmt: skip


@dataclass(frozen=True)
class CellProblem:
    """What went wrong in one setup cell of the notebook saved by the browser."""

    index: int
    """Position of the cell in the notebook."""
    first_line: str
    """First line of its source, to find it."""
    problem: str
    """The exception (`NameError: ...`), or why it did not run."""

    def __str__(self) -> str:
        return f"cell {self.index} ({self.first_line!r}): {self.problem}"


def exception_name(ename: str) -> str:
    """`ValueError` from an error output's `ename` (the Pyodide kernel sends
    `<class 'ValueError'>`, IPython sends `ValueError`)."""
    match = re.fullmatch(r"<class '(?:[\w.]+\.)?(\w+)'>", ename)
    return match.group(1) if match else ename


@dataclass(frozen=True)
class SetupRun:
    """The setup cells of one notebook, run in the browser and saved."""

    ran: bool
    """What `notebook:run-all-above` returned: false when a cell failed."""
    saved: dict[str, Any]
    """The notebook (nbformat JSON) as saved in IndexedDB after the run."""
    cell_count: int
    """Cells in the notebook the page opened."""
    kernel_ready_s: float
    """Seconds from opening the page to a kernel that runs code."""
    setup_cells_s: float
    """Seconds to run the setup cells."""


def run_setup_cells(
    page: Any, base_url: str, path: str, *, stop_at: int, plant: tuple[int, str] | None = None
) -> SetupRun:
    """Open notebook `path` of the site at `base_url`, run every cell above cell `stop_at`,
    save, and read the notebook back from IndexedDB.

    `plant=(index, source)` replaces a cell's source before the run (to prove a fault shows).
    """
    opened = time.perf_counter()
    page.goto(base_url + notebook_url(path))
    page.wait_for_function(KERNEL_READY, timeout=KERNEL_TIMEOUT_MS, polling=250)
    page.locator(KERNEL_IDLE_SELECTOR).wait_for(timeout=KERNEL_TIMEOUT_MS)
    ready = time.perf_counter()
    if plant is not None:
        page.evaluate(SET_SOURCE, list(plant))
    ran = page.evaluate(RUN_ALL_ABOVE, stop_at)
    page.wait_for_function(KERNEL_READY, timeout=RUN_TIMEOUT_MS, polling=250)
    done = time.perf_counter()
    saved_path = page.evaluate(SAVE)
    if saved_path != path:
        raise AssertionError(f"the page saved {saved_path!r}, not {path!r}")
    record = page.evaluate(READ_STORE, [INDEXEDDB_NAME, INDEXEDDB_FILES_STORE, path])
    if record is None:
        raise AssertionError(f"{path} not saved in IndexedDB {INDEXEDDB_NAME!r}")
    return SetupRun(
        ran=ran,
        saved=record["content"],
        cell_count=page.evaluate(CELL_COUNT),  # the page renders only the cells in view
        kernel_ready_s=ready - opened,
        setup_cells_s=done - ready,
    )


#: True once the notebook's kernel itself is idle and connected (as docs/assets/js/tryit.js
#: asks it): the status indicator reads "idle" for a moment before the kernel exists.
KERNEL_READY = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const session = panel && panel.sessionContext && panel.sessionContext.session;
    const kernel = session && session.kernel;
    return !!kernel && kernel.status === "idle" && kernel.connectionStatus === "connected";
}"""

#: Number of cells of the open notebook.
CELL_COUNT = "() => window.jupyterapp.shell.currentWidget.content.model.cells.length"

#: Replace the source of cell `index` of the open notebook (to plant a fault).
SET_SOURCE = """([index, source]) => {
    const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
    cells.get(index).sharedModel.setSource(source);
}"""

#: Make cell `index` active and run every cell above it; resolves to false if one failed.
RUN_ALL_ABOVE = """async (index) => {
    const app = window.jupyterapp;
    app.shell.currentWidget.content.activeCellIndex = index;
    return await app.commands.execute("notebook:run-all-above");
}"""

#: Save the open notebook (to IndexedDB) and wait for the save to finish.
SAVE = """async () => {
    const panel = window.jupyterapp.shell.currentWidget;
    await panel.context.save();
    return panel.context.path;
}"""

#: The record under `key` in an IndexedDB object store (null if there is none).
READ_STORE = """async ([db, store, key]) => {
    const open = indexedDB.open(db);
    const handle = await new Promise((ok, fail) => {
        open.onsuccess = () => ok(open.result); open.onerror = () => fail(open.error);
    });
    const request = handle.transaction(store).objectStore(store).get(key);
    const value = await new Promise((ok, fail) => {
        request.onsuccess = () => ok(request.result); request.onerror = () => fail(request.error);
    });
    handle.close();
    return value === undefined ? null : value;
}"""


# --- One kernel for every exercise ---------------------------------------------------------
# Starting Pyodide costs 20 s or more per notebook on these 2 cores; 24 exercises would spend
# most of CI's budget on it. So the per-exercise check opens one notebook, then runs each
# exercise's setup cells in that kernel: in a fresh namespace (`%reset -f`), in the exercise's
# own folder of the site's drive, as the notebook page would. One test still runs a whole
# notebook through the page (test_sql_runs_on_the_camden_database_in_the_browser).

#: Run `code` in the open notebook's kernel; resolves to {status, error} (error: "Name: value").
EXECUTE = """async (code) => {
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    const future = kernel.requestExecute({code, stop_on_error: true, store_history: false});
    let error = null;
    future.onIOPub = (msg) => {
        if (msg.header.msg_type === "error") {
            error = [msg.content.ename, msg.content.evalue];
        }
    };
    const reply = await future.done;
    return {status: reply.content.status, error};
}"""

#: The notebook at a path of the site's contents, as the notebook page would load it.
READ_CONTENTS = """async (path) => {
    const model = await window.jupyterapp.serviceManager.contents.get(path, {content: true});
    return model.content;
}"""


def open_notebook(page: Any, base_url: str, path: str) -> float:
    """Open notebook `path` of the site and wait for its kernel; return the seconds it took."""
    opened = time.perf_counter()
    page.goto(base_url + notebook_url(path))
    page.wait_for_function(KERNEL_READY, timeout=KERNEL_TIMEOUT_MS, polling=250)
    page.locator(KERNEL_IDLE_SELECTOR).wait_for(timeout=KERNEL_TIMEOUT_MS)
    return time.perf_counter() - opened


def _prelude(folder: str) -> str:
    """A fresh namespace in the kernel, working in `folder` of the site's drive. The drive's
    root is where the first notebook opened (one folder below it), kept in the environment
    because `%reset` empties the namespace."""
    return "\n".join([
        "import os as _os",
        "_os.environ.setdefault('CDA_TEST_DRIVE', _os.path.dirname(_os.getcwd()))",
        "get_ipython().run_line_magic('reset', '-f')",
        "import os as _os",
        "import matplotlib.pyplot as _plt",
        "_plt.close('all')",
        f"_os.chdir(_os.path.join(_os.environ['CDA_TEST_DRIVE'], {folder!r}))",
        "del _os, _plt",
    ])


def run_in_shared_kernel(page: Any, path: str, nb: dict[str, Any], indices: list[int],
                         plant: tuple[int, str] | None = None) -> list[CellProblem]:
    """Run the cells `indices` of notebook `nb` (nbformat JSON of `path`) in the open page's
    kernel, after a fresh namespace in the notebook's folder; return the cells that raised
    or, after a failure, did not run. `plant=(index, source)` replaces a cell's source."""
    prelude = page.evaluate(EXECUTE, _prelude(path.rsplit("/", 1)[0]))
    if prelude["status"] != "ok":
        raise AssertionError(f"{path}: the kernel could not be prepared: {prelude['error']}")
    problems: list[CellProblem] = []
    for index in indices:
        source = "".join(nb["cells"][index]["source"])
        if plant is not None and plant[0] == index:
            source = plant[1]
        first_line = source.strip().splitlines()[0] if source.strip() else ""
        if problems:
            problems.append(CellProblem(index, first_line, "did not run (an earlier cell failed)"))
            continue
        reply = page.evaluate(EXECUTE, source)
        if reply["status"] != "ok":
            name, value = reply["error"] or ("error", reply["status"])
            problems.append(CellProblem(index, first_line, f"{exception_name(name)}: {value}"))
    return problems
