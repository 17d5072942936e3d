"""The sandbox a learner's kernel runs in: bubblewrap namespaces, an unprivileged user, limits.

Layers, outermost first (each one is what works on these machines, see docs/grading.md):

1. a cgroup (v1 `memory` and `pids`) per sandbox: memory for all processes together, a cap
   on processes (RLIMIT_NPROC does nothing here because the limit is per user, not per
   sandbox), and a list of every process to kill at the end;
2. `prlimit`: CPU seconds, address space, file size, open files, no core dumps;
3. `bwrap` as root without a user namespace: new PID, network, IPC, UTS and mount namespaces,
   an empty root with read-only binds of only the interpreter and the virtual environment, a
   private size-limited tmpfs for the working directory and /tmp, datasets bound read-only,
   a clean environment; `--die-with-parent` so the sandbox dies with the grader;
4. a seccomp filter (`seccomp.py`) refusing ptrace, mount, unshare, bpf, keyctl and the like;
5. `setpriv`: the real unprivileged uid/gid 65534, no groups, no capabilities, no new privileges.

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

from grader.autograde import seccomp
from grader.autograde.cgroups import CGROUP_CONTROLLERS, CgroupError, Cgroups, current_cgroup
from grader.autograde.limits import Limits

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
REQUIRED_TOOLS = ("bwrap", "prlimit", "setpriv")


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


def check_available() -> None:
    """Raise SandboxUnavailable naming what is missing (tools, root, cgroups)."""
    missing = [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]
    if missing:
        raise SandboxUnavailable(
            f"missing {', '.join(missing)}: run `make sandbox-deps` (Debian: bubblewrap, "
            "util-linux)"
        )
    if os.geteuid() != 0:
        raise SandboxUnavailable(
            "the grader must run as root to set up the sandbox (bubblewrap without a user "
            "namespace, cgroups, switching to the unprivileged user)"
        )
    for controller in CGROUP_CONTROLLERS:
        try:
            parent = current_cgroup(controller)
        except CgroupError as error:
            raise SandboxUnavailable(str(error)) from error
        if not os.access(parent, os.W_OK):
            raise SandboxUnavailable(f"{parent}: cgroup v1 {controller} is not writable")
    _try_bwrap()


@functools.lru_cache(maxsize=1)
def _try_bwrap() -> None:
    """Enter a bare sandbox once: namespaces may be forbidden (e.g. in some containers)."""
    command = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
               "--die-with-parent", "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
               "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
               "--proc", "/proc", "--dev", "/dev", "--",
               "setpriv", f"--reuid={SANDBOX_UID}", f"--regid={SANDBOX_GID}",
               "--clear-groups", "--", "/usr/bin/true"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SandboxUnavailable(f"bwrap could not run: {error}") from error
    if done.returncode != 0:
        raise SandboxUnavailable(f"bwrap could not create a sandbox: {done.stderr.strip()}")


@dataclass
class Sandbox:
    """One learner's sandbox: its host-side directory, cgroups and the command that enters it."""

    limits: Limits
    datasets: tuple[tuple[Path, str], ...] = ()
    """(host file, path relative to the working directory) pairs bound read-only."""
    comm_dir: Path = field(init=False)
    seccomp_filter: Path | None = field(init=False)
    cgroups: Cgroups = field(init=False)

    def __post_init__(self) -> None:
        self.seccomp_filter = seccomp.filter_path()
        self.comm_dir = Path(tempfile.mkdtemp(prefix="grader-comm-"))
        os.chown(self.comm_dir, SANDBOX_UID, SANDBOX_GID)
        os.chmod(self.comm_dir, 0o700)
        self.cgroups = Cgroups.create(self.limits)

    def lock_comm_dir(self) -> None:
        """Once the kernel has made its sockets: the learner may no longer add, replace or
        remove entries (a socket swapped for a symlink would redirect the grader's
        reconnects to a host socket; files there would fill the host's /tmp)."""
        os.chown(self.comm_dir, 0, 0)
        os.chmod(self.comm_dir, 0o755)

    def command(self, inner: list[str]) -> list[str]:
        """The full command line that runs `inner` inside the sandbox."""
        return [*self._enter_cgroups(), *self._prlimit(), *self._bwrap(), *self._drop(), *inner]

    def _enter_cgroups(self) -> list[str]:
        procs = " ".join(f"'{p}/cgroup.procs'" for p in self.cgroups.paths)
        script = f'for f in {procs}; do echo $$ > "$f" || exit 97; done; '
        if self.seccomp_filter is not None:  # fd 3 for `bwrap --seccomp 3`
            script += f"exec 3< '{self.seccomp_filter}' || exit 98; "
        return ["/bin/sh", "-c", script + 'exec "$@"', "sh"]

    def _prlimit(self) -> list[str]:
        lim = self.limits
        return [
            "prlimit",
            f"--cpu={lim.cpu_seconds}",
            f"--as={lim.address_space_bytes}",
            f"--fsize={lim.file_size_bytes}",
            f"--nofile={lim.max_open_files}",
            "--core=0",
            "--",
        ]

    def _bwrap(self) -> list[str]:
        args = [
            "bwrap",
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup", "--die-with-parent", "--new-session",
            "--clearenv", "--hostname", "sandbox",
            *(["--seccomp", "3"] if self.seccomp_filter is not None else []),
            "--ro-bind", "/usr", "/usr",
            "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
            "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
            "--proc", "/proc", "--dev", "/dev",
            "--size", str(self.limits.scratch_bytes), "--perms", "1777", "--tmpfs", "/tmp",
        ]
        for etc in ("/etc/ld.so.cache", "/etc/localtime", "/etc/nsswitch.conf"):
            if Path(etc).exists():
                args += ["--ro-bind", etc, etc]
        for root in python_roots():
            args += _parents(root) + ["--ro-bind", str(root), str(root)]
        for package in masked_packages():
            args += ["--tmpfs", str(package)]
        args += _parents(self.comm_dir) + ["--bind", str(self.comm_dir), str(self.comm_dir)]
        args += _parents(Path(WORKDIR))
        args += ["--size", str(self.limits.scratch_bytes), "--perms", "1777",
                 "--tmpfs", WORKDIR]
        for host_file, relative in self.datasets:
            target = Path(WORKDIR) / relative
            args += _parents(target, stop=Path(WORKDIR))
            args += ["--ro-bind", str(host_file), str(target)]
        env = {
            "HOME": WORKDIR,
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
        for key, value in env.items():
            args += ["--setenv", key, value]
        args += ["--chdir", WORKDIR, "--"]
        return args

    def _drop(self) -> list[str]:
        return [
            "setpriv", f"--reuid={SANDBOX_UID}", f"--regid={SANDBOX_GID}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--",
        ]

    def close(self) -> None:
        """Kill everything the learner started and remove the host-side traces."""
        self.cgroups.remove()
        shutil.rmtree(self.comm_dir, ignore_errors=True)


def _parents(path: Path, stop: Path = Path("/")) -> list[str]:
    """`--dir` with mode 0755 for each ancestor (bwrap would make them 0700, root only)."""
    args: list[str] = []
    ancestors = [p for p in reversed(path.parents) if p != Path("/") and p != stop
                 and stop in (p, *p.parents)]
    for parent in ancestors:
        args += ["--perms", "0755", "--dir", str(parent)]
    return args
