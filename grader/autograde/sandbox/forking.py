"""The grader's side of the kernel zygote (`zygote.py`): start it, ask it for kernels, and
manage each forked kernel through jupyter_client as if it were a normal subprocess.

One zygote per grader process and per set of preloaded modules, started on first use and
restarted if it dies. It is started with a clean environment (the kernel's), so none of the
grader's settings or secrets are in the memory every kernel inherits.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

log = logging.getLogger(__name__)

ZYGOTE_SOURCE = Path(__file__).with_name("zygote.py")
# The zygote's code is compiled under a name that is not a path: the probe takes code from
# files under /tmp or the working directory for the learner's, and a checkout may sit in /tmp.
BOOTSTRAP = ("import sys; exec(compile(open(sys.argv.pop(1)).read(), 'grader-zygote', 'exec'), "
             "{'__name__': '__main__'})")
READY_TIMEOUT = 120.0
FORK_TIMEOUT = 30.0


class ZygoteError(RuntimeError):
    """The zygote could not start or could not fork a kernel."""


class Zygote:
    """A running zygote process; `fork()` is thread-safe and returns the new kernel's pid."""

    def __init__(self, modules: tuple[str, ...], env: dict[str, str]) -> None:
        self.modules = modules
        self._lock = threading.Lock()
        self._buffer = b""
        started = time.monotonic()
        self._process = subprocess.Popen(
            [str(Path(sys.prefix) / "bin" / "python"), "-I", "-B", "-c", BOOTSTRAP,
             str(ZYGOTE_SOURCE), *modules],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, cwd="/", close_fds=True,
        )
        self._errors: list[str] = []
        threading.Thread(target=self._log_stderr, name="zygote-stderr", daemon=True).start()
        reply = self._read_reply(READY_TIMEOUT)
        if not reply.get("ready"):
            raise ZygoteError(f"the kernel zygote did not start: {reply}")
        log.info("kernel zygote %d ready in %.2f s", self._process.pid,
                 time.monotonic() - started)

    def _log_stderr(self) -> None:
        assert self._process.stderr is not None
        for raw in self._process.stderr:
            line = raw.decode(errors="replace").rstrip()
            self._errors = [*self._errors[-20:], line]
            log.warning("kernel zygote: %s", line)

    def _read_reply(self, timeout: float) -> dict[str, Any]:
        assert self._process.stdout is not None
        fd = self._process.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                self.close()
                raise ZygoteError(f"the kernel zygote gave no answer within {timeout:g} s")
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                self._process.wait(timeout=5)
                detail = "; ".join(self._errors[-3:]) or f"exit code {self._process.returncode}"
                raise ZygoteError(f"the kernel zygote stopped ({detail})")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            reply = json.loads(line)
        except ValueError as error:
            raise ZygoteError(f"the kernel zygote answered {line[:200]!r}") from error
        if not isinstance(reply, dict):
            raise ZygoteError(f"the kernel zygote answered {line[:200]!r}")
        return reply

    def alive(self) -> bool:
        return self._process.poll() is None

    def fork(self, request: dict[str, Any]) -> int:
        """Ask for a kernel: the pid of the new child (the sandbox's holder process)."""
        with self._lock:
            assert self._process.stdin is not None
            try:
                self._process.stdin.write(json.dumps(request).encode() + b"\n")
                self._process.stdin.flush()
            except OSError as error:
                raise ZygoteError(f"the kernel zygote is gone: {error}") from error
            reply = self._read_reply(FORK_TIMEOUT)
        if "pid" not in reply:
            raise ZygoteError(f"the kernel zygote could not fork: {reply.get('error', reply)}")
        return int(reply["pid"])

    def close(self) -> None:
        """Stop the zygote; its children die with it (their parent-death signal)."""
        with self._lock:
            if self._process.stdin is not None:
                try:
                    self._process.stdin.close()
                except OSError:
                    pass
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()


_ZYGOTES: dict[tuple[str, ...], Zygote] = {}
_ZYGOTES_LOCK = threading.Lock()


def get_zygote(modules: tuple[str, ...], env: dict[str, str]) -> Zygote:
    """This process's zygote for `modules`, started (or restarted) when needed."""
    with _ZYGOTES_LOCK:
        zygote = _ZYGOTES.get(modules)
        if zygote is None or not zygote.alive():
            zygote = _ZYGOTES[modules] = Zygote(modules, env)
        return zygote


@atexit.register
def close_zygotes() -> None:
    with _ZYGOTES_LOCK:
        for zygote in _ZYGOTES.values():
            zygote.close()
        _ZYGOTES.clear()


class ForkedProcess:
    """What jupyter_client needs of a `Popen` for a process that is not our child: watched
    through a pidfd (no pid reuse races), signalled by pid while it runs."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:
            self._pidfd = None
            self.returncode = -signal.SIGKILL

    def poll(self) -> int | None:
        return self.wait(timeout=0)

    def wait(self, timeout: float | None = None) -> int | None:
        if self.returncode is None and self._pidfd is not None:
            ready, _, _ = select.select([self._pidfd], [], [], timeout)
            if ready:
                # The zygote reaps its children, so the status is not ours to read.
                self.returncode = -signal.SIGKILL
                os.close(self._pidfd)
                self._pidfd = None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def __del__(self) -> None:
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None


class ZygoteProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, except that the kernel is forked by the zygote:
    `request` holds everything but the kernel's own arguments (the sandbox, env, cwd)."""

    zygote: Zygote
    request: dict[str, Any]

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        # cmd is the kernel spec's argv, formatted: ["ipykernel", "-f", <file>, ...]
        request = {**self.request, "argv": cmd[1:]}
        pid = await asyncio.to_thread(self.zygote.fork, request)
        # ForkedProcess answers what the provisioner asks of a Popen (poll, wait, signals).
        self.process = ForkedProcess(pid)  # type: ignore[assignment]
        self.pid = pid
        self.pgid = None  # signals go to the holder only; the cgroup catches the rest
        self.cwd = request.get("cwd")
        return self.connection_info
