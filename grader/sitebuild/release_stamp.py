"""Which release of a notebook the browser holds: a fingerprint in the notebook's metadata.

JupyterLite keeps a learner's copy in the browser and shows it instead of the site's file,
so a newer release would stay hidden behind an old copy. Every notebook the site ships
carries `metadata.academy.release`, a fingerprint of its cells; the copy JupyterLite saves
keeps the metadata it was opened with. `docs/assets/js/keep.js` compares the two and offers
the new release, keeping the learner's answers where the cells' nbgrader `grade_id` match.
"""

from __future__ import annotations

import copy
import hashlib
import json

from nbformat import NotebookNode

#: `metadata[ACADEMY_KEY][RELEASE_KEY]` holds the fingerprint (docs/assets/js/keep.js reads it).
ACADEMY_KEY = "academy"
RELEASE_KEY = "release"


def release_fingerprint(nb: NotebookNode) -> str:
    """16 hex digits over every cell's type, nbgrader id and source: what a learner sees."""
    cells = [
        [cell.cell_type, cell.get("metadata", {}).get("nbgrader", {}).get("grade_id"), cell.source]
        for cell in nb.cells
    ]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()[:16]


def with_release_stamp(nb: NotebookNode) -> NotebookNode:
    """A copy of `nb` with its release fingerprint in `metadata.academy.release`."""
    nb = copy.deepcopy(nb)
    nb.metadata[ACADEMY_KEY] = {RELEASE_KEY: release_fingerprint(nb)}
    return nb
