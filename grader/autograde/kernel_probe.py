"""The probe: runs inside the learner's kernel, after every other cell, and reports tampering.

This module is never imported into the kernel. `probe.py` reads its text with
`importlib.resources` and sends it in the probe cell, which runs it in a namespace of its own
(builtins from the `builtins` module, not from the learner's namespace) and calls `report`.
So it uses the standard library only, and the flag names it raises are defined here;
`flags.py` re-exports them beside the grader's other flags.

It looks for what cheats leave behind: learner code inside input transformers, AST
transformers, event hooks, the builtins, installed modules and classes, the shell or kernel
objects, trace functions; and values equal to everything. "Learner code" is code compiled
from a cell (ipykernel writes cells under the temporary directory) or from the working
directory. The report is one line with the run's nonce; a missing line is itself a flag.
"""

from __future__ import annotations

import builtins
import json
import os
import sys
import tempfile
import types
from collections.abc import Iterable, Iterator
from typing import Any

INPUT_TRANSFORMER = "tampering:input-transformer"
AST_TRANSFORMER = "tampering:ast-transformer"
CUSTOM_EXCEPTION_HANDLER = "tampering:custom-exception-handler"
TRACE_FUNCTION = "tampering:trace-function"
EVENT_HOOK = "tampering:event-hook:"
"""Prefix: learner code registered for an IPython event (the event's name follows)."""
SYS_HOOK = "tampering:sys."
"""Prefix: learner code in `sys.excepthook`, `sys.displayhook` or `sys.breakpointhook`."""
SHELL_ATTRIBUTE = "tampering:shell."
"""Prefix: learner code stored on the IPython shell object (the attribute follows)."""
KERNEL_ATTRIBUTE = "tampering:kernel."
"""Prefix: learner code stored on the ipykernel kernel object (the attribute follows)."""
BUILTIN_REPLACED = "tampering:builtins:"
"""Prefix: a name of the `builtins` module bound to learner code."""
BUILTIN_SHADOWED = "tampering:shadowed-builtin:"
"""Prefix: a learner function in the namespace under a builtin's name."""
FOREIGN_MODULE = "tampering:sys.modules:"
"""Prefix: something other than a module (or a learner's module object) in `sys.modules`."""
PATCHED = "tampering:patched:"
"""Prefix: a function or method of an installed module replaced by learner code."""
ALWAYS_EQUAL_VALUE = "tampering:always-equal:"
"""Prefix: a variable whose value compares equal to everything (the name follows)."""

KERNEL_FLAGS = (INPUT_TRANSFORMER, AST_TRANSFORMER, CUSTOM_EXCEPTION_HANDLER, TRACE_FUNCTION)
"""The probe's flags that are whole names (the others are prefixes)."""
KERNEL_FLAG_PREFIXES = (EVENT_HOOK, SYS_HOOK, SHELL_ATTRIBUTE, KERNEL_ATTRIBUTE,
                        BUILTIN_REPLACED, BUILTIN_SHADOWED, FOREIGN_MODULE, PATCHED,
                        ALWAYS_EQUAL_VALUE)

SYS_HOOKS = ("excepthook", "displayhook", "breakpointhook")
OWN_MODULE_PREFIX = "_grader"
"""Modules the grader itself may leave in the kernel; never reported."""
MAIN = "__main__"

# Types whose objects never carry learner code (C functions and descriptors).
INERT_TYPES = frozenset({
    types.BuiltinFunctionType, type([].append), type(object.__init__), type(str.join),
    type(object().__str__), type(dict.__dict__["fromkeys"]), type(None),
})


class LearnerCode:
    """Answers "was this object written by the learner?", remembering each file's answer."""

    def __init__(self) -> None:
        self.roots = tuple(os.path.realpath(p) + os.sep
                           for p in (tempfile.gettempdir(), os.getcwd()))
        # The interpreter and its packages are bound read-only; they may sit under /tmp (a
        # checkout in a temporary folder), so code from them is never the learner's.
        prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix}
        self.trusted = tuple(os.path.realpath(p) + os.sep for p in prefixes)
        # The same folders as modules name them: no path resolution for most files.
        self.plain = tuple(p + os.sep for p in prefixes | {os.path.realpath(p) for p in prefixes})
        self.seen: dict[str, bool] = {}

    def known_clean(self, code: types.CodeType) -> bool:
        """A fast path: the file of `code` was already found not to be the learner's."""
        return self.seen.get(code.co_filename) is False

    def code(self, code: types.CodeType) -> bool:
        name = code.co_filename
        known = self.seen.get(name)
        if known is None:
            if name.startswith("<ipython-input"):
                known = True
            elif not os.path.isabs(name):  # the probe itself, compiled as "<grader-probe>"
                known = False
            elif name.startswith(self.plain) and "/../" not in name:
                known = False
            else:
                real = os.path.realpath(name)
                known = real.startswith(self.roots) and not real.startswith(self.trusted)
            self.seen[name] = known
        return known

    def __call__(self, obj: object) -> bool:
        try:
            kind = type(obj)
            if kind is types.FunctionType:
                return self.code(obj.__code__)  # type: ignore[attr-defined]
            if kind in INERT_TYPES:
                return False
            if isinstance(obj, type):
                return obj.__module__ == MAIN
            target = getattr(obj, "__func__", obj)
            code = getattr(target, "__code__", None)
            if code is None:
                return type(obj).__module__ == MAIN
            return self.code(code)
        except Exception:
            return True


