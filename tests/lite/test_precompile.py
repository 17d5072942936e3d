"""grader.lite.precompile: the compile in real Pyodide in Node on a FAKE wheel, errors that name
the archive and the file, the compiled folder's cache and the tags that cover the step (the
shipped folder itself is checked in test_pyodide_vendor.py)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from lite_support import FAKE_RECORD, make_zip, pyc_header

from grader.lite import jupyterlite as lite
from grader.lite import precompile, versions
from grader.lite.jupyterlite import DEFAULT_PYODIDE_CORE
from grader.lite.precompile import (
    PYC_MAGIC,
    PYC_UNCHECKED_HASH,
    compiled_pyodide,
    precompile_pyodide,
)
from grader.lite.pyodide_compile import is_skipped
from grader.lite.pyodide_vendor import LOCK_NAME, VendorError, sha256_file

WHEEL = "fakemod-1.0-py3-none-any.whl"


def test_tests_and_metadata_are_not_compiled() -> None:
    assert is_skipped(("pandas", "tests", "frame", "test_api.py"))
    assert is_skipped(("fakemod-1.0.dist-info", "x.py"))
    assert not is_skipped(("pandas", "core", "frame.py"))
    assert not is_skipped(("tests.py",))


def fake_pyodide(folder: Path, files: dict[str, bytes]) -> Path:
    """The real core files of node_modules/pyodide (linked: the step replaces a link, never
    writes through it) with a FAKE lock listing one FAKE pure-Python wheel holding `files`."""
    folder.mkdir()
    for name in versions.PYODIDE_CORE_SHA256:
        if name != LOCK_NAME:
            (folder / name).symlink_to(DEFAULT_PYODIDE_CORE / name)
    record = "".join(f"{name},,\n" for name in (*files, FAKE_RECORD)).encode()
    wheel = make_zip(folder / WHEEL, {**files, FAKE_RECORD: record})
    official = json.loads((DEFAULT_PYODIDE_CORE / LOCK_NAME).read_text("utf-8"))
    entry = {"name": "fakemod", "version": "1.0", "file_name": WHEEL, "install_dir": "site",
             "sha256": sha256_file(wheel), "package_type": "package", "imports": ["fakemod"],
             "depends": [], "unvendored_tests": False}  # fmt: skip
    lock = {"info": official["info"], "packages": {"fakemod": entry}}
    (folder / LOCK_NAME).write_text(json.dumps(lock), "utf-8")
    return folder


@pytest.mark.slow
def test_a_file_that_does_not_compile_is_named_with_its_archive(tmp_path: Path) -> None:
    folder = fake_pyodide(
        tmp_path / "pyodide",
        {"fakemod/__init__.py": b"X = 1\n", "fakemod/broken.py": b"def f(:\n    pass\n"},
    )
    before = (folder / WHEEL).read_bytes()
    with pytest.raises(VendorError) as caught:
        precompile_pyodide(folder)
    assert str(caught.value).startswith(
        f"{WHEEL}: fakemod/broken.py does not compile in Pyodide (SyntaxError"
    )
    assert (folder / WHEEL).read_bytes() == before  # nothing is changed on failure


@pytest.mark.slow
def test_a_fake_wheel_gets_unchecked_hash_pycs_listed_in_its_record(tmp_path: Path) -> None:
    folder = fake_pyodide(tmp_path / "pyodide", {"fakemod/__init__.py": b"X = {'a', 'b'}\n"})
    done = precompile_pyodide(folder)
    assert done.archives == ("fakemod-1.0-py3-none-any.whl", "python_stdlib.zip")
    assert done.fonts is None
    with zipfile.ZipFile(folder / WHEEL) as wheel:
        pyc = wheel.read("fakemod/__pycache__/__init__.cpython-312.pyc")
        record = wheel.read(FAKE_RECORD).decode()
    assert pyc_header(pyc) == (PYC_MAGIC, PYC_UNCHECKED_HASH)
    assert "fakemod/__pycache__/__init__.cpython-312.pyc,," in record.splitlines()
    lock = json.loads((folder / LOCK_NAME).read_text("utf-8"))
    assert lock["packages"]["fakemod"]["sha256"] == sha256_file(folder / WHEEL)
    with zipfile.ZipFile(folder / "python_stdlib.zip") as stdlib:
        assert stdlib.read("os.pyc")[:4] == PYC_MAGIC
        assert "email/parser.pyc" in stdlib.namelist()


def test_node_failing_to_start_pyodide_is_reported_with_its_output(tmp_path: Path) -> None:
    folder = fake_pyodide(tmp_path / "pyodide", {"fakemod/__init__.py": b"X = 1\n"})
    (folder / "pyodide.mjs").unlink()
    with pytest.raises(VendorError) as caught:
        precompile_pyodide(folder)
    message = str(caught.value)
    assert message.startswith("starting Pyodide: Node failed (exit status 1, precompile.mjs):")
    assert "pyodide.mjs" in message.splitlines()[-1]


def test_missing_node_is_named(tmp_path: Path) -> None:
    folder = fake_pyodide(tmp_path / "pyodide", {"fakemod/__init__.py": b"X = 1\n"})
    with pytest.raises(VendorError, match=r"precompile.mjs: cannot run Node"):
        precompile_pyodide(folder, node=str(tmp_path / "no-node"))


def test_the_pyodide_tag_and_the_cache_key_cover_the_compile_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert {precompile.SCRIPT, precompile.COMPILER, Path(precompile.__file__)} <= set(
        lite.PYODIDE_SOURCES
    )
    contents = tmp_path / "contents"
    contents.mkdir()
    tag, key = lite._pyodide_tag(), lite.cache_key(contents, pyodide_core=DEFAULT_PYODIDE_CORE)
    script = tmp_path / "precompile.mjs"
    script.write_text(precompile.SCRIPT.read_text("utf-8") + "// changed\n", "utf-8")
    sources = tuple(script if p == precompile.SCRIPT else p for p in lite.PYODIDE_SOURCES)
    monkeypatch.setattr(lite, "PYODIDE_SOURCES", sources)
    assert lite._pyodide_tag() != tag
    assert lite.cache_key(contents, pyodide_core=DEFAULT_PYODIDE_CORE) != key


def test_a_compiled_folder_in_the_cache_is_reused_without_node(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached = tmp_path / "pyodide" / "tag"
    cached.mkdir(parents=True)
    (cached / LOCK_NAME).write_text("{}", "utf-8")  # FAKE: stands for a compiled folder

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again on a cache hit")

    monkeypatch.setattr(precompile, "precompile_pyodide", must_not_run)
    downloads = tmp_path / "downloads"
    assert compiled_pyodide(cached, core_dir=DEFAULT_PYODIDE_CORE, downloads=downloads) == cached


def test_a_tampered_npm_package_is_refused_even_on_a_cache_hit(tmp_path: Path) -> None:
    cached = tmp_path / "pyodide" / "tag"
    cached.mkdir(parents=True)
    (cached / LOCK_NAME).write_text("{}", "utf-8")  # FAKE: stands for a compiled folder
    core = tmp_path / "core"
    shutil.copytree(DEFAULT_PYODIDE_CORE, core, ignore=shutil.ignore_patterns("*.map"))
    (core / "pyodide.asm.js").write_text("tampered", "utf-8")
    with pytest.raises(VendorError, match=r"core/pyodide.asm.js: sha256 does not match"):
        compiled_pyodide(cached, core_dir=core, downloads=tmp_path / "downloads")
