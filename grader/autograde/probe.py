"""Checks that run inside the learner's kernel: canaries after tests and a final probe.

A canary must fail with this run's random nonce. If it passes, or fails without the nonce,
the kernel is not running cells faithfully (an input transformer, a patched traceback, an
`exit` in a hook...) and the test just before it is not trusted.

The probe looks for what cheats leave behind: learner code inside input transformers, AST
transformers, event hooks, the builtins, installed modules and classes, the shell or kernel
objects, trace functions; and values equal to everything. "Learner code" is code compiled
from a cell (ipykernel writes cells under the temporary directory) or from the working
directory. The probe reports one line with the nonce; a missing line is itself a flag.
"""

from __future__ import annotations

import json

PROBE_MARK = "GRADER-PROBE"

CANARY_TEMPLATE = 'assert False, "grader check {nonce} {after}"'

PROBE_TEMPLATE = r'''
def _grader_probe_{nonce}():
    import builtins as B, os as O, sys as S, tempfile as T, types as Y, json as J
    # Every builtin through the module: the learner's namespace may shadow any name.
    (isinstance, getattr, type, callable, list, vars, sorted, set, str, any, object,
     Exception) = (B.isinstance, B.getattr, B.type, B.callable, B.list, B.vars, B.sorted,
                   B.set, B.str, B.any, B.object, B.Exception)
    flags = []
    roots = tuple(O.path.realpath(p) + O.sep for p in (T.gettempdir(), O.getcwd()))
    # The interpreter and its packages are bound read-only; they may sit under /tmp (a
    # checkout in a temporary folder), so code from them is never the learner's.
    prefixes = {S.prefix, S.base_prefix, S.exec_prefix}
    trusted = tuple(O.path.realpath(p) + O.sep for p in prefixes)
    # The same folders as modules name them: no path resolution for most files.
    plain = tuple(p + O.sep for p in prefixes | {O.path.realpath(p) for p in prefixes})
    me = S._getframe().f_code
    seen = {}
    FunctionType = Y.FunctionType
    # Types whose objects never carry learner code (C functions and descriptors).
    inert = {type(len), type([].append), type(object.__init__), type(str.join),
             type(object().__str__), type(dict.__dict__["fromkeys"]), type(None)}

    def learner_code(code):
        if code is me:
            return False
        name = code.co_filename
        known = seen.get(name)
        if known is None:
            if name.startswith("<ipython-input"):
                known = True
            elif not O.path.isabs(name):
                known = False
            elif name.startswith(plain) and "/../" not in name:
                known = False
            else:
                real = O.path.realpath(name)
                known = real.startswith(roots) and not real.startswith(trusted)
            seen[name] = known
        return known

    def learner(obj):
        try:
            kind = type(obj)
            if kind is FunctionType:
                return learner_code(obj.__code__)
            if kind in inert:
                return False
            if isinstance(obj, type):
                if obj.__module__ == "__main__":
                    return True
                return False
            target = getattr(obj, "__func__", obj)
            code = getattr(target, "__code__", None)
            if code is None:
                return type(obj).__module__ == "__main__"
            return learner_code(code)
        except Exception:
            return True

    shell = get_ipython()
    manager = shell.input_transformer_manager
    if learner(type(manager)):
        flags.append("tampering:input-transformer")
    for group in (shell.input_transformers_cleanup, shell.input_transformers_post,
                  manager.cleanup_transforms, manager.line_transforms,
                  manager.token_transformers):
        if any(learner(f) for f in group):
            flags.append("tampering:input-transformer")
    if any(learner(f) for f in shell.ast_transformers) or shell.ast_transformers:
        flags.append("tampering:ast-transformer")
    for event, callbacks in shell.events.callbacks.items():
        if any(learner(f) for f in callbacks):
            flags.append("tampering:event-hook:" + event)
    if shell.custom_exceptions:
        flags.append("tampering:custom-exception-handler")
    if S.gettrace() is not None or S.getprofile() is not None:
        flags.append("tampering:trace-function")
    for name in ("excepthook", "displayhook", "breakpointhook"):
        if learner(getattr(S, name, None)):
            flags.append("tampering:sys." + name)
    for owner, label in ((shell, "shell"), (getattr(shell, "kernel", None), "kernel")):
        for key, value in list(vars(owner).items() if owner is not None else ()):
            if callable(value) and learner(value):
                flags.append("tampering:" + label + "." + key)
    for key, value in list(vars(B).items()):
        if learner(value):
            flags.append("tampering:builtins:" + key)
    user_ns = shell.user_ns
    for key in set(user_ns) & set(vars(B)):
        if callable(user_ns[key]) and learner(user_ns[key]):
            flags.append("tampering:shadowed-builtin:" + key)
    for modname, module in list(S.modules.items()):
        if not isinstance(module, Y.ModuleType):
            if learner(module) or learner(type(module)):
                flags.append("tampering:sys.modules:" + str(modname))
            continue
        if modname == "__main__" or learner(module) or modname.startswith("_grader"):
            continue
        try:
            items = list(vars(module).items())
        except Exception:
            continue
        for key, value in items:
            kind = type(value)
            # Fast paths, same answers: most values are functions from a file already seen,
            # or C functions and descriptors.
            if kind is FunctionType:
                if seen.get(value.__code__.co_filename) is False:
                    continue
                if learner(value):
                    flags.append("tampering:patched:" + modname + "." + key)
            elif kind in inert:
                continue
            elif callable(value) and not isinstance(value, type) and learner(value):
                flags.append("tampering:patched:" + modname + "." + key)
            elif isinstance(value, type) and getattr(value, "__module__", None) == modname:
                for attr, member in list(vars(value).items()):
                    kind = type(member)
                    if kind is FunctionType:
                        if seen.get(member.__code__.co_filename) is False:
                            continue
                    elif kind in inert:
                        continue
                    else:
                        member = getattr(member, "fget", member)
                    if callable(member) and learner(member):
                        flags.append("tampering:patched:" + modname + "." + key + "." + attr)
    sentinel = object()
    for key, value in list(user_ns.items()):
        if key.startswith("_") or isinstance(value, (Y.ModuleType, Y.FunctionType, type)):
            continue
        try:
            if (value == sentinel) is True or (value != sentinel) is False:
                flags.append("tampering:always-equal:" + key)
        except Exception:
            pass
    S.stdout.write("{mark} {nonce} " + J.dumps(sorted(set(flags))) + "\n")
    S.stdout.flush()

try:
    _grader_probe_{nonce}()
finally:
    del _grader_probe_{nonce}
'''


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
    return PROBE_TEMPLATE.replace("{nonce}", nonce).replace("{mark}", PROBE_MARK)


def probe_flags(reply: dict | None, outputs: list, nonce: str) -> tuple[str, ...]:
    """Flags the probe reported, or `tampering:probe` when its report is missing or forged."""
    if not reply or reply.get("status") != "ok":
        return ("tampering:probe",)
    text = "".join(o.get("text", "") for o in outputs
                   if o.get("output_type") == "stream" and o.get("name") == "stdout")
    prefix = f"{PROBE_MARK} {nonce} "
    lines = [line for line in text.splitlines() if line.startswith(prefix)]
    if len(lines) != 1:
        return ("tampering:probe",)
    try:
        flags = json.loads(lines[0][len(prefix):])
    except ValueError:
        return ("tampering:probe",)
    if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
        return ("tampering:probe",)
    return tuple(flags)
