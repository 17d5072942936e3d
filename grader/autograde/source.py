"""The instructor notebook, prepared once: the cells nbgrader's gradebook would hold.

nbgrader's `generate_assignment` saves each cell after locking and clearing solutions but
before clearing hidden tests; `autograde` restores test and read-only cells from there. We do
the same in memory with nbgrader's own preprocessors, so the source may be the instructor's
notebook with `### BEGIN SOLUTION` regions, or one already carrying checksums.
"""

from __future__ import annotations

import copy
import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbgrader.preprocessors import ClearOutput, ClearSolutions, ComputeChecksums, LockCells

from grader.content.notebook import duplicate_grade_ids, grade_id, is_graded, points

log = logging.getLogger(__name__)

# Files in the source folder that are never given to the learner's code.
PRIVATE_SUFFIXES = (".ipynb", ".db", ".pyc")
PRIVATE_NAMES = ("nbgrader_config.py", "gradebook.db")
MAX_DATASET_FILES = 200

# The order of nbgrader's generate_assignment up to SaveCells: locking first (it reads the
# solution flags), solutions cleared before checksums so they match the released notebook.
REFERENCE_STEPS = (LockCells, ClearSolutions, ClearOutput, ComputeChecksums)


class SourceError(ValueError):
    """The instructor notebook cannot be used (names the file and the problem)."""


@dataclass(frozen=True)
class InstructorNotebook:
    """The reference cells and datasets of one instructor notebook."""

    path: Path
    reference: NotebookNode
    """Cells as nbgrader's gradebook keeps them (hidden tests included; solutions cleared)."""
    datasets: tuple[tuple[Path, str], ...]
    """Files of the source folder given to the learner's code: (host path, relative path)."""

    @property
    def cells_by_id(self) -> dict[str, NotebookNode]:
        return {gid: c for c in self.reference.cells if (gid := grade_id(c)) is not None}

    @property
    def scored_ids(self) -> tuple[str, ...]:
        return tuple(gid for c in self.reference.cells
                     if is_graded(c) and (gid := grade_id(c)) is not None)

    @property
    def max_score(self) -> float:
        return sum(points(c) for c in self.reference.cells)


def _datasets(folder: Path, notebook: Path) -> tuple[tuple[Path, str], ...]:
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if not path.is_file() or path == notebook:
            continue
        if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
            continue
        if path.suffix in PRIVATE_SUFFIXES or path.name in PRIVATE_NAMES:
            continue
        found.append((path.resolve(), str(relative)))
    if len(found) > MAX_DATASET_FILES:
        raise SourceError(f"{folder}: more than {MAX_DATASET_FILES} files to give to learners")
    return tuple(found)


@functools.lru_cache(maxsize=64)
def _load(path: Path, mtime_ns: int) -> InstructorNotebook:
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as error:
        raise SourceError(f"{path}: cannot read the instructor notebook: {error}") from error
    reference = copy.deepcopy(nb)
    resources: dict = {}
    try:
        for step in REFERENCE_STEPS:
            reference, resources = step().preprocess(reference, resources)
    except Exception as error:  # nbgrader raises RuntimeError/ValueError for bad metadata
        raise SourceError(f"{path}: not a valid nbgrader source notebook: {error}") from error
    duplicated = sorted(duplicate_grade_ids(reference.cells))
    if duplicated:
        raise SourceError(f"{path}: grade ids used more than once: {', '.join(duplicated)}")
    if not any(is_graded(c) for c in reference.cells):
        raise SourceError(f"{path}: no graded cells (is it an nbgrader source notebook?)")
    return InstructorNotebook(path, reference, _datasets(path.parent, path))


def load_instructor(path: Path) -> InstructorNotebook:
    """Prepare the instructor notebook at `path` (cached while the file is unchanged)."""
    path = Path(path).resolve()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as error:
        raise SourceError(f"{path}: cannot read the instructor notebook: {error}") from error
    return _load(path, mtime)
