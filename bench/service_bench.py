"""Measure the academy service as `make serve` runs it, beside the grader's own batch speed.

`service` starts `grader serve` with its defaults (one grading worker per core, the real
autograder, the real sandbox), on a throwaway SQLite database and the service tests' fixture
catalogue, and measures, in one run:

- batch: `grader autograde --workers 2` on N copies of the notebook (the grader alone);
- burst: N notebooks sent at once through the web server, until all are graded;
- idle: one notebook at a time, submit to graded (median of `--idle-runs`);
- learners: 30 learners each submit once within 10 s, and poll as the exercise page does
  (`POLL_SCHEDULE`, the same as docs/assets/js/submit.js), until they see their score.

`page` drives real Chromium through "Submit for grading" on the exercise page (needs a built
site). Print the load beside every figure: this machine is shared.

    .venv/bin/python bench/service_bench.py service --submissions 100
    .venv/bin/python bench/service_bench.py page --site-dir /tmp/academy-site --runs 10
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import logging
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE_ROOT = REPO / "tests" / "service" / "fixtures" / "academy"
sys.path.insert(0, str(REPO / "tests" / "service"))
DATA_DIR = Path(tempfile.mkdtemp(prefix="academy-bench-"))
ENV = {
    "ACADEMY_ROOT": str(FIXTURE_ROOT),
    "ACADEMY_DATA_DIR": str(DATA_DIR),
    "ACADEMY_SECRET_KEY": "bench-only-secret",
    "DJANGO_SETTINGS_MODULE": "grader.project.settings",
}
os.environ.update(ENV)
log = logging.getLogger("bench")
PASSWORD = "bench-password-123"
EXERCISE = "fines-total"
LEARNERS = 30
LEARNER_WINDOW_SECONDS = 10.0


def POLL_SCHEDULE(count: int) -> float:  # noqa: N802 - mirrors submit.js's constant schedule
    """Seconds before poll number `count` (from 0), as docs/assets/js/submit.js waits."""
    return 0.25 if count < 8 else 0.5 if count < 40 else 1.0 if count < 100 else 3.0


def page_sees(graded_after: float) -> float:
    """When the exercise page, polling on `POLL_SCHEDULE`, first sees a grade that was ready
    `graded_after` seconds after it submitted."""
    seen, count = 0.0, 0
    while seen < graded_after:
        seen += POLL_SCHEDULE(count)
        count += 1
    return seen


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def setup() -> list[object]:
    """Migrate and create the learners (one cohort on the graded track)."""
    import django

    django.setup()
    from django.core.management import call_command

    from grader.service.catalogue_sync import sync_catalogue
    from grader.service.models import Cohort, User

    call_command("migrate", verbosity=0)
    sync_catalogue(FIXTURE_ROOT)
    cohort = Cohort.objects.create(slug="bench", name="Bench")
    cohort.tracks.add("apprentice-data")
    users = []
    for i in range(LEARNERS):
        email = f"bench{i}@camden.example"
        users.append(User.objects.create_user(email, email, PASSWORD, first_name="Bench",
                                              last_name=f"Learner {i}"))
    cohort.learners.add(*users)
    return users


def start_serve(*extra: str) -> tuple[subprocess.Popen, str]:
    log_path = DATA_DIR / "serve.log"
    out = open(log_path, "wb")  # noqa: SIM115 - lives as long as the server
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("grader")), "serve", "--port", "0", "--no-demo",
         *extra], stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        text = log_path.read_text(errors="replace")
        if "Camden Data Academy on " in text and text.count("zygote") >= 1:
            url = text.split("Camden Data Academy on ")[1].split("/ ")[0]
            try:
                urllib.request.urlopen(url + "/api/v1/session", timeout=5)
                return server, url
            except OSError:
                pass
        if server.poll() is not None:
            break
        time.sleep(0.3)
    raise SystemExit(f"grader serve did not start:\n{log_path.read_text()}")


def stop_serve(server: subprocess.Popen) -> float:
    started = time.monotonic()
    server.send_signal(signal.SIGTERM)
    server.wait(60)
    return time.monotonic() - started


def batch(count: int) -> dict[str, object]:
    """The grader alone, warm (as the service's workers are): `autograde_many` with two
    workers, as `grader autograde --workers 2` runs it, on `count` copies of the notebook,
    after a first small batch has started the kernel zygote."""
    from grader.autograde import GradingOptions, autograde_many

    source = FIXTURE_ROOT / "exercises" / EXERCISE / f"{EXERCISE}.ipynb"
    folder = DATA_DIR / "batch"
    folder.mkdir(exist_ok=True)
    copies = []
    for i in range(count):
        shutil.copy(source, folder / f"{i}.ipynb")
        copies.append(folder / f"{i}.ipynb")
    options = GradingOptions(workers=2)
    autograde_many(source, copies[:2], options=options)
    started = time.monotonic()
    results = autograde_many(source, copies, options=options)
    seconds = time.monotonic() - started
    graded = sum(str(r.status) == "graded" for r in results)
    return {"notebooks": count, "graded": graded, "seconds": round(seconds, 1),
            "per_minute": round(60 * count / seconds, 1), "load": load()}


def submit(url: str, key: str) -> tuple[float, str]:
    from academy_helpers import notebook, post_notebook

    sent = time.time()
    status, body = post_notebook(url, key, EXERCISE, notebook(EXERCISE))
    if status != 201:
        raise SystemExit(f"submission refused: {status} {body}")
    return sent, body["id"]


def get(url: str, key: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {key}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def finished_times(ids: list[str]) -> dict[str, float]:
    from grader.service.models import Submission

    rows = Submission.objects.filter(pk__in=ids).values_list("pk", "status", "finished_at")
    return {str(pk): finished.timestamp() for pk, status, finished in rows
            if status == "graded" and finished}


def wait_all(ids: list[str], timeout: float) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = finished_times(ids)
        if len(done) == len(ids):
            return done
        time.sleep(0.2)
    raise SystemExit(f"only {len(finished_times(ids))} of {len(ids)} graded in {timeout} s")


def burst(url: str, keys: list[str], count: int) -> dict[str, object]:
    """`count` notebooks sent at once (spread over the learners, within the rate limit)."""
    started = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
        sent = list(pool.map(lambda i: submit(url, keys[i % len(keys)]), range(count)))
    accepted = time.time() - started
    done = wait_all([sub_id for _, sub_id in sent], 600)
    seconds = max(done.values()) - started
    return {"notebooks": count, "all_accepted_s": round(accepted, 1),
            "seconds": round(seconds, 1), "per_minute": round(60 * count / seconds, 1),
            "load": load()}


def idle(url: str, keys: list[str], runs: int) -> dict[str, object]:
    """One notebook at a time: submit to graded, seen by polling every 20 ms."""
    client_s, server_s = [], []
    for i in range(runs):
        time.sleep(1.0)  # idle: nothing queued, workers waiting
        key = keys[i % len(keys)]
        sent, sub_id = submit(url, key)
        while not get(f"{url}/api/v1/submissions/{sub_id}", key)["finished"]:
            time.sleep(0.02)
        client_s.append(time.time() - sent)
        server_s.append(finished_times([sub_id])[sub_id] - sent)
    return {"runs": runs, "median_s": round(statistics.median(client_s), 2),
            "max_s": round(max(client_s), 2),
            "median_to_graded_in_db_s": round(statistics.median(server_s), 2),
            "median_seen_by_exercise_page_s": round(statistics.median(
                page_sees(t) for t in client_s), 2),
            "seconds": [round(t, 2) for t in client_s], "load": load()}


def learners(url: str, keys: list[str]) -> dict[str, object]:
    """Each learner submits once at a random moment within the window, then polls as the
    exercise page does until the score is shown."""
    seen: dict[str, float] = {}
    sent_at: dict[str, float] = {}
    lock = threading.Lock()
    start = time.time() + 0.5
    offsets = sorted(random.uniform(0, LEARNER_WINDOW_SECONDS) for _ in keys)

    def learner(key: str, offset: float) -> None:
        time.sleep(max(0.0, start + offset - time.time()))
        sent, sub_id = submit(url, key)
        count = 0
        while True:
            time.sleep(POLL_SCHEDULE(count))
            count += 1
            if get(f"{url}/api/v1/submissions/{sub_id}", key)["finished"]:
                break
        with lock:
            seen[sub_id], sent_at[sub_id] = time.time(), sent

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(keys)) as pool:
        list(pool.map(learner, keys, offsets))
    graded = finished_times(list(seen))
    drained = max(graded.values())
    waits = sorted(seen[s] - sent_at[s] for s in seen)
    after_grade = sorted(seen[s] - graded[s] for s in seen)
    after_drain = sorted(max(0.0, seen[s] - drained) for s in seen)

    def p95(values: list[float]) -> float:
        return round(values[min(len(values) - 1, int(0.95 * len(values)))], 2)

    return {"learners": len(keys), "window_s": LEARNER_WINDOW_SECONDS,
            "submit_to_seen_p50_s": round(statistics.median(waits), 2),
            "submit_to_seen_p95_s": p95(waits),
            "seen_after_own_grade_p95_s": p95(after_grade),
            "seen_after_queue_drained_p95_s": p95(after_drain),
            "queue_drained_s_after_first_submit": round(drained - start, 1),
            "load": load()}


def service(submissions: int, idle_runs: int) -> None:
    users = setup()
    from grader.service.tokens import issue_token

    keys = [issue_token(u.email) for u in users]
    baseline = batch(submissions)
    print(json.dumps({"batch": baseline}), flush=True)
    server, url = start_serve()
    try:
        time.sleep(3)  # let the workers start their zygotes
        measured = burst(url, keys, submissions)
        print(json.dumps({"burst": measured}), flush=True)
        print(json.dumps({"service_to_batch_ratio": round(
            measured["per_minute"] / baseline["per_minute"], 2)}), flush=True)  # type: ignore[operator]
        print(json.dumps({"idle": idle(url, keys, idle_runs)}), flush=True)
        print(json.dumps({"learners": learners(url, keys)}), flush=True)
    finally:
        print(json.dumps({"sigterm_stop_s": round(stop_serve(server), 2)}), flush=True)


def page(user: object, site_dir: Path, runs: int) -> None:
    """Click "Submit for grading" on the exercise page; time until the score shows."""
    from playwright.sync_api import sync_playwright

    server, url = start_serve("--site-dir", str(site_dir))
    timings = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync"])
            pg = browser.new_page()
            pg.goto(f"{url}/academy/login/?next=/exercises/fines-total/")
            pg.get_by_label("Email address").fill("bench0@camden.example")
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
        stop_serve(server)
    print(json.dumps({"load": load(), "runs": runs, "seconds": [round(t, 2) for t in timings],
                      "median_s": round(statistics.median(timings), 2)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["service", "page"])
    parser.add_argument("--submissions", type=int, default=100)
    parser.add_argument("--idle-runs", type=int, default=15)
    parser.add_argument("--site-dir", type=Path, default=Path("/tmp/academy-site"))
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    print(json.dumps({"started": datetime.now().isoformat(timespec="seconds"),
                      "cores": len(os.sched_getaffinity(0)), "load": load()}), flush=True)
    if args.what == "service":
        service(args.submissions, args.idle_runs)
    else:
        os.environ["ACADEMY_SITE_DIR"] = str(args.site_dir)
        page(setup()[0], args.site_dir, args.runs)


if __name__ == "__main__":
    main()
