"""Per-sandbox cgroups: limits for all of a learner's processes together, and the list of
every process to kill when grading ends.

They nest under the grader's own cgroups (`cgroup_setup.py` finds them), so that the host's
accounting stays intact. v1 needs two (memory and pids), v2 one, and the fallback none.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from grader.autograde.limits import Limits
from grader.autograde.sandbox.cgroup_setup import CgroupMode, CgroupSetup
from grader.autograde.sandbox.processes import kill_until_gone

log = logging.getLogger(__name__)

CGROUP_PREFIX = "camden-grader-"
REMOVE_ATTEMPTS = 50
REMOVE_PAUSE_SECONDS = 0.02
# Every cgroup this process created, so that tests (and operators) can check none is left.
CREATED_CGROUPS: list[Path] = []


def _write(path: Path, value: str | int) -> None:
    path.write_text(f"{value}\n")


def _limit_v1(paths: tuple[Path, ...], limits: Limits) -> None:
    memory, pids = paths
    # The limit must be written before any process joins.
    _write(memory / "memory.limit_in_bytes", limits.memory_bytes)
    memsw = memory / "memory.memsw.limit_in_bytes"
    if memsw.exists():
        _write(memsw, limits.memory_bytes)
    _write(pids / "pids.max", limits.max_processes)


def _limit_v2(paths: tuple[Path, ...], limits: Limits) -> None:
    (path,) = paths
    _write(path / "memory.max", limits.memory_bytes)
    swap = path / "memory.swap.max"
    if swap.exists():  # only with swap accounting; otherwise there is no swap to limit
        _write(swap, 0)
    _write(path / "pids.max", limits.max_processes)


def oom_kills(path: Path, mode: CgroupMode) -> int:
    """How many processes the kernel killed for memory in the cgroup at `path`."""
    name = "memory.oom_control" if mode is CgroupMode.V1 else "memory.events"
    try:
        text = (path / name).read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if key == "oom_kill" and value.strip().isdigit():
            return int(value)
    return 0


@dataclass
class Cgroups:
    """The per-sandbox cgroups: created with limits, emptied (killed) and removed at the end."""

    paths: tuple[Path, ...]
    """v1: the memory and the pids cgroup; v2: the one cgroup; none: empty."""
    mode: CgroupMode = CgroupMode.V1

    @classmethod
    def create(cls, limits: Limits, setup: CgroupSetup) -> Cgroups:
        name = CGROUP_PREFIX + uuid.uuid4().hex[:12]
        cgroups = cls(tuple(parent / name for parent in setup.parents), setup.mode)
        try:
            for path in cgroups.paths:
                path.mkdir()
                CREATED_CGROUPS.append(path)
            if setup.mode is CgroupMode.V1:
                _limit_v1(cgroups.paths, limits)
            elif setup.mode is CgroupMode.V2:
                _limit_v2(cgroups.paths, limits)
        except BaseException:
            cgroups.remove()
            raise
        return cgroups

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
        return bool(self.paths) and oom_kills(self.paths[0], self.mode) > 0

    def kill_all(self) -> int:
        """SIGKILL every process still in the sandbox's cgroups; return how many were left."""
        if self.mode is CgroupMode.V2 and self.pids():
            kill_file = self.paths[0] / "cgroup.kill"  # Linux 5.14: the whole cgroup at once
            if kill_file.exists():
                try:
                    _write(kill_file, 1)
                except OSError as error:
                    log.warning("%s: %s", kill_file, error.strerror)
        return kill_until_gone(self.pids)

    def remove(self) -> None:
        self.kill_all()
        for path in self.paths:
            for _ in range(REMOVE_ATTEMPTS):
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # EBUSY while the last processes exit
                    time.sleep(REMOVE_PAUSE_SECONDS)
            else:
                log.warning("%s: cgroup could not be removed", path)
