"""Checks that run inside the learner's kernel: canaries after tests and a final probe.

A canary must fail with this run's random nonce. If it passes, or fails without the nonce,
the kernel is not running cells faithfully (an input transformer, a patched traceback, an
`exit` in a hook...) and the test just before it is not trusted.

The probe is the module `kernel_probe.py`, read with `importlib.resources` and sent as the
text of the last cell. The cell compiles it under the name `<grader-probe>` (so the probe
never mistakes itself for the learner's code), runs it in a namespace of its own and calls
its `report`, which prints one line with the nonce; a missing line is itself a flag.
"""

from __future__ import annotations

import functools
import json
from importlib import resources

from grader.autograde.flags import PROBE_MISSING

PROBE_MARK = "GRADER-PROBE"
PROBE_MODULE = "kernel_probe.py"
PROBE_FILENAME = "<grader-probe>"
"""The file name the probe's code carries in the kernel; not an absolute path, so not the
learner's."""

CANARY_TEMPLATE = 'assert False, "grader check {nonce} {after}"'

# The names are resolved through the `builtins` module, not the learner's namespace (which
# may shadow any of them); `get_ipython` is the shell the learner's cells ran in.
PROBE_TEMPLATE = """\
def _grader_probe_{nonce}():
    import builtins
    namespace = {"__builtins__": builtins, "__name__": "_grader_probe"}
    builtins.exec(builtins.compile({source}, "{filename}", "exec"), namespace)
    namespace["report"](get_ipython(), "{nonce}", "{mark}")

try:
    _grader_probe_{nonce}()
finally:
    del _grader_probe_{nonce}
"""


@functools.cache
def kernel_probe_source() -> str:
    """The text of `kernel_probe.py`, as installed with the package."""
    return resources.files(__package__).joinpath(PROBE_MODULE).read_text(encoding="utf-8")


def canary_source(nonce: str, after: str | None) -> str:
    return CANARY_TEMPLATE.format(nonce=nonce, after=after or "")


def canary_held(reply: dict | None, outputs: list, nonce: str) -> bool:
    """True when the canary failed as it must: the kernel replied with an error, and an error
    output was recorded (nbgrader adds one from the reply when tracebacks are disabled, and
    still scores the earlier tests, so the canary asks no more than that)."""
    if not reply or reply.get("status") != "error":
        return False
    return any(o.get("output_type") == "error" for o in outputs)


def probe_source(nonce: str) -> str:
    """The probe cell for one run. `nonce` is the grader's own token (letters and digits)."""
    # The module's text goes in last: it contains the other placeholders' names.
    return (PROBE_TEMPLATE.replace("{nonce}", nonce).replace("{mark}", PROBE_MARK)
            .replace("{filename}", PROBE_FILENAME)
            .replace("{source}", repr(kernel_probe_source())))


def probe_flags(reply: dict | None, outputs: list, nonce: str) -> tuple[str, ...]:
    """Flags the probe reported, or `tampering:probe` when its report is missing or forged."""
    if not reply or reply.get("status") != "ok":
        return (PROBE_MISSING,)
    text = "".join(o.get("text", "") for o in outputs
                   if o.get("output_type") == "stream" and o.get("name") == "stdout")
    prefix = f"{PROBE_MARK} {nonce} "
    lines = [line for line in text.splitlines() if line.startswith(prefix)]
    if len(lines) != 1:
        return (PROBE_MISSING,)
    try:
        flags = json.loads(lines[0][len(prefix):])
    except ValueError:
        return (PROBE_MISSING,)
    if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
        return (PROBE_MISSING,)
    return tuple(flags)
