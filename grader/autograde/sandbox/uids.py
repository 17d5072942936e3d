"""A distinct unprivileged uid per kernel slot, for hosts where no cgroup can be used.

Without cgroups, two things a cgroup gave the sandbox come from the uid instead:

- the process cap: RLIMIT_NPROC counts the processes of a *user*, so it caps one sandbox
  only when no other sandbox runs as the same uid;
- the list of every process to kill at the end: all processes of the slot's uid.

A slot is held with an exclusive `flock` on a file in `SLOT_DIR`, so graders in several
processes on one host never share a uid, and a grader that dies frees its slots with it.
Before a slot is handed out, anything left running as its uid is killed.
"""

from __future__ import annotations

import fcntl
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from grader.autograde.sandbox.processes import kill_until_gone

log = logging.getLogger(__name__)

SLOT_DIR = Path("/run/camden-grader")
FIRST_SLOT_UID = 2_000_000_000
"""Far above the ranges Debian gives users and systems, and above the usual subordinate
uid ranges of user namespaces (/etc/subuid), so that no file or person owns these uids."""
SLOT_COUNT = 256


class NoFreeSlot(RuntimeError):
    """Every uid slot is in use on this host."""


def processes_of(uid: int, proc: Path = Path("/proc")) -> set[int]:
    """Processes whose real uid is `uid`."""
    found: set[int] = set()
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:  # it ended meanwhile
            continue
        for line in status.splitlines():
            if line.startswith("Uid:"):
                if int(line.split()[1]) == uid:
                    found.add(int(entry.name))
                break
    return found


def kill_uid(uid: int) -> int:
    """SIGKILL every process of `uid` until none is left; return how many were signalled."""
    killed = kill_until_gone(lambda: processes_of(uid))
    if processes_of(uid):
        log.warning("uid %d: processes still running after SIGKILL", uid)
    return killed


@dataclass
class UidSlot:
    """One held slot: its uid (used as gid too) and the lock that holds it."""

    uid: int
    lock_fd: int = field(repr=False)

    @classmethod
    def acquire(cls, slot_dir: Path = SLOT_DIR, first: int = FIRST_SLOT_UID,
                count: int = SLOT_COUNT) -> UidSlot:
        slot_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        for uid in range(first, first + count):
            fd = os.open(slot_dir / f"uid-{uid}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            if kill_uid(uid):
                log.warning("uid %d: killed processes left by an earlier sandbox", uid)
            return cls(uid, fd)
        raise NoFreeSlot(f"{slot_dir}: all {count} sandbox uids from {first} are in use")

    def release(self) -> None:
        """Kill whatever still runs as the slot's uid, then free the slot."""
        if self.lock_fd < 0:
            return
        kill_uid(self.uid)
        os.close(self.lock_fd)  # closing the descriptor releases the flock
        self.lock_fd = -1
