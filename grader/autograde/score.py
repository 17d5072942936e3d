"""Score an executed notebook the way nbgrader does, trusting only what the checks confirm."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nbformat import NotebookNode
from nbgrader import utils

from grader.autograde import flags as flag
from grader.autograde import probe
from grader.autograde.merge import CANARY, GRADER_KEY, PROBE, role
from grader.autograde.result import CellResult
from grader.autograde.run import Execution
from grader.content import hidden_messages
from grader.content.notebook import grade_id, has_hidden_tests, is_grade, is_graded, is_test, points

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_LINE_NUMBER = re.compile(r"\s*(\d+)\b")
NOT_RUN = "This test did not run: the notebook stopped before it (see the note above)."
UNTRUSTED = "This test could not be trusted: the notebook changed how cells run."


@dataclass(frozen=True)
class Scored:
    cells: tuple[CellResult, ...]
    flags: tuple[str, ...]


def _marked_row(traceback: list[str]) -> str | None:
    """The `----> 3 assert ...` row IPython marks in the test cell's own frame (the first:
    deeper frames may be in instructor helpers the learner must not see)."""
    for line in [_ANSI.sub("", str(t)) for t in traceback]:
        for row in line.splitlines():
            if row.lstrip().startswith("---->"):
                return row.split("---->", 1)[1]
    return None


def _failing_line(traceback: list[str]) -> str:
    row = _marked_row(traceback)
    return "" if row is None else row.strip().lstrip("0123456789").strip()


def failing_line_number(traceback: list[str]) -> int | None:
    """1-based line of the test cell where the error was raised, or None if not shown."""
    row = _marked_row(traceback)
    match = _LINE_NUMBER.match(row or "")
    return int(match.group(1)) if match else None


def _error(cell: NotebookNode) -> NotebookNode | None:
    return next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)


def _message(cell: NotebookNode) -> str:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            text = f"{output.get('ename', '')}: {output.get('evalue', '')}".strip()
            if not output.get("evalue"):
                line = _failing_line(output.get("traceback", []))
                text = f"{text} {line}".strip() if line else text
            return _ANSI.sub("", text)[:500]
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            return _ANSI.sub("", str(output.get("text", "")))[:500]
    return ""


def hidden_cell_message(cell: NotebookNode, trusted_kernel: bool) -> str:
    """What the learner is told about a failed test cell that has hidden tests: the
    author's message for the hidden block that failed; the visible check's own message when
    a visible line failed (no hidden code has run yet: hidden regions come last). When the
    kernel was tampered with, or the failure cannot be placed, only the cell's first author
    message, since the traceback itself may be forged."""
    source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
    error = _error(cell)
    line = failing_line_number(error.get("traceback", [])) if error and trusted_kernel else None
    authored = hidden_messages.message_for_line(source, line)
    if authored is not None:
        return authored
    if line is not None:
        return _message(cell)
    return hidden_messages.first_message(source) or ""


def _canaries(execution: Execution, nonce: str) -> tuple[dict[str, bool], list[str]]:
    held: dict[str, bool] = {}
    flags: list[str] = []
    for index, cell in enumerate(execution.nb.cells):
        if role(cell) == CANARY:
            after = cell.metadata[GRADER_KEY]["after"]
            ran = index in execution.replies
            ok = probe.canary_held(execution.replies.get(index), cell.get("outputs", []), nonce)
            held[after] = ok
            if ran and not ok:
                flags.append(flag.CANARY_FAILED)
        elif role(cell) == PROBE:
            if index in execution.replies:
                flags += probe.probe_flags(execution.replies[index], cell.outputs, nonce)
    return held, flags


def score(execution: Execution, nonce: str) -> Scored:
    """CellResults in notebook order, and the flags the in-kernel checks raised."""
    held, flags = _canaries(execution, nonce)
    cells = []
    for index, cell in enumerate(execution.nb.cells):
        cell_id = grade_id(cell)  # every graded cell has one: merge restored them by it
        if not is_graded(cell) or role(cell) or cell_id is None:
            continue
        worth = points(cell)
        if is_test(cell):
            hidden = has_hidden_tests(cell)
            if index not in execution.replies:
                earned, message = 0.0, NOT_RUN
            elif not held.get(cell_id, False):
                earned, message = 0.0, UNTRUSTED
            else:
                earned, _ = utils.determine_grade(cell)
                failed = float(earned or 0.0) < worth
                if not hidden:
                    message = _message(cell)
                elif failed:
                    message = hidden_cell_message(cell, trusted_kernel=not flags)
                else:
                    message = ""
            cells.append(CellResult(cell_id, float(earned or 0.0), worth,
                                    kind="autograded", hidden=hidden, message=message))
        elif is_grade(cell):
            earned, _ = utils.determine_grade(cell)
            cells.append(CellResult(cell_id, None if earned is None else float(earned),
                                    worth, kind="manual"))
        else:  # a task: always for a person to mark
            cells.append(CellResult(cell_id, None, worth, kind="manual"))
    return Scored(tuple(cells), tuple(dict.fromkeys(flags)))
