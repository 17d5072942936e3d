"""The record of exercises that passed grading: keyed by everything that can change it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.checks import cache as check_cache


def make_exercise(root: Path) -> Path:
    folder = root / "exercises" / "ex"
    folder.mkdir(parents=True)
    (root / "data.csv").write_text("a\n1\n")
    (folder / "data.csv").symlink_to(root / "data.csv")
    notebook = folder / "ex.ipynb"
    notebook.write_text("{}")
    return notebook


def test_key_is_stable_and_follows_every_file(tmp_path: Path) -> None:
    notebook = make_exercise(tmp_path)
    key = check_cache.exercise_key(notebook)
    assert check_cache.exercise_key(notebook) == key
    (tmp_path / "data.csv").write_text("a\n2\n")  # through the symlink
    changed_data = check_cache.exercise_key(notebook)
    assert changed_data != key
    (notebook.parent / "extra.txt").write_text("x")
    assert check_cache.exercise_key(notebook) not in {key, changed_data}


def test_key_changes_with_the_grading_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "grader"
    shutil.copytree(check_cache.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("service"))
    notebook = make_exercise(tmp_path / "repo")
    monkeypatch.setattr(check_cache, "PACKAGE_DIR", package)
    check_cache.code_fingerprint.cache_clear()
    before = check_cache.exercise_key(notebook)
    with (package / "autograde" / "score.py").open("a") as f:
        f.write("\n# a change to scoring\n")
    check_cache.code_fingerprint.cache_clear()
    try:
        assert check_cache.exercise_key(notebook) != before
    finally:
        check_cache.code_fingerprint.cache_clear()


def test_record_and_look_up_a_pass(tmp_path: Path) -> None:
    assert not check_cache.has_passed(tmp_path, "abc")
    check_cache.record_pass(tmp_path, "abc")
    assert check_cache.has_passed(tmp_path, "abc")
    assert not check_cache.has_passed(tmp_path, "abd")
