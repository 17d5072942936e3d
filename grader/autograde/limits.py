"""Resource limits for grading one submission: what the sandbox and the prechecks enforce."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Every limit applied to one submission. The defaults suit the course's pandas exercises."""

    max_file_bytes: int = 5 * MIB
    """Largest notebook file accepted (checked before parsing)."""
    max_json_depth: int = 64
    """Deepest nesting of JSON arrays and objects accepted."""
    max_cells: int = 500
    """Most cells a notebook may have."""
    max_outputs: int = 2_000
    """Most saved outputs in the submitted file (they are cleared before running)."""
    cell_timeout: float = 30.0
    """Seconds one cell may run before it is interrupted (nbgrader's default)."""
    notebook_timeout: float = 180.0
    """Seconds the whole notebook may run; then everything it started is killed."""
    cpu_seconds: int = 120
    """CPU seconds per process (RLIMIT_CPU)."""
    memory_bytes: int = 1024 * MIB
    """Memory of the whole sandbox (cgroup), learner's processes together."""
    address_space_bytes: int = 3 * 1024 * MIB
    """Virtual memory per process (RLIMIT_AS): large allocations fail with MemoryError."""
    max_processes: int = 64
    """Processes and threads in the sandbox (cgroup pids.max)."""
    file_size_bytes: int = 64 * MIB
    """Largest file the learner's code may write (RLIMIT_FSIZE)."""
    scratch_bytes: int = 128 * MIB
    """Size of the private scratch directories (working directory and /tmp)."""
    max_output_bytes: int = 1 * MIB
    """Output kept from the whole notebook; the rest is cut off."""
    max_open_files: int = 256
    """Open file descriptors per process (RLIMIT_NOFILE)."""
