"""Runs inside Pyodide, in Node, at build time: byte-compiles the unpacked Python archives of
the self-hosted Pyodide and writes matplotlib's font list.

Never imported by the grader: `precompile.mjs` reads this file, runs it in Pyodide (the same
Python 3.12 as the browser's, so the bytecode is what the browser would make) and calls
`main` with the job that `grader.lite.precompile` wrote. It uses the standard library only,
and the packages the job has Pyodide load (matplotlib for the font list; the kernel's and
the learners' packages for `workload`).

Each `.py` file gets an unchecked hash-based pyc: Python loads it without looking at the
source's timestamp (files unpacked from a wheel get a new one), and the source stays beside
it for tracebacks. The standard library is imported from a zip by zipimport, which looks for
`name.pyc` beside `name.py` (not in `__pycache__`); wheels are unpacked into site-packages,
where the import system looks in `__pycache__`.

With kernel wheels in the job, only the modules a learner's kernel imports are compiled: the
job's packages and kernel wheels are installed here as the browser installs them, `workload`
runs (the kernel's start, then what exercises do), and a `.py` gets a pyc only if it was
imported. The rest (pygments' lexers, fontTools, matplotlib's other backends...) would cost
learners bytes on their first visit for modules they may never import; if one is imported,
the browser compiles it then, as it did before.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import pkgutil
import py_compile
import site
import sys
import zipfile
from pathlib import Path
from typing import Any

#: Prefix of the progress lines on stdout; the last one names the file being compiled when
#: Pyodide dies (grader.lite.precompile reads it).
PROGRESS = "compiling "


def pyc_path(source: Path, *, legacy: bool) -> Path:
    """Where the import system looks for the pyc of `source`."""
    if legacy:
        return source.with_name(source.name + "c")
    return Path(importlib.util.cache_from_source(str(source)))


def workload() -> None:
    """What a learner's kernel runs: pyodide-kernel's start (`import pyodide_kernel`, which
    also sets matplotlib's inline backend), then the kinds of work the exercises do."""
    # As the browser's kernel starts: piplite installs the kernel's own wheels with micropip
    # (and imports unittest.mock), then pyodide_kernel.
    importlib.import_module("piplite")
    importlib.import_module("pyodide_kernel")
    micropip = importlib.import_module("micropip")
    for module in pkgutil.walk_packages(micropip.__path__, "micropip."):
        importlib.import_module(module.name)
    import io
    import sqlite3

    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    csv = "ward,month,fines,paid\nHolborn,2024-01-01,3,1.5\nKentish Town,2024-02-01,4,\n"
    frame = pd.read_csv(io.StringIO(csv), parse_dates=["month"])
    frame._repr_html_()  # how a notebook shows a table
    frame.describe().to_string()
    frame.info(buf=io.StringIO())
    frame.groupby("ward")["fines"].agg(["sum", "mean"])
    frame.merge(frame, on="ward").pivot_table(index="ward", values="fines_x", aggfunc="sum")
    frame.sort_values("fines").fillna(0).to_csv(io.StringIO())
    frame["month"].dt.year.value_counts()
    pd.Timestamp("2024-06-01 12:00", tz="Europe/London").tz_convert("UTC")  # tzdata
    np.round(frame["fines"].corr(frame["paid"]), 2)
    np.isclose(frame["fines"].sum(), 7)  # how the exercises' tests check
    pd.testing.assert_series_equal(frame["fines"], frame["fines"].copy())
    frame["ward"].str.contains(r"^K", regex=True)
    pd.read_sql("select 1 as x", sqlite3.connect(":memory:"))
    frame.plot.bar(x="ward", y="fines")
    plt.savefig(io.BytesIO(), format="png")
    plt.close("all")


def imported_files(job: dict[str, Any]) -> set[str] | None:
    """The files of every module the workload imports (as the browser names them), or None
    when the job names no kernel wheels (compile everything)."""
    if not job["kernel_wheels"]:
        return None
    target = site.getsitepackages()[0]
    for wheel in job["kernel_wheels"]:  # pure wheels piplite installs in the browser
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(target)
    print(f"{PROGRESS}the kernel's start and an exercise's work", flush=True)
    workload()
    files = (getattr(module, "__file__", None) for module in list(sys.modules.values()))
    return {file for file in files if isinstance(file, str)}


def python_files(folder: Path) -> list[Path]:
    """The `.py` files of an unpacked archive that the browser may import, sorted."""
    return sorted(
        path
        for path in folder.rglob("*.py")
        if path.is_file() and not is_skipped(path.relative_to(folder).parts)
    )


def is_skipped(parts: tuple[str, ...]) -> bool:
    """A wheel's metadata (`*.dist-info`) and data (`*.data`, moved elsewhere when installed),
    and test suites (`tests/`): no kernel imports them, and their pycs would cost learners
    bytes (pandas' tests alone: 7.8 MB compressed)."""
    return parts[0].endswith((".dist-info", ".data")) or "tests" in parts[:-1]


def compile_archive(
    archive: dict[str, Any], work: Path, used: set[str] | None = None
) -> tuple[int, list[dict[str, str]]]:
    """Compile every `.py` of one unpacked archive (only those in `used`, when given: the
    files as the browser imports them); return the count and the failures."""
    folder = work / archive["folder"]
    compiled, errors = 0, []
    for source in python_files(folder):
        relative = source.relative_to(folder).as_posix()
        if used is not None and f"{archive['runtime']}/{relative}" not in used:
            continue
        print(f"{PROGRESS}{archive['name']}: {relative}", flush=True)
        try:
            py_compile.compile(
                str(source),
                cfile=str(pyc_path(source, legacy=archive["legacy"])),
                # The path the browser imports it from: tracebacks name it and show its lines.
                dfile=f"{archive['runtime']}/{relative}",
                doraise=True,
                invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
            )
        except py_compile.PyCompileError as error:
            message = error.msg.strip().splitlines()[-1] if error.msg.strip() else repr(error)
            errors.append({"archive": archive["name"], "file": relative, "message": message})
        else:
            compiled += 1
    return compiled, errors


def write_fontlist(target: Path) -> dict[str, Any]:
    """Build matplotlib's font list with the matplotlib Pyodide loaded, and write it to
    `target`: only the fonts inside matplotlib's own data folder (Pyodide has no others),
    each named relative to it, sorted so that the same wheel gives the same bytes."""
    import matplotlib as mpl
    from matplotlib import font_manager

    manager = font_manager.FontManager()  # a fresh one: never the (wrong) list it shipped
    data = Path(mpl.get_data_path())
    for fonts in (manager.ttflist, manager.afmlist):
        outside = [font.fname for font in fonts if data not in Path(font.fname).parents]
        if outside:
            raise RuntimeError(f"fonts outside matplotlib's data folder: {outside[:5]}")
        fonts.sort(key=lambda font: (font.fname, font.name, font.style, str(font.weight)))
    font_manager.json_dump(manager, str(target))
    return {
        "version": font_manager.FontManager.__version__,
        "fonts": len(manager.ttflist) + len(manager.afmlist),
    }


def main(job_text: str) -> None:
    """Run the job (JSON, see grader.lite.precompile.write_job); write its result file."""
    job = json.loads(job_text)
    work = Path(job["mount"])
    result: dict[str, Any] = {"compiled": {}, "errors": [], "fontlist": None}
    used = imported_files(job)
    result["imported"] = None if used is None else len(used)
    for archive in job["archives"]:
        compiled, errors = compile_archive(archive, work, used)
        result["compiled"][archive["name"]] = compiled
        result["errors"].extend(errors)
    if job["fontlist"]:
        print(f"{PROGRESS}{job['fontlist']['archive']}: font list", flush=True)
        result["fontlist"] = write_fontlist(work / job["fontlist"]["path"])
    (work / job["result"]).write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"done: {sum(result['compiled'].values())} files", file=sys.stderr, flush=True)
