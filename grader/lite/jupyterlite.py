"""Build the JupyterLite site that runs the exercises in the browser, offline.

`build_lite(contents, out_dir, cache_dir=...)` turns a folder of notebooks and data files into
a JupyterLite site with a self-hosted Pyodide (see `grader.lite.pyodide_vendor`). The build is kept
in `cache_dir` under a hash of everything that goes into it and copied to `out_dir`; a second
call with the same inputs copies the cached build and does not run `jupyter lite build`.

The learner's work lives in the browser's IndexedDB. Its name is part of the site's public
contract: changing it between releases hides every learner's saved notebooks (JupyterLite
issue 1686), so it is a constant here and never derived from the URL the site is served at.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any
from urllib.parse import quote

from grader.lite import precompile, pyodide_vendor, settings, versions

log = logging.getLogger(__name__)

#: Name of the browser storage for learners' files (JupyterLite's `contentsStorageName`).
#: NEVER change it: learners would lose their saved work.
STORAGE_NAME = "camden-data-academy"
#: IndexedDB database holding the files. JupyterLite 0.6.4 gives `contentsStorageName` to
#: localforage as the database name unchanged (its default is "JupyterLite Storage - <baseUrl>").
INDEXEDDB_NAME = STORAGE_NAME
#: Object store of the saved files. Key: the path in the file browser ("<exercise>/<nb>.ipynb");
#: value: {"name", "path", "type": "notebook", "format": "json", "content": <notebook>, ...}.
INDEXEDDB_FILES_STORE = "files"
#: Object store of the checkpoints (the notebook as first opened). Key: path; value: a list.
INDEXEDDB_CHECKPOINTS_STORE = "checkpoints"
#: Selector of the kernel status once the kernel is ready to run cells.
KERNEL_IDLE_SELECTOR = '.jp-Notebook-ExecutionIndicator[data-status="idle"]'


#: The code that decides the files of the Pyodide folder, with the pins (core files by sha256,
#: wheels by version and sha256): assembling it, then compiling its Python.
PYODIDE_SOURCES: tuple[Path, ...] = (
    Path(versions.__file__ or ""),
    Path(pyodide_vendor.__file__ or ""),
    *precompile.SOURCES,
)


def _pyodide_tag() -> str:
    """12 hex digits over everything that decides the files of the Pyodide folder."""
    digest = hashlib.sha256()
    for path in PYODIDE_SOURCES:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


#: Names the self-hosted Pyodide's folder in the site and in the build cache.
PYODIDE_TAG = _pyodide_tag()
#: The self-hosted Pyodide, in a folder named after its inputs: its URL changes whenever its
#: files do, so the site's server may tell browsers to keep them for a year
#: (grader.service.sitefiles.IMMUTABLE_URL).
PYODIDE_DIR = f"static/pyodide/{PYODIDE_TAG}"
#: Where jupyterlite-pyodide-kernel looks for a self-hosted Pyodide when building (and puts it
#: in the site); moved to PYODIDE_DIR after the build.
WELL_KNOWN_PYODIDE_DIR = "static/pyodide"
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
KERNEL_EXTENSION = "@jupyterlite/pyodide-kernel-extension"
MANIFEST = ".lite-build.json"
#: Cached builds kept whatever their age; older ones go once unused for STALE_SECONDS (not
#: sooner: another process may be copying one).
KEEP_CACHED_BUILDS = 6
STALE_SECONDS = 3600
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PYODIDE_CORE = REPO_ROOT / "node_modules" / "pyodide"

#: Packages Pyodide loads as it starts (see LITE_CONFIG); matplotlib loads when imported.
PRELOADED_PACKAGES = (*versions.KERNEL_PACKAGES, "pandas")
#: The files the kernel fetches as Python starts, with their sizes, listed for the exercise
#: page (docs/assets/js/tryit.js fetches them first and says how much has arrived).
START_FILES = "academy-start.json"
#: Pyodide's own files that every start fetches (the packages' wheels are added from the lock).
START_CORE_FILES = ("pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")
#: Files served precompressed: WhiteNoise sends `<file>.gz` (or `.br`) beside a file to a
#: browser that accepts it. Kept only when it saves at least 5%.
COMPRESSED_SUFFIXES = frozenset(
    {".js", ".mjs", ".json", ".wasm", ".css", ".html", ".svg", ".ipynb", ".csv", ".txt", ".map"}
)
#: gzip level 9 for every file; brotli (the `brotli` package, when installed) too.
GZIP_LEVEL = 9
BROTLI_QUALITY = 9

#: `jupyter-lite.json`: the kernel loads Pyodide from this site only and never asks PyPI.
LITE_CONFIG: dict[str, Any] = {
    "jupyter-lite-schema-version": 0,
    "jupyter-config-data": {
        "appName": "Camden Data Academy",
        "contentsStorageName": STORAGE_NAME,
        "settingsStorageName": STORAGE_NAME,
        # Swaps the page's favicon by kernel status (pointless in an iframe; its icons 404).
        "disabledExtensions": ["@jupyter-notebook/notebook-extension:tab-icon"],
        "litePluginSettings": {
            KERNEL_PLUGIN: {
                "pyodideUrl": f"./{PYODIDE_DIR}/pyodide.js",
                "disablePyPIFallback": True,
                # Loaded with Python itself, in parallel, rather than one after another by
                # the kernel's start (pyodide-kernel 0.6.1 skips installing what is listed
                # here): the kernel's own packages, and pandas that every exercise's first
                # cell needs. Not matplotlib: the kernel loads it at the first cell that
                # imports it (the hidden pre-start does, docs/assets/js/tryit.js), and a
                # learner who clicks early waits less without it (docs/architecture.md).
                "loadPyodideOptions": {"packages": list(PRELOADED_PACKAGES)},
            }
        },
    },
}
#: `overrides.json`: the single-notebook page without its header, fit for an iframe.
SETTINGS_OVERRIDES = {
    "@jupyter-notebook/application-extension:top": {"visible": "no"},
    "@jupyterlab/docmanager-extension:plugin": {"autosaveInterval": 30},
}
#: Options of `jupyter lite build` besides the folders: the single-notebook app (and lab, which
#: it links to), no source maps, no shared packages that no extension uses. The virtualenv's
#: own lab extensions (nbgrader's among them) are ignored; only the kernel's is copied in.
BUILD_OPTIONS = (
    "--apps", "notebooks", "--apps", "lab",
    "--no-sourcemaps", "--no-unused-shared-packages", "--ignore-sys-prefix",
)  # fmt: skip


class LiteBuildError(Exception):
    """The JupyterLite site could not be built; the message names the file and the problem."""


@dataclass(frozen=True)
class LiteBuild:
    """A JupyterLite site, ready to serve."""

    path: Path
    """The copy in `out_dir`."""
    cache_path: Path
    """The cached build it was copied from."""
    cache_key: str
    """sha256 over every input of the build."""
    cache_hit: bool
    """True when the cached build was reused and `jupyter lite build` did not run."""
    seconds: float
    """Wall time of the call."""
    size_bytes: int
    """Size of the site."""
    pyodide_size_bytes: int
    """Size of its `static/pyodide/` folder."""
    packages: tuple[str, ...]
    """Python packages the browser can load (the pruned lock)."""


def notebook_url(path: str) -> str:
    """URL, relative to the site, of the single-notebook page for `path` in the contents."""
    return f"notebooks/index.html?path={quote(path)}"


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def cache_key(contents: Path, *, pyodide_core: Path) -> str:
    """sha256 over the contents, the pins, this code, the configuration and Pyodide's files."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    for path in _files(contents):
        add(f"contents/{path.relative_to(contents).as_posix()}", path.read_bytes())
    for path in (*PYODIDE_SOURCES, Path(__file__)):
        add(f"code/{path.name}", path.read_bytes())
    for name in ("jupyterlite-core", "jupyterlite-pyodide-kernel"):
        add(f"installed/{name}", installed_version(name).encode())
    add("config", json.dumps([LITE_CONFIG, SETTINGS_OVERRIDES, BUILD_OPTIONS]).encode())
    add("brotli", str(_brotli() is not None).encode())
    add("settings", settings.cache_input())
    for name in sorted(versions.PYODIDE_CORE_SHA256):
        core_file = pyodide_core / name
        data = pyodide_vendor.sha256_file(core_file) if core_file.is_file() else "missing"
        add(f"pyodide/{name}", data.encode())
    return digest.hexdigest()


