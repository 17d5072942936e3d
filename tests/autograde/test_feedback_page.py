"""The learner's feedback page: sanitised learner output; hidden tests show only the
author's learner-safe message, never their code or values."""

from __future__ import annotations

import pytest
from autograde_corpus import SOURCE

from grader.autograde import CellResult, autograde
from grader.autograde.feedback import render, sanitise, with_tutor_marks

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


HIDDEN_CELL = ("assert isinstance(squares(2), list)\n### BEGIN HIDDEN TESTS\n"
               "# Message: Check the last square of a longer list.\n"
               "assert squares(10)[-1] == 100\n### END HIDDEN TESTS")


def _failed_cell(traceback: list[str], evalue: str = ""):  # type: ignore[no-untyped-def]
    from nbformat.v4 import new_code_cell, new_output

    cell = new_code_cell(HIDDEN_CELL)
    cell.outputs = [new_output("error", ename="AssertionError", evalue=evalue,
                               traceback=traceback)]
    return cell


def test_hidden_failure_gets_the_authors_message_only() -> None:
    from grader.autograde.score import hidden_cell_message

    hidden = _failed_cell(["\x1b[0;31m----> 4\x1b[0m assert squares(10)[-1] == 100"],
                          evalue="100 != 81")
    assert hidden_cell_message(hidden, trusted_kernel=True) == (
        "Check the last square of a longer list.")
    visible = _failed_cell(["----> 1 assert isinstance(squares(2), list)"])
    assert hidden_cell_message(visible, trusted_kernel=True) == (
        "AssertionError: assert isinstance(squares(2), list)")
    # A forged traceback pointing at a visible line cannot bring out hidden values.
    forged = _failed_cell(["----> 1 assert squares(10)[-1] == 100"], evalue="100 != 81")
    assert hidden_cell_message(forged, trusted_kernel=False) == (
        "Check the last square of a longer list.")
    assert hidden_cell_message(_failed_cell(["no frame shown"], evalue="81"),
                               trusted_kernel=True) == "Check the last square of a longer list."


def test_feedback_page_shows_a_hidden_message() -> None:
    cells = (CellResult("test_squares_hidden", 0.0, 1.0, hidden=True,
                        message="Check the last square of a longer list."),)
    page = render("ex.ipynb", cells, 0.0)
    assert "Check the last square of a longer list." in page and "Not passed" in page


@pytest.mark.slow
def test_real_hidden_failures_show_the_authors_message(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import nbformat

    from grader.autograde import GradingOptions, autograde_many

    answers = {
        "short": "def squares(n):\n    return [i * i for i in range(1, min(n, 5) + 1)]",
        "tuple": "def squares(n):\n    return tuple(i * i for i in range(1, n + 1))",
    }
    paths = []
    for name, code in answers.items():
        nb = nbformat.read(SOURCE.parent.parent / "submissions" / "honest_correct.ipynb", 4)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == "squares":
                cell.source = code
        paths.append(tmp_path / f"{name}.ipynb")
        nbformat.write(nb, paths[-1])
    short, as_tuple = autograde_many(SOURCE, paths, options=GradingOptions(workers=2))
    cell = {c.grade_id: c for c in short.cells}["test_squares_hidden"]
    assert (cell.score, cell.message) == (0.0, "Check your answer against the task again.")
    assert "squares(10)" not in short.feedback_html and "== 100" not in short.feedback_html
    assert "Check your answer against the task again." in short.feedback_html
    cell = {c.grade_id: c for c in as_tuple.cells}["test_squares_hidden"]
    assert cell.score == 0.0 and "isinstance(squares(2), list)" in cell.message


def test_the_tutor_note_says_marked_once_the_marks_are_released() -> None:
    cells = (CellResult("test_a", 1.0, 1.0),
             CellResult("answer-why", None, 2.0, kind="manual"),
             CellResult("answer-limits", None, 2.5, kind="manual"))
    page = render("report.ipynb", cells, 1.0)
    assert "Your tutor will mark the other 4.5 points." in page
    marked = with_tutor_marks(page, "<h2>Your tutor's marks</h2>")
    assert "will mark" not in marked
    assert "Your tutor has marked the other 4.5 points: their marks are below." in marked
    assert marked.index("Your tutor's marks") < marked.index("</body>")
