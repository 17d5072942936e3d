"""Process plumbing shared by `grader serve` and the processes it starts: Django set-up, and
Linux's parent-death signal and child subreaper, so that no process outlives the service."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
from pathlib import Path

SETTINGS_MODULE = "grader.project.settings"
SUPERVISOR_ENV = "ACADEMY_SUPERVISOR_PID"
"""Set by `grader serve` for its children: the pid they must not outlive."""

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
_LIBC = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def _prctl(option: int, value: int) -> None:
    if _LIBC.prctl(option, ctypes.c_ulong(value), 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"prctl({option}): {os.strerror(errno)}")


def setup_django(site_dir: Path | None = None) -> None:
    """Point the settings at the site folder, then start Django (once per process)."""
    if site_dir is not None:
        os.environ["ACADEMY_SITE_DIR"] = str(Path(site_dir).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()


def exit_now(status: int) -> None:
    """End a server process once its work is done: flush the logs and skip the interpreter's
    teardown (collecting a large heap took seconds on a busy machine; nothing is left to
    save)."""
    import logging
    import sys

    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def stop_with_parent(signum: int = signal.SIGTERM) -> None:
    """Get `signum` when `grader serve` dies, even by SIGKILL (no-op when not started by it).

    Armed in the child itself, after any change of user (which would clear it)."""
    supervisor = int(os.environ.get(SUPERVISOR_ENV) or 0)
    if not supervisor:
        return
    _prctl(PR_SET_PDEATHSIG, signum)
    if os.getppid() != supervisor:  # it died before the signal was armed
        raise SystemExit(f"grader serve (pid {supervisor}) has gone; not starting")


def become_subreaper() -> None:
    """Orphaned descendants (a worker whose cluster died) become our children, to be reaped
    and waited for, instead of going to PID 1."""
    _prctl(PR_SET_CHILD_SUBREAPER, 1)


def reap(started: dict[int, subprocess.Popen]) -> None:
    """Collect every child that has ended: through its `Popen` when we started it (which
    keeps its exit status), directly when it is an orphan handed to us."""
    while True:
        try:
            info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return
        if info is None:
            return
        proc = started.get(info.si_pid)
        if proc is not None:
            proc.wait()
        else:
            os.waitpid(info.si_pid, 0)


def child_pids() -> list[int]:
    """Our children, including orphans handed to us (read from /proc)."""
    me, found = os.getpid(), []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == me:
            found.append(int(stat.parent.name))
    return found


def has_children() -> bool:
    try:
        os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return False
    return True