def _check_installed() -> None:
    pins = {
        "jupyterlite-core": versions.JUPYTERLITE_CORE_VERSION,
        "jupyterlite-pyodide-kernel": versions.JUPYTERLITE_PYODIDE_KERNEL_VERSION,
    }
    for name, pinned in pins.items():
        if installed_version(name) != pinned:
            raise LiteBuildError(
                f"grader/lite/versions.py: pins {name} {pinned}, "
                f"but {installed_version(name)} is installed"
            )


def _kernel_extension() -> Path:
    folder = Path(sys.prefix) / "share/jupyter/labextensions" / KERNEL_EXTENSION
    if not (folder / "package.json").is_file():
        raise LiteBuildError(f"{folder}: the Pyodide kernel's lab extension is not installed")
    return folder


#: The kernel's own wheels that piplite installs as it starts (pyodide-kernel's `initKernel`).
KERNEL_WHEEL_NAMES: tuple[str, ...] = ("piplite", "pyodide_kernel", "ipykernel")


def _kernel_wheels() -> tuple[Path, ...]:
    """The kernel extension's wheels of KERNEL_WHEEL_NAMES, for the compile's workload."""
    pypi = _kernel_extension() / "static" / "pypi"
    found = tuple(
        wheel for name in KERNEL_WHEEL_NAMES for wheel in sorted(pypi.glob(f"{name}-*.whl"))
    )
    if len(found) != len(KERNEL_WHEEL_NAMES):
        raise LiteBuildError(f"{pypi}: expected one wheel each of {', '.join(KERNEL_WHEEL_NAMES)}")
    return found


