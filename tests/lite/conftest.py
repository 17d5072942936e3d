"""Fixtures for the JupyterLite tests: a tiny contents folder (one notebook and a CSV) built
once per session with the real `jupyter lite build`, cached in .cache/ at the repository root
(reruns are quick), and served on 127.0.0.1 for the browser test."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from grader.lite import LiteBuild, build_lite

REPO = Path(__file__).resolve().parents[2]
CACHE_DIR = REPO / ".cache"
NOTEBOOK_PATH = "tiny-01/explore.ipynb"
CSV = "borough,population\nCamden,210100\nIslington,216600\nHackney,259200\n"
CELLS = (
    'import pandas as pd\ndf = pd.read_csv("data.csv")\nprint(df.shape, pd.__version__)',
    "import matplotlib.pyplot as plt\nplt.bar(df.borough, df.population)\nplt.show()",
    'print(pd.Timestamp("2024-06-01 12:00", tz="Europe/London").tz_convert("UTC"))',
)


def write_contents(folder: Path, *cells: str) -> Path:
    """A contents folder: `tiny-01/explore.ipynb` with `cells`, and `tiny-01/data.csv`."""
    exercise = folder / "tiny-01"
    exercise.mkdir(parents=True)
    (exercise / "data.csv").write_text(CSV, encoding="utf-8")
    # Fixed cell ids: nbformat makes random ones, and the bytes are part of the cache key.
    notebook = new_notebook(
        cells=[new_code_cell(source, id=f"cell-{n}") for n, source in enumerate(cells)]
    )
    notebook.metadata["kernelspec"] = {
        "name": "python", "display_name": "Python (Pyodide)", "language": "python"
    }  # fmt: skip
    nbformat.write(notebook, exercise / "explore.ipynb")
    return folder


@pytest.fixture(scope="session")
def lite_build(tmp_path_factory: pytest.TempPathFactory) -> LiteBuild:
    contents = write_contents(tmp_path_factory.mktemp("lite-contents"), *CELLS)
    out_dir = tmp_path_factory.mktemp("lite-site") / "lite"
    return build_lite(contents, out_dir, cache_dir=CACHE_DIR)


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".json": "application/json",
    }

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def lite_url(lite_build: LiteBuild) -> Iterator[str]:
    """Base URL (ending in /) of the built site, served by http.server on 127.0.0.1."""
    handler = functools.partial(_Handler, directory=str(lite_build.path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
