"""A seccomp filter for the sandbox: system calls learner code never needs are refused.

The filter is compiled to BPF by the system Python's `seccomp` module (Debian package
`python3-seccomp`; the virtualenv's Python may differ) and loaded by each sandboxed child with
`prctl(PR_SET_SECCOMP)` (`zygote.py`), after it has dropped its privileges.
Everything else is allowed: the namespaces, the unprivileged user and the limits do the main
work; this layer closes kernel interfaces that have a history of privilege escalations and
stops the kernel from debugging or entering other processes.
"""

from __future__ import annotations

import atexit
import functools
import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

SYSTEM_PYTHON = "/usr/bin/python3"
DENIED_SYSCALLS = (
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp",
    "mount", "umount2", "pivot_root", "chroot", "unshare", "setns",
    "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "open_by_handle_at", "name_to_handle_at", "kexec_load", "kexec_file_load",
    "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff",
    "acct", "settimeofday", "clock_settime", "adjtimex", "quotactl", "syslog",
    "mknod", "mknodat",
)
COMPILER = """
import errno, sys, seccomp
f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
for name in sys.argv[2:]:
    try:
        f.add_rule(seccomp.ERRNO(errno.EPERM), name)
    except Exception:
        pass  # not a system call on this architecture
with open(sys.argv[1], "wb") as out:
    f.export_bpf(out)
"""


@functools.lru_cache(maxsize=1)
def filter_path() -> Path | None:
    """The compiled filter (made once per process), or None when it cannot be built here."""
    folder = Path(tempfile.mkdtemp(prefix="grader-seccomp-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    target = folder / "filter.bpf"
    try:
        subprocess.run([SYSTEM_PYTHON, "-c", COMPILER, str(target), *DENIED_SYSCALLS],
                       check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as error:
        log.warning("no seccomp filter (install python3-seccomp): %s", error)
        return None
    return target
