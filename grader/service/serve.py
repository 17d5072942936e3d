"""`grader serve`: prepare the database, then run one grading worker and the web server.

Both stop together on Ctrl+C (or SIGTERM). For more workers, on this machine or others
sharing the PostgreSQL database, run `grader manage qcluster` beside it.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SETTINGS_MODULE = "grader.project.settings"


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    site_dir: Path | None = None
    demo: bool = True
    workers: int = 1
    """Processes in the grading cluster started beside the web server (0: none)."""
    threads: int = 8


def setup_django(site_dir: Path | None = None) -> None:
    """Point the settings at the site folder, then start Django (once per process)."""
    if site_dir is not None:
        os.environ["ACADEMY_SITE_DIR"] = str(Path(site_dir).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()


def prepare(*, demo: bool = True) -> list:
    """Migrate, sync the catalogue, load the demo cohort and re-queue lost work."""
    from django.conf import settings
    from django.core.management import call_command

    from grader.content.catalogue import CatalogueError
    from grader.service import catalogue_sync, grading, retention

    call_command("migrate", interactive=False, verbosity=0)
    try:
        catalogue_sync.sync_catalogue(Path(settings.ACADEMY_ROOT))
    except CatalogueError as exc:
        log.error("courses/ has problems, so the service keeps the tracks it synced last:\n%s",
                  exc)
    grading.ensure_schedule()
    retention.ensure_schedule()
    logins = []
    if demo:
        from grader.service.demo import load_demo

        logins = load_demo()
    grading.requeue_stale()
    return logins


def start_worker(workers: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
           "ACADEMY_WORKERS": str(workers)}
    return subprocess.Popen([sys.executable, "-m", "django", "qcluster"], env=env,
                            start_new_session=True)


def stop_worker(proc: subprocess.Popen, timeout: float = 15) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        log.warning("the grading worker did not stop in %.0f s; killing it", timeout)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def serve(options: ServeOptions) -> None:
    """Run until interrupted. Prints the demo sign-in details through the log."""
    setup_django(options.site_dir)
    from django.conf import settings
    from waitress import serve as waitress_serve

    from grader.project.wsgi import application

    logins = prepare(demo=options.demo)
    worker = start_worker(options.workers) if options.workers else None
    url = f"http://{options.host}:{options.port}"
    lines = [f"Camden Data Academy on {url}/ (service at {url}/academy/)"]
    if not settings.ACADEMY_SITE_DIR.is_dir():
        lines.append(f"No site at {settings.ACADEMY_SITE_DIR}: run `grader build` first.")
    for login in logins:
        lines.append(f"  {login.role:8} {login.email:32} password: {login.password}")
    log.warning("\n".join(lines))
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        waitress_serve(
            application, host=options.host, port=options.port, threads=options.threads,
            max_request_body_size=settings.ACADEMY_MAX_NOTEBOOK_BYTES + 1024 * 1024,
            ident="academy",
        )
    except KeyboardInterrupt:
        log.warning("stopping")
    finally:
        if worker is not None:
            stop_worker(worker)
