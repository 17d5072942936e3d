"""The no-code route: in the browser copy of a self-study exercise, read-only code is shown
collapsed, so a learner who does not code sees the text, the outputs and the cells they type
in, and can still click a collapsed cell to read its code.

JupyterLab, and so JupyterLite, collapses a cell's input when its metadata has
`jupyter.source_hidden: true`, and still runs it. The cells collapsed are the read-only code
cells: the prepared code the exercise gives and the checks. Cells the learner may change
(unlocked code, as "change the 5 to 10" asks) and answer cells stay open.
"""

from __future__ import annotations

import copy

from nbformat import NotebookNode

from grader.content import notebook as nbg

JUPYTER = "jupyter"
"""Cell metadata key of JupyterLab's display settings."""
SOURCE_HIDDEN = "source_hidden"
"""Under `jupyter`: true shows the cell's input collapsed."""


def is_read_only_code(cell: NotebookNode) -> bool:
    return cell.get("cell_type") == "code" and nbg.is_locked(cell)


def is_source_hidden(cell: NotebookNode) -> bool:
    return bool(cell.get("metadata", {}).get(JUPYTER, {}).get(SOURCE_HIDDEN, False))


def hide_read_only_code(nb: NotebookNode) -> NotebookNode:
    """A copy of `nb` whose read-only code cells show collapsed."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if is_read_only_code(cell):
            cell.metadata.setdefault(JUPYTER, {})[SOURCE_HIDDEN] = True
    return nb
