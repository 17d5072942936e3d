"""Paths and limits of the autograder's test corpus (imported by the tests and conftest)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from grader.autograde import Limits

CORPUS = Path(__file__).resolve().parent / "corpus"
SOURCE = CORPUS / "source" / "squares.ipynb"
SUBMISSIONS = CORPUS / "submissions"
# Short limits so that the abuse cases finish quickly.
QUICK_LIMITS = Limits(cell_timeout=5, notebook_timeout=30)


def load_corpus_maker():  # type: ignore[no-untyped-def]
    """tests/autograde/corpus/make_corpus.py as a module (it is also a script)."""
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def total_answered_with(code: str, path: Path) -> Path:
    """The unanswered submission with `code` as the answer to `total` (which must still
    define `total()` returning 15): `test_total` scores 1 only if all of `code` ran cleanly."""
    import nbformat

    nb = nbformat.read(SUBMISSIONS / "honest_unanswered.ipynb", 4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "total":
            cell.source = code
    nbformat.write(nb, path)
    return path
