"""A seccomp filter for the sandbox: system calls learner code never needs are refused.

The filter is compiled to BPF by the system Python's `seccomp` module (Debian package
`python3-seccomp`; the virtualenv's Python may differ) and loaded by each sandboxed child with
`prctl(PR_SET_SECCOMP)` (`zygote.py`), after it has dropped its privileges.
Everything else is allowed: the namespaces, the unprivileged user and the limits do the main
work; this layer closes kernel interfaces that have a history of privilege escalations and
stops the kernel from debugging or entering other processes.
"""

from __future__ import annotations

import functools
import logging
import subprocess

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
for name in sys.argv[1:]:
    try:
        f.add_rule(seccomp.ERRNO(errno.EPERM), name)
    except Exception:
        pass  # not a system call on this architecture
f.export_bpf(sys.stdout)
"""


@functools.lru_cache(maxsize=1)
def filter_program() -> bytes | None:
    """The compiled filter, a BPF program (made once per process, kept in memory: no file is
    left behind by a grader that is killed), or None when it cannot be built here."""
    try:
        done = subprocess.run([SYSTEM_PYTHON, "-c", COMPILER, *DENIED_SYSCALLS],
                              check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as error:
        log.warning("no seccomp filter (install python3-seccomp): %s", error)
        return None
    if not done.stdout or len(done.stdout) % 8:
        log.warning("no seccomp filter: the compiler gave %d bytes", len(done.stdout))
        return None
    return done.stdout
