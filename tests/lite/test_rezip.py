"""grader.lite.rezip: deterministic zips and RECORD rows for added files, on FAKE archives."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from lite_support import FAKE_RECORD, make_zip

from grader.lite.rezip import ZIP_DATE, record_hash, rewrite_record, write_zip


def unpack(archive: Path, tree: Path) -> Path:
    with zipfile.ZipFile(archive) as source:
        source.extractall(tree)
    return tree


def test_rezip_is_sorted_dated_once_and_the_same_bytes_twice(tmp_path: Path) -> None:
    original = make_zip(
        tmp_path / "in.zip", {"pkg/": b"", "pkg/b.py": b"B = 2\n", "a.py": b"A = 1\n"}
    )
    tree = unpack(original, tmp_path / "tree")
    (tree / "a.pyc").write_bytes(b"fake pyc")
    write_zip(original, tree, tmp_path / "one.zip")
    (tmp_path / "tree").rename(tmp_path / "moved")  # another folder, other mtimes
    write_zip(original, tmp_path / "moved", tmp_path / "two.zip")
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.zip") as written:
        infos = written.infolist()
        assert [i.filename for i in infos] == ["a.py", "a.pyc", "pkg/", "pkg/b.py"]
        assert {i.date_time for i in infos} == {ZIP_DATE}
        assert written.read("pkg/b.py") == b"B = 2\n"


def test_record_lists_the_pycs_without_hash_and_rehashes_changed_files(tmp_path: Path) -> None:
    (tmp_path / "fakemod").mkdir()
    (tmp_path / "fakemod" / "data.json").write_text('{"new": 1}', "utf-8")
    record = (
        "fakemod/__init__.py,sha256=abc,10\n"
        "fakemod/data.json,sha256=old,3\n"
        f"{FAKE_RECORD},,\n"
    )  # fmt: skip
    added = ["fakemod/__pycache__/__init__.cpython-312.pyc"]
    rows = list(csv.reader(io.StringIO(
        rewrite_record(record, tmp_path, added=added, changed={"fakemod/data.json"})
    )))  # fmt: skip
    assert rows == [
        ["fakemod/__init__.py", "sha256=abc", "10"],
        ["fakemod/data.json", record_hash(b'{"new": 1}'), "10"],
        ["fakemod/__pycache__/__init__.cpython-312.pyc", "", ""],
        [FAKE_RECORD, "", ""],
    ]
