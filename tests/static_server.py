"""Serve a built site (or a JupyterLite build) on 127.0.0.1 from a thread, for browser tests,
and record what the browser asked for.

One handler for every test folder: the MIME types JupyterLite and Pyodide need (a wrong type
for .wasm or .mjs stops the kernel from starting), and no request logging. `RequestLog`
lets a test fail on any request to a host other than 127.0.0.1.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

LOCAL_HOST = "127.0.0.1"


class _Handler(SimpleHTTPRequestHandler):
    """Static files with the MIME types JupyterLite and Pyodide need; quiet."""

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".wasm": "application/wasm",
        ".whl": "application/zip",
        ".zip": "application/zip",
        ".ipynb": "application/json",
        ".csv": "text/csv",
        ".webmanifest": "application/manifest+json",
    }

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` until the generator is closed; yield its base URL (ending in /)."""
    server = ThreadingHTTPServer((LOCAL_HOST, 0), partial(_Handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class RequestLog:
    """Every URL a browser context asked for, and those that failed."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.failed: list[str] = []

    def record(self, request: Any) -> None:
        self.urls.append(request.url)

    def record_failure(self, request: Any) -> None:
        self.failed.append(f"{request.url} ({request.failure})")

    def record_response(self, response: Any) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url} (HTTP {response.status})")

    def foreign(self) -> list[str]:
        """Requests to any host but 127.0.0.1 (data:, blob: and about: URLs are local)."""
        return [
            u for u in self.urls
            if urlsplit(u).scheme not in ("data", "blob", "about")
            and urlsplit(u).hostname != LOCAL_HOST
        ]  # fmt: skip
