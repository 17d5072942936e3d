"""Kernels forked from the zygote: each learner gets a fresh kernel in its own sandbox, nothing
of the grader or of another learner is inherited, and a dead zygote is replaced.

Real zygote, real sandbox: each test starts kernels the way grading does.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from autograde_corpus import QUICK_LIMITS, SOURCE, total_answered_with

from grader.autograde import GradingOptions, Status, autograde_many
from grader.autograde.kernels import DEFAULT_PRELOAD, start_kernel
from grader.autograde.sandbox.core import kernel_env
from grader.autograde.sandbox.forking import get_zygote

pytestmark = pytest.mark.slow


async def _run(code: str) -> str:
    kernel = await start_kernel(QUICK_LIMITS, ())
    out: list[str] = []

    def hook(msg: dict) -> None:
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append("ERROR " + msg["content"]["ename"] + ": " + msg["content"]["evalue"])

    try:
        await kernel.kc.execute_interactive(code, output_hook=hook, timeout=30)
    finally:
        await kernel.close()
    return "".join(out)


def run_in_kernels(code: str, count: int = 1) -> list[str]:
    """Stdout of `code` in `count` new sandboxed kernels, started at the same time."""
    async def main() -> list[str]:
        return list(await asyncio.gather(*(_run(code) for _ in range(count))))
    return asyncio.run(main())


def test_kernels_are_fresh_sandboxed_children() -> None:
    outputs = run_in_kernels(
        "import os, sys\n"
        "print(os.getpid(), os.getuid(), os.getppid(), 'pandas' in sys.modules)", count=2)
    for out in outputs:
        # PID 2 of its own namespace (its init is PID 1), the unprivileged user, pandas
        # already imported by the zygote.
        assert out.split() == ["2", "65534", "1", "True"], out


def test_random_generators_differ_between_kernels() -> None:
    outputs = run_in_kernels(
        "import random, numpy\nprint(random.random(), numpy.random.random())", count=3)
    values = [tuple(out.split()) for out in outputs]
    assert all(len(v) == 2 for v in values), outputs
    assert len(set(values)) == 3, values


def test_no_grader_environment_reaches_the_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADER_TEST_SECRET", "s3cret-value")
    (out,) = run_in_kernels(
        "import os\n"
        "text = open('/proc/self/environ', 'rb').read() + open('/proc/1/environ', 'rb').read()\n"
        "print(' '.join(sorted(os.environ)), b's3cret' in text, b'DATABASE_URL' in text)")
    *names, secret_seen, database_seen = out.split()
    assert (secret_seen, database_seen) == ("False", "False"), out
    assert "GRADER_TEST_SECRET" not in names and set(kernel_env()) <= set(names), names


def test_nothing_leaks_between_learners(tmp_path: Path) -> None:
    """Each learner changes a shared module; the next kernel forked must not see it."""
    code = (
        "import os, pandas\n"
        "assert not hasattr(pandas, 'grader_marker'), 'state of another learner'\n"
        "pandas.grader_marker = os.getpid()\n"
        "open('/tmp/grader-marker', 'x').write('1')\n"
        "def total():\n    return 15\n"
    )
    paths = [total_answered_with(code, tmp_path / f"learner{i}.ipynb") for i in range(4)]
    results = autograde_many(SOURCE, paths,
                             options=GradingOptions(limits=QUICK_LIMITS, workers=2))
    for result in results:
        assert result.status is Status.GRADED, result.reason
        assert {c.grade_id: c.score for c in result.cells}["test_total"] == 1.0, result.cells


def test_a_dead_zygote_is_replaced() -> None:
    zygote = get_zygote(DEFAULT_PRELOAD, kernel_env())
    zygote._process.kill()
    zygote._process.wait()
    assert not zygote.alive()
    (out,) = run_in_kernels("print('alive')")
    assert out.strip() == "alive"
    assert get_zygote(DEFAULT_PRELOAD, kernel_env()) is not zygote

