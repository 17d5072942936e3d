"""Measure the cohort pages for a big cohort: 500 learners x 60 exercises, ~20,000 submissions.

Builds a throwaway database (SQLite, or PostgreSQL with --postgres-url), then times the
server side of the cohort grid, the progress API and the KSB heatmap through Django's full
stack in-process (middleware, view, queries, template), median of --runs. The target is at
most 300 ms each. A fixed pure-Python workload is timed in the same run as a baseline, so a
figure from a busy machine can be read as a ratio; the load average is printed beside it.

    .venv/bin/python bench/progress_bench.py
    .venv/bin/python bench/progress_bench.py --postgres-url postgres://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = Path(tempfile.mkdtemp(prefix="progress-bench-"))
log = logging.getLogger("bench")
TARGET_MS = 300
NOTEBOOK = REPO / "exercises" / "da-parking-clean" / "da-parking-clean.ipynb"
SEED = 20261129
PAGES = {
    "cohort grid": "/academy/cohorts/bench/",
    "progress API": "/api/v1/cohorts/bench/progress",
    "KSB heatmap": "/academy/cohorts/bench/ksbs/",
}


def configure(postgres_url: str | None) -> None:
    os.environ.update({
        "ACADEMY_ROOT": str(REPO),
        "ACADEMY_DATA_DIR": str(DATA_DIR),
        "ACADEMY_SECRET_KEY": "bench-only-secret",
        "DJANGO_SETTINGS_MODULE": "grader.project.settings",
        "DATABASE_URL": postgres_url or f"sqlite:///{DATA_DIR / 'bench.sqlite3'}",
    })
    import django

    django.setup()


def build(learners: int, exercises: int, submissions: int) -> object:
    """The catalogue's real standard (ST0118), one graded track of `exercises` exercises
    with three KSBs each, a cohort of `learners`, and about `submissions` graded ones."""
    from django.core.management import call_command
    from django.utils import timezone

    from grader.content.database import prepare_database
    from grader.content.reader import load_catalogue
    from grader.service.models import (
        Cohort,
        Exercise,
        Grade,
        Ksb,
        Mark,
        Standard,
        Submission,
        SubmissionStatus,
        Track,
        TrackExercise,
        User,
    )

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    prepare_database(REPO)  # a fresh clone: the exercises link to the database it builds
    std = load_catalogue(REPO).standards["ST0118"]
    Standard.objects.create(id=std.id, title=std.title, level=std.level)
    ksbs = Ksb.objects.bulk_create(
        Ksb(standard_id=std.id, code=k.code, title=k.title, workplace_only=k.workplace_only,
            workplace_reason=k.workplace_reason or "") for k in std.ksbs)
    teachable = [k for k in ksbs if not k.workplace_only]
    track = Track.objects.create(id="bench-track", title="Bench track", graded=True,
                                 standard_id=std.id)
    exs = Exercise.objects.bulk_create(
        Exercise(id=f"bench-{i:02d}", title=f"Bench exercise {i}", notebook="n.ipynb",
                 pass_percent=60) for i in range(exercises))
    TrackExercise.objects.bulk_create(
        TrackExercise(track=track, exercise=e, position=i, module_title="M", lesson_id="l",
                      lesson_title="L") for i, e in enumerate(exs))
    Exercise.ksbs.through.objects.bulk_create(
        Exercise.ksbs.through(exercise_id=e.pk, ksb_id=k.pk)
        for e in exs for k in rng.sample(teachable, 3))
    people = User.objects.bulk_create(
        User(username=f"learner{i}@camden.example", email=f"learner{i}@camden.example",
             first_name=f"Learner{i}", last_name=f"Number{i:03d}") for i in range(learners))
    manager = User.objects.create_user("manager@camden.example", "manager@camden.example",
                                       "bench-password-123", role="manager")
    cohort = Cohort.objects.create(slug="bench", name="Bench cohort")
    cohort.tracks.add(track)
    cohort.learners.add(*people)
    cohort.managers.add(manager)
    # A real notebook (about 10 KB), so the rows weigh what real submissions weigh.
    now, notebook = timezone.now(), NOTEBOOK.read_bytes()
    pairs = [(u, e) for u in people for e in exs]
    rng.shuffle(pairs)
    subs = []
    while len(subs) < submissions:
        user, ex = pairs[len(subs) % len(pairs)]
        score = rng.choice((0, 3, 5, 6, 7, 8, 10))
        subs.append(Submission(
            learner=user, exercise=ex, notebook=notebook, filename="n.ipynb",
            size_bytes=len(notebook), sha256=hashlib.sha256(notebook).hexdigest(),
            status=SubmissionStatus.GRADED, total_score=score,
            awaiting_marking=rng.random() < 0.1, finished_at=now))
    subs = Submission.objects.bulk_create(subs, batch_size=2000)
    for s in subs:  # spread over 20 weeks, for the chart
        s.created_at = now - timedelta(minutes=rng.randrange(20 * 7 * 24 * 60))
    Submission.objects.bulk_update(subs, ["created_at"], batch_size=2000)
    Grade.objects.bulk_create(
        (Grade(submission=s, status=SubmissionStatus.GRADED, score=s.total_score,
               max_score=10, attempt=1) for s in subs), batch_size=2000)
    Mark.objects.bulk_create(
        (Mark(submission=s, grade_id="explain", score=2, comment="Good.", marked_at=now,
              answer_sha256="0" * 64) for s in subs[::4]), batch_size=2000)
    # Statistics, as autovacuum (PostgreSQL) keeps them for a live database: without them
    # the planner takes the freshly loaded tables for empty ones.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return manager


def reference_ms() -> tuple[float, float]:
    """A fixed pure-Python workload (wall and CPU ms): the same work on every run, slower
    on a busy machine."""
    start, start_cpu = time.perf_counter(), time.process_time()
    sum(i * i for i in range(2_000_000))
    return 1000 * (time.perf_counter() - start), 1000 * (time.process_time() - start_cpu)


def _count(found: list[str], execute: Any, sql: str, params: Any, many: bool,
           context: Any) -> Any:
    found.append(sql)
    return execute(sql, params, many, context)


def measure(manager: object, runs: int) -> dict[str, tuple[float, float, int]]:
    from django.db import connection
    from django.test import Client

    client = Client()
    client.force_login(manager)
    results = {}
    for name, url in PAGES.items():
        assert client.get(url).status_code == 200  # warm: templates, URL resolver
        queries: list[str] = []
        with connection.execute_wrapper(partial(_count, queries)):  # survives reconnecting
            assert client.get(url).status_code == 200
        times, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            cpu.append(1000 * (time.process_time() - start_cpu))
            times.append(1000 * (time.perf_counter() - start))
            assert response.status_code == 200, response.status_code
        results[name] = (statistics.median(times), statistics.median(cpu), len(queries))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres-url", help="an empty PostgreSQL database to fill")
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--exercises", type=int, default=60)
    parser.add_argument("--submissions", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    configure(args.postgres_url)
    from django.db import connection

    start = time.perf_counter()
    manager = build(args.learners, args.exercises, args.submissions)
    log.info("built %d learners x %d exercises, %d submissions on %s in %.0f s",
             args.learners, args.exercises, args.submissions, connection.vendor,
             time.perf_counter() - start)
    refs = [reference_ms() for _ in range(5)]
    base_wall = statistics.median(r[0] for r in refs)
    base_cpu = statistics.median(r[1] for r in refs)
    results = measure(manager, args.runs)
    log.info("load average: %s", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    log.info("baseline (fixed Python workload): %.0f ms wall, %.0f ms CPU", base_wall, base_cpu)
    log.info("%-13s %8s %8s %10s %8s", "page", "wall ms", "CPU ms", "CPU/base", "queries")
    failed = False
    for name, (ms, cpu, queries) in results.items():
        ok = ms <= TARGET_MS
        failed |= not ok
        log.info("%-13s %8.0f %8.0f %9.2fx %8d  %s", name, ms, cpu, cpu / base_cpu, queries,
                 "ok" if ok else f"wall over {TARGET_MS} ms")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
