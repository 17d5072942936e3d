"""The release fingerprint that lets an exercise page offer a newer notebook (keep.js)."""

from __future__ import annotations

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.sitebuild.release_stamp import (
    ACADEMY_KEY,
    RELEASE_KEY,
    release_fingerprint,
    with_release_stamp,
)


def make_notebook(*sources: str) -> object:
    cells = [new_markdown_cell("# Task", id="intro")]
    for n, source in enumerate(sources):
        cell = new_code_cell(source, id=f"cell-{n}")
        cell.metadata["nbgrader"] = {"grade_id": f"answer-{n}", "solution": True}
        cells.append(cell)
    return new_notebook(cells=cells)


def test_stamp_is_on_a_copy_and_follows_what_a_learner_sees() -> None:
    nb = make_notebook("x = 1")
    stamped = with_release_stamp(nb)  # type: ignore[arg-type]
    assert ACADEMY_KEY not in nb.metadata  # type: ignore[attr-defined]
    stamp = stamped.metadata[ACADEMY_KEY][RELEASE_KEY]
    assert len(stamp) == 16
    assert stamp == release_fingerprint(make_notebook("x = 1"))  # type: ignore[arg-type]
    assert stamp != release_fingerprint(make_notebook("x = 2"))  # type: ignore[arg-type]
    renamed = make_notebook("x = 1")
    renamed.cells[1].metadata["nbgrader"]["grade_id"] = "another"  # type: ignore[attr-defined]
    assert stamp != release_fingerprint(renamed)  # type: ignore[arg-type]
    # Stamping again gives the same stamp: the stamp itself is not part of the fingerprint.
    assert with_release_stamp(stamped).metadata[ACADEMY_KEY][RELEASE_KEY] == stamp
