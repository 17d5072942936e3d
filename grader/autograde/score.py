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
from grader.content.notebook import grade_id, has_hidden_tests, is_grade, is_graded, is_test, points

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
NOT_RUN = "This test did not run: the notebook stopped before it (see the note above)."
UNTRUSTED = "This test could not be trusted: the notebook changed how cells run."


@dataclass(frozen=True)
class Scored:
    cells: tuple[CellResult, ...]
    flags: tuple[str, ...]


def _failing_line(traceback: list[str]) -> str:
    """The `----> 3 assert ...` line IPython marks in the test cell's own frame (the first:
    deeper frames may be in instructor helpers the learner must not see)."""
    for line in [_ANSI.sub("", str(t)) for t in traceback]:
        for row in line.splitlines():
            if row.lstrip().startswith("---->"):
                return row.split("---->", 1)[1].strip().lstrip("0123456789").strip()
    return ""


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
                message = _message(cell)
            cells.append(CellResult(cell_id, float(earned or 0.0), worth,
                                    kind="autograded", hidden=hidden,
                                    message="" if hidden else message))
        elif is_grade(cell):
            earned, _ = utils.determine_grade(cell)
            cells.append(CellResult(cell_id, None if earned is None else float(earned),
                                    worth, kind="manual"))
        else:  # a task: always for a person to mark
            cells.append(CellResult(cell_id, None, worth, kind="manual"))
    return Scored(tuple(cells), tuple(dict.fromkeys(flags)))
