"""Grading in a long-running process (a queue worker): one event loop, and the next kernel
already started.

`autograde()` starts its kernel when asked and stops everything when done, which suits a
batch. A worker grades one notebook after another, often of the same exercise, so a
`GradingSession` keeps a spare: when it takes a kernel for a submission it starts the next one
for the same exercise and limits, which is ready by the time the next submission arrives. A
spare is still a fresh kernel in its own sandbox that has run nobody's code; it is used once
and then destroyed, exactly like the batch's. A spare left unused for `idle_seconds` is stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from grader.autograde.grade import _failed, _grade_one
from grader.autograde.kernels import DEFAULT_PRELOAD, StartedKernel, start_kernel
from grader.autograde.limits import Limits
from grader.autograde.result import GradeResult
from grader.autograde.sandbox.core import SandboxUnavailable, check_available, kernel_env
from grader.autograde.sandbox.forking import get_zygote
from grader.autograde.source import InstructorNotebook, SourceError, load_instructor

log = logging.getLogger(__name__)

IDLE_SECONDS = 600.0
"""A spare kernel nobody has taken for this long is stopped (it holds a sandbox)."""
CLOSE_TIMEOUT = 1.5
"""Seconds `close()` waits for kernels to be destroyed (the process is usually ending)."""


@dataclass
class _Spare:
    key: tuple[object, ...]
    task: asyncio.Task[StartedKernel]
    timer: asyncio.TimerHandle | None = None


def _failed_start(task: asyncio.Task[StartedKernel]) -> bool:
    return task.done() and (task.cancelled() or task.exception() is not None)


class _Kernels:
    """What `_grade_one` takes its kernel from (the batch's `KernelPool` interface)."""

    def __init__(self, session: GradingSession, instructor: InstructorNotebook,
                 limits: Limits) -> None:
        self._session = session
        self._args = (limits, instructor.datasets)

    async def take(self) -> StartedKernel:
        return await self._session._take(self._args)

    def release(self, kernel: StartedKernel) -> None:
        self._session._close_later(kernel)


class GradingSession:
    """Grades one submission at a time from any thread; keeps the next kernel starting."""

    def __init__(self, *, sandboxed: bool = True, preload: tuple[str, ...] = DEFAULT_PRELOAD,
                 idle_seconds: float = IDLE_SECONDS) -> None:
        self.sandboxed = sandboxed
        self.preload = preload
        self.idle_seconds = idle_seconds
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="grading-session",
                                        daemon=True)
        self._thread.start()
        self._spare: _Spare | None = None
        self._closing: set[asyncio.Task[None]] = set()

    # --- called from the worker's thread -------------------------------------------------

    def warm_up(self) -> None:
        """Start the kernel zygote now (importing pandas takes seconds), not on first use.
        On a thread of its own, which nothing waits for when the process ends."""
        threading.Thread(target=get_zygote, args=(self.preload, kernel_env()),
                         name="zygote-warm-up", daemon=True).start()

    def grade(self, source: str | Path, submission: str | Path, *,
              limits: Limits | None = None) -> GradeResult:
        """Grade like `autograde()`. An exception in this thread (the worker told to stop)
        cancels the grading, whose kernel is then destroyed."""
        future = asyncio.run_coroutine_threadsafe(
            self._grade(Path(source), str(submission), limits or Limits()), self._loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()
            raise

    def close(self, timeout: float = CLOSE_TIMEOUT) -> None:
        """Stop the spare and every kernel being closed, then the loop (at most `timeout`)."""
        if self._loop.is_closed() or not self._thread.is_alive():
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)

    # --- on the session's loop ------------------------------------------------------------

    async def _grade(self, source: Path, submission: str, limits: Limits) -> GradeResult:
        start = time.monotonic()
        try:
            instructor = load_instructor(source)
        except SourceError as error:
            return _failed(submission, f"The exercise could not be loaded: {error}", 0.0, start)
        if self.sandboxed:
            try:
                check_available()
            except SandboxUnavailable as error:
                log.error("grading refused: the sandbox is not available: %s", error)
                return _failed(submission, f"Grading refused: the sandbox is not available "
                               f"({error}).", instructor.max_score, start)
        try:
            return await _grade_one(instructor, submission,
                                    _Kernels(self, instructor, limits), limits)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - never a silent zero
            log.exception("%s: grading failed", submission)
            return _failed(submission, f"Grading failed because of a problem in the grader "
                           f"({type(error).__name__}).", instructor.max_score, start)

    def _start(self, key: tuple[object, ...]) -> _Spare:
        limits, datasets = key
        task = asyncio.ensure_future(start_kernel(
            limits, datasets, sandboxed=self.sandboxed, preload=self.preload))  # type: ignore[arg-type]
        return _Spare(key, task)

    async def _take(self, key: tuple[object, ...]) -> StartedKernel:
        spare, self._spare = self._spare, None
        if spare is not None and spare.timer is not None:
            spare.timer.cancel()
        if spare is None or spare.key != key or _failed_start(spare.task):
            if spare is not None:
                self._discard(spare)
            spare = self._start(key)
        # The next submission's kernel starts while this one runs.
        self._spare = self._start(key)
        self._spare.timer = self._loop.call_later(self.idle_seconds, self._expire, self._spare)
        return await spare.task

    def _expire(self, spare: _Spare) -> None:
        if self._spare is spare:
            self._spare = None
            self._discard(spare)

    def _discard(self, spare: _Spare) -> None:
        async def stop() -> None:
            with contextlib.suppress(BaseException):
                await (await spare.task).close()
        self._track(asyncio.ensure_future(stop()))

    def _close_later(self, kernel: StartedKernel) -> None:
        self._track(asyncio.ensure_future(kernel.close()))

    def _track(self, task: asyncio.Task[None]) -> None:
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _shutdown(self) -> None:
        """Cancel the spare's start (it cleans up after itself) and any grading, then wait
        until every kernel is closed."""
        if self._spare is not None:
            spare, self._spare = self._spare, None
            if spare.timer is not None:
                spare.timer.cancel()
            if spare.task.done():
                self._discard(spare)
            else:
                spare.task.cancel()
        current = asyncio.current_task()
        while others := [t for t in asyncio.all_tasks() if t is not current and not t.done()]:
            await asyncio.wait(others)


_SESSION: GradingSession | None = None
_SESSION_LOCK = threading.Lock()


def session() -> GradingSession:
    """This process's session, created on first use."""
    global _SESSION
    with _SESSION_LOCK:
        if _SESSION is None:
            _SESSION = GradingSession()
        return _SESSION


def close_session() -> None:
    global _SESSION
    with _SESSION_LOCK:
        if _SESSION is not None:
            _SESSION.close()
            _SESSION = None


def autograde(source: str | Path, submission: str | Path, *,
              limits: Limits | None = None) -> GradeResult:
    """`grader.autograde.autograde`, keeping this process's next kernel started."""
    return session().grade(source, submission, limits=limits)
