"""The sandbox holds: no network, no host files, no processes left, memory and process caps.

Each test grades a real notebook in the real sandbox (namespaces, cgroups, rlimits, seccomp,
the unprivileged user), with kernels forked from the real zygote.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import socket
import subprocess
import threading
from pathlib import Path

import nbformat
import pytest
from autograde_corpus import (
    QUICK_LIMITS,
    SOURCE,
    SUBMISSIONS,
    load_corpus_maker,
    total_answered_with,
)

from grader.autograde import GradingOptions, Status, autograde, autograde_many
from grader.autograde.sandbox.cgroups import CREATED_CGROUPS
from grader.autograde.sandbox.core import SANDBOX_UID, check_available

pytestmark = pytest.mark.slow


def submission_with(tmp_path: Path, code: str, name: str = "probe.ipynb") -> Path:
    """The honest correct submission with `code` as an extra first cell."""
    nb = nbformat.read(SUBMISSIONS / "honest_correct.ipynb", 4)
    nb.cells.insert(1, nbformat.v4.new_code_cell(code))
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def sandbox_processes(marker: str) -> list[str]:
    """Sandbox-user processes whose command line has `marker` (other graders may be running)."""
    out = subprocess.run(["ps", "-o", "pid=,args=", "-u", str(SANDBOX_UID)],
                         capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if marker in line]


def our_cgroups_left() -> list[Path]:
    """Cgroups this test process created that still exist (they are removed only once empty,
    so none left means every process of every sandbox is gone)."""
    return [path for path in CREATED_CGROUPS if path.exists()]


def test_sandbox_is_available_here() -> None:
    check_available()


def test_listener_on_host_loopback_receives_nothing() -> None:
    port = load_corpus_maker().LISTENER_PORT
    received: list[bytes] = []
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen()
    server.settimeout(0.2)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            received.append(conn.recv(100) or b"<connected>")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        result = autograde(SOURCE, SUBMISSIONS / "abuse_network.ipynb", limits=QUICK_LIMITS)
    finally:
        stop.set()
        thread.join()
        server.close()
    assert result.status is Status.GRADED and result.score == 4
    assert received == []


def test_host_files_stay_unread_and_unchanged(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET 42")
    before = hashlib.sha256(secret.read_bytes()).hexdigest()
    instructor_before = hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    code = (
        "import os\nleaked = []\n"
        f"for p in [{str(secret)!r}, {str(SOURCE)!r}, '/etc/shadow', '/root/.bashrc', "
        "'../source/squares.ipynb']:\n"
        "    try:\n        leaked.append(open(p).read()[:50])\n    except OSError:\n"
        "        pass\n"
        f"    try:\n        open(p, 'a').write('x')\n    except OSError:\n        pass\n"
        "assert not leaked, leaked\n"
        "assert not any(n.endswith('.ipynb') for n in os.listdir('.'))\n"
        "assert os.getuid() == 65534\n"
    )
    path = submission_with(tmp_path, code + "print('SANDBOX-OK')")
    result = autograde(SOURCE, path, limits=QUICK_LIMITS)
    assert result.status is Status.GRADED and result.score == 4, result
    assert hashlib.sha256(secret.read_bytes()).hexdigest() == before
    assert hashlib.sha256(SOURCE.read_bytes()).hexdigest() == instructor_before
    # The check cell itself must have run without error (else 'leaked' or uid failed).
    assert "SANDBOX-OK" not in result.feedback_html  # output is not echoed to feedback
    page_errors = [c for c in result.cells if "AssertionError" in c.message]
    assert not page_errors


def test_sandbox_check_cell_passes(tmp_path: Path) -> None:
    """The same checks as a graded cell: its failure would show in the score."""
    code = (
        "import os, socket\nassert os.getuid() == 65534 and os.getgid() == 65534\n"
        "assert not os.path.exists('/work/main/grader')\n"
        "assert sorted(os.listdir('.')) == ['numbers.csv'], os.listdir('.')\n"
        "try:\n    socket.create_connection(('127.0.0.1', 22), timeout=1)\n"
        "    raise SystemError('network reachable')\nexcept OSError:\n    pass\n"
        "def total():\n    return 15\n"
    )
    path = total_answered_with(code, tmp_path / "check.ipynb")
    result = autograde(SOURCE, path, limits=QUICK_LIMITS)
    scores = {c.grade_id: c.score for c in result.cells}
    assert scores["test_total"] == 1.0, result


def test_no_process_left_behind() -> None:
    names = ["abuse_detached_process.ipynb", "abuse_fork_bomb.ipynb"]
    results = autograde_many(SOURCE, [SUBMISSIONS / n for n in names],
                             options=GradingOptions(limits=QUICK_LIMITS, workers=2))
    assert results[0].status is Status.GRADED and results[0].score == 4
    assert results[1].status in (Status.GRADED, Status.FAILED)
    assert sandbox_processes("sleep 100") == []
    assert CREATED_CGROUPS and our_cgroups_left() == []


def test_memory_limit_holds() -> None:
    limits = dataclasses.replace(QUICK_LIMITS, cell_timeout=20)  # time to reach the limit
    result = autograde(SOURCE, SUBMISSIONS / "abuse_memory_hog.ipynb", limits=limits)
    assert result.status is Status.GRADED
    assert "limit:memory" in result.flags


def test_process_limit_holds(tmp_path: Path) -> None:
    code = (
        "import subprocess\nprocs = []\n"
        "try:\n    for _ in range(500):\n"
        "        procs.append(subprocess.Popen(['sleep', '31']))\nexcept OSError as e:\n"
        "    print('stopped at', len(procs))\n"
        "assert len(procs) < 100\n"
        "for p in procs:\n    p.kill()\n"
    )
    path = submission_with(tmp_path, code)
    result = autograde(SOURCE, path, limits=QUICK_LIMITS)
    assert result.status is Status.GRADED and result.score == 4
    assert sandbox_processes("sleep 31") == [] and our_cgroups_left() == []


def test_refuses_without_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    result = autograde(SOURCE, SUBMISSIONS / "honest_correct.ipynb")
    assert result.status is Status.FAILED and result.score is None
    assert "sandbox" in result.reason and "unshare" in result.reason


def test_unsafe_mode_is_explicit_and_works() -> None:
    result = autograde(SOURCE, SUBMISSIONS / "honest_correct.ipynb", unsafe_no_sandbox=True)
    assert result.status is Status.GRADED and result.score == 4
    assert os.geteuid() == 0


def test_one_submission_starts_exactly_one_sandbox() -> None:
    before = len(CREATED_CGROUPS)
    result = autograde(SOURCE, SUBMISSIONS / "honest_correct.ipynb")
    assert result.status is Status.GRADED
    assert len(CREATED_CGROUPS) - before == 2  # one memory and one pids cgroup


def test_autograde_works_from_async_code() -> None:
    import asyncio

    async def caller() -> float | None:
        return autograde(SOURCE, SUBMISSIONS / "honest_partial.ipynb").score

    assert asyncio.run(caller()) == 3


def test_socket_directory_is_locked_once_the_kernel_runs(tmp_path: Path) -> None:
    code = (
        "import glob, os\nsockets = glob.glob('/tmp/grader-comm-*/kernel-*')\n"
        "assert sockets, 'no socket directory'\n"
        "for path in sockets:\n"
        "    try:\n        os.remove(path)\n        raise SystemError('socket removed')\n"
        "    except PermissionError:\n        pass\n"
        "try:\n    open(os.path.dirname(sockets[0]) + '/junk', 'w')\n"
        "    raise SystemError('wrote into the socket directory')\nexcept PermissionError:\n"
        "    pass\n"
        "def total():\n    return 15\n"
    )
    path = total_answered_with(code, tmp_path / "lock.ipynb")
    result = autograde(SOURCE, path, limits=QUICK_LIMITS)
    assert {c.grade_id: c.score for c in result.cells}["test_total"] == 1.0, result.cells


def test_seccomp_refuses_debugging_and_namespaces(tmp_path: Path) -> None:
    code = "\n".join([
        "import ctypes",
        "libc = ctypes.CDLL(None, use_errno=True)",
        "assert libc.ptrace(0, 0, 0, 0) == -1, 'ptrace allowed'",
        "assert libc.unshare(0x10000000) == -1, 'unshare allowed'",
        "assert ctypes.get_errno() == 1",
        "def total():",
        "    return 15",
    ])
    path = total_answered_with(code, tmp_path / "seccomp.ipynb")
    result = autograde(SOURCE, path, limits=QUICK_LIMITS)
    assert {c.grade_id: c.score for c in result.cells}["test_total"] == 1.0, result.cells
