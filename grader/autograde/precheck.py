"""Checks before grading: refuse a bad file fast, with a reason a learner can act on.

Each check is cheap and runs before the next, more expensive one: bytes before JSON parsing
(a deep or huge file would exhaust memory or recursion in the parser), JSON structure before
nbformat, and grade ids last because they need the instructor notebook.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from grader.autograde.limits import MIB, Limits
from grader.autograde.source import InstructorNotebook
from grader.content.notebook import (
    CELL_TYPE,
    CELL_TYPES,
    METADATA,
    NBGRADER,
    OUTPUTS,
    SOURCE,
    grade_id,
    is_code,
)

_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")
FRESH_COPY = "Download a fresh copy of the exercise, copy your answers into it and submit again."


class Rejected(ValueError):
    """The submission is refused; the message is for the learner."""


class TooLarge(Rejected):
    """The file is over `Limits.max_file_bytes` (a web service answers 413, not 400)."""


def too_large_message(size: int | None, limits: Limits) -> str:
    """The one sentence for a file over the limit (`size` None: not known, only too big)."""
    what = "larger than the limit" if size is None else f"{size / MIB:.1f} MB; the limit is"
    return (
        f"The notebook is {what} {limits.max_file_bytes / MIB:.1f} MB. Clear large outputs "
        "(Edit, then Clear Outputs of All Cells), save and try again."
    )


def check_size(size: int, limits: Limits) -> None:
    if size > limits.max_file_bytes:
        raise TooLarge(too_large_message(size, limits))
    if size == 0:
        raise Rejected("The file is empty. Save your notebook and submit it again.")


def read_bytes(path: Path, limits: Limits) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as error:
        raise Rejected(f"The file could not be read ({error.strerror}).") from error
    check_size(size, limits)
    return path.read_bytes()


def check_depth(text: str, limits: Limits) -> None:
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRINGS.sub('""', text)):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
        if deepest > limits.max_json_depth:
            raise Rejected(
                "The file is not a normal notebook: its data is nested far too deeply. "
                + FRESH_COPY
            )


def decode_text(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Rejected(
            "The file is not a Jupyter notebook (it is not text). Submit the .ipynb file."
        ) from error
    return text


def load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise Rejected(
            "The file is not a Jupyter notebook (it is not valid notebook JSON). "
            "Submit the .ipynb file saved by JupyterLite."
        ) from error


def check_structure(data: Any, limits: Limits) -> None:
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise Rejected("The file is not a Jupyter notebook (it has no list of cells).")
    if not isinstance(data.get("metadata", {}), dict):
        raise Rejected("The notebook's own metadata is damaged. " + FRESH_COPY)
    if data.get("nbformat") != 4:
        raise Rejected("The notebook uses an old format (not version 4). " + FRESH_COPY)
    cells = data["cells"]
    if len(cells) > limits.max_cells:
        raise Rejected(
            f"The notebook has {len(cells)} cells; the limit is {limits.max_cells}. "
            "Delete the cells you added for experiments and submit again."
        )
    outputs = 0
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get(CELL_TYPE) not in CELL_TYPES:
            raise Rejected(f"Cell {number} of the notebook is damaged. " + FRESH_COPY)
        source = cell.get(SOURCE, "")
        if not (isinstance(source, str)
                or isinstance(source, list) and all(isinstance(s, str) for s in source)):
            raise Rejected(f"Cell {number} of the notebook is damaged. " + FRESH_COPY)
        if not isinstance(cell.get(METADATA, {}), dict):
            raise Rejected(f"Cell {number} of the notebook is damaged. " + FRESH_COPY)
        found = cell.get(OUTPUTS, [])
        outputs += len(found) if isinstance(found, list) else 1
    if outputs > limits.max_outputs:
        raise Rejected(
            f"The notebook has {outputs} saved outputs; the limit is {limits.max_outputs}. "
            "Clear the outputs (Edit > Clear Outputs of All Cells) and submit again."
        )


def to_notebook(data: dict[str, Any]) -> NotebookNode:
    nb = nbformat.from_dict(data)
    nb.setdefault("metadata", {})
    for cell in nb.cells:
        cell.setdefault("metadata", {})
        if isinstance(cell.get("source"), list):
            cell.source = "".join(cell.source)
        cell.setdefault("source", "")
        nbgrader_meta = cell.metadata.get(NBGRADER)
        if nbgrader_meta is not None and not isinstance(nbgrader_meta, dict):
            del cell.metadata[NBGRADER]
        if is_code(cell):
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
    return nb


def check_grade_ids(nb: NotebookNode, instructor: InstructorNotebook) -> None:
    ids = [gid for c in nb.cells if (gid := grade_id(c)) is not None]
    duplicated = sorted(i for i, n in Counter(ids).items() if n > 1)
    if duplicated:
        raise Rejected(
            f"The cell '{duplicated[0]}' appears more than once (probably copied). Delete the "
            "copy, keeping the original cell, and submit again."
        )
    known = instructor.cells_by_id
    unknown = sorted(i for i in ids if i not in known)
    if unknown:
        raise Rejected(
            f"The notebook has a cell ('{unknown[0]}') that is not part of this exercise. "
            "Check that you submitted the right exercise. " + FRESH_COPY
        )
    missing = [i for i in instructor.scored_ids if i not in set(ids)]
    if missing:
        raise Rejected(
            f"The notebook is missing the exercise cell '{missing[0]}' (it may have been "
            "deleted). " + FRESH_COPY
        )


def read_notebook(raw: bytes, limits: Limits) -> NotebookNode:
    """Every check that needs no instructor notebook, in order; the file as a notebook."""
    check_size(len(raw), limits)
    text = decode_text(raw)
    check_depth(text, limits)
    data = load_json(text)
    check_structure(data, limits)
    return to_notebook(data)


def precheck_bytes(raw: bytes, instructor: InstructorNotebook, limits: Limits) -> NotebookNode:
    """`precheck` for a file already in memory (the service's upload)."""
    nb = read_notebook(raw, limits)
    check_grade_ids(nb, instructor)
    return nb


def precheck(path: Path, instructor: InstructorNotebook, limits: Limits) -> NotebookNode:
    """Return the submission as a notebook, or raise Rejected with the learner's reason."""
    return precheck_bytes(read_bytes(path, limits), instructor, limits)
