"""Per-sandbox cgroups (v1 `memory` and `pids`): limits for all of a learner's processes
together, and the list of every process to kill when grading ends.

They nest under the grader's own cgroups, so that the host's accounting stays intact.
"""

from __future__ import annotations

import logging
import os
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from grader.autograde.limits import Limits

log = logging.getLogger(__name__)

CGROUP_ROOT = Path("/sys/fs/cgroup")
CGROUP_CONTROLLERS = ("memory", "pids")
CGROUP_PREFIX = "camden-grader-"
# Every cgroup this process created, so that tests (and operators) can check none is left.
CREATED_CGROUPS: list[Path] = []


class CgroupError(RuntimeError):
    """The cgroups needed for a sandbox are missing."""


def current_cgroup(controller: str) -> Path:
    """Our own cgroup for `controller` (sandboxes nest under it, keeping accounting intact)."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            return CGROUP_ROOT / controller / path.lstrip("/")
    raise CgroupError(f"/proc/self/cgroup: no {controller} cgroup")


@dataclass
class Cgroups:
    """The per-sandbox cgroups: created with limits, emptied (killed) and removed at the end."""

    paths: tuple[Path, ...]

    @classmethod
    def create(cls, limits: Limits) -> Cgroups:
        name = CGROUP_PREFIX + uuid.uuid4().hex[:12]
        paths = []
        for controller in CGROUP_CONTROLLERS:
            path = current_cgroup(controller) / name
            path.mkdir()
            paths.append(path)
            CREATED_CGROUPS.append(path)
        memory, pids = paths
        # cgroup v1: the limit must be written before any process joins.
        (memory / "memory.limit_in_bytes").write_text(str(limits.memory_bytes))
        memsw = memory / "memory.memsw.limit_in_bytes"
        if memsw.exists():
            memsw.write_text(str(limits.memory_bytes))
        (pids / "pids.max").write_text(str(limits.max_processes))
        return cls(tuple(paths))

    def pids(self) -> set[int]:
        found: set[int] = set()
        for path in self.paths:
            try:
                found.update(int(p) for p in (path / "cgroup.procs").read_text().split())
            except OSError:
                pass
        return found

    def oom_killed(self) -> bool:
        """True when the memory limit was hit (the kernel OOM-killed something)."""
        try:
            text = (self.paths[0] / "memory.oom_control").read_text()
        except OSError:
            return False
        return any(line.startswith("oom_kill ") and line != "oom_kill 0"
                   for line in text.splitlines())

    def kill_all(self) -> int:
        """SIGKILL every process still in the sandbox's cgroups; return how many were left."""
        killed = 0
        for _ in range(50):
            pids = self.pids()
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                    killed += 1
                except ProcessLookupError:
                    pass
            time.sleep(0.02)
        return killed

    def remove(self) -> None:
        self.kill_all()
        for path in self.paths:
            for _ in range(50):
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # EBUSY while the last processes exit
                    time.sleep(0.02)
            else:
                log.warning("%s: cgroup could not be removed", path)
