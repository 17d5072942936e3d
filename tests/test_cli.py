"""The command line and the README are part of the product: they must stay true."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from grader.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _commands(group: click.Group) -> list[tuple[str, click.Command]]:
    return sorted(group.commands.items())


def test_every_command_has_help_text() -> None:
    missing = [name for name, cmd in _commands(main) if not (cmd.help or "").strip()]
    assert not missing, f"commands without help text: {missing}"


def test_every_option_has_help_text() -> None:
    missing = [
        f"{name} {param.name}"
        for name, cmd in _commands(main)
        for param in cmd.params
        if isinstance(param, click.Option) and not (param.help or "").strip()
    ]
    assert not missing, f"options without help text: {missing}"


def test_help_runs_for_every_command() -> None:
    runner = CliRunner()
    for name, _ in _commands(main):
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, f"grader {name} --help failed: {result.output}"
        assert "Usage:" in result.output


def test_readme_gives_exactly_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^    (make \w+)$", readme, flags=re.MULTILINE)
    assert commands == ["make serve", "make test"], commands


def test_readme_commands_are_makefile_targets() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("serve", "test", "build"):
        assert re.search(rf"^{target}:", makefile, flags=re.MULTILINE), target


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, flags=re.MULTILINE)


def test_check_sandbox_names_the_active_layers(monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(main, ["check", "--sandbox"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Sandbox mode: cgroup v1\n")
    assert re.search(r"^  \[ on\] seccomp ", result.output, flags=re.MULTILINE)
    monkeypatch.setenv("GRADER_SANDBOX_CGROUPS", "v2")  # not usable on this machine
    refused = CliRunner().invoke(main, ["check", "--sandbox"])
    assert refused.exit_code == 1 and "sandbox not available" in refused.output
