"""grader.lite.jupyterlite: the cache key, the cached rebuild, the configuration the site
ships with."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from lite_support import CACHE_DIR, CELLS, write_contents

from grader.lite import jupyterlite as lite
from grader.lite.jupyterlite import (
    DEFAULT_PYODIDE_CORE,
    KERNEL_PLUGIN,
    STORAGE_NAME,
    LiteBuild,
    LiteBuildError,
    build_lite,
    cache_key,
    notebook_url,
)
from grader.lite.settings import DISABLED_PLUGINS, EXTENSION_NAME


def key(contents: Path) -> str:
    return cache_key(contents, pyodide_core=DEFAULT_PYODIDE_CORE)


def test_cache_key_changes_when_contents_change_and_not_otherwise(tmp_path: Path) -> None:
    contents = write_contents(tmp_path / "a", *CELLS)
    first = key(contents)
    assert key(contents) == first
    same = write_contents(tmp_path / "b", *CELLS)  # same tree, other folder, other mtimes
    os.utime(same / "tiny-01" / "data.csv", (1, 1))
    assert key(same) == first

    csv = contents / "tiny-01" / "data.csv"
    csv.write_text(csv.read_text("utf-8") + "Barnet,389300\n", "utf-8")
    assert key(contents) != first
    csv.unlink()
    assert key(contents) != first

    renamed = write_contents(tmp_path / "c", *CELLS)
    (renamed / "tiny-01").rename(renamed / "tiny-02")
    assert key(renamed) != first


def test_cache_key_covers_the_pyodide_files(tmp_path: Path) -> None:
    contents = write_contents(tmp_path / "a", *CELLS)
    fake_core = tmp_path / "fake-pyodide-core"
    fake_core.mkdir()
    assert cache_key(contents, pyodide_core=fake_core) != key(contents)


def test_missing_contents_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(LiteBuildError, match="nowhere: the contents folder does not exist"):
        build_lite(tmp_path / "nowhere", tmp_path / "out", cache_dir=tmp_path / "cache")


def test_tampered_pyodide_core_fails_the_build(tmp_path: Path) -> None:
    """A FAKE copy of node_modules/pyodide with one byte changed in the wasm file."""
    core = tmp_path / "pyodide"
    core.mkdir()
    for name in (*lite.versions.PYODIDE_CORE_SHA256, "package.json"):
        (core / name).write_bytes((DEFAULT_PYODIDE_CORE / name).read_bytes())
    with (core / "pyodide.asm.wasm").open("r+b") as wasm:
        wasm.seek(100)
        byte = wasm.read(1)
        wasm.seek(100)
        wasm.write(bytes([byte[0] ^ 1]))
    contents = write_contents(tmp_path / "contents", *CELLS)
    with pytest.raises(LiteBuildError, match=r"pyodide/pyodide.asm.wasm: sha256 does not match"):
        build_lite(contents, tmp_path / "out", cache_dir=tmp_path / "cache", pyodide_core=core)
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_contents_file_jupyterlite_would_skip_is_named(tmp_path: Path) -> None:
    contents = write_contents(tmp_path / "contents", *CELLS)
    (contents / "tiny-01" / "lib").mkdir()
    (contents / "tiny-01" / "lib" / "helpers.py").write_text("X = 1\n", "utf-8")
    with pytest.raises(LiteBuildError, match=r"tiny-01/lib/helpers.py: left out of the"):
        build_lite(contents, tmp_path / "out", cache_dir=CACHE_DIR)


@pytest.mark.slow
def test_failing_jupyter_lite_build_is_reported_with_its_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = (*lite.BUILD_OPTIONS, "--app-archive", "no-such-app.tgz")
    monkeypatch.setattr(lite, "BUILD_OPTIONS", broken)
    contents = write_contents(tmp_path / "contents", *CELLS)
    cache = tmp_path / "cache"
    (cache / "downloads").mkdir(parents=True)
    for wheel in (CACHE_DIR / "downloads").glob("*.whl"):  # reuse the session's downloads
        (cache / "downloads" / wheel.name).symlink_to(wheel)
    (CACHE_DIR / "pyodide").mkdir(parents=True, exist_ok=True)
    (cache / "pyodide").symlink_to(CACHE_DIR / "pyodide")  # and its compiled Pyodide
    with pytest.raises(LiteBuildError, match=r"\.failed\.log: jupyter lite build failed") as caught:
        build_lite(contents, tmp_path / "out", cache_dir=cache)
    log_path = Path(str(caught.value).split(":", 1)[0])
    assert log_path.is_file() and "no-such-app.tgz" in log_path.read_text("utf-8")
    assert [p.name for p in (cache / "lite").iterdir()] == [log_path.name]  # no partial left


def test_out_dir_that_is_not_a_lite_build_is_not_replaced(
    lite_build: LiteBuild, tmp_path: Path
) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(LiteBuildError, match="precious: exists and is not a JupyterLite build"):
        lite._copy_out(lite_build.cache_path, precious)
    assert (precious / "notes.txt").read_text("utf-8") == "mine"


@pytest.mark.slow
def test_second_build_with_same_inputs_is_a_quick_cache_hit(
    lite_build: LiteBuild, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_run(*args: object) -> None:
        raise AssertionError("jupyter lite build ran on a cache hit")

    monkeypatch.setattr(lite, "_run_jupyter_lite", must_not_run)
    contents = write_contents(tmp_path / "contents", *CELLS)
    out_dir = tmp_path / "site" / "lite"
    started = time.perf_counter()
    again = build_lite(contents, out_dir, cache_dir=CACHE_DIR)
    assert again.cache_hit
    assert again.cache_key == lite_build.cache_key
    assert time.perf_counter() - started < 15
    assert (out_dir / "notebooks" / "index.html").is_file()
    assert (out_dir / "files" / "tiny-01" / "data.csv").is_file()
    assert again.size_bytes == lite_build.size_bytes


@pytest.mark.slow
def test_site_config_pins_storage_self_hosted_pyodide_and_no_pypi(lite_build: LiteBuild) -> None:
    config = json.loads((lite_build.path / "jupyter-lite.json").read_text("utf-8"))
    data = config["jupyter-config-data"]
    assert data["contentsStorageName"] == STORAGE_NAME == "camden-data-academy"
    kernel = data["litePluginSettings"][KERNEL_PLUGIN]
    assert re.fullmatch(r"\./static/pyodide/[0-9a-f]{12}/pyodide\.js", kernel["pyodideUrl"])
    assert {"pandas", "ipython"} <= set(kernel["loadPyodideOptions"]["packages"])
    assert "matplotlib" not in kernel["loadPyodideOptions"]["packages"], "loaded on import"
    assert kernel["disablePyPIFallback"] is True
    assert all(url.startswith("./") for url in kernel["pipliteUrls"])
    assert data["settingsOverrides"]["@jupyter-notebook/application-extension:top"] == {
        "visible": "no"
    }
    extensions = [e["name"] for e in data["federated_extensions"]]
    # No nbgrader UI: the kernel's extension and the academy's own (grader/lite/settings.py).
    assert sorted(extensions) == [EXTENSION_NAME, "@jupyterlite/pyodide-kernel-extension"]
    assert set(DISABLED_PLUGINS) <= set(data["disabledExtensions"])
    toolbar = data["settingsOverrides"]["@jupyterlab/notebook-extension:panel"]["toolbar"]
    assert {item["name"] for item in toolbar if item["disabled"]} == {"kernelName", "scrollbar"}
    assert (lite_build.path / "pypi" / "comm-0.2.3-py3-none-any.whl").is_file()
    assert not list(lite_build.path.rglob("*.map"))
    assert (lite_build.path / "notebooks" / "index.html").is_file()
    url = notebook_url("tiny-01/explore.ipynb")
    assert url == "notebooks/index.html?path=tiny-01/explore.ipynb"
