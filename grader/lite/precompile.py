"""Ship the self-hosted Pyodide's Python compiled ahead of time, and matplotlib's font list fixed.

Nothing Pyodide ships is byte-compiled: every import in the browser compiles source (the
standard library and IPython as the kernel starts, pandas at `import pandas`), and matplotlib
3.8.4's `fontlist.json` has the wrong `_version` (390 for its 330), so every `import
matplotlib` rebuilds it and prints "Matplotlib is building the font cache" in the learner's
cell (Pyodide PR 5569). `precompile_pyodide` runs once the folder is assembled and verified:

1. unpack `python_stdlib.zip` and every wheel of the shipped lock that holds Python;
2. run Pyodide itself in Node (`precompile.mjs`, `pyodide_compile.py`): the bytecode must be
   made by the browser's Python 3.12, not the build's. Each `.py` gets an unchecked
   hash-based pyc: beside it in the standard library's zip (zipimport's place), in
   `__pycache__` in wheels. matplotlib builds its own font list there, from its own fonts;
3. zip each archive again, deterministically (sorted names, one fixed timestamp), with the
   pycs listed in the wheel's RECORD (no hash, as PEP 376 allows for them);
4. write each wheel's new sha256 into the shipped `pyodide-lock.json`, which Pyodide checks.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.lite import rezip, versions
from grader.lite.pyodide_vendor import (
    LOCK_NAME,
    VendorError,
    assemble_pyodide,
    check_core,
    load_lock,
    sha256_file,
    verify_sha256,
)

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
#: The Node script, and the Python it runs inside Pyodide.
SCRIPT = HERE / "precompile.mjs"
COMPILER = HERE / "pyodide_compile.py"
#: Everything that decides the bytes this step writes (part of the Pyodide folder's tag).
SOURCES: tuple[Path, ...] = (Path(__file__).resolve(), Path(rezip.__file__), SCRIPT, COMPILER)

STDLIB = "python_stdlib.zip"
_PY = versions.PYODIDE_PYTHON.replace(".", "")
#: Where Pyodide puts each archive's files in the browser: the standard library's zip as it
#: is (pyodide.js writes it to /lib/python312.zip), wheels by their lock's `install_dir`.
STDLIB_RUNTIME = f"/lib/python{_PY}.zip"
INSTALL_DIRS = {
    "site": f"/lib/python{versions.PYODIDE_PYTHON}/site-packages",
    "stdlib": f"/lib/python{versions.PYODIDE_PYTHON}",
}
#: `importlib.util.MAGIC_NUMBER` of Python 3.12 (Pyodide's), and the flags field of an
#: unchecked hash-based pyc (PEP 552: bit 0 hash-based, bit 1 check_source unset).
PYC_MAGIC = bytes.fromhex("cb0d0d0a")
PYC_UNCHECKED_HASH = 0b01
#: Where the work folder is mounted inside Pyodide.
MOUNT = "/mnt/work"
RESULT = "result.json"
#: matplotlib's font list, as Pyodide's patched font_manager reads it (beside the module).
MATPLOTLIB = "matplotlib"
FONTLIST = "matplotlib/fontlist.json"
NODE_TIMEOUT_SECONDS = 1800
#: Where the kernel's wheels are put in the work folder, for the workload.
KERNEL_WHEELS = "kernel-wheels"
#: Packages the workload needs installed, as the browser's kernel has them (those the lock
#: ships; their dependencies come with them).
WORKLOAD_PACKAGES: tuple[str, ...] = tuple(
    dict.fromkeys((*versions.KERNEL_PACKAGES, *versions.LEARNER_PACKAGES))
)
#: Lines of Node's output quoted in an error.
TAIL_LINES = 25
#: A compiled folder of another tag goes once unused this long (another build may use it).
STALE_SECONDS = 3600


@dataclass(frozen=True)
class Archive:
    """One archive of the Pyodide folder that holds Python."""

    name: str
    """File name in the Pyodide folder."""
    runtime: str
    """Folder its files are imported from in the browser."""
    legacy: bool
    """True for the standard library's zip: pycs beside the sources, not in `__pycache__`."""


@dataclass(frozen=True)
class Precompiled:
    """What `precompile_pyodide` did."""

    archives: tuple[str, ...]
    """Archives rewritten, sorted."""
    files: int
    """Python files compiled."""
    imported: int | None
    """Modules the kernel's workload imported (None: no workload, every file compiled)."""
    fonts: int | None
    """Fonts in matplotlib's new font list (None: matplotlib is not shipped)."""
    seconds: float
    """Wall time, Node included."""


