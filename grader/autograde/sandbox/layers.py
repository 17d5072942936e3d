"""Which layers of the sandbox are active on this host, in words an operator can check.

`grader check --sandbox` prints this report; `grader -v autograde` logs its summary line.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.autograde.limits import MIB, Limits
from grader.autograde.sandbox import seccomp
from grader.autograde.sandbox.cgroup_setup import CgroupMode
from grader.autograde.sandbox.core import (
    SANDBOX_UID,
    SandboxUnavailable,
    check_available,
)
from grader.autograde.sandbox.uids import FIRST_SLOT_UID, SLOT_COUNT


@dataclass(frozen=True)
class Layer:
    name: str
    active: bool
    detail: str
    """What the layer does here, or why it is off."""


@dataclass(frozen=True)
class SandboxReport:
    """The sandbox as it would be built for the next submission."""

    available: bool
    """False: grading is refused (`problem` says why)."""
    mode: str
    """`cgroup v1`, `cgroup v2` or `rlimits and a uid per slot` (no cgroups)."""
    layers: tuple[Layer, ...] = ()
    problem: str = ""

    def summary(self) -> str:
        """One line: the mode and the active layers (or why there is no sandbox)."""
        if not self.available:
            return f"sandbox not available: {self.problem}"
        active = ", ".join(layer.name for layer in self.layers if layer.active)
        inactive = ", ".join(layer.name for layer in self.layers if not layer.active)
        return f"sandbox ({self.mode}): {active}" + (f"; off: {inactive}" if inactive else "")

    def lines(self) -> list[str]:
        """The report as `grader check --sandbox` prints it."""
        if not self.available:
            return [self.summary()]
        width = max(len(layer.name) for layer in self.layers)
        return [f"Sandbox mode: {self.mode}"] + [
            f"  [{'on' if layer.active else 'off':>3}] {layer.name:<{width}}  {layer.detail}"
            for layer in self.layers
        ]


MODE_NAMES = {CgroupMode.V1: "cgroup v1", CgroupMode.V2: "cgroup v2",
              CgroupMode.NONE: "rlimits and a uid per slot (no cgroups)"}


def sandbox_report(limits: Limits | None = None) -> SandboxReport:
    """Find the sandbox this host would build (without starting a kernel) and describe it."""
    limits = limits or Limits()
    try:
        setup = check_available()
    except SandboxUnavailable as error:
        return SandboxReport(False, "none", problem=str(error))
    memory = f"{limits.memory_bytes // MIB} MiB"
    if setup.mode is CgroupMode.NONE:
        cgroups = Layer("cgroups", False, f"none usable: {setup.reason}")
        user = Layer("unprivileged user", True,
                     f"a uid per kernel slot ({FIRST_SLOT_UID} to "
                     f"{FIRST_SLOT_UID + SLOT_COUNT - 1}); every process of it killed at the "
                     "end")
        caps = (f"CPU {limits.cpu_seconds} s, address space "
                f"{limits.address_space_bytes // MIB} MiB per process (no total), "
                f"{limits.max_processes} processes per slot uid")
    else:
        where = ", ".join(str(p) for p in setup.parents)
        cgroups = Layer("cgroups", True, f"{setup.reason}: memory {memory}, "
                        f"{limits.max_processes} processes, under {where}")
        user = Layer("unprivileged user", True, f"uid and gid {SANDBOX_UID}")
        caps = (f"CPU {limits.cpu_seconds} s, address space "
                f"{limits.address_space_bytes // MIB} MiB per process")
    program = seccomp.filter_program()
    return SandboxReport(True, MODE_NAMES[setup.mode], (
        cgroups,
        Layer("namespaces", True, "mount, PID, network, IPC, UTS and cgroup"),
        Layer("new root", True, "empty tmpfs root, interpreter bound read-only, private /tmp"),
        Layer("rlimits", True, caps),
        user,
        Layer("no capabilities", True, "bounding set emptied, no new privileges"),
        Layer("seccomp", program is not None,
              f"{len(seccomp.DENIED_SYSCALLS)} system calls refused" if program is not None
              else "python3-seccomp is not installed (run `make sandbox-deps`)"),
    ))
