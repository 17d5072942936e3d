"""Which cgroups the sandboxes can use on this host: v1, v2, or none (the fallback).

- **v1** (what this project's CI machines mount): the `memory` and `pids` hierarchies, each
  sandbox a child of the grader's own cgroup in both.
- **v2**, the unified hierarchy of current Debian, Ubuntu and Fedora (systemd 256 and later
  refuse v1): one delegated cgroup, by default the grader's own (systemd `Delegate=yes`), or
  the one named by `GRADER_CGROUP_PARENT`. The grader enables `memory` and `pids` for its
  children; because v2 lets only leaves hold processes, the processes already in that cgroup
  are first moved into a leaf of their own (`supervisor`). Each sandbox is a child with
  `memory.max`, `memory.swap.max` and `pids.max`.
- **none**: neither can be used (no controllers, or a read-only cgroup file system). The
  sandbox then relies on rlimits and a distinct uid per kernel slot (`uids.py`).

`GRADER_SANDBOX_CGROUPS` (`auto`, `v1`, `v2` or `none`) forces a mode; a forced v1 or v2 that
cannot be used is an error, never a silent fallback.
"""

from __future__ import annotations

import enum
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MODE_VARIABLE = "GRADER_SANDBOX_CGROUPS"
PARENT_VARIABLE = "GRADER_CGROUP_PARENT"
CONTROLLERS = ("memory", "pids")
SUPERVISOR_LEAF = "supervisor"
"""v2: the leaf the delegated cgroup's own processes move to (only leaves hold processes)."""
PROC_CGROUP = Path("/proc/self/cgroup")
PROC_MOUNTINFO = Path("/proc/self/mountinfo")


class CgroupMode(enum.Enum):
    V1 = "v1"
    V2 = "v2"
    NONE = "none"


class CgroupError(RuntimeError):
    """The cgroups a sandbox needs cannot be used (the message says which and why)."""


@dataclass(frozen=True)
class CgroupSetup:
    """Where the sandboxes' cgroups go on this host."""

    mode: CgroupMode
    parents: tuple[Path, ...]
    """v1: the memory and the pids parent; v2: the one delegated parent; none: empty."""
    reason: str
    """Why this mode, in words for the log and `grader check --sandbox`."""


@dataclass(frozen=True)
class Mount:
    """A cgroup file system as `/proc/self/mountinfo` lists it."""

    root: str
    """The hierarchy's path that is mounted (`/` unless in a container)."""
    point: Path
    fstype: str
    options: frozenset[str]


def read_mounts(mountinfo: Path = PROC_MOUNTINFO) -> list[Mount]:
    """cgroup and cgroup2 mounts, in the order listed."""
    mounts = []
    for line in mountinfo.read_text().splitlines():
        fields, _, after = line.partition(" - ")
        parts, extra = fields.split(), after.split()
        if len(parts) < 5 or len(extra) < 3 or extra[0] not in ("cgroup", "cgroup2"):
            continue
        options = frozenset(parts[5].split(",") + extra[2].split(",")) if len(parts) > 5 \
            else frozenset(extra[2].split(","))
        mounts.append(Mount(parts[3], Path(parts[4]), extra[0], options))
    return mounts


def read_membership(proc_cgroup: Path = PROC_CGROUP) -> dict[str, str]:
    """Our cgroup path per v1 controller, and under the key "" in the unified hierarchy."""
    found: dict[str, str] = {}
    for line in proc_cgroup.read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            found[controller] = path
    return found


def _under(mount: Mount, path: str) -> Path:
    """The directory of cgroup `path` (as /proc/self/cgroup names it) below `mount`."""
    relative = os.path.relpath(path, mount.root) if mount.root != "/" else path.lstrip("/")
    return mount.point if relative == "." else mount.point / relative


def v1_parents(membership: Mapping[str, str], mounts: list[Mount]) -> tuple[Path, ...]:
    """Our v1 memory and pids cgroups, or CgroupError naming what is missing."""
    parents = []
    for controller in CONTROLLERS:
        mount = next((m for m in mounts if m.fstype == "cgroup" and controller in m.options),
                     None)
        if mount is None or controller not in membership:
            raise CgroupError(f"no cgroup v1 {controller} hierarchy is mounted")
        parent = _under(mount, membership[controller])
        if not os.access(parent, os.W_OK):
            raise CgroupError(f"{parent}: cgroup v1 {controller} is not writable")
        parents.append(parent)
    return tuple(parents)