def python_archives(folder: Path, lock: dict[str, Any]) -> list[Archive]:
    """The standard library's zip and every wheel of `lock` that holds a `.py` file."""
    found = [Archive(STDLIB, STDLIB_RUNTIME, legacy=True)]
    for entry in sorted(lock["packages"].values(), key=lambda e: e["file_name"]):
        name = entry["file_name"]
        if not name.endswith(".whl"):
            continue
        with zipfile.ZipFile(folder / name) as archive:
            if not any(member.endswith(".py") for member in archive.namelist()):
                continue
        if entry["install_dir"] not in INSTALL_DIRS:
            raise VendorError(f"{name}: install_dir {entry['install_dir']!r} holds Python")
        found.append(Archive(name, INSTALL_DIRS[entry["install_dir"]], legacy=False))
    return found


def _tail(text: str) -> str:
    lines = [line[:300] for line in text.strip().splitlines()]
    return "\n".join(lines[-TAIL_LINES:])


def run_node(job: dict[str, Any], job_path: Path, *, node: str) -> None:
    """Run precompile.mjs on `job`; VendorError naming the archive and file it was at."""
    job_path.write_text(json.dumps(job, indent=1), encoding="utf-8")
    command = [node, str(SCRIPT), str(job_path)]
    log.info("compiling Python in Pyodide (%s)", " ".join(command))
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=NODE_TIMEOUT_SECONDS
        )
    except FileNotFoundError as error:
        raise VendorError(f"{SCRIPT}: cannot run Node ({error}); install Node 18+") from error
    except subprocess.TimeoutExpired as error:
        raise VendorError(f"{SCRIPT}: Node ran longer than {NODE_TIMEOUT_SECONDS} s") from error
    if done.returncode == 0:
        return
    progress = [line for line in done.stdout.splitlines() if line.startswith("compiling ")]
    where = progress[-1].removeprefix("compiling ") if progress else "starting Pyodide"
    raise VendorError(
        f"{where}: Node failed (exit status {done.returncode}, {SCRIPT.name}):\n"
        f"{_tail(done.stdout + os.linesep + done.stderr)}"
    )


def check_fontlist(path: Path, *, data_dir: Path, archive: str) -> int:
    """Raise VendorError unless the font list names only fonts in `data_dir`; return their
    number."""
    fonts = json.loads(path.read_text("utf-8"))
    entries = fonts["ttflist"] + fonts["afmlist"]
    for entry in entries:
        fname = entry["fname"]
        if Path(fname).is_absolute() or not (data_dir / fname).is_file():
            raise VendorError(f"{archive}: {FONTLIST} lists {fname}, which the wheel lacks")
    if not entries:
        raise VendorError(f"{archive}: {FONTLIST} lists no font")
    return len(entries)


def precompile_pyodide(
    folder: Path, *, node: str = "node", kernel_wheels: tuple[Path, ...] = ()
) -> Precompiled:
    """Compile the Python of the Pyodide folder `folder` (assembled and verified), fix
    matplotlib's font list, and rewrite the lock's sha256 of each wheel it changes.

    With `kernel_wheels` (the pure wheels piplite installs as the kernel starts), only the
    modules a learner's kernel imports are compiled (`pyodide_compile.workload`); without,
    every module."""
    started = time.perf_counter()
    lock = load_lock(folder / LOCK_NAME)
    by_file = {entry["file_name"]: entry for entry in lock["packages"].values()}
    archives = python_archives(folder, lock)
    for archive in archives[1:]:  # the inputs are still the files the lock pins
        expected = by_file[archive.name]["sha256"]
        verify_sha256(folder / archive.name, expected, label=archive.name, source=LOCK_NAME)
    matplotlib = next(
        (a.name for a in archives if by_file.get(a.name, {}).get("name") == MATPLOTLIB), None
    )
    with tempfile.TemporaryDirectory(prefix="pyodide-precompile-") as temporary:
        work = Path(temporary)
        job = write_job(folder, work, archives, lock=lock, matplotlib=matplotlib,
                        kernel_wheels=kernel_wheels)
        run_node(job, work / "job.json", node=node)
        files, fonts, imported = read_result(work, matplotlib=matplotlib)
        rewritten = work / "rewritten"
        rewritten.mkdir()
        for archive in archives:  # all rewritten before any is replaced
            changed = {FONTLIST} if archive.name == matplotlib else set()
            rezip.repack(folder / archive.name, work / archive.name, rewritten, changed=changed)
        for archive in archives:
            os.replace(rewritten / archive.name, folder / archive.name)
            if archive.name in by_file:
                by_file[archive.name]["sha256"] = sha256_file(folder / archive.name)
    (folder / LOCK_NAME).write_text(json.dumps(lock, indent=1, sort_keys=True), encoding="utf-8")
    done = Precompiled(
        archives=tuple(sorted(a.name for a in archives)),
        files=files,
        imported=imported,
        fonts=fonts,
        seconds=time.perf_counter() - started,
    )
    log.info(
        "compiled %d Python files in %d archives ahead of time (%s; %s font list) in %.1f s",
        done.files, len(done.archives),
        f"those of the {imported} modules a kernel imports" if imported else "every module",
        f"{fonts} fonts in the" if fonts else "no", done.seconds,
    )  # fmt: skip
    return done


