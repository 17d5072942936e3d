"""What the sandbox costs per kernel: start (pandas preloaded), one cell, close.

    .venv/bin/python bench/sandbox_overhead.py [--count 10]

Sandboxed and unsandboxed kernels alternate, one at a time; prints the median of each.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import time

from grader.autograde.kernels import start_kernel
from grader.autograde.limits import Limits

log = logging.getLogger("bench")


async def one(sandboxed: bool) -> float:
    start = time.monotonic()
    kernel = await start_kernel(Limits(), (), sandboxed=sandboxed)
    await kernel.kc.execute_interactive("x = 1", timeout=30)
    await kernel.close()
    return time.monotonic() - start


async def measure(count: int) -> dict[str, float]:
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(count):
        for sandboxed in (True, False):
            times[sandboxed].append(await one(sandboxed))
    sandboxed, bare = statistics.median(times[True]), statistics.median(times[False])
    return {"sandboxed_s": round(sandboxed, 3), "unsandboxed_s": round(bare, 3),
            "overhead_s": round(sandboxed - bare, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for key, value in asyncio.run(measure(parser.parse_args().count)).items():
        log.info("%-14s %s", key, value)


if __name__ == "__main__":
    main()
