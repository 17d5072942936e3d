"""Grade untrusted nbgrader notebooks: precheck, sandboxed run, scoring, feedback.

The one public entry point is `autograde(source, submission, *, limits=None) -> GradeResult`
(and `autograde_many` for batches with parallel workers). The service calls these; it never
imports nbgrader itself.
"""

from __future__ import annotations

from grader.autograde.feedback import with_tutor_marks
from grader.autograde.grade import GradingOptions, autograde, autograde_many
from grader.autograde.limits import Limits
from grader.autograde.result import CellResult, GradeResult, Status

__all__ = [
    "CellResult",
    "GradeResult",
    "GradingOptions",
    "Limits",
    "Status",
    "autograde",
    "autograde_many",
    "with_tutor_marks",
]
