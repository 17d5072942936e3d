"""`grader serve` as a process tree: one SIGTERM stops it all in under 5 s while a notebook is
being graded, the notebook is graded after a restart, a second signal leaves nothing behind,
and the web server does not run as root."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from academy_helpers import post_notebook, slow_notebook, wait_for, worker_env

from grader.service.models import Grade, Submission, SubmissionStatus
from grader.service.tokens import issue_token

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

STOP_LIMIT_SECONDS = 5.0
START_TIMEOUT = 120


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rpartition(")")[2].split()


def family(root: int) -> dict[int, str]:
    """Every descendant of `root` now: pid -> start time (to tell a reused pid apart)."""
    children: dict[int, list[int]] = {}
    started: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            started[int(entry.name)] = fields[19]
    found, todo = {}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found[child] = started[child]
            todo.append(child)
    return found


def still_running(members: dict[int, str]) -> list[int]:
    return [pid for pid, start in members.items()
            if (fields := _stat(pid)) is not None and fields[19] == start and fields[0] != "Z"]


def uids(pid: int) -> set[int]:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return {int(x) for x in line.split()[1:]}
    raise AssertionError(f"no Uid line for {pid}")


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., tuple[str, subprocess.Popen]]]:
    """Start `grader serve` on the test database; returns its URL and process."""
    procs: list[subprocess.Popen] = []

    def start(workers: int = 1) -> tuple[str, subprocess.Popen]:
        log_path = tmp_path / f"serve-{len(procs)}.log"
        with open(log_path, "wb") as log_file:
            proc = subprocess.Popen(
                [str(Path(sys.executable).with_name("grader")), "serve", "--port", "0",
                 "--no-demo", "--workers", str(workers)],
                stdout=log_file, stderr=subprocess.STDOUT, env=worker_env(
                    ACADEMY_AUTOGRADE="grader.autograde.session.autograde"))
        procs.append(proc)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            text = log_path.read_text(errors="replace")
            if "Camden Data Academy on " in text:
                url = text.split("Camden Data Academy on ")[1].split("/ ")[0]
                try:
                    urllib.request.urlopen(url + "/api/v1/session", timeout=5)
                    return url, proc
                except OSError:
                    pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise AssertionError(text)
            time.sleep(0.2)

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)


def stop(proc: subprocess.Popen, signals: int = 1) -> float:
    started = time.monotonic()
    for _ in range(signals):
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.1)
    proc.wait(30)
    return time.monotonic() - started


def start_grading(url: str, people: dict, seconds: float) -> str:
    key = issue_token(people["ann"].email)
    status, body = post_notebook(url, key, "fines-count", slow_notebook("fines-count", seconds))
    assert status == 201, body
    wait_for(lambda: Submission.objects.get(pk=body["id"]).status == SubmissionStatus.GRADING,
             START_TIMEOUT, "a worker to start grading")
    return body["id"]


def test_sigterm_stops_it_all_mid_grading_loses_nothing_and_leaves_no_process(
    people, serve,  # noqa: ANN001
) -> None:
    # One server start per half: starting `grader serve` is most of this test's time.
    url, proc = serve()
    sub_id = start_grading(url, people, seconds=6)
    members = family(proc.pid)
    web = [pid for pid in members if "grader.service.webserver" in command_line(pid)]
    cluster = [pid for pid in members if "grader.service.cluster" in command_line(pid)]
    assert len(web) == 1 and cluster
    if os.geteuid() == 0:  # started as root: only the grading side keeps root
        assert 0 not in uids(web[0])
        assert uids(cluster[0]) == {0}

    # One SIGTERM while a notebook is being graded: all gone in under 5 s, nothing lost.
    assert stop(proc) < STOP_LIMIT_SECONDS
    assert still_running(members) == []
    assert proc.returncode == 0
    given_back = Submission.objects.get(pk=sub_id)
    assert given_back.status == SubmissionStatus.QUEUED and given_back.attempts == 0
    assert not Grade.objects.filter(submission_id=sub_id).exists()

    # Started again, it grades that notebook, once.
    url, proc = serve()
    wait_for(lambda: Submission.objects.get(pk=sub_id).finished, START_TIMEOUT,
             "grading after the restart")
    sub = Submission.objects.get(pk=sub_id)
    assert sub.status == SubmissionStatus.GRADED and sub.attempts == 1
    assert Grade.objects.get(submission_id=sub_id).score == 2.0

    # Two signals in a row, mid-grading: nothing is left behind either.
    start_grading(url, people, seconds=60)
    members = family(proc.pid)
    assert any("grader-zygote" in command_line(pid) for pid in members)
    assert stop(proc, signals=2) < STOP_LIMIT_SECONDS
    assert still_running(members) == []
