"""Measure the tutor's marking page: opening an answer, and "save, then the next answer".

Builds a throwaway database (SQLite, or PostgreSQL with --postgres-url) holding a cohort of
--learners apprentices who each sent the service tests' `fines-report` exercise (two written
answers of about 250 words) one to three times, then times through Django's full stack
in-process (middleware, view, queries, template), median of --runs:

- open: GET one answer beside its mark scheme;
- save and next: POST a mark (checked, recorded with its history row and the new total),
  then GET the next answer the redirect names: the server's whole share of one keypress;
- the marking API's list of every answer of the cohort (reported, no target).

The target for opening the next answer is under 200 ms. A fixed pure-Python workload is
timed in the same run as a baseline, so a figure from a busy machine can be read as a ratio;
the load average is printed beside it.

    .venv/bin/python bench/marking_bench.py
    .venv/bin/python bench/marking_bench.py --postgres-url postgres://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE_ROOT = REPO / "tests" / "service" / "fixtures" / "academy"
EXERCISE = "fines-report"
DATA_DIR = Path(tempfile.mkdtemp(prefix="marking-bench-"))
log = logging.getLogger("bench")
TARGET_MS = 200
SEED = 20261129
WORDS = ("the busiest street is where most fines are given so the parking team may look "
         "first at signs bays and enforcement but a long street has more room for fines "
         "and fines show enforcement not all parking that breaks the rules").split()


def configure(postgres_url: str | None) -> None:
    os.environ.update({
        "ACADEMY_ROOT": str(FIXTURE_ROOT),
        "ACADEMY_DATA_DIR": str(DATA_DIR),
        "ACADEMY_SECRET_KEY": "bench-only-secret",
        "DJANGO_SETTINGS_MODULE": "grader.project.settings",
        "DATABASE_URL": postgres_url or f"sqlite:///{DATA_DIR / 'bench.sqlite3'}",
    })
    import django

    django.setup()


def build(learners: int) -> tuple[object, object]:
    """The fixture catalogue, a cohort of `learners` with a tutor, and 1 to 3 graded
    submissions of the exercise each (the latest awaits marking)."""
    from django.core.management import call_command
    from django.utils import timezone

    from grader.service.catalogue_sync import sync_catalogue
    from grader.service.markscheme import extract_answers
    from grader.service.models import Cohort, Grade, Submission, SubmissionStatus, User

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    sync_catalogue(FIXTURE_ROOT)
    rng = random.Random(SEED)
    people = User.objects.bulk_create(
        User(username=f"learner{i}@camden.example", email=f"learner{i}@camden.example",
             first_name=f"Learner{i:03d}", last_name="Bench") for i in range(learners))
    tutor = User.objects.create_user("tutor@camden.example", "tutor@camden.example",
                                     "bench-password-123")
    cohort = Cohort.objects.create(slug="bench", name="Bench cohort")
    cohort.tracks.add("apprentice-data")
    cohort.learners.add(*people)
    cohort.tutors.add(tutor)
    instructor = json.loads(
        (FIXTURE_ROOT / "exercises" / EXERCISE / f"{EXERCISE}.ipynb").read_text())
    cells = [{"grade_id": "test-busiest", "score": 1.0, "max_score": 1.0,
              "kind": "autograded", "hidden": False, "message": ""},
             {"grade_id": "answer-why", "score": None, "max_score": 2.0, "kind": "manual",
              "hidden": False, "message": ""},
             {"grade_id": "answer-limits", "score": None, "max_score": 3.0, "kind": "manual",
              "hidden": False, "message": ""}]
    now, subs, grades = timezone.now(), [], []
    for user in people:
        for _ in range(rng.randint(1, 3)):
            nb = json.loads(json.dumps(instructor))
            for cell in nb["cells"]:
                if cell["metadata"]["nbgrader"]["grade_id"].startswith("answer-") \
                        and cell["cell_type"] == "markdown":
                    cell["source"] = " ".join(rng.choice(WORDS) for _ in range(250))
            data = json.dumps(nb).encode()
            subs.append(Submission(
                learner=user, exercise_id=EXERCISE, notebook=data, filename="n.ipynb",
                size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest(),
                status=SubmissionStatus.GRADED, total_score=1.0, awaiting_marking=True,
                finished_at=now,
                written_answers=extract_answers(data, ["answer-why", "answer-limits"])))
    subs = Submission.objects.bulk_create(subs, batch_size=500)
    grades = [Grade(submission=s, status=SubmissionStatus.GRADED, score=1.0, max_score=6.0,
                    needs_manual_grading=True, attempt=1, cells=cells) for s in subs]
    Grade.objects.bulk_create(grades, batch_size=500)
    return cohort, tutor


def reference_ms() -> float:
    """A fixed pure-Python workload: the same on every run, slower on a busy machine."""
    start = time.perf_counter()
    sum(i * i for i in range(2_000_000))
    return 1000 * (time.perf_counter() - start)


def measure(cohort: object, tutor: object, runs: int) -> dict[str, tuple[float, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from grader.service import markbook
    from grader.service.models import Exercise

    client = Client()
    client.force_login(tutor)
    exercise = Exercise.objects.get(pk=EXERCISE)
    items = markbook.sequence(cohort, exercise, tutor, markbook.Order.QUESTION)
    middle = len(items) // 4  # well inside the cohort, not the first learner

    def url(i: int) -> str:
        sub, gid = items[i]
        return f"/academy/marking/bench/{EXERCISE}/{sub}/{gid}/?by=question"

    assert client.get(url(0)).status_code == 200  # warm: templates, URL resolver, schemes
    results = {}
    times, count = [], 0
    for i in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url(middle + i))
            times.append(1000 * (time.perf_counter() - start))
        assert response.status_code == 200, response.status_code
        count = len(queries)
    results["open an answer"] = (statistics.median(times), count)
    times = []
    for i in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            saved = client.post(url(middle + runs + i), {"score": "2", "comment": "Good."})
            response = client.get(saved["Location"])
            times.append(1000 * (time.perf_counter() - start))
        assert saved.status_code == 302 and response.status_code == 200
        count = len(queries)
    results["save and next"] = (statistics.median(times), count)
    times = []
    for _ in range(max(3, runs // 2)):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(f"/api/v1/marking?cohort=bench&exercise={EXERCISE}")
            times.append(1000 * (time.perf_counter() - start))
        assert response.status_code == 200
        count = len(queries)
    results["API: every answer"] = (statistics.median(times), count)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres-url", help="an empty PostgreSQL database to fill")
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    configure(args.postgres_url)
    from django.db import connection

    from grader.service.models import Submission

    start = time.perf_counter()
    cohort, tutor = build(args.learners)
    log.info("built %d learners, %d submissions on %s in %.0f s", args.learners,
             Submission.objects.count(), connection.vendor, time.perf_counter() - start)
    baseline = statistics.median(reference_ms() for _ in range(5))
    results = measure(cohort, tutor, args.runs)
    log.info("load average: %s", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    log.info("baseline (fixed Python workload): %.0f ms", baseline)
    failed = False
    for name, (ms, queries) in results.items():
        target = name != "API: every answer"
        ok = not target or ms < TARGET_MS
        failed |= not ok
        log.info("%-18s %6.0f ms median (%.2fx baseline), %d queries  %s", name, ms,
                 ms / baseline, queries, ("ok" if ok else f"over {TARGET_MS} ms") if target
                 else "(no target)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
