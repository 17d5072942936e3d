"""Every flag the grader raises, named once.

A flag is a reason for a person to review a result (`GradeResult.flags`); flags never change
a score by themselves. A name ending in `:` or `.` is a prefix: what follows names the hook,
module or variable concerned (`tampering:patched:pandas.testing.assert_frame_equal`).

The probe's flags are defined in `kernel_probe.py`, because that module runs inside the
learner's kernel on its own (standard library only); they are re-exported here.
"""

from __future__ import annotations

from grader.autograde.kernel_probe import (
    ALWAYS_EQUAL_VALUE,
    AST_TRANSFORMER,
    BUILTIN_REPLACED,
    BUILTIN_SHADOWED,
    CUSTOM_EXCEPTION_HANDLER,
    EVENT_HOOK,
    FOREIGN_MODULE,
    INPUT_TRANSFORMER,
    KERNEL_ATTRIBUTE,
    KERNEL_FLAG_PREFIXES,
    KERNEL_FLAGS,
    PATCHED,
    SHELL_ATTRIBUTE,
    SYS_HOOK,
    TRACE_FUNCTION,
)

TAMPERING = "tampering:"
"""Every flag for code that changed how the kernel runs or reports starts with this."""
SUSPICIOUS = "suspicious:"
"""Flags for code honest answers rarely need start with this."""
LIMIT = "limit:"
"""Flags for a limit the notebook reached start with this."""

# Canaries and the probe (score.py, probe.py).
CANARY_FAILED = "tampering:canary"
"""A canary after a test did not fail as it must: the test before it is not trusted."""
PROBE_MISSING = "tampering:probe"
"""The probe's report is missing, repeated or malformed."""

# The static scan of the learner's code (static.py).
KERNEL_HOOK = "tampering:kernel-hook:"
"""Prefix: the code reaches into the kernel's machinery (the attribute follows)."""
BUILTINS_MODULE = "tampering:builtins"
"""The code names `__builtins__` or `__builtin__`."""
EXIT = "tampering:exit"
"""The code stops the kernel or the process (`exit`, `os._exit`, `raise SystemExit`...)."""
ALWAYS_EQUAL = "tampering:always-equal"
"""The code defines `__eq__` or `__ne__` returning a constant."""
IMPORTS = "suspicious:imports-"
"""Prefix: the code imports a kernel or introspection module (its top-level name follows)."""
DYNAMIC_CODE = "suspicious:dynamic-code"
"""The code calls `exec`, `eval`, `compile` or `__import__`."""
GRADER_ENVIRONMENT = "suspicious:grader-environment"
"""A string in the code names the grader's own files (`gradebook`, `.ipynb`...)."""

# Limits (grade.py).
MEMORY = "limit:memory"
"""The kernel was stopped for using more memory than its limit."""
KERNEL_STOPPED = "limit:kernel-stopped"
"""The kernel stopped during the run for another reason."""
OUTPUT = "limit:output"
"""The notebook's output was cut at its size limit."""

__all__ = [
    "ALWAYS_EQUAL",
    "ALWAYS_EQUAL_VALUE",
    "AST_TRANSFORMER",
    "BUILTINS_MODULE",
    "BUILTIN_REPLACED",
    "BUILTIN_SHADOWED",
    "CANARY_FAILED",
    "CUSTOM_EXCEPTION_HANDLER",
    "DYNAMIC_CODE",
    "EVENT_HOOK",
    "EXIT",
    "FOREIGN_MODULE",
    "GRADER_ENVIRONMENT",
    "IMPORTS",
    "INPUT_TRANSFORMER",
    "KERNEL_ATTRIBUTE",
    "KERNEL_FLAGS",
    "KERNEL_FLAG_PREFIXES",
    "KERNEL_HOOK",
    "KERNEL_STOPPED",
    "LIMIT",
    "MEMORY",
    "OUTPUT",
    "PATCHED",
    "PROBE_MISSING",
    "SHELL_ATTRIBUTE",
    "SUSPICIOUS",
    "SYS_HOOK",
    "TAMPERING",
    "TRACE_FUNCTION",
]