def write_job(
    folder: Path,
    work: Path,
    archives: list[Archive],
    *,
    lock: dict[str, Any],
    matplotlib: str | None,
    kernel_wheels: tuple[Path, ...] = (),
) -> dict[str, Any]:
    """Unpack `archives` into `work`; the job for precompile.mjs (read by pyodide_compile).

    With `kernel_wheels`, the job also installs them and the lock's kernel and learner
    packages, and runs the kernel's workload first, so that only what it imports is
    compiled."""
    for archive in archives:
        with zipfile.ZipFile(folder / archive.name) as unpacking:
            unpacking.extractall(work / archive.name)
    fontlist = None
    if matplotlib is not None:
        if not (work / matplotlib / FONTLIST).is_file():
            raise VendorError(f"{matplotlib}: no {FONTLIST} (Pyodide's patch reads it)")
        fontlist = {"archive": matplotlib, "path": f"{matplotlib}/{FONTLIST}"}
    packages = {MATPLOTLIB} if fontlist else set()
    if kernel_wheels:
        (work / KERNEL_WHEELS).mkdir()
        for wheel in kernel_wheels:
            shutil.copy2(wheel, work / KERNEL_WHEELS / wheel.name)
        packages |= {name for name in WORKLOAD_PACKAGES if name in lock["packages"]}
    return {
        "pyodide": str(folder.resolve()),
        "work": str(work),
        "mount": MOUNT,
        "packages": sorted(packages),
        "kernel_wheels": [f"{MOUNT}/{KERNEL_WHEELS}/{wheel.name}" for wheel in kernel_wheels],
        "archives": [
            {"name": a.name, "folder": a.name, "runtime": a.runtime, "legacy": a.legacy}
            for a in archives
        ],
        "fontlist": fontlist,
        "result": RESULT,
    }


def read_result(
    work: Path, *, matplotlib: str | None
) -> tuple[int, int | None, int | None]:
    """Files compiled, fonts listed and modules the workload imported; VendorError naming
    the first file that did not compile, or a font the list should not name."""
    result = json.loads((work / RESULT).read_text("utf-8"))
    if result["errors"]:
        first = result["errors"][0]
        raise VendorError(
            f"{first['archive']}: {first['file']} does not compile in Pyodide "
            f"({first['message']}); {len(result['errors'])} file(s) in all"
        )
    fonts = None
    if matplotlib is not None:
        data_dir = work / matplotlib / MATPLOTLIB / "mpl-data"
        fonts = check_fontlist(work / matplotlib / FONTLIST, data_dir=data_dir, archive=matplotlib)
    return sum(result["compiled"].values()), fonts, result.get("imported")


def compiled_pyodide(
    folder: Path, *, core_dir: Path, downloads: Path, kernel_wheels: tuple[Path, ...] = ()
) -> Path:
    """The Pyodide folder, assembled (`assemble_pyodide`) and compiled, kept in `folder`.

    `folder` must be named after everything that decides its files (the Pyodide folder's
    tag): compiling takes about a minute, and a change of the site's contents, which rebuilds
    JupyterLite, need not pay it again. The npm package is checked against the pins either
    way; other folders in `folder`'s parent go once unused for STALE_SECONDS.
    """
    if (folder / LOCK_NAME).is_file():
        check_core(core_dir)
        os.utime(folder)
        return folder
    partial = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        assemble_pyodide(partial, core_dir=core_dir, downloads=downloads)
        precompile_pyodide(partial, kernel_wheels=kernel_wheels)
        try:
            partial.rename(folder)
        except OSError:
            if not (folder / LOCK_NAME).is_file():  # not made meanwhile by a parallel build
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    for other in folder.parent.iterdir():
        if other != folder and time.time() - other.stat().st_mtime > STALE_SECONDS:
            log.info("removing old compiled Pyodide %s", other)
            shutil.rmtree(other, ignore_errors=True)
    return folder
