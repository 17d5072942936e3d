"""Serve a built site (or a JupyterLite build) on 127.0.0.1 from a thread, for browser tests.

One handler for every test folder: the MIME types JupyterLite and Pyodide need (a wrong type
for .wasm or .mjs stops the kernel from starting), and no request logging.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

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
