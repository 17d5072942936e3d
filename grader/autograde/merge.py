"""Build the notebook that runs: the learner's answers, the instructor's tests, and checks.

Every step copies the notebook and returns a new one.
"""

from __future__ import annotations

import copy

from nbformat import NotebookNode
from nbformat.v4 import new_code_cell

from grader.autograde import probe
from grader.autograde.source import InstructorNotebook
from grader.content.notebook import NBGRADER, grade_id, is_code, is_restored, is_test, metadata

GRADER_KEY = "grader"
CANARY = "canary"
PROBE = "probe"


def role(cell: NotebookNode) -> str | None:
    """`canary` or `probe` for a cell the grader added, else None."""
    meta = metadata(cell).get(GRADER_KEY)
    value = meta.get("role") if isinstance(meta, dict) else None
    return value if isinstance(value, str) else None


def clear_outputs(nb: NotebookNode, instructor: InstructorNotebook, nonce: str) -> NotebookNode:
    """Whatever outputs the learner saved (or forged) are discarded."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if is_code(cell):
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop(GRADER_KEY, None)
    return nb


def restore_instructor_cells(
    nb: NotebookNode, instructor: InstructorNotebook, nonce: str
) -> NotebookNode:
    """Tests and read-only cells come from the source, whatever the learner did to them;
    every cell with a grade id takes the source's nbgrader metadata and cell type."""
    nb = copy.deepcopy(nb)
    reference = instructor.cells_by_id
    cells = []
    for cell in nb.cells:
        cell_id = grade_id(cell)
        if cell_id is None:
            cell.metadata.pop(NBGRADER, None)
            cells.append(cell)
            continue
        ref = reference[cell_id]
        if is_restored(ref):
            cells.append(copy.deepcopy(ref))
            continue
        restored = copy.deepcopy(ref)
        restored.source = cell.source
        if is_code(restored):
            restored.outputs = []
            restored.execution_count = None
        cells.append(restored)
    nb.cells = cells
    return nb


def add_canaries(nb: NotebookNode, instructor: InstructorNotebook, nonce: str) -> NotebookNode:
    """After each test, a cell that must fail with this run's nonce: if it does not, the
    kernel no longer runs cells faithfully and the test before it cannot be trusted."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if is_test(cell):
            canary = new_code_cell(probe.canary_source(nonce, grade_id(cell)))
            canary.metadata[GRADER_KEY] = {"role": CANARY, "after": grade_id(cell)}
            cells.append(canary)
    nb.cells = cells
    return nb


def add_probe(nb: NotebookNode, instructor: InstructorNotebook, nonce: str) -> NotebookNode:
    """A last cell that inspects the kernel for tampering and reports with the nonce."""
    nb = copy.deepcopy(nb)
    cell = new_code_cell(probe.probe_source(nonce))
    cell.metadata[GRADER_KEY] = {"role": PROBE}
    nb.cells.append(cell)
    return nb


# Outputs are cleared first so nothing the learner saved survives; instructor cells are
# restored before canaries are placed, because canaries follow the restored test cells; the
# probe goes last so it sees everything the learner's code did.
MERGE_STEPS = (clear_outputs, restore_instructor_cells, add_canaries, add_probe)


def merge(nb: NotebookNode, instructor: InstructorNotebook, nonce: str) -> NotebookNode:
    """The notebook to run for this submission."""
    for step in MERGE_STEPS:
        nb = step(nb, instructor, nonce)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb
