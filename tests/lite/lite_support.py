"""Shared by the JupyterLite tests: a tiny contents folder (one notebook and a CSV).

Imported by name (not through `conftest`, whose name other test folders share).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

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
