"""`grader serve`: prepare the database, then supervise the grading cluster and the web server.

Three kinds of process, each with only the rights it needs:

- this supervisor: migrates, opens the listening socket, starts the other two, and stops them;
- the grading cluster (`cluster.py`), as root when started as root: the sandbox needs it;
- the web server (`webserver.py`), as `ACADEMY_WEB_USER` when started as root: it never has
  root, so a flaw in a view cannot reach the sandbox's privileges.

One SIGTERM (or Ctrl+C) stops everything within `STOP_SECONDS`: both children get SIGTERM, and
whatever is still running after `GRACE_SECONDS` gets SIGKILL. A second signal sends SIGKILL at
once. The supervisor is a child subreaper and waits for every descendant, so a worker whose
cluster died first is still waited for, never left behind. Should the supervisor itself be
killed, its children get SIGTERM from the kernel (their parent-death signal).
"""

from __future__ import annotations

import contextlib
import logging
import os
import pwd
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from grader.service import lifecycle, privileges
from grader.service.lifecycle import SETTINGS_MODULE, SUPERVISOR_ENV, setup_django
from grader.service.privileges import Account

log = logging.getLogger(__name__)

GRACE_SECONDS = 3.5
"""After SIGTERM, how long the children get before SIGKILL (the stop takes under 5 s)."""
POLL_SECONDS = 0.1


class ServeError(RuntimeError):
    """`grader serve` cannot start as configured (the message says what to change)."""


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    """0 picks a free port (logged)."""
    site_dir: Path | None = None
    demo: bool = True
    workers: int | None = None
    """Grading processes started beside the web server (0: none; None: `ACADEMY_WORKERS`)."""
    threads: int = 8


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


def web_user() -> Account | None:
    """The account the web server runs as: None when not root (it runs as us)."""
    from django.conf import settings

    if os.geteuid() != 0:
        return None
    name = settings.ACADEMY_WEB_USER
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise ServeError(
            f"ACADEMY_WEB_USER: the account '{name}' does not exist. grader serve, started as "
            f"root, runs the web server as that account (only the grading workers keep root). "
            f"Create it with `useradd --system --no-create-home --shell /usr/sbin/nologin "
            f"{name}` (`make serve` does), or set ACADEMY_WEB_USER to another account."
        ) from None
    if entry.pw_uid == 0:
        raise ServeError(f"ACADEMY_WEB_USER: '{name}' is root; name an unprivileged account")
    return Account(entry.pw_uid, entry.pw_gid, name, entry.pw_dir)


def hand_over_data(user: Account) -> list[Path]:
    """Give the web user the SQLite database and the data folder it lives in (SQLite writes
    its journal beside the database). Root's workers can still write them."""
    from django.conf import settings
    from django.db import connections

    data_dir = Path(settings.ACADEMY_DATA_DIR)
    database = connections["default"].settings_dict
    paths = [data_dir]
    if database["ENGINE"].endswith("sqlite3"):
        db_file = Path(database["NAME"])
        paths += [db_file.parent, *db_file.parent.glob(db_file.name + "*")]
    for root in paths:
        for path in [root, *(root.rglob("*") if root == data_dir else [])]:
            os.lchown(path, user.uid, user.gid)
    return paths


def listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror}") from error
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


@dataclass
class Children:
    """The processes this supervisor started, each the leader of its own process group."""

    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str, args: list[str], **kw: object) -> None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
               SUPERVISOR_ENV: str(os.getpid()), **kw.pop("env", {})}  # type: ignore[dict-item]
        self.procs[name] = subprocess.Popen([sys.executable, *args], env=env,
                                            start_new_session=True, **kw)  # type: ignore[call-overload]

    def signal(self, signum: int) -> None:
        """Signal each child's process group; SIGKILL also reaches orphans handed to us."""
        for proc in self.procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signum)
        if signum == signal.SIGKILL:
            for pid in lifecycle.child_pids():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signum)

    def reap(self) -> None:
        lifecycle.reap({proc.pid: proc for proc in self.procs.values()})

    def ended(self) -> str | None:
        """The name of a child that has exited, if any (everything ended is reaped)."""
        self.reap()
        return next((name for name, proc in self.procs.items() if proc.returncode is not None),
                    None)


class Supervisor:
    def __init__(self, children: Children) -> None:
        self.children = children
        self.stop_asked_at: float | None = None

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stop_asked_at is None:
            log.warning("stopping (signal %d)", signum)
            self.stop_asked_at = time.monotonic()
            self.children.signal(signal.SIGTERM)
        else:  # a second signal: no more waiting
            log.warning("stopping now (signal %d again)", signum)
            self.children.signal(signal.SIGKILL)

    def wait(self) -> int:
        """Until stopped or a child ends; then until every descendant has ended. Returns 0
        when stopped by a signal, 1 when a child ended by itself."""
        status = 0
        while self.stop_asked_at is None:
            ended = self.children.ended()
            if ended is not None:
                log.error("the %s stopped unexpectedly; stopping the service", ended)
                self.stop_asked_at = time.monotonic()
                self.children.signal(signal.SIGTERM)
                status = 1
                break
            time.sleep(POLL_SECONDS)
        killed = False
        while lifecycle.has_children():
            self.children.reap()
            if not killed and time.monotonic() - self.stop_asked_at > GRACE_SECONDS:
                log.warning("still running %.1f s after SIGTERM; sending SIGKILL", GRACE_SECONDS)
                self.children.signal(signal.SIGKILL)
                killed = True
            time.sleep(POLL_SECONDS / 2)
        return status


def serve(options: ServeOptions) -> int:
    """Run until stopped; returns the exit status. Logs the demo sign-in details."""
    setup_django(options.site_dir)
    from django.conf import settings

    lifecycle.become_subreaper()
    user = web_user()
    logins = prepare(demo=options.demo)
    web_kw: dict[str, object] = {}
    if user is not None:
        readable = [*hand_over_data(user), settings.ACADEMY_ROOT, settings.ACADEMY_SITE_DIR]
        web_kw.update(preexec_fn=privileges.preexec_for(user, readable), cwd="/",
                      env={"HOME": user.home, "USER": user.name, "LOGNAME": user.name})
    sock = listen(options.host, options.port)
    host, port = sock.getsockname()[:2]
    workers = settings.ACADEMY_WORKERS if options.workers is None else options.workers
    children = Children()
    supervisor = Supervisor(children)
    signal.signal(signal.SIGTERM, supervisor.on_signal)
    signal.signal(signal.SIGINT, supervisor.on_signal)
    if workers:
        children.start("grading cluster", ["-m", "grader.service.cluster"],
                       env={"ACADEMY_WORKERS": str(workers)})
    children.start("web server", ["-m", "grader.service.webserver", "--fd", str(sock.fileno()),
                                  "--threads", str(options.threads)],
                   pass_fds=(sock.fileno(),), **web_kw)
    sock.close()
    url = f"http://{host}:{port}"
    lines = [f"Camden Data Academy on {url}/ (service at {url}/academy/); "
             f"{workers} grading worker(s); web server as "
             f"{user.name if user else 'this user'}"]
    if not settings.ACADEMY_SITE_DIR.is_dir():
        lines.append(f"No site at {settings.ACADEMY_SITE_DIR}: run `grader build` first.")
    for login in logins:
        lines.append(f"  {login.role:8} {login.email:32} password: {login.password}")
    log.warning("\n".join(lines))
    return supervisor.wait()
