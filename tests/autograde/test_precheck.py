"""Bad files are rejected fast, with a reason a learner can act on, before anything runs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from autograde_corpus import SOURCE, SUBMISSIONS, load_corpus_maker

from grader.autograde import Limits
from grader.autograde.precheck import Rejected, precheck
from grader.autograde.source import load_instructor

REJECTS = ["reject_duplicate_id.ipynb", "reject_unknown_id.ipynb", "reject_deleted_test.ipynb",
           "reject_deep_json.ipynb", "reject_not_json.ipynb"]


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("large")
    maker = load_corpus_maker()
    maker.write_cases(maker.large_cases(maker.release(maker.instructor())), folder)
    return folder


@pytest.mark.parametrize("name", REJECTS)
def test_rejected_fast_with_reason(name: str) -> None:
    instructor = load_instructor(SOURCE)
    start = time.monotonic()
    with pytest.raises(Rejected) as caught:
        precheck(SUBMISSIONS / name, instructor, Limits())
    assert time.monotonic() - start < 0.5
    reason = str(caught.value)
    assert reason.endswith(".") and "Traceback" not in reason and len(reason) < 300


@pytest.mark.parametrize("name", ["reject_50k_cells.ipynb", "reject_huge_file.ipynb"])
def test_large_files_rejected_fast(large: Path, name: str) -> None:
    instructor = load_instructor(SOURCE)
    start = time.monotonic()
    with pytest.raises(Rejected, match="limit"):
        precheck(large / name, instructor, Limits())
    assert time.monotonic() - start < 0.5


def test_duplicate_id_reason_names_the_cell() -> None:
    with pytest.raises(Rejected, match="'test_squares' appears more than once"):
        precheck(SUBMISSIONS / "reject_duplicate_id.ipynb", load_instructor(SOURCE), Limits())


def test_renamed_file_is_accepted() -> None:
    nb = precheck(SUBMISSIONS / "ex (1).ipynb", load_instructor(SOURCE), Limits())
    assert len(nb.cells) == 7


def test_missing_file_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(Rejected, match="could not be read"):
        precheck(tmp_path / "nothing.ipynb", load_instructor(SOURCE), Limits())