def _prepare_lite_dir(lite_dir: Path, *, pyodide_core: Path, cache_dir: Path) -> None:
    """Write the JupyterLite source folder: config, extension, Pyodide, piplite wheels."""
    lite_dir.mkdir(parents=True)
    (lite_dir / "jupyter-lite.json").write_text(json.dumps(LITE_CONFIG, indent=2), "utf-8")
    (lite_dir / "overrides.json").write_text(json.dumps(SETTINGS_OVERRIDES, indent=2), "utf-8")
    # jupyterlite-core 0.6.4 skips extensions put in <lite_dir>/extensions (its `build` step
    # yields a generator instead of tasks), so the kernel's is copied to a folder of its own.
    extensions = lite_dir / "labextensions"
    shutil.copytree(_kernel_extension(), extensions / KERNEL_EXTENSION)
    settings.apply(lite_dir, extensions)  # the academy's plugin and settings for learners
    build_config = {"FederatedExtensionAddon": {"extra_labextensions_path": [str(extensions)]}}
    (lite_dir / "jupyter_lite_config.json").write_text(json.dumps(build_config), "utf-8")
    downloads = cache_dir / "downloads"
    wheels = pyodide_vendor.download_pypi_files(versions.PIPLITE_WHEELS, downloads)
    pyodide = precompile.compiled_pyodide(
        cache_dir / "pyodide" / PYODIDE_TAG, core_dir=pyodide_core, downloads=downloads,
        kernel_wheels=(*wheels.values(), *_kernel_wheels()),
    )
    shutil.copytree(pyodide, lite_dir / WELL_KNOWN_PYODIDE_DIR)
    (lite_dir / "pypi").mkdir()
    for wheel in wheels.values():
        shutil.copy2(wheel, lite_dir / "pypi" / wheel.name)


def _run_jupyter_lite(lite_dir: Path, output: Path, contents: Path, log_path: Path) -> None:
    command = [
        sys.executable, "-m", "jupyterlite_core", "build",
        "--lite-dir", str(lite_dir), "--output-dir", str(output),
        "--contents", str(contents), *BUILD_OPTIONS,
    ]  # fmt: skip
    path = os.pathsep.join((str(Path(sys.executable).parent), os.environ.get("PATH", "")))
    env = {**os.environ, "PATH": path}
    env.pop("JUPYTERLITE_PYODIDE_URL", None)
    log.info("running jupyter lite build in %s", lite_dir)
    done = subprocess.run(
        command, cwd=lite_dir, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        log_path.write_text(done.stdout + done.stderr, "utf-8")
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-30:])
        raise LiteBuildError(f"{log_path}: jupyter lite build failed:\n{tail}")


