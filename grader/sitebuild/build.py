"""The whole site build: catalogue -> student notebooks -> JupyterLite -> mkdocs -> site/.

`build_site(root, site_dir, cache_dir=...)` runs the steps in `STEPS` and returns a
`BuildReport` with each step's time. Heavy artefacts live in the cache folder, outside the
site: the student notebooks (the JupyterLite contents) and the JupyterLite builds, which
`grader.lite.jupyterlite` redoes only when its inputs change and copies into `site/lite/`.
"""

from __future__ import annotations

import copy
import json
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from grader.content.catalogue import Catalogue, CatalogueError, Exercise
from grader.content.reader import load_catalogue
from grader.sitebuild.controls import LITE_DIR
from grader.sitebuild.no_code import hide_read_only_code
from grader.sitebuild.release_stamp import with_release_stamp

log = logging.getLogger(__name__)

CONTENTS_DIR = "lite-contents"
"""Folder under the cache folder: student notebooks and datasets, one folder per exercise."""

PYODIDE_KERNELSPEC = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}
"""The kernel of jupyterlite-pyodide-kernel, as a notebook's `metadata.kernelspec`."""


class BuildError(Exception):
    """The site could not be built; the message says which step failed and why."""


@dataclass(frozen=True)
class BuildReport:
    """What a build did and how long each step took."""

    site_dir: Path
    """The built site."""
    exercises: int
    """Exercises released into the JupyterLite contents."""
    lite_reused: bool
    """True when the cached JupyterLite build was reused because no input changed."""
    lite_size_bytes: int
    """Size of the JupyterLite build (site/lite)."""
    pyodide_size_bytes: int
    """Size of its self-hosted Pyodide folder."""
    timings: dict[str, float]
    """Seconds per step, in the order the steps ran."""

    @property
    def total_seconds(self) -> float:
        return sum(self.timings.values())


@dataclass
class _Build:
    """State passed from step to step."""

    root: Path
    site_dir: Path
    cache_dir: Path
    config_file: Path
    validate: bool = True
    catalogue: Catalogue | None = None
    lite_reused: bool = False
    lite_size_bytes: int = 0
    pyodide_size_bytes: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def _database(b: _Build) -> None:
    from grader.content.database import prepare_database

    prepare_database(b.root)


def _load(b: _Build) -> None:
    b.catalogue = load_catalogue(b.root)


CHECK_CACHE_DIR = "check"
"""Folder under the cache folder: exercises that passed `grader check`, by content hash."""


def _check(b: _Build) -> None:
    """Every notebook is well formed and, when validating, grades as it must.

    The instructor version must score full marks and the student version zero, graded by the
    same sandboxed autograder the service uses. Passing exercises are remembered by a hash of
    their folder and of the grading code, so a rebuild with nothing changed grades nothing.
    """
    from grader.checks.repository import check_repository

    problems = check_repository(b.root, grade=b.validate, cache_dir=b.cache_dir / CHECK_CACHE_DIR)
    if problems:
        raise CatalogueError(problems)


def for_the_browser(nb: NotebookNode) -> NotebookNode:
    """A copy of a student notebook that opens straight on JupyterLite's Pyodide kernel.

    Authors write notebooks for the `python3` kernel; JupyterLite's is called `python`, and
    a notebook naming an unknown kernel opens on a "Select Kernel" dialog instead of running.
    """
    nb = copy.deepcopy(nb)
    nb.metadata["kernelspec"] = dict(PYODIDE_KERNELSPEC)
    return nb


def browser_notebook(catalogue: Catalogue, exercise: Exercise, nb: NotebookNode) -> NotebookNode:
    """A student notebook as the site ships it: on the Pyodide kernel and, for an exercise
    that no graded track uses, with its read-only code collapsed (the no-code route), and
    stamped with its release (`release_stamp`) so the exercise page can offer a newer one."""
    nb = for_the_browser(nb)
    return with_release_stamp(nb if catalogue.is_graded(exercise.id) else hide_read_only_code(nb))


