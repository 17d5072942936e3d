"""The result of grading one submission: the contract between the autograder and its callers.

The CLI prints it as JSON (`to_json`), the service stores it. Frozen: a result never changes
after grading; a re-grade makes a new one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """How grading ended."""

    GRADED = "graded"
    """The notebook ran in the sandbox and its tests were scored."""
    REJECTED = "rejected"
    """The file was refused before running anything (not a notebook, too large, ...)."""
    FAILED = "failed"
    """Grading could not finish (sandbox missing, time limit of the whole notebook, ...).
    Never a silent zero: `score` is None."""


@dataclass(frozen=True)
class CellResult:
    """Score of one graded cell (an autograded test cell or a manually graded answer)."""

    grade_id: str
    """nbgrader's grade id of the cell."""
    score: float | None
    """Points earned; None for a manually graded cell not yet marked by a person."""
    max_score: float
    """Points the cell is worth."""
    kind: str = "autograded"
    """`autograded` (a test cell) or `manual` (a written answer for a person to mark)."""
    hidden: bool = False
    """True when the cell holds hidden tests (their code and values are never shown)."""
    message: str = ""
    """Learner-facing message when the cell lost points: a visible test's error line, or for
    a hidden test the author's `# Message:` hint for the block that failed; empty when the
    cell passed."""


@dataclass(frozen=True)
class GradeResult:
    """Outcome of grading one submission against one instructor notebook."""

    submission: str
    """The submission path as the caller gave it."""
    status: Status
    score: float | None
    """Autograded points earned; None unless status is `graded`."""
    max_score: float
    """All points of the notebook, autograded and manual."""
    needs_manual_grading: bool
    """True when the notebook has manually graded answers for a person to mark."""
    flags: tuple[str, ...] = ()
    """Reasons for a person to review, e.g. `tampering:input-transformer`. Empty when honest."""
    reason: str = ""
    """A plain sentence for `rejected` and `failed`; empty for `graded`."""
    cells: tuple[CellResult, ...] = field(default_factory=tuple)
    """Per graded cell, in notebook order."""
    feedback_html: str = ""
    """Learner-facing feedback page (sanitised, hidden tests redacted); empty unless graded."""
    duration_seconds: float = 0.0
    """Wall-clock time spent grading this submission."""

    def to_json(self) -> dict[str, Any]:
        """The JSON object `grader autograde --json` prints (without the feedback page)."""
        data = asdict(self)
        data["status"] = self.status.value
        data["flags"] = list(self.flags)
        data["cells"] = [
            {k: v for k, v in asdict(c).items()} for c in self.cells
        ]
        del data["feedback_html"]
        return data
