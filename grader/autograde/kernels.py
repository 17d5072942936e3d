"""Sandboxed IPython kernels, started ahead of need: a fresh one per submission, never reused.

Starting Python, ipykernel and pandas was most of the cost of grading a notebook. Kernels are
now forked from a zygote that has imported them once (`zygote.py`, `forking.py`); each child
sandboxes itself and starts its own kernel application. A pool keeps the next kernels starting
while the current ones run. A kernel that has run one learner's code is shut down and its
sandbox destroyed; it never grades anyone else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import queue
import shutil
import tempfile
import time
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_client import AsyncKernelManager
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec

from grader.autograde.limits import Limits
from grader.autograde.sandbox.core import Sandbox, kernel_env
from grader.autograde.sandbox.forking import ZygoteProvisioner, get_zygote

log = logging.getLogger(__name__)

STARTUP_TIMEOUT = 60.0
# Imported (into sys.modules only, not the learner's namespace) before any learner code runs.
DEFAULT_PRELOAD = ("pandas",)


class ForkedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel is forked by the zygote (see `forking.py`); when
    sandboxed, its connection file is readable by the unprivileged sandbox user."""

    def __init__(self, *, request: dict, preload: tuple[str, ...], **kw) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kw)
        self._fork_request = request
        self._preload = preload

    async def _async_pre_start_kernel(self, **kw):  # type: ignore[no-untyped-def]
        self.kernel_id = self.kernel_id or str(uuid.uuid4())
        zygote = await asyncio.to_thread(get_zygote, self._preload, kernel_env())
        provisioner = ZygoteProvisioner(
            kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self,
        )
        provisioner.zygote = zygote
        provisioner.request = self._fork_request
        self.provisioner = provisioner
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        sandbox = self._fork_request.get("sandbox")
        if sandbox:
            os.chown(self.connection_file, sandbox["uid"], sandbox["gid"])
        return cmd, kw


@dataclass
class StartedKernel:
    """A ready kernel in its own sandbox, for exactly one submission."""

    sandbox: Sandbox | None
    km: AsyncKernelManager
    kc: AsyncKernelClient
    workdir: Path | None = None
    """Unsandboxed only: the temporary working directory holding the datasets."""

    async def close(self) -> None:
        """Stop the client, kill the kernel and everything in its sandbox."""
        with contextlib.suppress(Exception):
            self.kc.stop_channels()
        # The sandbox is killed first (SIGKILL to every process in its cgroups): the kernel
        # manager then finds its process already dead instead of polling every 0.1 s for it.
        if self.sandbox is not None:
            await asyncio.to_thread(self.sandbox.close)
        with contextlib.suppress(Exception):
            await self.km.shutdown_kernel(now=True)
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
        with contextlib.suppress(Exception):
            await self.km.cleanup_resources()


def _kernel_argv() -> list[str]:
    """The kernel application's arguments (the zygote has already imported ipykernel and the
    preloaded modules; the debugger is kept out, as grading needs none)."""
    return [
        "ipykernel", "-f", "{connection_file}", "--HistoryManager.hist_file=:memory:",
        "--IPKernelApp.log_level=ERROR",
    ]


async def _wait_for_ready(km: AsyncKernelManager, kc: AsyncKernelClient, timeout: float) -> None:
    """jupyter_client's `wait_for_ready` (a kernel_info reply on shell, then a message on IOPub
    to prove it is connected) without its last step, which waits for 0.2 s of silence on IOPub
    before returning: nbclient ignores IOPub messages that answer other requests."""
    deadline = time.monotonic() + timeout
    while True:
        kc.kernel_info()
        try:
            reply = await kc.shell_channel.get_msg(timeout=1)
        except queue.Empty:
            pass
        else:
            if reply["msg_type"] == "kernel_info_reply":
                try:
                    await kc.iopub_channel.get_msg(timeout=0.2)
                except queue.Empty:
                    pass
                else:
                    return
        if not await km.is_alive():
            raise RuntimeError("the kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the kernel did not reply within {timeout:g} seconds")


async def start_kernel(
    limits: Limits,
    datasets: tuple[tuple[Path, str], ...],
    *,
    sandboxed: bool = True,
    preload: tuple[str, ...] = DEFAULT_PRELOAD,
) -> StartedKernel:
    """Start one kernel (in a new sandbox unless `sandboxed` is False) and wait until ready."""
    sandbox = Sandbox(limits, datasets) if sandboxed else None
    workdir = None
    try:
        if sandbox is not None:
            comm = sandbox.comm_dir
            km = ForkedKernelManager(
                request=sandbox.request(), preload=preload,
                transport="ipc", ip=str(comm / "kernel"),
                connection_file=str(comm / "kernel.json"),
            )
        else:
            workdir = Path(tempfile.mkdtemp(prefix="grader-unsafe-"))
            for host_file, relative in datasets:
                (workdir / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(host_file, workdir / relative)
            km = ForkedKernelManager(
                request={"cwd": str(workdir), "env": kernel_env(str(workdir)), "sandbox": None},
                preload=preload,
            )
        km._kernel_spec = KernelSpec(
            argv=_kernel_argv(), display_name="Python 3 (grader)", language="python",
            interrupt_mode="message",
        )
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        await _wait_for_ready(km, kc, STARTUP_TIMEOUT)
        if sandbox is not None:
            sandbox.lock_comm_dir()
    except BaseException:
        if sandbox is not None:
            sandbox.close()
        raise
    return StartedKernel(sandbox, km, kc, workdir)


class KernelPool:
    """Keeps up to `size` kernels starting or ready; `take()` hands each out once. Starts at
    most `total` kernels in all (the number of submissions), so no spare is wasted."""

    def __init__(
        self,
        limits: Limits,
        datasets: tuple[tuple[Path, str], ...],
        *,
        size: int,
        total: int | None = None,
        sandboxed: bool = True,
        preload: tuple[str, ...] = DEFAULT_PRELOAD,
    ) -> None:
        self._limits, self._datasets = limits, datasets
        self._sandboxed, self._preload = sandboxed, preload
        self._size = size
        self._left = total
        self._pending: list[asyncio.Task[StartedKernel]] = []
        self._closing: set[asyncio.Task[None]] = set()

    def _start(self) -> Coroutine[Any, Any, StartedKernel]:
        return start_kernel(self._limits, self._datasets, sandboxed=self._sandboxed,
                            preload=self._preload)

    def _fill(self) -> None:
        while len(self._pending) < self._size and self._left != 0:
            if self._left is not None:
                self._left -= 1
            self._pending.append(asyncio.ensure_future(self._start()))

    async def take(self) -> StartedKernel:
        """The next ready kernel; another starts in its place."""
        self._fill()
        if not self._pending:  # more takes than announced: start one on demand
            self._pending.append(asyncio.ensure_future(self._start()))
        task = self._pending.pop(0)
        self._fill()
        return await task

    def release(self, kernel: StartedKernel) -> None:
        """Destroy a used kernel and its sandbox in the background: the worker goes on to the
        next submission at once, and `close()` waits until every released kernel is gone."""
        task = asyncio.ensure_future(kernel.close())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def close(self) -> None:
        """Shut down kernels started but never used; wait for released ones to be gone."""
        pending, self._pending = self._pending, []
        for task in pending:
            try:
                kernel = await task
            except Exception:  # noqa: BLE001 - a failed spare start needs no cleanup
                continue
            await kernel.close()
        while self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)
