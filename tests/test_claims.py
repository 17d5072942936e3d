"""Claims: a sentence about the data is found in its file and its check runs on the data."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from grader.content.claims import ClaimsError, check_all, claims_files, load_claims, normalise

LESSON = """More deprived wards **tend to have** a higher share
of pupils on free school meals. About _a third_ of rows are blank.
"""


def make_repo(tmp_path: Path, claims: str) -> Path:
    (tmp_path / "courses" / "track").mkdir(parents=True)
    (tmp_path / "courses" / "track" / "lesson.md").write_text(LESSON)
    (tmp_path / "courses" / "track" / "claims.yml").write_text(claims)
    data = tmp_path / "datasets" / "data"
    data.mkdir(parents=True)
    (data / "toy.csv").write_text("ward,x,y\nA,1,2\nB,2,4\nC,3,7\nD,,1\n")
    nb = new_notebook(cells=[new_markdown_cell(
        "Model answer: 25% of x is blank.",
        metadata={"nbgrader": {"grade_id": "answer-x", "solution": True, "grade": True}})])
    (tmp_path / "exercises" / "ex").mkdir(parents=True)
    nbformat.write(nb, tmp_path / "exercises" / "ex" / "ex.ipynb")
    return tmp_path


def problems(tmp_path: Path, claims: str) -> list[str]:
    root = make_repo(tmp_path, claims)
    return [r.problem for r in check_all(root)]


def test_claims_that_hold(tmp_path: Path) -> None:
    assert problems(tmp_path, """
define:
  blank: toy["x"].isna().mean()
claims:
  - file: courses/track/lesson.md
    text: more deprived wards tend to have a higher share of pupils
    check: pearson(toy.x, toy.y) > 0.9
  - file: courses/track/lesson.md
    text: About a third of rows
    let: {share: blank}
    check: 0.2 <= share <= 0.4
  - file: exercises/ex/ex.ipynb
    cell: answer-x
    text: 25% of x is blank
    check: f"{blank:.0%}" == "25%"
  - file: exercises/ex/ex.ipynb
    text: 25% of x
    check: len(read("toy.csv", usecols=["ward"]).columns) == 1
""") == ["", "", "", ""]


def test_each_problem_is_named(tmp_path: Path) -> None:
    assert problems(tmp_path, """
claims:
  - file: courses/track/lesson.md
    text: less deprived wards
    check: "True"
  - file: courses/track/nothing.md
    text: anything
    check: "True"
  - file: exercises/ex/ex.ipynb
    cell: answer-y
    text: 25%
    check: "True"
  - file: courses/track/lesson.md
    text: About a third
    let:
      share: toy["x"].isna().mean()
    check: share > 0.3
  - file: courses/track/lesson.md
    text: About a third
    let:
      share: toy["nope"].mean()
    check: share > 0.3
""") == [
        "the text is not in courses/track/lesson.md any more: update the claim with the "
        "sentence",
        "names courses/track/nothing.md, which does not exist",
        "names cell 'answer-y', which exercises/ex/ex.ipynb does not have",
        "the check `share > 0.3` is false (share = np.float64(0.25))",
        "let 'share' raised KeyError: 'nope'",
    ]


def test_a_bad_file_is_named(tmp_path: Path) -> None:
    root = make_repo(tmp_path, "claims:\n  - file: x\n    text: abc\n    chek: 'True'\n")
    with pytest.raises(ClaimsError, match=r"^courses/track/claims.yml: claims\.0\.check"):
        load_claims(claims_files(root)[0], root)


def test_normalise_ignores_emphasis_and_line_breaks() -> None:
    assert normalise("A **b**\n  _c_ `d`") == "a b c d"
    assert normalise("la_name") == "la_name"
