"""Measure the academy service: grading throughput with 1 and 2 workers, and the time from
"Submit for grading" to the score shown on the exercise page (median of 10).

Uses a throwaway SQLite database, the service tests' fixture catalogue, the real autograder
and real worker processes; the page timing drives real Chromium against `grader serve`.

    .venv/bin/python bench/service_bench.py throughput --submissions 30
    .venv/bin/python bench/service_bench.py page --site-dir /tmp/academy-site --runs 10
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE_ROOT = REPO / "tests" / "service" / "fixtures" / "academy"
DATA_DIR = Path(tempfile.mkdtemp(prefix="academy-bench-"))
ENV = {
    "ACADEMY_ROOT": str(FIXTURE_ROOT),
    "ACADEMY_DATA_DIR": str(DATA_DIR),
    "ACADEMY_SECRET_KEY": "bench-only-secret",
    "ACADEMY_RATE_LIMIT": "1000",
    "DJANGO_SETTINGS_MODULE": "grader.project.settings",
    "ACADEMY_QUEUE_POLL": "0.1",
}
os.environ.update(ENV)
log = logging.getLogger("bench")
PASSWORD = "bench-password-123"


def setup() -> object:
    import django

    django.setup()
    from django.core.management import call_command

    from grader.service.catalogue_sync import sync_catalogue
    from grader.service.models import Cohort, User

    call_command("migrate", verbosity=0)
    sync_catalogue(FIXTURE_ROOT)
    user = User.objects.create_user("bench@camden.example", "bench@camden.example", PASSWORD,
                                    first_name="Bench", last_name="Learner")
    cohort = Cohort.objects.create(slug="bench", name="Bench")
    cohort.tracks.add("apprentice-data")
    cohort.learners.add(user)
    return user


def start_workers(count: int) -> list[subprocess.Popen]:
    env = {**os.environ, "ACADEMY_WORKERS": "1"}
    return [subprocess.Popen([sys.executable, "-m", "django", "qcluster"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True) for _ in range(count)]


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def throughput(user: object, submissions: int) -> None:
    from django_q.models import OrmQ

    from grader.service.intake import Upload, submit
    from grader.service.models import Submission

    nb = (FIXTURE_ROOT / "exercises" / "fines-total" / "fines-total.ipynb").read_bytes()
    for workers in (1, 2):
        Submission.objects.all().delete()
        OrmQ.objects.all().delete()
        ids = [submit(Upload(user, "fines-total", nb, "nb.ipynb")).pk for _ in range(submissions)]
        procs = start_workers(workers)
        start = time.monotonic()
        while Submission.objects.filter(pk__in=ids, status="graded").count() < len(ids):
            time.sleep(0.5)
        elapsed = time.monotonic() - start
        stop(procs)
        rows = Submission.objects.filter(pk__in=ids)
        first = min(r.started_at for r in rows)
        last = max(r.finished_at for r in rows)
        busy = (last - first).total_seconds()
        print(json.dumps({
            "workers": workers, "submissions": submissions,
            "wall_seconds_incl_start": round(elapsed, 1),
            "first_start_to_last_finish_s": round(busy, 1),
            "per_minute": round(60 * submissions / busy, 1)}))


def page(user: object, site_dir: Path, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("grader")), "serve", "--site-dir", str(site_dir),
         "--port", str(port), "--no-demo"], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/api/v1/session", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    timings = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync"])
            pg = browser.new_page()
            pg.goto(f"{url}/academy/login/?next=/exercises/fines-total/")
            pg.get_by_label("Email address").fill("bench@camden.example")
            pg.get_by_label("Password").fill(PASSWORD)
            pg.get_by_role("button", name="Sign in").click()
            pg.wait_for_url(f"{url}/exercises/fines-total/")
            pg.get_by_role("button", name="Try it in your browser").click()
            frame = pg.frame_locator("iframe.cda-tryit__iframe")
            frame.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').wait_for(
                timeout=120_000)
            answer = frame.locator(".jp-Notebook .jp-Cell", has_text="YOUR CODE HERE")
            answer.locator(".cm-content").click()
            pg.keyboard.press("Control+a")
            pg.keyboard.type("def total(values): return sum(values)")
            result = pg.locator("[data-academy='result']")
            previous = None
            for _ in range(runs):
                clicked = time.monotonic()
                pg.get_by_role("button", name="Submit for grading").click()
                pg.wait_for_function(
                    "prev => { const r = document.querySelector(\"[data-academy='result']\");"
                    " return r && r.dataset.submissionId !== prev && r.dataset.status === "
                    "'graded' && document.querySelector(\"[data-academy='score']\"); }",
                    arg=previous, timeout=120_000)
                timings.append(time.monotonic() - clicked)
                previous = result.get_attribute("data-submission-id")
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(60)
    print(json.dumps({"runs": runs, "seconds": [round(t, 2) for t in timings],
                      "median_s": round(statistics.median(timings), 2)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["throughput", "page"])
    parser.add_argument("--submissions", type=int, default=30)
    parser.add_argument("--site-dir", type=Path, default=Path("/tmp/academy-site"))
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    user = setup()
    if args.what == "throughput":
        throughput(user, args.submissions)
    else:
        os.environ["ACADEMY_SITE_DIR"] = str(args.site_dir)
        page(user, args.site_dir, args.runs)


if __name__ == "__main__":
    main()
