"""How a grading worker process stops on SIGTERM: at once, losing nothing, writing nothing
by halves.

django-q2 stops a cluster by letting each worker finish its task, and a grading may take
minutes. `grader serve` (and systemd, whose default is to signal every process of the
service) sends SIGTERM to every process of the cluster instead. Each worker then:

- idle: exits at once;
- grading: stops the grading (its kernel and sandbox are destroyed), gives the submission
  back to the queue (`grading.give_back`) and exits;
- writing to the database (claiming, recording): finishes that first, then exits.
"""

from __future__ import annotations

import contextlib
import logging
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from types import FrameType

log = logging.getLogger(__name__)


class WorkerStopping(SystemExit):
    """Raised in a worker told to stop (a SystemExit: the process ends without a traceback)."""

    def __init__(self) -> None:
        super().__init__(0)


@dataclass
class _State:
    in_task: bool = False
    interruptible: bool = False
    requested: bool = False


_state = _State()


def on_signal(signum: int, frame: FrameType | None) -> None:
    if _state.requested:
        return  # already stopping (the cluster forwards the signal too)
    _state.requested = True
    if not _state.in_task or _state.interruptible:
        log.warning("worker stopping (signal %d)", signum)
        raise WorkerStopping()


def install() -> None:
    """Make SIGTERM stop this worker process as described above."""
    signal.signal(signal.SIGTERM, on_signal)


def requested() -> bool:
    return _state.requested


@contextlib.contextmanager
def task() -> Iterator[None]:
    """A queue task: a stop asked for during it waits for its end (or `interruptible`)."""
    _state.in_task = True
    try:
        yield
    finally:
        _state.in_task = False
    if _state.requested:
        raise WorkerStopping()


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Work that a stop may cut short (raising WorkerStopping inside it)."""
    if _state.requested:
        raise WorkerStopping()
    _state.interruptible = True
    try:
        yield
    finally:
        _state.interruptible = False
