"""The student version of an exercise, made by nbgrader's own generate_assignment step.

`release_notebook(source)` runs nbgrader's `GenerateAssignment` converter through its Python
API in a throwaway course directory and returns the student notebook; no file layout leaks
out. `release_exercise` writes it, with the exercise's datasets, where the site build wants
it. `leak_markers` lists distinctive lines of solution and hidden-test text, so that tests can
prove none of them reached `site/`.

The gradebook is switched off (nbgrader's `--no-db`): it would be thrown away with the temporary
directory, and creating it runs `alembic` as a subprocess (about 2.6 s per notebook here, against
10 ms without it). The student notebook is byte-for-byte the same either way.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
from nbformat import NotebookNode

from grader.content import notebook as nbg

if TYPE_CHECKING:
    from grader.content.catalogue import Catalogue, Exercise

log = logging.getLogger(__name__)
_NBGRADER_LOG = logging.getLogger(f"{__name__}.nbgrader")
# nbgrader's own messages reach the caller inside ReleaseError, not on the console.
_NBGRADER_LOG.propagate = False
_NBGRADER_LOG.setLevel(logging.INFO)

ASSIGNMENT_ID = "exercise"
"""Assignment name inside the throwaway course directory (never seen outside it)."""
NOTEBOOK_NAME = "notebook.ipynb"
MIN_MARKER_LENGTH = 20
"""Shorter lines (`return counts`, `for row in rows:`) are too common to prove a leak."""


_REGION_MARKERS = (
    nbg.BEGIN_SOLUTION, nbg.END_SOLUTION, nbg.BEGIN_HIDDEN_TESTS, nbg.END_HIDDEN_TESTS,
    nbg.BEGIN_MARK_SCHEME, nbg.END_MARK_SCHEME,
)


class ReleaseError(Exception):
    """nbgrader could not make the student version; the message names the file and why."""


_EXCEPTION_LINE = re.compile(r"^\s*[\w.]+(?:Error|Exception): (.+)$")
_NOISE = ("Traceback", "There was an error", "Please see the", "Cell contents are")


def _nbgrader_errors(result: dict[str, str]) -> str:
    """The causes nbgrader logged, without tracebacks or boilerplate, in one line."""
    found: list[str] = []
    for line in result.get("log", "").splitlines():
        match = _EXCEPTION_LINE.match(line)
        text = match.group(1) if match else line.removeprefix("[ERROR] ")
        if (match or line.startswith("[ERROR]")) and not text.startswith(_NOISE):
            found.append(text.strip().removesuffix(" Cell contents are:"))
    if not found:
        tail = result.get("error", "").strip().splitlines()
        found = tail[-1:] or ["unknown error"]
    return "; ".join(dict.fromkeys(f.rstrip(".") for f in found if f)) + "."


def release_notebook(source: Path) -> NotebookNode:
    """Return the student version of the instructor notebook at `source`.

    Raises ReleaseError (naming `source`) when nbgrader refuses the notebook, e.g. a solution
    region outside a solution cell or a grade cell without points.
    """
    source = Path(source)
    # Imported here: nbgrader's import costs about 2 s, which `grader --help` should not pay.
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log
    from traitlets.config import Config

    try:
        nbformat.read(source, as_version=nbformat.NO_CONVERT)
    except FileNotFoundError as exc:
        raise ReleaseError(f"{source}: the notebook does not exist") from exc
    except Exception as exc:  # nbformat raises bare JSON and validation errors
        raise ReleaseError(f"{source}: not a readable notebook ({exc})") from exc

    with tempfile.TemporaryDirectory(prefix="grader-release-") as tmp:
        course = Path(tmp)
        in_dir = course / "source" / ASSIGNMENT_ID
        in_dir.mkdir(parents=True)
        shutil.copyfile(source, in_dir / NOTEBOOK_NAME)

        config = Config()
        config.CourseDirectory.root = str(course)
        config.CourseDirectory.assignment_id = ASSIGNMENT_ID
        config.GenerateAssignment.no_database = True
        config.SaveCells.enabled = False
        app = GenerateAssignment(
            coursedir=CourseDirectory(config=config), config=config, log=_NBGRADER_LOG
        )
        app.force = True
        result = capture_log(app)
        out = course / "release" / ASSIGNMENT_ID / NOTEBOOK_NAME
        if not result["success"] or not out.is_file():
            raise ReleaseError(
                f"{source}: nbgrader could not make the student version: "
                f"{_nbgrader_errors(result)}"
            )
        student = nbformat.read(out, as_version=nbformat.NO_CONVERT)
    log.info("released %s", source)
    return student


def release_exercise(catalogue: Catalogue, exercise: Exercise, dest: Path) -> Path:
    """Write the student notebook and the exercise's datasets to `dest/<exercise-id>/`.

    Dataset files are copied with their content (symlinks into datasets/ are followed).
    The folder is emptied first so that no stale file survives a rename. Returns the folder.
    """
    source_dir = catalogue.exercise_dir(exercise)
    out_dir = Path(dest) / exercise.id
    if out_dir.resolve() == source_dir.resolve():
        raise ReleaseError(f"{out_dir}: refusing to release an exercise over its own sources")
    student = release_notebook(catalogue.notebook_path(exercise))
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    nbformat.write(student, out_dir / exercise.notebook)
    for name in exercise.datasets:
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(source_dir / name, target, follow_symlinks=True)
        except OSError as exc:
            raise ReleaseError(
                f"exercises/{exercise.id}/{name}: cannot copy the dataset ({exc.strerror})"
            ) from exc
    return out_dir


def _removed_text(cell: NotebookNode) -> list[str]:
    """Text that the student version of this instructor cell must not contain."""
    text = nbg.source_text(cell)
    removed = nbg.regions(text, nbg.BEGIN_HIDDEN_TESTS, nbg.END_HIDDEN_TESTS)
    removed += nbg.regions(text, nbg.BEGIN_MARK_SCHEME, nbg.END_MARK_SCHEME)
    if nbg.is_solution(cell):
        solutions = nbg.regions(text, nbg.BEGIN_SOLUTION, nbg.END_SOLUTION)
        # Without a region nbgrader replaces the whole cell.
        removed += solutions if solutions else [text]
    return removed


def leak_markers(source: str | Path | NotebookNode) -> list[str]:
    """Distinctive lines of solution, hidden-test and mark-scheme text in an instructor notebook.

    Each marker is one stripped line of at least MIN_MARKER_LENGTH characters that nbgrader
    removes and that occurs nowhere in the student version, so finding it anywhere in the
    built site is a leak. Files may escape characters (`"` as `&quot;` in HTML, `\\"` in
    JSON): search the decoded text.
    """
    if isinstance(source, str | Path):
        instructor, student = nbformat.read(source, as_version=4), release_notebook(Path(source))
    else:
        instructor = source
        with tempfile.TemporaryDirectory(prefix="grader-leak-") as tmp:
            path = Path(tmp) / NOTEBOOK_NAME
            nbformat.write(source, path)
            student = release_notebook(path)
    student_text = "\n".join(nbg.source_text(c) for c in student.cells)
    markers: dict[str, None] = {}
    for cell in instructor.cells:
        for block in _removed_text(cell):
            for line in block.splitlines():
                line = line.strip()
                if len(line) < MIN_MARKER_LENGTH or any(m in line for m in _REGION_MARKERS):
                    continue
                if line not in student_text:
                    markers[line] = None
    return list(markers)
