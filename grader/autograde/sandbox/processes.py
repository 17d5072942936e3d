"""Killing what a sandbox left running: everything in a list that is re-read until empty."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

KILL_ATTEMPTS = 50
KILL_PAUSE_SECONDS = 0.02


def kill_until_gone(find: Callable[[], set[int]]) -> int:
    """SIGKILL every process `find()` lists, again until it lists none (or attempts run out:
    exiting processes stay listed for a moment); return how many signals were sent."""
    killed = 0
    for _ in range(KILL_ATTEMPTS):
        pids = find()
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
        time.sleep(KILL_PAUSE_SECONDS)
    return killed
