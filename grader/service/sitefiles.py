"""Serving the static course site at `/` from the same origin as the service.

Caching: a file whose URL changes whenever its content changes is served as immutable
(`Cache-Control: max-age=315360000, public, immutable`: WhiteNoise's ten years), so a
repeat visit does not ask for it again; every other file (pages, notebooks,
`jupyter-lite.json`, the site's scripts) keeps WhiteNoise's short `max-age` and is checked
again. `IMMUTABLE_URL` says which URLs those are;
docs/architecture.md gives the same header set for any other static host.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from whitenoise import WhiteNoise
from whitenoise.middleware import WhiteNoiseMiddleware

#: JupyterLite fetches notebooks and wheels; give them types browsers accept.
MIMETYPES = {
    ".ipynb": "application/json",
    ".whl": "application/zip",
    ".webmanifest": "application/manifest+json",
}

#: URLs that name their content, so the content at them never changes:
#: - `lite/static/pyodide/<tag>/...`: the self-hosted Pyodide, in a folder named after every
#:   input that decides its files (`grader.lite.jupyterlite.PYODIDE_DIR`);
#: - `lite/.../<name>-<version>-<tags>.whl`: a wheel's file name carries its version (PEP 427),
#:   and a release's files are never replaced;
#: - `lite/build/<chunk>.<hash>.js` and `lite/extensions/<extension>/static/<chunk>.<hash>.js`:
#:   JupyterLite's and its kernel's code, named by webpack's content hash.
IMMUTABLE_URL = re.compile(
    r"^/lite/(?:"
    r"static/pyodide/[0-9a-f]{12}/[^/]+"
    r"|(?:[^/]+/)*[A-Za-z0-9_.]+-\d[^/-]*-[^/]+\.whl"
    r"|(?:build|extensions/.+/static)/(?:[^/]+/)*[^/]+\.[0-9a-f]{7,}\.js"
    r")$"
)


def immutable_file(path: str, url: str) -> bool:
    """WhiteNoise's `immutable_file_test`: True when `url` names its content."""
    return IMMUTABLE_URL.match(url) is not None


class _IndexFilesServed:
    """WhiteNoise, except that `dir/index.html` is served as well as `dir/`.

    WhiteNoise redirects `.../index.html` to `.../`; JupyterLite loads
    `lite/notebooks/index.html` and reads its configuration relative to that address, so
    the redirect stops the kernel from starting.
    """

    def add_file_to_dictionary(self, url: str, path: str, stat_cache: object = None) -> None:
        super().add_file_to_dictionary(url, path, stat_cache=stat_cache)  # type: ignore[misc]
        if (
            self.index_file is not None  # type: ignore[attr-defined]
            and url.endswith("/" + self.index_file)  # type: ignore[attr-defined]
            and not self.is_compressed_variant(path, stat_cache=stat_cache)  # type: ignore[attr-defined]
        ):
            self.files[url] = self.get_static_file(path, url, stat_cache=stat_cache)  # type: ignore[attr-defined]


class SiteFilesMiddleware(_IndexFilesServed, WhiteNoiseMiddleware):
    """The site's files for Django (settings: `WHITENOISE_*`)."""


class _SiteFiles(_IndexFilesServed, WhiteNoise):
    pass


def site_files_app(root: Path, *, max_age: int = 60) -> WhiteNoise:
    """The site in `root` as a WSGI app, served as the service serves it (the same WhiteNoise
    options, without Django): for benchmarks and tests of what a browser receives."""

    def not_found(environ: dict[str, object], start_response: object) -> list[bytes]:
        start_response("404 Not Found", [("Content-Type", "text/plain")])  # type: ignore[operator]
        return [b"Not found"]

    return _SiteFiles(
        not_found,
        root=str(root),
        index_file=True,
        mimetypes=MIMETYPES,
        max_age=max_age,
        immutable_file_test=immutable_file,
    )


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def serving_site_files(root: Path) -> Iterator[str]:
    """Serve `root` with `site_files_app` on 127.0.0.1 from a thread (benchmarks and browser
    tests); yield its base URL, ending in /."""
    server = make_server(
        "127.0.0.1", 0, site_files_app(root),
        server_class=_ThreadingServer, handler_class=_QuietHandler,
    )  # fmt: skip
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
