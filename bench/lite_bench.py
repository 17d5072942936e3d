"""Measure how soon an exercise's Python is ready, in real Chromium, on a built site.

The site is served as the academy serves it (`grader.service.sitefiles.serving_site_files`: the
same WhiteNoise, caching headers and precompressed files), on 127.0.0.1. Each run uses a
fresh browser profile (a new context: empty cache and storage). For each of `--runs` runs,
in one process so the load is shared alike:

- ours after reading: the exercise page, 30 s on it (`--read-seconds`), then "Try it in your
  browser"; time from the click to the first output of `import pandas` typed in a new cell;
- ours cold: the same with the click as soon as the page has loaded;
- bare: JupyterLite on its own (the notebook's own page opened directly: no pre-start),
  from opening it to the same output;
- repeat visit: the exercise page again in the same profile right after "ours cold", bytes
  transferred and requests until the same output (within a minute, so pages and notebooks
  come from the cache too; later they are asked again, a few kB each).

Requests and bytes are counted from Chromium's network events (the kernel's worker included);
bytes are what crossed the wire (compressed, headers included). Prints the medians, the load
average, and the "about N seconds" the page should say (grader.sitebuild.controls.START_SECONDS);
writes them to `--out` (default bench/results/lite_bench.json).

    .venv/bin/grader build --site-dir /tmp/academy-site
    .venv/bin/python bench/lite_bench.py --site-dir /tmp/academy-site --runs 3
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from grader.service.sitefiles import serving_site_files
from grader.sitebuild.controls import START_SECONDS

REPO = Path(__file__).resolve().parents[1]
log = logging.getLogger("bench")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]  # fmt: skip
CELL = "import pandas; print('pandas', pandas.__version__)"
TIMEOUT_MS = 400_000
#: The page's wording is rounded up to this many seconds.
ROUND_TO = 5


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class Traffic:
    """Requests and bytes on the wire in a browser context, the kernel's worker included
    (Playwright's `requestfinished`: headers and encoded body as received; 0 for a file from
    the cache), until `stop()`."""

    def __init__(self, context: Any) -> None:
        self.requests = 0
        self.bytes = 0
        self.hosts: set[str] = set()
        self.context = context
        context.on("requestfinished", self._finished)

    def stop(self) -> None:
        self.context.remove_listener("requestfinished", self._finished)

    def _finished(self, request: Any) -> None:
        url = urlsplit(request.url)
        if url.scheme not in ("http", "https"):
            return
        self.requests += 1
        self.hosts.add(url.netloc)
        sizes = request.sizes()
        self.bytes += sizes["responseHeadersSize"] + max(sizes["responseBodySize"], 0)


def _run_cell(frame: Any, page: Any) -> None:
    """A new cell at the top of the notebook with CELL in it, run; wait for its output."""
    cells = frame.locator(".jp-Notebook .jp-Cell")
    cells.first.click()
    page.keyboard.press("Escape")
    page.keyboard.press("a")
    cell = cells.first
    cell.and_(frame.locator(".jp-CodeCell")).wait_for()
    cell.locator(".cm-content").click()
    page.keyboard.type(CELL)
    page.keyboard.press("Shift+Enter")
    cell.locator(".jp-OutputArea-output", has_text="pandas").wait_for(timeout=TIMEOUT_MS)


def ours(page: Any, url: str, read_seconds: float) -> float:
    """Seconds from "Try it" to the output, after `read_seconds` on the exercise page."""
    page.goto(url)
    page.wait_for_timeout(read_seconds * 1000)
    page.get_by_role("button", name="Try it in your browser").click()
    clicked = time.perf_counter()
    frame = page.frame_locator("iframe.cda-tryit__iframe")
    page.locator('.cda-tryit[data-kernel="ready"]').wait_for(timeout=TIMEOUT_MS)
    _run_cell(frame, page)
    return time.perf_counter() - clicked


def bare(page: Any, url: str) -> float:
    """Seconds from opening JupyterLite's notebook page to the output: nothing starts before
    it opens, so time spent reading first changes nothing."""
    opened = time.perf_counter()
    page.goto(url)
    page.wait_for_function(
        """() => { const p = window.jupyterapp && window.jupyterapp.shell.currentWidget;
        const k = p && p.sessionContext.session && p.sessionContext.session.kernel;
        return !!k && k.status === "idle"; }""",
        timeout=TIMEOUT_MS,
    )
    _run_cell(page, page)
    return time.perf_counter() - opened


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-dir", type=Path, required=True, help="a site from grader build")
    parser.add_argument("--exercise", default="", help="exercise id (default: the first)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--read-seconds", type=float, default=30.0)
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/lite_bench.json")
    parser.add_argument(
        "--visits-only", action="store_true", help="only the cold click and the repeat visit"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from playwright.sync_api import sync_playwright

    site = args.site_dir.resolve()
    exercise = args.exercise or sorted(p.name for p in (site / "exercises").iterdir())[0]
    figures: dict[str, list[float]] = {"after_reading": [], "cold": [], "bare": []}
    visits: dict[str, list[float]] = {
        "first_requests": [], "first_bytes": [], "repeat_requests": [], "repeat_bytes": []
    }  # fmt: skip
    loads = [load()]
    with serving_site_files(site) as base, sync_playwright() as playwright:
        page_url = f"{base}exercises/{exercise}/"

        @contextmanager
        def fresh_profile() -> Iterator[Any]:
            """A browser on a new, empty profile on disk (its HTTP cache on disk, as a
            learner's is; a private context keeps a small cache in memory)."""
            with tempfile.TemporaryDirectory(prefix="lite-bench-profile-") as folder:
                context = playwright.chromium.launch_persistent_context(
                    folder, executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
                )
                try:
                    yield context
                finally:
                    context.close()

        for run in range(args.runs):
            if not args.visits_only:
                with fresh_profile() as context:
                    page = context.new_page()
                    figures["after_reading"].append(ours(page, page_url, args.read_seconds))
                    notebook_url = page.locator(".cda-tryit").get_attribute("data-lite-url")
                with fresh_profile() as context:
                    figures["bare"].append(bare(context.new_page(), page_url + notebook_url))
            # ours cold, then a repeat visit in the same profile
            with fresh_profile() as context:
                page = context.new_page()
                traffic = Traffic(context)
                figures["cold"].append(ours(page, page_url, 0))
                visits["first_requests"].append(traffic.requests)
                visits["first_bytes"].append(traffic.bytes)
                traffic.stop()
                page.close()
                page = context.new_page()
                traffic = Traffic(context)
                ours(page, page_url, 0)
                visits["repeat_requests"].append(traffic.requests)
                visits["repeat_bytes"].append(traffic.bytes)
                traffic.stop()
                assert traffic.hosts <= {base.split("/")[2]}, traffic.hosts
            loads.append(load())
            log.info(
                "run %d: after reading %s s, cold %.1f s, bare %s s; first visit %d "
                "requests %.1f MB, repeat %d requests %.2f MB (load %s)",
                run + 1, figures["after_reading"][-1:], figures["cold"][-1],
                figures["bare"][-1:], visits["first_requests"][-1],
                visits["first_bytes"][-1] / 1e6, visits["repeat_requests"][-1],
                visits["repeat_bytes"][-1] / 1e6, loads[-1],
            )  # fmt: skip
    result = {
        "exercise": exercise,
        "runs": args.runs,
        "read_seconds": args.read_seconds,
        "click_to_output_after_reading_s": _median(figures["after_reading"] or [0]),
        "click_to_output_cold_s": _median(figures["cold"]),
        "bare_jupyterlite_open_to_output_s": _median(figures["bare"] or [0]),
        "first_visit_requests": int(statistics.median(visits["first_requests"])),
        "first_visit_mb": round(statistics.median(visits["first_bytes"]) / 1e6, 1),
        "repeat_visit_requests": int(statistics.median(visits["repeat_requests"])),
        "repeat_visit_mb": round(statistics.median(visits["repeat_bytes"]) / 1e6, 2),
        "all": {**figures, **visits},
        "load_average": loads,
        "cores": os.cpu_count(),
        "start_seconds_to_say": ROUND_TO * math.ceil(statistics.median(figures["cold"]) / ROUND_TO),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    log.info("%s", json.dumps({k: v for k, v in result.items() if k != "all"}, indent=1))
    if result["start_seconds_to_say"] != START_SECONDS:
        log.warning(
            "grader/sitebuild/controls.py: START_SECONDS is %d; the page should say about %d",
            START_SECONDS, result["start_seconds_to_say"],
        )  # fmt: skip


if __name__ == "__main__":
    main()
