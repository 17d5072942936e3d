"""Grade submissions: precheck, merge, run in a fresh sandboxed kernel, score, feedback."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from grader.autograde import feedback, static
from grader.autograde import flags as flag
from grader.autograde.kernels import DEFAULT_PRELOAD, KernelPool, StartedKernel
from grader.autograde.limits import Limits
from grader.autograde.merge import merge, role
from grader.autograde.precheck import Rejected, precheck
from grader.autograde.result import GradeResult, Status
from grader.autograde.run import execute
from grader.autograde.sandbox.layers import sandbox_report
from grader.autograde.score import score
from grader.autograde.source import InstructorNotebook, SourceError, load_instructor
from grader.content.notebook import is_code, is_restored

log = logging.getLogger(__name__)

UNSAFE_WARNING = (
    "UNSAFE: grading WITHOUT the sandbox. Learner code runs as this user, with this user's "
    "files and network. Only for authoring on your own laptop or measuring the sandbox."
)
SPARE_KERNELS = 1


class KernelSource(Protocol):
    """Where `_grade_one` takes a fresh kernel from and gives it back: a batch's `KernelPool`
    or a long-lived grading session."""

    async def take(self) -> StartedKernel: ...

    def release(self, kernel: StartedKernel) -> None: ...


@dataclass(frozen=True)
class GradingOptions:
    """How to grade a batch."""

    limits: Limits = Limits()
    workers: int = 2
    """Submissions graded at the same time (each in its own kernel and sandbox)."""
    unsafe_no_sandbox: bool = False
    """Run learner code without the sandbox. Never on a server."""
    preload: tuple[str, ...] = DEFAULT_PRELOAD
    """Modules imported in each fresh kernel before the learner's code runs."""


def _failed(submission: str, reason: str, max_score: float, start: float) -> GradeResult:
    return GradeResult(submission, Status.FAILED, None, max_score, False, reason=reason,
                       duration_seconds=time.monotonic() - start)


def _learner_sources(merged) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.source for c in merged.cells
            if is_code(c) and not role(c) and not is_restored(c)]


async def _grade_one(
    instructor: InstructorNotebook, submission: str, pool: KernelSource, limits: Limits
) -> GradeResult:
    start = time.monotonic()
    max_score = instructor.max_score
    try:
        nb = precheck(Path(submission), instructor, limits)
    except Rejected as rejection:
        return GradeResult(submission, Status.REJECTED, None, max_score, False,
                           reason=str(rejection), duration_seconds=time.monotonic() - start)
    nonce = secrets.token_hex(8)
    merged = merge(nb, instructor, nonce)
    flags = list(static.scan(_learner_sources(merged)))
    try:
        kernel = await pool.take()
    except Exception as error:  # noqa: BLE001 - any start failure is reported, not raised
        log.exception("%s: the sandboxed kernel did not start", submission)
        return _failed(submission, f"The grading sandbox could not start ({error}).",
                       max_score, start)
    try:
        execution = await execute(merged, kernel, limits)
        oom = kernel.sandbox is not None and kernel.sandbox.cgroups.oom_killed()
    finally:
        pool.release(kernel)
    if execution.notebook_timed_out:
        return _failed(
            submission,
            f"The notebook ran for more than {limits.notebook_timeout:g} seconds in total, so "
            "it could not be graded. Look for a loop that never ends.", max_score, start)
    if execution.kernel_unresponsive:
        return _failed(
            submission,
            f"A cell kept running after its {limits.cell_timeout:g}-second limit and would "
            "not stop, so the notebook could not be graded. Look for a loop that never ends.",
            max_score, start)
    scored = score(execution, nonce)
    flags += scored.flags
    if oom:
        flags.append(flag.MEMORY)
    elif execution.kernel_died:
        flags.append(flag.KERNEL_STOPPED)
    if execution.output_truncated:
        flags.append(flag.OUTPUT)
    earned = sum(c.score or 0.0 for c in scored.cells if c.kind == "autograded")
    earned += sum(c.score or 0.0 for c in scored.cells if c.kind == "manual")
    return GradeResult(
        submission, Status.GRADED, earned, max_score,
        needs_manual_grading=any(c.score is None for c in scored.cells),
        flags=tuple(dict.fromkeys(flags)), cells=scored.cells,
        feedback_html=feedback.render(Path(submission).name, scored.cells, earned),
        duration_seconds=time.monotonic() - start,
    )


async def _grade_all(
    source: Path, submissions: list[str], options: GradingOptions
) -> list[GradeResult]:
    start = time.monotonic()
    try:
        instructor = load_instructor(source)
    except SourceError as error:
        return [_failed(s, f"The exercise could not be loaded: {error}", 0.0, start)
                for s in submissions]
    if options.unsafe_no_sandbox:
        log.warning(UNSAFE_WARNING)
    else:
        report = sandbox_report(options.limits)
        if not report.available:
            log.error("grading refused: the sandbox is not available: %s", report.problem)
            return [_failed(s, f"Grading refused: the sandbox is not available "
                            f"({report.problem}).", instructor.max_score, start)
                    for s in submissions]
        log.info("%s", report.summary())
    workers = max(1, min(options.workers, len(submissions)))
    # One kernel more than workers: a kernel takes longer to start (wall clock) than a
    # notebook takes to run, so with only one per worker the workers waited for them.
    pool = KernelPool(options.limits, instructor.datasets, size=workers + SPARE_KERNELS,
                      total=len(submissions),
                      sandboxed=not options.unsafe_no_sandbox, preload=options.preload)
    gate = asyncio.Semaphore(workers)

    async def one(submission: str) -> GradeResult:
        async with gate:
            try:
                return await _grade_one(instructor, submission, pool, options.limits)
            except Exception as error:  # noqa: BLE001 - never a silent zero
                log.exception("%s: grading failed", submission)
                return _failed(submission, f"Grading failed because of a problem in the "
                               f"grader ({type(error).__name__}).", instructor.max_score, start)

    try:
        return list(await asyncio.gather(*(one(s) for s in submissions)))
    finally:
        await pool.close()


def autograde_many(
    source: str | Path, submissions: list[str | Path], *, options: GradingOptions | None = None
) -> list[GradeResult]:
    """Grade each submission against the instructor notebook `source`, in input order."""
    options = options or GradingOptions()
    work = _grade_all(Path(source), [str(s) for s in submissions], options)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    # Called from async code (a service view, a notebook): grade on a thread of our own.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, work).result()


def autograde(
    source: str | Path, submission: str | Path, *, limits: Limits | None = None,
    unsafe_no_sandbox: bool = False,
) -> GradeResult:
    """Grade one submission in a fresh sandboxed kernel (the function the service calls)."""
    options = GradingOptions(limits=limits or Limits(), workers=1,
                             unsafe_no_sandbox=unsafe_no_sandbox)
    return autograde_many(source, [submission], options=options)[0]
