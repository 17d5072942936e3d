"""The sandbox without cgroups (forced with GRADER_SANDBOX_CGROUPS=none, as on a host where
neither cgroup version can be used): rlimits and a distinct uid per kernel slot."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from autograde_corpus import QUICK_LIMITS, SOURCE, SUBMISSIONS, total_answered_with

from grader.autograde import autograde
from grader.autograde.sandbox.cgroup_setup import MODE_VARIABLE
from grader.autograde.sandbox.cgroups import CREATED_CGROUPS
from grader.autograde.sandbox.layers import sandbox_report
from grader.autograde.sandbox.uids import FIRST_SLOT_UID, SLOT_COUNT, UidSlot, processes_of

SLOT_UIDS = range(FIRST_SLOT_UID, FIRST_SLOT_UID + SLOT_COUNT)
TEST_UID = FIRST_SLOT_UID - 1000
"""Slots of the unit tests: below the real range, so no grader running meanwhile uses them."""


@pytest.fixture
def no_cgroups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MODE_VARIABLE, "none")


def slot_processes(marker: str) -> list[int]:
    out = subprocess.run(["ps", "-e", "-o", "pid=,uid=,args="], capture_output=True,
                         text=True).stdout
    return [int(line.split()[0]) for line in out.splitlines()
            if int(line.split()[1]) in SLOT_UIDS and marker in line]


def test_slots_are_distinct_and_freed(tmp_path: Path) -> None:
    first = UidSlot.acquire(tmp_path, first=TEST_UID, count=3)
    second = UidSlot.acquire(tmp_path, first=TEST_UID, count=3)
    assert (first.uid, second.uid) == (TEST_UID, TEST_UID + 1)
    first.release()
    again = UidSlot.acquire(tmp_path, first=TEST_UID, count=3)
    assert again.uid == TEST_UID
    for slot in (second, again):
        slot.release()


def test_a_slot_held_by_another_process_is_skipped(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time\n"
         f"fd = os.open({str(tmp_path / f'uid-{TEST_UID}.lock')!r}, os.O_RDWR | os.O_CREAT)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(60)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        slot = UidSlot.acquire(tmp_path, first=TEST_UID, count=2)
        assert slot.uid == TEST_UID + 1
        slot.release()
    finally:
        holder.kill()
        holder.wait()


def test_release_kills_every_process_of_the_uid(tmp_path: Path) -> None:
    slot = UidSlot.acquire(tmp_path, first=TEST_UID + 10, count=1)
    child = subprocess.Popen(["sleep", "60"], user=slot.uid, group=slot.uid)
    assert processes_of(slot.uid) == {child.pid}
    slot.release()
    assert child.wait(timeout=5) == -9 and processes_of(slot.uid) == set()


def test_report_says_no_cgroups(no_cgroups: None) -> None:
    report = sandbox_report()
    assert report.available and report.mode.startswith("rlimits and a uid per slot")
    assert "off: cgroups" in report.summary()


@pytest.mark.slow
def test_grading_without_cgroups(no_cgroups: None, tmp_path: Path,
                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="grader.autograde.grade")
    before = len(CREATED_CGROUPS)
    code = (
        "import os, resource, socket\n"
        f"assert {FIRST_SLOT_UID} <= os.getuid() < {FIRST_SLOT_UID + SLOT_COUNT}, os.getuid()\n"
        "assert os.getgid() == os.getuid() and os.geteuid() == os.getuid()\n"
        f"assert resource.getrlimit(resource.RLIMIT_NPROC) == ({QUICK_LIMITS.max_processes},) * 2\n"
        "assert sorted(os.listdir('.')) == ['numbers.csv'], os.listdir('.')\n"
        "try:\n    socket.create_connection(('127.0.0.1', 22), timeout=1)\n"
        "    raise SystemError('network reachable')\nexcept OSError:\n    pass\n"
        "import subprocess\nprocs = []\n"
        "try:\n    for _ in range(500):\n"
        "        procs.append(subprocess.Popen(['sleep', '32']))\nexcept OSError:\n    pass\n"
        "assert len(procs) < 100, len(procs)\n"
        "def total():\n    return 15\n"
    )
    result = autograde(SOURCE, total_answered_with(code, tmp_path / "fallback.ipynb"),
                       limits=QUICK_LIMITS)
    assert {c.grade_id: c.score for c in result.cells}["test_total"] == 1.0, result.cells
    honest = autograde(SOURCE, SUBMISSIONS / "honest_correct.ipynb", limits=QUICK_LIMITS)
    assert honest.score == 4 and honest.flags == ()
    assert len(CREATED_CGROUPS) == before  # no cgroup was made
    assert slot_processes("sleep 32") == []  # the sleeps left running were killed
    assert any("sandbox (rlimits and a uid per slot" in r.getMessage() for r in caplog.records)
