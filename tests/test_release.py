"""The release step: real nbgrader makes student notebooks with no solution or hidden test."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from nbformat import NotebookNode
from notebook_factory import answer, autotest, code, make_notebook, write_notebook, written

from grader.content.reader import load_catalogue
from grader.release.assignment import ReleaseError, leak_markers, release_exercise, release_notebook

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PARKING = FIXTURES / "release" / "parking-fines.ipynb"
GOOD_REPO = FIXTURES / "catalogue" / "good"

# Text that is in the instructor notebook and must not be in the student one.
SECRETS = (
    'counts[row["street"]] = counts.get(row["street"], 0) + 1',  # solution region
    "fines_per_street([]) == {}",  # hidden test
    "assert sum(counts.values()) == len(rows)",  # hidden test
    "because it has the most notices per day",  # model written answer
    "One mark for naming the street",  # mark scheme
    "BEGIN SOLUTION",
    "HIDDEN TESTS",
)


def normalised(nb: NotebookNode) -> str:
    """The notebook as text without volatile fields (cell ids), for golden comparison."""
    nb = copy.deepcopy(nb)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    return nbformat.writes(nb) + "\n"


def all_text(nb: NotebookNode) -> str:
    return nbformat.writes(nb)


def test_student_notebook_matches_golden(golden: Callable[[str, str], None]) -> None:
    golden("release/parking-fines.student.ipynb", normalised(release_notebook(PARKING)))


def test_no_solution_hidden_test_or_model_answer_in_student_notebook() -> None:
    instructor = PARKING.read_text(encoding="utf-8")
    student = all_text(release_notebook(PARKING))
    for secret in SECRETS:
        assert secret.replace('"', '\\"') in instructor or secret in instructor, secret
        assert secret not in student and secret.replace('"', '\\"') not in student, secret
    sources = [c.source for c in release_notebook(PARKING).cells]
    assert "def fines_per_street(rows):\n    # YOUR CODE HERE\n    raise NotImplementedError()" \
        in sources
    assert "YOUR ANSWER HERE" in sources


def test_visible_tests_and_instructions_are_kept() -> None:
    student = release_notebook(PARKING)
    sources = "\n".join(c.source for c in student.cells)
    assert 'assert counts["Camden High Street"] == 2' in sources
    assert "Write `fines_per_street(rows)`" in sources
    assert [c.get("id") for c in student.cells] == [
        c.get("id") for c in nbformat.read(PARKING, as_version=4).cells
    ]


def test_release_leaves_the_source_untouched(tmp_path: Path) -> None:
    source = tmp_path / "copy.ipynb"
    shutil.copyfile(PARKING, source)
    before = source.read_bytes()
    release_notebook(source)
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.ipynb"]


def test_release_does_not_need_the_venv_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert release_notebook(PARKING).cells


def test_leak_markers_are_distinctive_and_absent_from_the_student_version() -> None:
    markers = leak_markers(PARKING)
    assert markers == [
        'counts[row["street"]] = counts.get(row["street"], 0) + 1',
        "# Message: Check your answer against the task again.",
        'assert fines_per_street([]) == {}, "an empty list of notices gives an empty dictionary"',
        "assert sum(counts.values()) == len(rows)",
        "One mark for naming the street with the most notices; one for a reason based on the "
        "data.",
        "Camden High Street, because it has the most notices per day in this sample.",
    ]
    student = "\n".join(c.source for c in release_notebook(PARKING).cells)
    assert not [m for m in markers if m in student]


def test_leak_markers_of_an_in_memory_notebook() -> None:
    nb = make_notebook(
        code("total_fines_in_camden = 0"),
        answer("a1", "total_fines_in_camden = 42  # the answer", before="# set the total"),
        autotest("t1", "assert total_fines_in_camden", hidden="assert total_fines_in_camden == 42"),
        written("w1", "short"),
    )
    assert leak_markers(nb) == [
        "total_fines_in_camden = 42  # the answer",
        "# Message: Check your answer against the task again.",
        "assert total_fines_in_camden == 42",
    ]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (
            (code("### BEGIN SOLUTION\nx = 1\n### END SOLUTION"), autotest("t1", "assert x")),
            "Solution region detected in a non-solution cell; please make sure all solution "
            "regions are within solution cells.",
        ),
        (
            (answer("a1", "x = 1"), autotest("a1", "assert x")),
            "Duplicate grade id: a1; Notebook failed to validate; the nbgrader metadata may be "
            "corrupted.",
        ),
    ],
)
def test_nbgrader_refusals_name_the_file(
    tmp_path: Path, cells: tuple[NotebookNode, ...], message: str
) -> None:
    path = write_notebook(tmp_path / "bad.ipynb", *cells)
    with pytest.raises(ReleaseError) as info:
        release_notebook(path)
    assert str(info.value) == f"{path}: nbgrader could not make the student version: {message}"


def test_missing_and_unreadable_notebooks(tmp_path: Path) -> None:
    with pytest.raises(ReleaseError, match=r"nope\.ipynb: the notebook does not exist$"):
        release_notebook(tmp_path / "nope.ipynb")
    (tmp_path / "bad.ipynb").write_text("{not json")
    with pytest.raises(ReleaseError, match=r"bad\.ipynb: not a readable notebook"):
        release_notebook(tmp_path / "bad.ipynb")


def test_release_exercise_writes_notebook_and_real_dataset_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(GOOD_REPO, repo, symlinks=True)
    assert (repo / "exercises/fines-count/fines.csv").is_symlink()
    catalogue = load_catalogue(repo)
    ex = catalogue.exercises["fines-count"]
    dest = tmp_path / "site-contents"
    (dest / "fines-count").mkdir(parents=True)
    (dest / "fines-count" / "stale.csv").write_text("old")

    out = release_exercise(catalogue, ex, dest)

    assert out == dest / "fines-count"
    assert sorted(p.name for p in out.iterdir()) == ["fines-count.ipynb", "fines.csv"]
    assert not (out / "fines.csv").is_symlink()
    assert (out / "fines.csv").read_text() == (repo / "datasets/fines.csv").read_text()
    text = (out / "fines-count.ipynb").read_text()
    assert "YOUR CODE HERE" in text and "counts.get(" not in text


def test_release_exercise_refuses_to_write_over_its_sources(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(GOOD_REPO, repo, symlinks=True)
    catalogue = load_catalogue(repo)
    with pytest.raises(ReleaseError, match="refusing to release an exercise over its own"):
        release_exercise(catalogue, catalogue.exercises["fines-count"], repo / "exercises")
    assert (repo / "exercises/fines-count/fines-count.ipynb").is_file()
