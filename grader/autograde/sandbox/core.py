"""The sandbox a learner's kernel runs in: namespaces, an empty root, an unprivileged user,
limits. The grader decides the sandbox here; the kernel zygote (`zygote.py`) builds it in each
forked child before any learner code runs.

Layers, outermost first (each one is what works on these machines, see docs/grading.md):

1. a cgroup per sandbox (v1 `memory` and `pids`, or v2 `memory.max` and `pids.max` in a
   delegated subtree; `cgroup_setup.py`): memory for all processes together, a cap on
   processes, and a list of every process to kill at the end. Where neither can be used,
   a distinct uid per kernel slot (`uids.py`) gives the cap (RLIMIT_NPROC, which counts a
   user's processes) and the list (the uid's processes), and memory is capped per process;
2. new PID, network, IPC, UTS, cgroup and mount namespaces, made as root without a user
   namespace; the child's parent-death signal so that the sandbox dies with the grader;
3. an empty root (tmpfs) with read-only binds of only the interpreter and the virtual
   environment, a private size-limited tmpfs for the working directory and /tmp, datasets
   bound read-only, a minimal /dev, a new /proc, a clean environment;
4. rlimits: CPU seconds, address space, file size, open files, no core dumps;
5. an unprivileged uid/gid (65534, or the slot's own without cgroups), no groups, no
   capabilities (bounding and inheritable sets emptied), no new privileges;
6. a seccomp filter (`seccomp.py`) refusing ptrace, mount, unshare, bpf, keyctl and the like.

The kernel talks to the grader through ZeroMQ `ipc` sockets in a per-sandbox directory bound
at the same path inside and outside (a network namespace has no route to the host loopback).
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.autograde.limits import Limits
from grader.autograde.sandbox import seccomp
from grader.autograde.sandbox.cgroup_setup import (
    MODE_VARIABLE,
    PARENT_VARIABLE,
    CgroupError,
    CgroupMode,
    CgroupSetup,
    detect,
)
from grader.autograde.sandbox.cgroups import Cgroups
from grader.autograde.sandbox.uids import NoFreeSlot, UidSlot

log = logging.getLogger(__name__)

SANDBOX_UID = 65534
SANDBOX_GID = 65534
WORKDIR = "/home/learner"
# Threads of numerical libraries count against pids.max and RLIMIT_AS: one each is enough.
SINGLE_THREAD_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
}
REQUIRED_TOOLS = ("unshare",)


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot be set up here; grading refuses to run unprotected."""


def python_roots() -> tuple[Path, ...]:
    """Directories the kernel's Python needs: the interpreter's prefix and the virtualenv."""
    roots = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()}
    return tuple(sorted(roots))


def masked_packages() -> tuple[Path, ...]:
    """Installed packages hidden from the kernel: the debugger (ipykernel imports it at start,
    ~0.2 s, and learners need no debugger in grading)."""
    import importlib.util

    spec = importlib.util.find_spec("debugpy")
    if spec is None or spec.origin is None:
        return ()
    return (Path(spec.origin).parent,)


def check_available() -> CgroupSetup:
    """The cgroup set-up sandboxes will use; raise SandboxUnavailable naming what is missing
    (tools, root, a forced cgroup mode, namespaces)."""
    missing = [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]
    if missing:
        raise SandboxUnavailable(
            f"missing {', '.join(missing)}: run `make sandbox-deps` (Debian: util-linux)"
        )
    if os.geteuid() != 0:
        raise SandboxUnavailable(
            "the grader must run as root to set up the sandbox (namespaces without a user "
            "namespace, cgroups, switching to the unprivileged user)"
        )
    setup = cgroup_setup()
    _try_namespaces()
    return setup


def cgroup_setup() -> CgroupSetup:
    """This host's cgroup set-up, found (and for v2 prepared) once per mode asked for."""
    return _cgroup_setup(os.environ.get(MODE_VARIABLE, ""), os.environ.get(PARENT_VARIABLE, ""))


@functools.lru_cache(maxsize=4)
def _cgroup_setup(mode: str, parent: str) -> CgroupSetup:
    try:
        setup = detect({MODE_VARIABLE: mode, PARENT_VARIABLE: parent})
    except CgroupError as error:
        raise SandboxUnavailable(str(error)) from error
    if setup.mode is CgroupMode.NONE:
        log.warning("sandbox without cgroups (%s): rlimits and a uid per kernel slot; memory "
                    "is capped per process, not per sandbox", setup.reason)
    else:
        log.info("sandbox cgroups: %s under %s", setup.reason,
                 ", ".join(str(p) for p in setup.parents))
    return setup


