"""Shared by the JupyterLite tests: a tiny contents folder (one notebook and a CSV).

Imported by name (not through `conftest`, whose name other test folders share).
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from grader.content.catalogue import Exercise
from grader.lite.jupyterlite import KERNEL_WHEEL_NAMES, STORAGE_NAME
from grader.lite.versions import PIPLITE_WHEELS
from grader.sitebuild.build import expose_app
from grader.sitebuild.controls import LITE_DIR, tryit_html

REPO = Path(__file__).resolve().parents[2]
CACHE_DIR = REPO / ".cache"
NOTEBOOK_PATH = "tiny-01/explore.ipynb"
CSV = "borough,population\nCamden,210100\nIslington,216600\nHackney,259200\n"
CELLS = (
    'import pandas as pd\ndf = pd.read_csv("data.csv")\nprint(df.shape, pd.__version__)',
    "import matplotlib.pyplot as plt\nplt.bar(df.borough, df.population)\nplt.show()",
    'print(pd.Timestamp("2024-06-01 12:00", tz="Europe/London").tz_convert("UTC"))',
    # The header of the pyc pandas.core.frame was loaded from: magic number and flags.
    'with open(pd.core.frame.__cached__, "rb") as pyc:\n    print("pyc", pyc.read(8).hex())',
    # Every module imported so far from the archives of the shipped Pyodide came with its pyc
    # (the build compiles only what a kernel imports); the kernel's own wheels are not compiled,
    # and frozen modules (os, io, abc...) are built into Python.
    "import importlib.util, os, sys, zipfile\n"
    "ZIP = '/lib/python312.zip/'\n"
    "stdlib = set(zipfile.ZipFile(ZIP[:-1]).namelist())\n"
    f"own = {(*KERNEL_WHEEL_NAMES, *(wheel.name for wheel in PIPLITE_WHEELS))!r}\n"
    "missing = []\n"
    "for name, module in list(sys.modules.items()):\n"
    "    file = getattr(module, '__file__', None)\n"
    "    spec = getattr(module, '__spec__', None)\n"
    "    frozen = getattr(spec, 'origin', None) == 'frozen'\n"
    "    if frozen or name.startswith(own) or not str(file).endswith('.py'):\n"
    "        continue\n"
    "    if file.startswith(ZIP):\n"
    "        compiled = file[len(ZIP):] + 'c' in stdlib\n"
    "    else:\n"
    "        compiled = os.path.exists(importlib.util.cache_from_source(file))\n"
    "    if not compiled:\n"
    "        missing.append(name)\n"
    "print('modules', len(sys.modules), 'not compiled', sorted(missing))",
)


#: The RECORD of the FAKE wheel the compile and rezip tests build.
FAKE_RECORD = "fakemod-1.0.dist-info/RECORD"


def make_zip(path: Path, files: dict[str, bytes]) -> Path:
    """A FAKE archive holding `files` (a name ending in / is a directory entry)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2025, 6, 4, 22, 38, 16)), data)
    return path


def pyc_header(data: bytes) -> tuple[bytes, int]:
    """The magic number and the flags field (PEP 552) of a pyc."""
    return data[:4], int.from_bytes(data[4:8], "little")


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


TRYIT_PAGE = "exercises/tiny-01/"
TINY_EXERCISE = Exercise(
    id="tiny-01", title="Population by borough", summary="Read a CSV.",
    notebook="explore.ipynb", estimated_minutes=5,
)  # fmt: skip


def write_tryit_site(root: Path, lite: Path) -> Path:
    """A site in `root`: a copy of the JupyterLite build `lite` (the app exposed, as the site
    build does) and an exercise page with the "Try it" control for `NOTEBOOK_PATH`."""
    shutil.copytree(lite, root / LITE_DIR)
    expose_app(root / LITE_DIR / "jupyter-lite.json")
    assets = root / "assets"
    (assets / "js").mkdir(parents=True)
    shutil.copy2(REPO / "docs/assets/js/tryit.js", assets / "js")
    shutil.copy2(REPO / "docs/assets/academy.css", assets)
    page = root / TRYIT_PAGE / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{TINY_EXERCISE.title}</title>"
        '<link rel="stylesheet" href="../../assets/academy.css"></head>\n'
        f"<body><main><h1>{TINY_EXERCISE.title}</h1>\n"
        f"{tryit_html(TINY_EXERCISE, '../../', STORAGE_NAME)}\n</main>"
        '<script src="../../assets/js/tryit.js"></script></body></html>\n',
        "utf-8",
    )
    return root
