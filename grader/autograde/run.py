"""Run a merged notebook, cell by cell, in a started kernel: nbgrader's execution semantics,
a cap on output, and a hard deadline for the whole notebook."""

from __future__ import annotations

import asyncio
import copy
import logging
from dataclasses import dataclass, field
from typing import Any

from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode

from grader.autograde.kernels import StartedKernel
from grader.autograde.limits import Limits
from grader.content.notebook import is_code

log = logging.getLogger(__name__)

# nbgrader's Execute preprocessor: the reply it records for a cell that timed out.
ERROR_ON_TIMEOUT = {
    "ename": "CellTimeoutError",
    "evalue": "",
    "traceback": ["CellTimeoutError: No reply from kernel before timeout"],
}
TRUNCATED = "... output truncated by the grader ..."
MAX_KEPT_TEXT = 2_000


@dataclass
class Execution:
    """What happened when the notebook ran."""

    nb: NotebookNode
    """The executed copy of the notebook, with outputs."""
    replies: dict[int, dict[str, Any]] = field(default_factory=dict)
    """execute_reply content by cell index, for cells that got a reply."""
    kernel_died: bool = False
    notebook_timed_out: bool = False
    kernel_unresponsive: bool = False
    """A cell went on after its time limit and the interrupt: the kernel was given up."""
    output_truncated: bool = False


class GradingClient(NotebookClient):
    """nbclient with nbgrader's settings, the reply recorded per cell and output capped."""

    def __init__(self, nb: NotebookNode, kernel: StartedKernel, limits: Limits) -> None:
        super().__init__(
            nb, km=kernel.km, timeout=int(limits.cell_timeout), interrupt_on_timeout=True,
            allow_errors=True, raise_on_iopub_timeout=True, error_on_timeout=ERROR_ON_TIMEOUT,
            record_timing=False,
        )
        self.kc = kernel.kc
        self.replies: dict[int, dict[str, Any]] = {}
        self.output_budget = limits.max_output_bytes
        self.output_truncated = False
        self.on_cell_executed = self._record_reply

    def _record_reply(self, cell: NotebookNode, cell_index: int, execute_reply: Any) -> None:
        content = (execute_reply or {}).get("content", {})
        self.replies[cell_index] = dict(content)
        # As nbgrader's Execute: an error reply whose error is missing from the outputs (the
        # learner disabled tracebacks, or the cell timed out) is added as an error output.
        if content.get("status") == "error" and not any(
            o.get("output_type") == "error" and o.get("ename") == content.get("ename")
            for o in cell.outputs
        ):
            cell.outputs.append(NotebookNode(
                output_type="error", ename=str(content.get("ename", "")),
                evalue=str(content.get("evalue", "")),
                traceback=list(content.get("traceback") or [])
                or ["ERROR: An error occurred while showtraceback was disabled"],
            ))

    def output(self, outs, msg, display_id, cell_index):  # type: ignore[no-untyped-def]
        out = super().output(outs, msg, display_id, cell_index)
        if out is None:
            return out
        size = len(str(out))
        if size <= self.output_budget:
            self.output_budget -= size
            return out
        self.output_truncated = True
        self.output_budget = 0
        outs.remove(out)
        kept = _shrink(out)
        if kept is not None:
            outs.append(kept)
        return kept


def _shrink(out: NotebookNode) -> NotebookNode | None:
    """Keep what grading needs from an output over budget: errors, stderr, results."""
    kind = out.get("output_type")
    if kind == "error":
        out.traceback = [*out.traceback[:3], TRUNCATED]
        out.evalue = out.evalue[:MAX_KEPT_TEXT]
        return out
    if kind == "stream":
        out.text = out.text[:MAX_KEPT_TEXT] + "\n" + TRUNCATED
        return out
    if kind == "execute_result":
        plain = out.get("data", {}).get("text/plain", "")
        plain = "".join(plain) if isinstance(plain, list) else str(plain)
        out.data = {"text/plain": plain[:MAX_KEPT_TEXT]}
        return out
    return None


async def execute(nb: NotebookNode, kernel: StartedKernel, limits: Limits) -> Execution:
    """Run every code cell of a copy of `nb`; never raises for anything the learner did."""
    nb = copy.deepcopy(nb)
    client = GradingClient(nb, kernel, limits)
    client.reset_execution_trackers()
    result = Execution(nb)

    async def run_cells() -> None:
        for index, cell in enumerate(nb.cells):
            if not is_code(cell):
                continue
            await client.async_execute_cell(
                cell, index, execution_count=client.code_cells_executed + 1
            )

    try:
        await asyncio.wait_for(run_cells(), timeout=limits.notebook_timeout)
    except CellTimeoutError:  # before TimeoutError: it is a subclass
        result.kernel_unresponsive = True
    except TimeoutError:
        result.notebook_timed_out = True
    except DeadKernelError:
        result.kernel_died = True
    except Exception as error:  # noqa: BLE001 - e.g. an iopub timeout: the kernel is unusable
        log.warning("execution stopped: %s", error)
        result.kernel_died = True
    result.replies = client.replies
    result.output_truncated = client.output_truncated
    return result