def v2_parent(membership: Mapping[str, str], mounts: list[Mount],
              environ: Mapping[str, str]) -> Path:
    """The delegated v2 cgroup sandboxes go under, or CgroupError naming what is missing."""
    mount = next((m for m in mounts if m.fstype == "cgroup2"), None)
    if mount is None:
        raise CgroupError("no cgroup v2 (unified) hierarchy is mounted")
    if environ.get(PARENT_VARIABLE):
        parent = Path(environ[PARENT_VARIABLE])
    elif "" in membership:
        parent = _under(mount, membership[""])
    else:
        raise CgroupError("/proc/self/cgroup: this process is in no cgroup v2")
    try:
        available = (parent / "cgroup.controllers").read_text().split()
    except OSError as error:
        raise CgroupError(f"{parent}: not a cgroup v2 directory ({error.strerror})") from error
    missing = [c for c in CONTROLLERS if c not in available]
    if missing:
        raise CgroupError(f"{parent}: cgroup v2 controller(s) {', '.join(missing)} not "
                          "available (used by cgroup v1, or not delegated to this cgroup)")
    if not os.access(parent / "cgroup.subtree_control", os.W_OK):
        raise CgroupError(f"{parent}: cgroup v2 is not writable (not delegated to this user)")
    return parent


def enable_v2_controllers(parent: Path, mount_point: Path | None = None) -> None:
    """Let `parent`'s children use memory and pids. Processes in `parent` itself move to its
    `supervisor` leaf first: v2 refuses controllers for children of a cgroup that holds
    processes (the root cgroup excepted)."""
    control = parent / "cgroup.subtree_control"
    enabled = {c.lstrip("+") for c in control.read_text().split()}
    if all(c in enabled for c in CONTROLLERS):
        return
    procs = (parent / "cgroup.procs").read_text().split()
    if procs and parent != mount_point:
        leaf = parent / SUPERVISOR_LEAF
        leaf.mkdir(exist_ok=True)
        for pid in procs:
            try:
                with open(leaf / "cgroup.procs", "a") as handle:
                    handle.write(pid + "\n")
            except ProcessLookupError:  # it ended meanwhile
                continue
            except OSError as error:  # kernel threads cannot move; anything else is fatal
                raise CgroupError(f"{leaf}: process {pid} could not move there "
                                  f"({error.strerror})") from error
        log.info("cgroup v2: %d process(es) of %s moved to %s", len(procs), parent, leaf)
    try:
        with open(control, "a") as handle:
            handle.write(" ".join("+" + c for c in CONTROLLERS) + "\n")
    except OSError as error:
        raise CgroupError(f"{control}: memory and pids could not be enabled "
                          f"({error.strerror})") from error


def detect(environ: Mapping[str, str] | None = None, *, proc_cgroup: Path = PROC_CGROUP,
           mountinfo: Path = PROC_MOUNTINFO) -> CgroupSetup:
    """The cgroup mode for sandboxes here (v1 first, then v2, then none), prepared for use.

    `proc_cgroup` and `mountinfo` are parameters so that tests can describe another host.
    """
    environ = os.environ if environ is None else environ
    wanted = environ.get(MODE_VARIABLE, "auto") or "auto"
    if wanted not in ("auto", *(m.value for m in CgroupMode)):
        raise CgroupError(f"{MODE_VARIABLE}={wanted}: use auto, v1, v2 or none")
    if wanted == CgroupMode.NONE.value:
        return CgroupSetup(CgroupMode.NONE, (), f"forced by {MODE_VARIABLE}=none")
    try:
        membership, mounts = read_membership(proc_cgroup), read_mounts(mountinfo)
    except (OSError, ValueError) as error:
        if wanted != "auto":
            raise CgroupError(f"cgroups cannot be read: {error}") from error
        return CgroupSetup(CgroupMode.NONE, (), f"cgroups cannot be read: {error}")
    problems = []
    if wanted in ("auto", CgroupMode.V1.value):
        try:
            parents = v1_parents(membership, mounts)
            return CgroupSetup(CgroupMode.V1, parents, "cgroup v1 memory and pids")
        except CgroupError as error:
            if wanted != "auto":
                raise
            problems.append(str(error))
    try:
        parent = v2_parent(membership, mounts, environ)
        mount_point = next(m.point for m in mounts if m.fstype == "cgroup2")
        enable_v2_controllers(parent, mount_point)
        return CgroupSetup(CgroupMode.V2, (parent,), "cgroup v2 (unified), delegated subtree")
    except CgroupError as error:
        if wanted != "auto":
            raise
        problems.append(str(error))
    return CgroupSetup(CgroupMode.NONE, (), "; ".join(problems))