def _move_pyodide(output: Path) -> None:
    """Move the site's Pyodide into its versioned folder, and point the kernel at it."""
    built = output / WELL_KNOWN_PYODIDE_DIR
    staged = built.with_name(f"{built.name}.staged")
    built.rename(staged)
    (output / PYODIDE_DIR).parent.mkdir(parents=True)
    staged.rename(output / PYODIDE_DIR)
    config_path = output / "jupyter-lite.json"
    config = json.loads(config_path.read_text("utf-8"))
    kernel = config["jupyter-config-data"]["litePluginSettings"][KERNEL_PLUGIN]
    kernel["pyodideUrl"] = f"./{PYODIDE_DIR}/pyodide.js"
    config_path.write_text(json.dumps(config, indent=2), "utf-8")


def _write_start_files(output: Path) -> None:
    """List in START_FILES what Python's start fetches: Pyodide's core files and the wheels
    of PRELOADED_PACKAGES and their dependencies, each with its URL (relative to the site's
    root) and its size as the page will count it (decoded)."""
    folder = output / PYODIDE_DIR
    try:
        lock = pyodide_vendor.load_lock(folder / pyodide_vendor.LOCK_NAME)
        wheels = [
            lock["packages"][name]["file_name"]
            for name in pyodide_vendor.package_closure(lock, PRELOADED_PACKAGES)
        ]
    except pyodide_vendor.VendorError as error:
        raise LiteBuildError(str(error)) from error
    files = []
    for name in (*START_CORE_FILES, *wheels):
        if not (folder / name).is_file():
            raise LiteBuildError(f"{folder / name}: needed to start Python, missing from the build")
        files.append({"url": f"{PYODIDE_DIR}/{name}", "bytes": (folder / name).stat().st_size})
    (output / START_FILES).write_text(json.dumps({"files": files}, indent=1), "utf-8")


def _check_output(output: Path, contents: Path) -> None:
    """Fail unless the built site points the kernel at its own Pyodide, PyPI fallback off,
    and every file of `contents` is in it (jupyter lite silently skips some names)."""
    for path in _files(contents):
        relative = path.relative_to(contents)
        if not (output / "files" / relative).is_file():
            raise LiteBuildError(
                f"{path}: left out of the JupyterLite files by its ignore rules "
                "(names such as build/, lib/, dist/, .cache/, overrides.json); rename it"
            )
    config_path = output / "jupyter-lite.json"
    config = json.loads(config_path.read_text("utf-8"))["jupyter-config-data"]
    kernel = config.get("litePluginSettings", {}).get(KERNEL_PLUGIN, {})
    expected = LITE_CONFIG["jupyter-config-data"]["litePluginSettings"][KERNEL_PLUGIN]
    for setting, value in expected.items():
        if kernel.get(setting) != value:
            raise LiteBuildError(f"{config_path}: {setting} is {kernel.get(setting)!r}")
    if config.get("contentsStorageName") != STORAGE_NAME:
        raise LiteBuildError(f"{config_path}: contentsStorageName is not {STORAGE_NAME!r}")
    for name in ("pyodide.js", pyodide_vendor.LOCK_NAME):
        if not (output / PYODIDE_DIR / name).is_file():
            raise LiteBuildError(f"{output / PYODIDE_DIR / name}: missing from the build")


def _brotli() -> Any:
    try:
        import brotli  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return brotli


def compress_files(folder: Path) -> tuple[int, int]:
    """Write `<file>.gz` (and `<file>.br` when brotli is installed) beside every file of
    `folder` with a COMPRESSED_SUFFIXES suffix, where that saves at least 5%.
    Return the bytes before and after, over the files compressed."""
    brotli = _brotli()
    before = after = 0
    for path in _files(folder):
        if path.suffix not in COMPRESSED_SUFFIXES:
            continue
        data = path.read_bytes()
        packed = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
        if len(packed) > 0.95 * len(data):
            continue
        path.with_name(path.name + ".gz").write_bytes(packed)
        smallest = len(packed)
        if brotli is not None:
            squeezed = brotli.compress(data, quality=BROTLI_QUALITY)
            path.with_name(path.name + ".br").write_bytes(squeezed)
            smallest = min(smallest, len(squeezed))
        before, after = before + len(data), after + smallest
    return before, after


#: Suffixes of the precompressed copies (compress_files).
COMPRESSED_COPIES = (".gz", ".br")


def _size(folder: Path) -> int:
    """Bytes of the files in `folder`, without their precompressed copies."""
    return sum(p.stat().st_size for p in _files(folder) if p.suffix not in COMPRESSED_COPIES)


