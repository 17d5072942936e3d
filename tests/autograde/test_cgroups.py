"""Finding and using cgroups: v1 (this host), v2 on a fake cgroup tree, and the fallback.

The v2 code path cannot run here (this machine's memory and pids controllers are bound to
v1), so these tests describe a v2 host with files in a temporary folder: a fake, named as
such, standing in for /sys/fs/cgroup, /proc/self/cgroup and /proc/self/mountinfo.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from grader.autograde.limits import MIB, Limits
from grader.autograde.sandbox import cgroup_setup
from grader.autograde.sandbox.cgroup_setup import (
    CgroupError,
    CgroupMode,
    detect,
    read_membership,
    read_mounts,
)
from grader.autograde.sandbox.cgroups import Cgroups, oom_kills

V1_MOUNTINFO = """\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
35 31 0:32 / {root}/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / {root}/pids rw,relatime - cgroup cgroup rw,pids
41 31 0:38 / {root}/unified rw,relatime - cgroup2 cgroup2 rw
"""
V2_MOUNTINFO = "30 23 0:26 / {root} rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw\n"


def fake_v2_host(tmp_path: Path, *, controllers: str = "cpuset cpu io memory pids",
                 procs: str = "") -> tuple[Path, Path, Path]:
    """A fake v2 host: the grader runs in /system.slice/academy.service (delegated)."""
    root = tmp_path / "cgroup"
    service = root / "system.slice" / "academy.service"
    service.mkdir(parents=True)
    (service / "cgroup.controllers").write_text(controllers + "\n")
    (service / "cgroup.subtree_control").write_text("\n")
    (service / "cgroup.procs").write_text(procs)
    proc_cgroup = tmp_path / "proc-self-cgroup"
    proc_cgroup.write_text("0::/system.slice/academy.service\n")
    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text(V2_MOUNTINFO.format(root=root))
    return service, proc_cgroup, mountinfo


def test_membership_and_mounts_are_read_as_the_kernel_writes_them(tmp_path: Path) -> None:
    proc_cgroup = tmp_path / "cgroup"
    proc_cgroup.write_text("9:name=systemd:/\n8:pids:/\n4:memory:/api/x\n2:cpu,cpuacct:/\n0::/\n")
    assert read_membership(proc_cgroup) == {
        "name=systemd": "/", "pids": "/", "memory": "/api/x", "cpu": "/", "cpuacct": "/", "": "/"}
    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text(V1_MOUNTINFO.format(root="/sys/fs/cgroup"))
    mounts = read_mounts(mountinfo)
    assert [(m.fstype, str(m.point)) for m in mounts] == [
        ("cgroup", "/sys/fs/cgroup/memory"), ("cgroup", "/sys/fs/cgroup/pids"),
        ("cgroup2", "/sys/fs/cgroup/unified")]
    assert "memory" in mounts[0].options


def test_this_host_uses_cgroup_v1() -> None:
    if os.geteuid() != 0:
        pytest.fail("the grading tests run as root (the sandbox needs it)")
    setup = detect({})
    assert setup.mode is CgroupMode.V1
    assert [p.parts[4] for p in setup.parents] == ["memory", "pids"]


def test_v1_found_first_when_both_are_mounted(tmp_path: Path) -> None:
    root = tmp_path / "cgroup"
    for name in ("memory/api", "pids", "unified"):
        (root / name).mkdir(parents=True)
    (tmp_path / "cgroup-file").write_text("8:pids:/\n4:memory:/api\n0::/\n")
    (tmp_path / "mountinfo").write_text(V1_MOUNTINFO.format(root=root))
    setup = detect({}, proc_cgroup=tmp_path / "cgroup-file", mountinfo=tmp_path / "mountinfo")
    assert setup.mode is CgroupMode.V1 and setup.parents == (root / "memory/api", root / "pids")


def test_v2_delegated_subtree_moves_processes_to_a_leaf_and_enables_controllers(
    tmp_path: Path,
) -> None:
    service, proc_cgroup, mountinfo = fake_v2_host(tmp_path, procs="4242\n4343\n")
    setup = detect({}, proc_cgroup=proc_cgroup, mountinfo=mountinfo)
    assert setup.mode is CgroupMode.V2 and setup.parents == (service,)
    # The fake file system keeps what was written; the kernel would move each process.
    assert (service / "supervisor" / "cgroup.procs").read_text().split() == ["4242", "4343"]
    assert (service / "cgroup.subtree_control").read_text().split() == ["+memory", "+pids"]


def test_v2_with_controllers_already_enabled_changes_nothing(tmp_path: Path) -> None:
    service, proc_cgroup, mountinfo = fake_v2_host(tmp_path, procs="4242\n")
    (service / "cgroup.subtree_control").write_text("memory pids\n")
    detect({}, proc_cgroup=proc_cgroup, mountinfo=mountinfo)
    assert not (service / "supervisor").exists()


def test_v2_parent_named_by_the_operator(tmp_path: Path) -> None:
    service, proc_cgroup, mountinfo = fake_v2_host(tmp_path)
    elsewhere = tmp_path / "cgroup" / "grading.slice"
    elsewhere.mkdir()
    for name in ("cgroup.controllers", "cgroup.subtree_control", "cgroup.procs"):
        (elsewhere / name).write_text((service / name).read_text())
    setup = detect({cgroup_setup.PARENT_VARIABLE: str(elsewhere)}, proc_cgroup=proc_cgroup,
                   mountinfo=mountinfo)
    assert setup.parents == (elsewhere,)


def test_v2_without_memory_controller_falls_back_and_says_why(tmp_path: Path) -> None:
    _, proc_cgroup, mountinfo = fake_v2_host(tmp_path, controllers="hugetlb")
    setup = detect({}, proc_cgroup=proc_cgroup, mountinfo=mountinfo)
    assert setup.mode is CgroupMode.NONE and "memory, pids not available" in setup.reason
    with pytest.raises(CgroupError, match="memory, pids not available"):
        detect({cgroup_setup.MODE_VARIABLE: "v2"}, proc_cgroup=proc_cgroup,
               mountinfo=mountinfo)


def test_forced_modes(tmp_path: Path) -> None:
    _, proc_cgroup, mountinfo = fake_v2_host(tmp_path)
    forced = detect({cgroup_setup.MODE_VARIABLE: "none"}, proc_cgroup=proc_cgroup,
                    mountinfo=mountinfo)
    assert forced.mode is CgroupMode.NONE and "forced" in forced.reason
    with pytest.raises(CgroupError, match="no cgroup v1 memory"):
        detect({cgroup_setup.MODE_VARIABLE: "v1"}, proc_cgroup=proc_cgroup,
               mountinfo=mountinfo)
    with pytest.raises(CgroupError, match="use auto, v1, v2 or none"):
        detect({cgroup_setup.MODE_VARIABLE: "v3"})


def test_unreadable_cgroups_fall_back(tmp_path: Path) -> None:
    setup = detect({}, proc_cgroup=tmp_path / "missing", mountinfo=tmp_path / "missing")
    assert setup.mode is CgroupMode.NONE and "cannot be read" in setup.reason


def test_v2_sandbox_cgroup_gets_its_limits(tmp_path: Path) -> None:
    service, proc_cgroup, mountinfo = fake_v2_host(tmp_path)
    setup = detect({}, proc_cgroup=proc_cgroup, mountinfo=mountinfo)
    limits = Limits(memory_bytes=256 * MIB, max_processes=32)
    cgroups = Cgroups.create(limits, setup)
    (path,) = cgroups.paths
    assert path.parent == service and path.name.startswith("camden-grader-")
    assert (path / "memory.max").read_text() == f"{256 * MIB}\n"
    assert (path / "pids.max").read_text() == "32\n"
    assert not (path / "memory.swap.max").exists()  # no swap accounting on the fake host
    assert cgroups.pids() == set() and not cgroups.oom_killed()
    (path / "memory.events").write_text("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")
    assert cgroups.oom_killed()
    shutil.rmtree(path)  # the kernel would remove the files with the cgroup
    cgroups.remove()


def test_oom_kills_read_from_v1_and_v2_files(tmp_path: Path) -> None:
    (tmp_path / "memory.oom_control").write_text("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n")
    assert oom_kills(tmp_path, CgroupMode.V1) == 2
    (tmp_path / "memory.events").write_text("oom 0\noom_kill 0\n")
    assert oom_kills(tmp_path, CgroupMode.V2) == 0
    assert oom_kills(tmp_path / "gone", CgroupMode.V2) == 0


def test_no_cgroups_in_the_fallback() -> None:
    setup = cgroup_setup.CgroupSetup(CgroupMode.NONE, (), "forced")
    cgroups = Cgroups.create(Limits(), setup)
    assert cgroups.paths == () and cgroups.pids() == set() and not cgroups.oom_killed()
    cgroups.remove()
