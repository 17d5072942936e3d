"""Canary and probe reports: only a faithful kernel's answers are accepted."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from autograde_corpus import CORPUS

from grader.autograde import flags as flag
from grader.autograde import kernel_probe
from grader.autograde.probe import (
    PROBE_FILENAME,
    PROBE_MARK,
    canary_held,
    kernel_probe_source,
    probe_flags,
    probe_source,
)

ERROR = {"output_type": "error", "ename": "AssertionError", "evalue": "grader check n t",
         "traceback": []}


def stdout(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


def test_canary_holds_only_when_it_failed() -> None:
    assert canary_held({"status": "error", "ename": "AssertionError"}, [ERROR], "n")
    assert not canary_held({"status": "ok"}, [], "n")
    assert not canary_held({"status": "error"}, [], "n")
    assert not canary_held(None, [ERROR], "n")


def test_probe_report_is_parsed() -> None:
    out = [stdout(f'{PROBE_MARK} n ["tampering:x"]\n')]
    assert probe_flags({"status": "ok"}, out, "n") == ("tampering:x",)
    assert probe_flags({"status": "ok"}, [stdout(f"{PROBE_MARK} n []\n")], "n") == ()


def test_missing_or_forged_probe_report_is_a_flag() -> None:
    assert probe_flags({"status": "ok"}, [], "n") == (flag.PROBE_MISSING,)
    assert probe_flags({"status": "error"}, [], "n") == (flag.PROBE_MISSING,)
    wrong_nonce = [stdout(f"{PROBE_MARK} guess []\n")]
    assert probe_flags({"status": "ok"}, wrong_nonce, "n") == (flag.PROBE_MISSING,)
    twice = [stdout(f"{PROBE_MARK} n []\n{PROBE_MARK} n []\n")]
    assert probe_flags({"status": "ok"}, twice, "n") == (flag.PROBE_MISSING,)
    assert probe_flags({"status": "ok"}, [stdout(f"{PROBE_MARK} n {{}}\n")], "n") == (
        flag.PROBE_MISSING,)


def test_probe_cell_sends_the_kernel_probe_module_and_runs_it_in_its_own_namespace() -> None:
    module = Path(kernel_probe.__file__).read_text(encoding="utf-8")
    assert kernel_probe_source() == module
    cell = probe_source("0123abcd")
    compile(cell, "<cell>", "exec")
    assert repr(module) in cell and '"0123abcd", "GRADER-PROBE"' in cell
    assert "{nonce}" not in cell.replace(repr(module), "")


def test_shell_hooks_with_learner_code_are_flagged() -> None:
    # A fake shell (the real kernel is in the corpus tests), clean in every place the probe
    # looks until the learner's hooks are added.
    events = SimpleNamespace(callbacks={"post_run_cell": []})
    manager = SimpleNamespace(cleanup_transforms=[], line_transforms=[], token_transformers=[])
    shell = SimpleNamespace(input_transformer_manager=manager, input_transformers_cleanup=[],
                            input_transformers_post=[], ast_transformers=[], events=events,
                            custom_exceptions=(), user_ns={}, kernel=None)
    assert list(kernel_probe._shell_flags(shell, kernel_probe.LearnerCode())) == []
    events.callbacks["post_run_cell"].append(_learner_function())
    shell.ast_transformers.append(object())
    manager.line_transforms.append(_learner_function())
    assert set(kernel_probe._shell_flags(shell, kernel_probe.LearnerCode())) == {
        flag.AST_TRANSFORMER, flag.EVENT_HOOK + "post_run_cell", flag.INPUT_TRANSFORMER}


def test_report_is_the_line_probe_flags_reads(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(kernel_probe, "find_tampering", lambda shell: [flag.TRACE_FUNCTION])
    kernel_probe.report(object(), "n", PROBE_MARK)
    found = probe_flags({"status": "ok"}, [stdout(capsys.readouterr().out)], "n")
    assert found == (flag.TRACE_FUNCTION,)


def _learner_function() -> object:
    """A function compiled as ipykernel compiles a learner's cell: from a file under /tmp."""
    namespace: dict[str, object] = {}
    filename = str(Path(tempfile.gettempdir()) / "ipykernel_1" / "cell.py")
    exec(compile("def hook(*args):\n    pass\n", filename, "exec"), namespace)  # noqa: S102
    return namespace["hook"]


def test_learner_code_is_code_from_a_cell_not_the_probe_or_the_interpreter() -> None:
    learner = kernel_probe.LearnerCode()
    assert learner(_learner_function())
    assert not learner(len) and not learner(json.dumps)
    probe_code = compile("def own():\n    pass\n", PROBE_FILENAME, "exec")
    namespace: dict[str, object] = {}
    exec(probe_code, namespace)  # noqa: S102
    assert not learner(namespace["own"])


def test_every_flag_the_corpus_expects_is_a_named_flag() -> None:
    expected = yaml.safe_load((CORPUS / "expected.yml").read_text(encoding="utf-8"))
    named = {getattr(flag, name) for name in flag.__all__
             if isinstance(getattr(flag, name), str)}
    prefixes = tuple(n for n in named if n.endswith((":", ".", "-")))
    wanted = {f for entry in expected.values() for f in entry.get("flags", [])}
    assert wanted
    assert all(f in named or f.startswith(prefixes) for f in wanted), wanted
