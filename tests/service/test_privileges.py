"""Which directories the web server's account cannot enter on the way to what it reads."""

from __future__ import annotations

import os
from pathlib import Path

from grader.service.privileges import Account, can_enter, closed_directories

WEB = Account(uid=64_999, gid=64_999, name="web", home="/nonexistent")


def inside(closed: dict[Path, set[str]], root: Path) -> dict[Path, set[str]]:
    """Only what is under `root` (pytest's own temporary folders are closed, 0700)."""
    return {d: names for d, names in closed.items() if d == root or root in d.parents}


def test_a_closed_directory_is_found_with_the_entry_that_leads_on(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "python" / "lib").mkdir(parents=True)
    (home / "secrets").mkdir()
    os.chmod(tmp_path, 0o755)
    os.chmod(home, 0o700)
    assert can_enter(tmp_path, WEB) and not can_enter(home, WEB)
    closed = inside(closed_directories([home / "python" / "lib", tmp_path], WEB), tmp_path)
    assert closed == {home: {"python"}}   # only the way to the library, not `secrets`


def test_an_open_path_needs_nothing(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    os.chmod(tmp_path, 0o755)
    assert inside(closed_directories([tmp_path / "site"], WEB), tmp_path) == {}


def test_the_owner_and_group_bits_count_for_the_account(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir(mode=0o700)
    owner = Account(uid=os.stat(mine).st_uid, gid=64_999, name="owner", home="/")
    assert can_enter(mine, owner) and not can_enter(mine, WEB)