def _release(b: _Build) -> None:
    from grader.release.assignment import release_exercise

    assert b.catalogue is not None
    contents = b.cache_dir / CONTENTS_DIR
    if contents.exists():
        shutil.rmtree(contents)
    contents.mkdir(parents=True)
    for exercise in b.catalogue.exercises.values():
        folder = release_exercise(b.catalogue, exercise, contents)
        path = folder / exercise.notebook
        nbformat.write(
            browser_notebook(b.catalogue, exercise, nbformat.read(path, as_version=4)), path
        )


def _lite(b: _Build) -> None:
    from grader.lite.jupyterlite import build_lite

    result = build_lite(b.cache_dir / CONTENTS_DIR, b.site_dir / LITE_DIR, cache_dir=b.cache_dir)
    expose_app(b.site_dir / LITE_DIR / "jupyter-lite.json")
    b.lite_reused = result.cache_hit
    b.lite_size_bytes = result.size_bytes
    b.pyodide_size_bytes = result.pyodide_size_bytes


def expose_app(config_path: Path) -> None:
    """Let the exercise page read the notebook open in its iframe (same origin).

    JupyterLite sets `window.jupyterapp` only when `exposeAppInBrowser` is "true";
    docs/assets/js/tryit.js reads the live notebook through it to tell the learner that
    Python is ready and to mark the exercise finished when every visible check passes.
    """
    from grader.lite.jupyterlite import COMPRESSED_COPIES

    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["jupyter-config-data"]["exposeAppInBrowser"] = "true"
    config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    # The precompressed copies are of the file as built: a server would send them instead.
    for suffix in COMPRESSED_COPIES:
        config_path.with_name(config_path.name + suffix).unlink(missing_ok=True)


def _pages(b: _Build) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    from grader.sitebuild.mkdocs_hooks import ROOT_KEY

    try:
        config = load_config(config_file=str(b.config_file), site_dir=str(b.site_dir))
        config.extra[ROOT_KEY] = str(b.root)
        build(config)
    except (Abort, MkDocsException) as exc:
        raise BuildError(f"mkdocs could not build the pages ({b.config_file}): {exc}") from exc


# Order matters: the Camden SQLite database is made from the CSV files first, because exercise
# folders link to it as a data set and the catalogue checks that every data set exists; the
# catalogue and the exercises are checked (and graded) before anything is
# built, so a broken exercise never reaches learners; the student notebooks
# are the JupyterLite contents; mkdocs empties site_dir when it builds, so JupyterLite (built
# or reused from the cache) is copied into site_dir/lite after the pages.
STEPS: tuple[tuple[str, Callable[[_Build], None]], ...] = (
    ("database", _database),
    ("catalogue", _load),
    ("checks", _check),
    ("student notebooks", _release),
    ("pages", _pages),
    ("JupyterLite", _lite),
)


def build_site(
    root: Path,
    site_dir: Path,
    *,
    cache_dir: Path,
    config_file: Path | None = None,
    validate: bool = True,
) -> BuildReport:
    """Build the course site for the catalogue under `root` into `site_dir`.

    `config_file` defaults to `root/mkdocs.yml`; tests point it at the repository's
    mkdocs.yml to build a small catalogue of their own. `validate=False` skips grading each
    exercise (the structural checks still run). Raises `CatalogueError` (every
    problem with its file) or `BuildError`, `ReleaseError` from the step that failed.
    """
    root = Path(root).resolve()
    b = _Build(
        root=root,
        site_dir=Path(site_dir).resolve(),
        cache_dir=Path(cache_dir).resolve(),
        config_file=Path(config_file or root / "mkdocs.yml").resolve(),
        validate=validate,
    )
    b.cache_dir.mkdir(parents=True, exist_ok=True)
    for name, step in STEPS:
        start = time.perf_counter()
        step(b)
        b.timings[name] = time.perf_counter() - start
        log.info("%s: %.1f s", name, b.timings[name])
    assert b.catalogue is not None
    report = BuildReport(
        site_dir=b.site_dir,
        exercises=len(b.catalogue.exercises),
        lite_reused=b.lite_reused,
        lite_size_bytes=b.lite_size_bytes,
        pyodide_size_bytes=b.pyodide_size_bytes,
        timings=dict(b.timings),
    )
    log.info("built %s in %.1f s", report.site_dir, report.total_seconds)
    return report