def _shell_flags(shell: Any, learner: LearnerCode) -> Iterator[str]:
    manager = shell.input_transformer_manager
    if learner(type(manager)):
        yield INPUT_TRANSFORMER
    for group in (shell.input_transformers_cleanup, shell.input_transformers_post,
                  manager.cleanup_transforms, manager.line_transforms,
                  manager.token_transformers):
        if any(learner(f) for f in group):
            yield INPUT_TRANSFORMER
    if any(learner(f) for f in shell.ast_transformers) or shell.ast_transformers:
        yield AST_TRANSFORMER
    for event, callbacks in shell.events.callbacks.items():
        if any(learner(f) for f in callbacks):
            yield EVENT_HOOK + event
    if shell.custom_exceptions:
        yield CUSTOM_EXCEPTION_HANDLER
    if sys.gettrace() is not None or sys.getprofile() is not None:
        yield TRACE_FUNCTION
    for name in SYS_HOOKS:
        if learner(getattr(sys, name, None)):
            yield SYS_HOOK + name
    for owner, prefix in ((shell, SHELL_ATTRIBUTE),
                          (getattr(shell, "kernel", None), KERNEL_ATTRIBUTE)):
        for key, value in list(vars(owner).items() if owner is not None else ()):
            if callable(value) and learner(value):
                yield prefix + key


def _namespace_flags(user_ns: dict[str, Any], learner: LearnerCode) -> Iterator[str]:
    for key, value in list(vars(builtins).items()):
        if learner(value):
            yield BUILTIN_REPLACED + key
    for key in set(user_ns) & set(vars(builtins)):
        if callable(user_ns[key]) and learner(user_ns[key]):
            yield BUILTIN_SHADOWED + key


def _class_flags(modname: str, key: str, cls: type, learner: LearnerCode) -> Iterator[str]:
    for attr, member in list(vars(cls).items()):
        kind = type(member)
        if kind is types.FunctionType:
            if learner.known_clean(member.__code__):
                continue
        elif kind in INERT_TYPES:
            continue
        else:
            member = getattr(member, "fget", member)
        if callable(member) and learner(member):
            yield f"{PATCHED}{modname}.{key}.{attr}"


def _module_flags(learner: LearnerCode) -> Iterator[str]:
    for modname, module in list(sys.modules.items()):
        if not isinstance(module, types.ModuleType):
            if learner(module) or learner(type(module)):
                yield FOREIGN_MODULE + str(modname)
            continue
        if modname == MAIN or learner(module) or modname.startswith(OWN_MODULE_PREFIX):
            continue
        try:
            items = list(vars(module).items())
        except Exception:
            continue
        for key, value in items:
            kind = type(value)
            # Fast paths, same answers: most values are functions from a file already seen,
            # or C functions and descriptors.
            if kind is types.FunctionType:
                if learner.known_clean(value.__code__):
                    continue
                if learner(value):
                    yield f"{PATCHED}{modname}.{key}"
            elif kind in INERT_TYPES:
                continue
            elif callable(value) and not isinstance(value, type) and learner(value):
                yield f"{PATCHED}{modname}.{key}"
            elif isinstance(value, type) and getattr(value, "__module__", None) == modname:
                yield from _class_flags(modname, key, value, learner)


def _always_equal_flags(user_ns: dict[str, Any]) -> Iterator[str]:
    sentinel = object()
    for key, value in list(user_ns.items()):
        if key.startswith("_") or isinstance(value, (types.ModuleType, types.FunctionType, type)):
            continue
        try:
            if (value == sentinel) is True or (value != sentinel) is False:
                yield ALWAYS_EQUAL_VALUE + key
        except Exception:
            pass


def find_tampering(shell: Any) -> list[str]:
    """Every flag for the kernel behind `shell` (IPython's InteractiveShell), sorted, once."""
    learner = LearnerCode()
    found: Iterable[str] = (
        *_shell_flags(shell, learner),
        *_namespace_flags(shell.user_ns, learner),
        *_module_flags(learner),
        *_always_equal_flags(shell.user_ns),
    )
    return sorted(set(found))


def report(shell: Any, nonce: str, mark: str) -> None:
    """Write the one report line the grader reads: `<mark> <nonce> <JSON list of flags>`."""
    sys.stdout.write(f"{mark} {nonce} {json.dumps(find_tampering(shell))}\n")
    sys.stdout.flush()
