"""Canary and probe reports: only a faithful kernel's answers are accepted."""

from __future__ import annotations

from grader.autograde.probe import PROBE_MARK, canary_held, probe_flags

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
    assert probe_flags({"status": "ok"}, [], "n") == ("tampering:probe",)
    assert probe_flags({"status": "error"}, [], "n") == ("tampering:probe",)
    wrong_nonce = [stdout(f"{PROBE_MARK} guess []\n")]
    assert probe_flags({"status": "ok"}, wrong_nonce, "n") == ("tampering:probe",)
    twice = [stdout(f"{PROBE_MARK} n []\n{PROBE_MARK} n []\n")]
    assert probe_flags({"status": "ok"}, twice, "n") == ("tampering:probe",)
    assert probe_flags({"status": "ok"}, [stdout(f"{PROBE_MARK} n {{}}\n")], "n") == (
        "tampering:probe",)