def _build_into_cache(contents: Path, target: Path, *, pyodide_core: Path, cache_dir: Path) -> None:
    work = target.with_name(f"{target.name}.partial-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    try:
        # Not "out": jupyter lite leaves out contents folders named like its output folder.
        lite_dir, output = work / "src", work / "lite-output"
        try:
            _prepare_lite_dir(lite_dir, pyodide_core=pyodide_core, cache_dir=cache_dir)
        except pyodide_vendor.VendorError as error:
            raise LiteBuildError(str(error)) from error
        _run_jupyter_lite(lite_dir, output, contents, target.with_suffix(".failed.log"))
        _move_pyodide(output)
        _check_output(output, contents)
        _write_start_files(output)
        before, after = compress_files(output)
        log.info("compressed %.1f MB of files to %.1f MB", before / 1e6, after / 1e6)
        lock = json.loads((output / PYODIDE_DIR / pyodide_vendor.LOCK_NAME).read_text("utf-8"))
        manifest = {
            "cache_key": target.name,
            "storage_name": STORAGE_NAME,
            "pyodide": versions.PYODIDE_VERSION,
            "packages": {k: v["version"] for k, v in sorted(lock["packages"].items())},
        }
        (output / MANIFEST).write_text(json.dumps(manifest, indent=1), "utf-8")
        try:
            output.rename(target)
        except OSError:
            if not (target / MANIFEST).is_file():  # not a build finished by a parallel call
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _prune_cache(builds: Path, keep: Path) -> None:
    for partial in builds.glob("*.partial-*"):  # left by a build that was killed
        if time.time() - partial.stat().st_mtime > STALE_SECONDS:
            shutil.rmtree(partial, ignore_errors=True)
    done = sorted(
        (p for p in builds.iterdir() if (p / MANIFEST).is_file() and p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in done[KEEP_CACHED_BUILDS - 1 :]:
        if time.time() - old.stat().st_mtime < STALE_SECONDS:
            continue
        log.info("removing old cached build %s", old)
        shutil.rmtree(old, ignore_errors=True)


def _copy_out(build: Path, out_dir: Path) -> None:
    if out_dir.exists():
        if any(out_dir.iterdir()) and not (out_dir / MANIFEST).is_file():
            raise LiteBuildError(f"{out_dir}: exists and is not a JupyterLite build; not replacing")
        shutil.rmtree(out_dir)
    shutil.copytree(build, out_dir)


def build_lite(
    contents: Path, out_dir: Path, *, cache_dir: Path, pyodide_core: Path | None = None
) -> LiteBuild:
    """Build (or reuse) the JupyterLite site for `contents` and copy it to `out_dir`.

    `contents` becomes the notebooks' file browser (`<exercise-id>/<notebook>.ipynb` and data
    files beside them). `pyodide_core` is the npm package of Pyodide (default:
    node_modules/pyodide of this repository).
    """
    started = time.perf_counter()
    contents, out_dir, cache_dir = contents.resolve(), out_dir.resolve(), cache_dir.resolve()
    if not contents.is_dir():
        raise LiteBuildError(f"{contents}: the contents folder does not exist")
    _check_installed()
    core = pyodide_core or DEFAULT_PYODIDE_CORE
    key = cache_key(contents, pyodide_core=core)
    builds = cache_dir / "lite"
    target = builds / key
    hit = (target / MANIFEST).is_file()
    if hit:
        log.info("JupyterLite build %s is cached", key[:12])
    else:
        builds.mkdir(parents=True, exist_ok=True)
        _build_into_cache(contents, target, pyodide_core=core, cache_dir=cache_dir)
    os.utime(target)
    _prune_cache(builds, target)
    _copy_out(target, out_dir)
    manifest = json.loads((target / MANIFEST).read_text("utf-8"))
    result = LiteBuild(
        path=out_dir,
        cache_path=target,
        cache_key=key,
        cache_hit=hit,
        seconds=time.perf_counter() - started,
        size_bytes=_size(target),
        pyodide_size_bytes=_size(target / PYODIDE_DIR),
        packages=tuple(manifest["packages"]),
    )
    log.info(
        "JupyterLite site in %s (%.1f MB, %s, %.1f s)",
        out_dir, result.size_bytes / 1e6, "cached" if hit else "built", result.seconds,
    )  # fmt: skip
    return result
