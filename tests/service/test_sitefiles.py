"""The course site served from the service's origin, with a policy fitting each part."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

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
