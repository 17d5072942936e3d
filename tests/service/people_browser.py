"""Helpers for the people browser tests: a Chromium page that allows only 127.0.0.1, and the
OpenID Connect provider (tests/service/oidc_provider.mjs, npm's `oidc-provider`)."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mail_helpers import free_port
from test_browser_submit import PAGE_TIMEOUT_MS

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PROVIDER_SCRIPT = HERE / "oidc_provider.mjs"
CLIENT_ID = "camden-data-academy"
CLIENT_SECRET = "a-client-secret-for-the-tests-only"
LOCAL = "127.0.0.1"


def open_page(browser: Any, problems: list[str]) -> Any:
    """A page in a new context; any request to a host other than 127.0.0.1 is a problem.
    The page's CSP is bypassed only so that axe-core can be injected."""
    context = browser.new_context(accept_downloads=True, bypass_csp=True)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()

    def on_request(request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob", "about") and parts.hostname != LOCAL:
            problems.append(f"request to another host: {request.url}")

    page.on("request", on_request)
    page.on("dialog", lambda d: problems.append(f"dialog: {d.message}"))
    return page


class Provider:
    """`node oidc_provider.mjs` on a free port of 127.0.0.1; `issuer` is known before it
    starts, so the academy can be started first and its callback URL given to the provider."""

    def __init__(self, accounts: dict[str, dict[str, Any]] | None = None) -> None:
        self.port = free_port()
        self.issuer = f"http://{LOCAL}:{self.port}"
        self.accounts = accounts or {}
        self.proc: subprocess.Popen | None = None

    @property
    def service_env(self) -> dict[str, str]:
        return {"ACADEMY_OIDC_ISSUER": self.issuer, "ACADEMY_OIDC_CLIENT_ID": CLIENT_ID,
                "ACADEMY_OIDC_CLIENT_SECRET": CLIENT_SECRET,
                "ACADEMY_OIDC_DIRECTORATE_CLAIM": "department"}

    def start(self, service_url: str, log_path: Path) -> None:
        config = {"port": self.port, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                  "redirect_uri": f"{service_url}/academy/oidc/callback/",
                  "accounts": self.accounts}
        node = shutil.which("node")
        assert node, "node is needed for the OpenID Connect provider (make setup installs it)"
        self.log = open(log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [node, str(PROVIDER_SCRIPT)], cwd=REPO, stdout=subprocess.PIPE, stderr=self.log,
            env={"PATH": "/usr/bin:/bin", "OIDC_TEST_CONFIG": json.dumps(config)})
        deadline = time.monotonic() + 30
        line = self.proc.stdout.readline().decode()  # type: ignore[union-attr]
        if not line.startswith("ready") or time.monotonic() > deadline:
            self.stop()
            raise AssertionError(f"the OIDC provider did not start: {line!r} "
                                 f"{log_path.read_text()}")

    def tamper_next_token(self, mode: str) -> None:
        """Make the next ID token wrong: wrong-audience, expired or bad-signature."""
        import urllib.request

        request = urllib.request.Request(f"{self.issuer}/test-mode?mode={mode}", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 204

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        if getattr(self, "log", None):
            self.log.close()
