"""`grader autograde --json`: one JSON object per submission, in input order."""

from __future__ import annotations

import json

import pytest
from autograde_corpus import SOURCE, SUBMISSIONS
from click.testing import CliRunner

from grader.cli import main

REQUIRED = {"submission", "status", "score", "max_score", "needs_manual_grading", "flags",
            "reason", "cells"}


@pytest.mark.slow
def test_json_lines_in_input_order(tmp_path) -> None:  # type: ignore[no-untyped-def]
    names = ["reject_not_json.ipynb", "ex (1).ipynb", "reject_duplicate_id.ipynb",
             "honest_partial.ipynb"]
    paths = [str(SUBMISSIONS / n) for n in names] + [str(tmp_path / "missing.ipynb")]
    result = CliRunner().invoke(
        main, ["autograde", "--json", "--workers", "2", "--feedback-dir", str(tmp_path / "fb"),
               str(SOURCE), *paths])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["submission"] for line in lines] == paths
    assert all(REQUIRED <= set(line) for line in lines)
    assert [line["status"] for line in lines] == [
        "rejected", "graded", "rejected", "graded", "rejected"]
    assert [line["score"] for line in lines] == [None, 4, None, 3, None]
    assert all(line["max_score"] == 5 for line in lines)
    assert lines[1]["cells"][0] == {"grade_id": "test_squares", "score": 2.0, "max_score": 2.0,
                                    "kind": "autograded", "hidden": False, "message": ""}
    assert all(line["reason"] for line in lines if line["status"] == "rejected")
    assert sorted(p.name for p in (tmp_path / "fb").iterdir()) == [
        "ex (1).html", "honest_partial.html"]


def test_help_text() -> None:
    result = CliRunner().invoke(main, ["autograde", "--help"])
    assert result.exit_code == 0 and "--unsafe-no-sandbox" in result.output
