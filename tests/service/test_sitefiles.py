"""The course site served from the service's origin, with a policy fitting each part."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from django.test import Client

from grader.lite.jupyterlite import PYODIDE_DIR, compress_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(tmp_path: Path, settings) -> Path:  # noqa: ANN001
    (tmp_path / "lite" / "notebooks").mkdir(parents=True)
    (tmp_path / "index.html").write_text("<h1>Home</h1>")
    (tmp_path / "lite" / "notebooks" / "index.html").write_text("<h1>Notebook</h1>")
    (tmp_path / "lite" / "pyodide.asm.wasm").write_bytes(b"\0asm")
    (tmp_path / "lite" / "kernel.mjs").write_text("export {}")
    (tmp_path / "lite" / "micropip.whl").write_bytes(b"PK")
    settings.WHITENOISE_ROOT = tmp_path
    return tmp_path


def test_index_pages_are_served_not_redirected(site: Path) -> None:
    client = Client()
    # JupyterLite loads lite/notebooks/index.html by that name: a redirect stops its kernel.
    for url in ("/lite/notebooks/index.html", "/lite/notebooks/", "/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert b"Notebook" in b"".join(client.get("/lite/notebooks/index.html").streaming_content)


def test_webassembly_and_modules_have_their_types(site: Path) -> None:
    client = Client()
    assert client.get("/lite/pyodide.asm.wasm")["Content-Type"] == "application/wasm"
    assert client.get("/lite/kernel.mjs")["Content-Type"].startswith("text/javascript")
    assert client.get("/lite/micropip.whl")["Content-Type"] == "application/zip"


def test_each_part_of_the_site_gets_its_own_policy(site: Path) -> None:
    client = Client()
    home = client.get("/")
    lite = client.get("/lite/notebooks/")
    api = client.get("/api/v1/session")
    assert "'unsafe-eval'" not in home["Content-Security-Policy"]
    assert "'unsafe-eval'" in lite["Content-Security-Policy"]
    assert "'wasm-unsafe-eval'" in lite["Content-Security-Policy"]
    assert "script-src 'self';" in api["Content-Security-Policy"]
    for response in (home, lite, api):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "Access-Control-Allow-Origin" not in response


def test_only_files_whose_url_names_their_content_are_immutable(site: Path) -> None:
    """A year's caching for the versioned Pyodide folder, wheels and hashed JupyterLite code;
    WhiteNoise's short max-age for pages, notebooks and configuration (docs/architecture.md)."""
    pyodide = site / "lite" / PYODIDE_DIR
    pyodide.mkdir(parents=True)
    (pyodide / "pyodide.asm.wasm").write_bytes(b"\0asm")
    (site / "lite" / "build").mkdir()
    (site / "lite" / "build" / "1053.6c533be.js").write_text("x")
    (site / "lite" / "pypi").mkdir()
    (site / "lite" / "pypi" / "comm-0.2.3-py3-none-any.whl").write_bytes(b"PK")
    (site / "lite" / "files" / "ex-01").mkdir(parents=True)
    (site / "lite" / "files" / "ex-01" / "ex-01.ipynb").write_text("{}")
    (site / "lite" / "jupyter-lite.json").write_text("{}")
    client = Client()
    immutable = (
        f"/lite/{PYODIDE_DIR}/pyodide.asm.wasm",
        "/lite/build/1053.6c533be.js",
        "/lite/pypi/comm-0.2.3-py3-none-any.whl",
    )
    for url in immutable:
        assert client.get(url)["Cache-Control"] == "max-age=315360000, public, immutable", url
    for url in (
        "/", "/lite/notebooks/index.html", "/lite/files/ex-01/ex-01.ipynb",
        "/lite/jupyter-lite.json", "/lite/pyodide.asm.wasm", "/lite/micropip.whl",
    ):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert "immutable" not in response.get("Cache-Control", ""), url


def test_precompressed_copies_are_served_to_browsers_that_accept_them(site: Path) -> None:
    wasm = site / "lite" / "pyodide.asm.wasm"
    wasm.write_bytes(b"\0asm" + bytes(4000))
    compress_files(site / "lite")
    client = Client()
    packed = client.get("/lite/pyodide.asm.wasm", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(packed.streaming_content)) == wasm.read_bytes()
    plain = client.get("/lite/pyodide.asm.wasm")
    assert "Content-Encoding" not in plain
    assert b"".join(plain.streaming_content) == wasm.read_bytes()