@functools.lru_cache(maxsize=1)
def _try_namespaces() -> None:
    """Enter bare namespaces once: they may be forbidden (e.g. in some containers)."""
    command = ["unshare", "--mount", "--pid", "--net", "--ipc", "--uts", "--cgroup", "--fork",
               "--", "/usr/bin/true"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SandboxUnavailable(f"namespaces could not be made: {error}") from error
    if done.returncode != 0:
        raise SandboxUnavailable(f"namespaces could not be made: {done.stderr.strip()}")


def kernel_env(home: str = WORKDIR) -> dict[str, str]:
    """The kernel's whole environment (nothing of the grader's)."""
    return {
        "HOME": home,
        "PATH": f"{Path(sys.prefix) / 'bin'}:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TMPDIR": "/tmp",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "IPYTHONDIR": "/tmp/ipython",
        "JUPYTER_RUNTIME_DIR": "/tmp/jupyter",
        "PYTHONDONTWRITEBYTECODE": "1",
        # nbgrader sets this while autograding; its own tests expect kernels to see it.
        "NBGRADER_EXECUTION": "autograde",
        **SINGLE_THREAD_ENV,
    }


@dataclass
class Sandbox:
    """One learner's sandbox: its host-side directories, its cgroups, and the request that
    tells the zygote how to build it (`request()`)."""

    limits: Limits
    datasets: tuple[tuple[Path, str], ...] = ()
    """(host file, path relative to the working directory) pairs bound read-only."""
    comm_dir: Path = field(init=False)
    root_dir: Path = field(init=False)
    """An empty host directory: the child mounts its new root there, in its own namespace."""
    seccomp_filter: bytes | None = field(init=False)
    cgroups: Cgroups = field(init=False)
    slot: UidSlot | None = field(init=False, default=None)
    """Without cgroups: the uid slot this sandbox runs as (None with cgroups)."""

    def __post_init__(self) -> None:
        setup = cgroup_setup()
        self.seccomp_filter = seccomp.filter_program()
        if setup.mode is CgroupMode.NONE:
            try:
                self.slot = UidSlot.acquire()
            except (NoFreeSlot, OSError) as error:
                raise SandboxUnavailable(f"no sandbox uid: {error}") from error
        try:
            self.comm_dir = Path(tempfile.mkdtemp(prefix="grader-comm-"))
            os.chown(self.comm_dir, self.uid, self.gid)
            os.chmod(self.comm_dir, 0o700)
            self.root_dir = Path(tempfile.mkdtemp(prefix="grader-root-"))
            self.cgroups = Cgroups.create(self.limits, setup)
        except BaseException:
            if self.slot is not None:
                self.slot.release()
            raise

    @property
    def uid(self) -> int:
        return self.slot.uid if self.slot is not None else SANDBOX_UID

    @property
    def gid(self) -> int:
        return self.slot.uid if self.slot is not None else SANDBOX_GID

    def rlimits(self) -> list[list[str | int]]:
        """Per-process limits; without cgroups also the process cap, per slot uid."""
        lim = self.limits
        found: list[list[str | int]] = [
            ["CPU", lim.cpu_seconds], ["AS", lim.address_space_bytes],
            ["FSIZE", lim.file_size_bytes], ["NOFILE", lim.max_open_files], ["CORE", 0]]
        if self.slot is not None:
            found.append(["NPROC", lim.max_processes])
        return found

    def lock_comm_dir(self) -> None:
        """Once the kernel has made its sockets: the learner may no longer add, replace or
        remove entries (a socket swapped for a symlink would redirect the grader's
        reconnects to a host socket; files there would fill the host's /tmp)."""
        os.chown(self.comm_dir, 0, 0)
        os.chmod(self.comm_dir, 0o755)

    def plan(self) -> list[list]:
        """The new root, in order: what the zygote's child mounts before pivoting into it."""
        scratch = self.limits.scratch_bytes
        plan: list[list] = [["ro-bind", "/usr", "/usr"]]
        for name in ("lib", "lib64", "bin", "sbin"):
            plan.append(["symlink", f"usr/{name}", f"/{name}"])
        for etc in ("/etc/ld.so.cache", "/etc/localtime", "/etc/nsswitch.conf"):
            if Path(etc).exists():
                plan.append(["ro-bind", etc, etc])
        # /tmp before what may lie under it: a checkout (and its virtualenv) in /tmp, and the
        # socket directory.
        plan.append(["tmpfs", "/tmp", scratch, 0o1777])
        for root in python_roots():
            plan.append(["ro-bind", str(root), str(root)])
        for package in masked_packages():
            plan.append(["tmpfs", str(package), 4096, 0o755])
        plan.append(["bind", str(self.comm_dir), str(self.comm_dir)])
        plan.append(["tmpfs", WORKDIR, scratch, 0o1777])
        for host_file, relative in self.datasets:
            plan.append(["ro-bind", str(host_file), str(Path(WORKDIR) / relative)])
        plan.append(["proc", "/proc"])
        plan.append(["dev", "/dev", scratch])
        return plan

    def request(self) -> dict:
        """What the zygote needs to fork a kernel into this sandbox (paths and limits only)."""
        return {
            "cwd": WORKDIR,
            "env": kernel_env(),
            "sandbox": {
                "root": str(self.root_dir),
                "cgroups": [str(p) for p in self.cgroups.paths],
                "plan": self.plan(),
                "hostname": "sandbox",
                "uid": self.uid,
                "gid": self.gid,
                "seccomp": self.seccomp_filter.hex() if self.seccomp_filter else None,
                "rlimits": self.rlimits(),
            },
        }

    def close(self) -> None:
        """Kill everything the learner started and remove the host-side traces."""
        self.cgroups.remove()
        if self.slot is not None:
            self.slot.release()
        shutil.rmtree(self.comm_dir, ignore_errors=True)
        shutil.rmtree(self.root_dir, ignore_errors=True)

