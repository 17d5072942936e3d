"""Read the learner's code (without running it) for constructs honest answers never need.

Complements the in-kernel probe: a cheat clever enough to hide from the probe still has to
be written down. Only the learner's own code is scanned (answers and added cells), after
IPython's transformations (so `%magic` lines are understood). Findings are flags for a
person to review; they never change a score.
"""

from __future__ import annotations

import ast

from IPython.core.inputtransformer2 import TransformerManager

from grader.autograde import flags as flag

# Attribute and names that reach into the kernel's machinery.
KERNEL_HOOKS = frozenset({
    "input_transformers_cleanup", "input_transformers_post", "input_transformer_manager",
    "ast_transformers", "showtraceback", "_showtraceback", "showsyntaxerror",
    "set_custom_exc", "custom_exceptions", "excepthook", "displayhook", "settrace",
    "setprofile", "run_cell", "run_code", "do_execute", "register_magic_function",
    "InteractiveShell", "user_ns", "user_global_ns",
})
# get_ipython() methods that IPython itself writes for %magics and !commands.
MAGIC_CALLS = frozenset({"run_line_magic", "run_cell_magic", "system", "getoutput"})
EXIT_CALLS = frozenset({"exit", "quit", "_exit", "abort", "kill", "killpg"})
DYNAMIC_CODE = frozenset({"exec", "eval", "compile", "__import__"})
KERNEL_MODULES = ("IPython", "ipykernel", "jupyter_client", "zmq", "traitlets", "ctypes",
                  "builtins", "gc", "inspect")
ALLOWED_KERNEL_IMPORTS = ("IPython.display",)
GRADER_WORDS = ("NBGRADER", "gradebook", "nbgrader_config", ".ipynb")


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module:
        return [node.module]
    return []


def _is_equality_cheat(node: ast.AST) -> bool:
    """`def __eq__` (or __ne__) that returns a constant: equal (or unequal) to everything."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    if node.name not in ("__eq__", "__ne__"):
        return False
    returns = [n for n in ast.walk(node) if isinstance(n, ast.Return)]
    return bool(returns) and all(isinstance(r.value, ast.Constant) for r in returns)


def scan_source(source: str) -> set[str]:
    """Flags for one cell of learner code."""
    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return set()
    flags: set[str] = set()
    for node in ast.walk(tree):
        for module in _imported(node):
            if module.split(".")[0] in KERNEL_MODULES and not module.startswith(
                ALLOWED_KERNEL_IMPORTS
            ):
                flags.add(flag.IMPORTS + module.split(".")[0])
        if isinstance(node, ast.Attribute) and node.attr in KERNEL_HOOKS:
            flags.add(flag.KERNEL_HOOK + node.attr)
        if isinstance(node, ast.Name) and node.id in ("__builtins__", "__builtin__"):
            flags.add(flag.BUILTINS_MODULE)
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call) and \
                    isinstance(func.value.func, ast.Name) and func.value.func.id == "get_ipython"\
                    and func.attr not in MAGIC_CALLS:
                flags.add(flag.KERNEL_HOOK + func.attr)
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in EXIT_CALLS:
                flags.add(flag.EXIT)
            if isinstance(func, ast.Name) and name in DYNAMIC_CODE:
                flags.add(flag.DYNAMIC_CODE)
        if isinstance(node, ast.Raise) and "SystemExit" in ast.dump(node.exc or ast.Pass()):
            flags.add(flag.EXIT)
        if isinstance(node, ast.Name) and node.id == "get_ipython" and not _magic_only(tree):
            flags.add(flag.KERNEL_HOOK + "get_ipython")
        if _is_equality_cheat(node):
            flags.add(flag.ALWAYS_EQUAL)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if any(word.lower() in node.value.lower() for word in GRADER_WORDS):
                flags.add(flag.GRADER_ENVIRONMENT)
    return flags


def _magic_only(tree: ast.AST) -> bool:
    """True when every use of get_ipython() is IPython's own `%magic` translation."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "get_ipython":
            break
    else:
        return True
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute)
             and isinstance(n.value, ast.Call) and isinstance(n.value.func, ast.Name)
             and n.value.func.id == "get_ipython"]
    names = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "get_ipython"]
    return len(calls) == len(names) and all(c.attr in MAGIC_CALLS for c in calls)


def scan(sources: list[str]) -> tuple[str, ...]:
    """Flags for all of the learner's code cells, sorted, without duplicates."""
    flags: set[str] = set()
    for source in sources:
        flags |= scan_source(source)
    return tuple(sorted(flags))
