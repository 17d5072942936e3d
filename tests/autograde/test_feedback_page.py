"""The learner's feedback page: sanitised learner output, hidden tests as pass/fail only."""

from __future__ import annotations

import pytest
from autograde_corpus import SOURCE

from grader.autograde import CellResult, autograde
from grader.autograde.feedback import render, sanitise

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<iframe src="https://evil.example"></iframe>',
    '<a href="javascript:alert(1)">click</a>',
    "<svg onload=alert(1)>",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_learner_output_is_sanitised(attack: str) -> None:
    cells = (CellResult("test_a", 0.0, 1.0, message=f"AssertionError: {attack}"),)
    page = render("ex.ipynb", cells, 0.0).lower()
    for bad in ("<script", "onerror=", "<iframe", "javascript:", "<svg", "onload="):
        assert bad not in page.replace("&lt;", "")


def test_sanitise_keeps_text_readable() -> None:
    assert sanitise("x < 3 and y > 2") == "x &lt; 3 and y &gt; 2"


def test_hidden_tests_show_only_pass_or_fail() -> None:
    cells = (CellResult("secret", 0.0, 1.0, hidden=True, message="assert squares(10) == 100"),)
    page = render("ex.ipynb", cells, 0.0)
    assert "squares(10)" not in page and "Not passed" in page


@pytest.mark.slow
def test_feedback_of_a_real_submission_hides_hidden_tests(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import nbformat

    nb = nbformat.read(SOURCE.parent.parent / "submissions" / "honest_wrong.ipynb", 4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "squares":
            cell.source = ("def squares(n):\n    print('<script>alert(1)</script>'"
                           " '<a href=\"javascript:x\">x</a>')\n    raise AssertionError("
                           "'<img src=x onerror=alert(1)><iframe src=y>')")
    path = tmp_path / "attack.ipynb"
    nbformat.write(nb, path)
    result = autograde(SOURCE, path)
    page = result.feedback_html.lower()
    assert "test_squares" in page and "not passed" in page
    for bad in ("<script", "onerror=", "<iframe", "javascript:"):
        assert bad not in page
    assert "hidden tests" not in page and "squares(10)" not in page and "== 100" not in page
    assert len(result.feedback_html) < 20_000
