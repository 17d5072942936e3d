"""Scale-out on django-q2's Redis broker and PostgreSQL: two worker clusters, 1,000
submissions, one worker killed with SIGKILL at random 20 times. Every submission ends with
exactly one result; none is lost, none graded twice except where a kill cut a grading short.

The FAKE autograder grades (this tests the queue, not grading). The Redis broker keeps no
record of a task once a cluster has taken it, so the tasks a killed cluster held come back
through `requeue_stale`, which the test runs every second as the cluster's scheduler would.
"""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from academy_helpers import FAKE, notebook, worker_env
from django.utils import timezone

from grader.service import grading
from grader.service.models import Exercise, Grade, Submission, SubmissionStatus

log = logging.getLogger(__name__)
pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SUBMISSIONS = 1_000
KILLS = 20
BUSY_SECONDS = 1.0
BETWEEN_KILLS = SUBMISSIONS // (2 * KILLS)
"""Submissions graded between two kills, so that the kills spread over the whole run."""
REDIS_URL = os.environ.get("ACADEMY_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
QUEUE_ENV = {
    "ACADEMY_AUTOGRADE": FAKE,
    "ACADEMY_FAKE_GRADE_SECONDS": "0.02",
    # Far above a fake grading even on a loaded machine, so that only a kill (never a slow
    # worker) lets a second attempt start; low enough to bring a killed grading back soon.
    "ACADEMY_GRADING_TIMEOUT": "15",
    "ACADEMY_STALE_AFTER_SECONDS": "20",
    "ACADEMY_WORKERS": "1",
}


@pytest.fixture
def redis_queue(settings, monkeypatch) -> Iterator[dict[str, str]]:  # noqa: ANN001
    """A queue of this test's own on Redis, for the test process and its workers alike."""
    import redis
    from django_q.conf import Conf

    name = f"academy-scale-{uuid.uuid4().hex[:8]}"
    for attribute, value in {"ORM": None, "REDIS": REDIS_URL, "PREFIX": name,
                             "CLUSTER_NAME": name, "SYNC": False}.items():
        monkeypatch.setattr(Conf, attribute, value)
    settings.ACADEMY_STALE_AFTER_SECONDS = int(QUEUE_ENV["ACADEMY_STALE_AFTER_SECONDS"])
    settings.ACADEMY_GRADING_TIMEOUT = int(QUEUE_ENV["ACADEMY_GRADING_TIMEOUT"])
    yield {"ACADEMY_REDIS_URL": REDIS_URL, "ACADEMY_QUEUE_NAME": name}
    client = redis.from_url(REDIS_URL)
    client.delete(*client.keys(f"django_q:{name}:*") or ["-"])


def store(people: dict, count: int) -> list[str]:
    """`count` submissions stored as the intake stores them, each notebook tagged with its
    number (the fake autograder logs it), then queued."""
    ann, exercise = people["ann"], Exercise.objects.get(pk="fines-count")
    base = json.loads(notebook("fines-count"))
    rows = []
    for i in range(count):
        base["metadata"]["academy_test_id"] = i
        data = json.dumps(base).encode()
        rows.append(Submission(learner=ann, exercise=exercise, notebook=data, filename="nb.ipynb",
                               size_bytes=len(data), sha256=str(i)))
    ids = [str(s.pk) for s in Submission.objects.bulk_create(rows)]
    for sub_id in ids:
        grading._send(sub_id)
    Submission.objects.filter(pk__in=ids).update(status=SubmissionStatus.QUEUED,
                                                 queued_at=timezone.now())
    return ids


def busy_clusters(workers: list[subprocess.Popen]) -> list[int]:
    """The clusters (by index) whose worker claimed a submission in the last second: a kill
    then cuts real work short, not a cluster still starting."""
    since = timezone.now() - timedelta(seconds=BUSY_SECONDS)
    names = Submission.objects.filter(started_at__gte=since).values_list(
        "worker", flat=True)
    groups = set()
    for name in set(names):
        try:
            groups.add(os.getpgid(int(name.rpartition(":")[2])))
        except (ProcessLookupError, ValueError):
            continue
    return [i for i, proc in enumerate(workers) if proc.pid in groups]


def test_two_redis_workers_killed_twenty_times_lose_nothing_and_grade_once(
    people, redis_queue, tmp_path: Path,  # noqa: ANN001
) -> None:
    grades_log = tmp_path / "graded.log"
    env = worker_env(**QUEUE_ENV, **redis_queue, ACADEMY_FAKE_GRADE_LOG=str(grades_log))
    assert env["DATABASE_URL"].startswith("postgres"), "this test runs on PostgreSQL"
    out = open(tmp_path / "workers.log", "wb")  # noqa: SIM115 - closed at the end

    def start() -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "django", "grading_workers"], env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    rng = random.Random(14)
    workers = [start(), start()]
    started = time.monotonic()
    ids = store(people, SUBMISSIONS)
    kills, graded_at_kill, next_kill, next_sweep = 0, 0, time.monotonic(), 0.0
    try:
        while Submission.objects.filter(status=SubmissionStatus.GRADED).count() < SUBMISSIONS or (
                kills < KILLS):
            assert time.monotonic() - started < 300, "not all graded within 5 minutes"
            now = time.monotonic()
            graded = Grade.objects.count()   # the test's submissions are the only ones
            due = kills < KILLS and now >= next_kill and graded >= graded_at_kill + BETWEEN_KILLS
            busy = busy_clusters(workers) if due else []
            if busy:
                victim = rng.choice(busy)
                os.killpg(workers[victim].pid, signal.SIGKILL)
                workers[victim].wait()
                workers[victim] = start()
                kills, graded_at_kill = kills + 1, graded
                log.info("kill %d at %.1f s: %d graded", kills, now - started, graded)
                next_kill = now + rng.uniform(0.3, 1.2)
            if now >= next_sweep:
                grading.requeue_stale()
                next_sweep = now + 1.0
            time.sleep(0.2)
    finally:
        for proc in workers:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        out.close()
    elapsed = time.monotonic() - started
    attempts = list(Submission.objects.filter(pk__in=ids).values_list("attempts", flat=True))
    log.warning("%d submissions, %d kills: all graded in %.0f s, %d attempts",
                SUBMISSIONS, kills, elapsed, sum(attempts))

    assert kills == KILLS
    assert Grade.objects.filter(submission_id__in=ids).count() == SUBMISSIONS
    assert set(Grade.objects.filter(submission_id__in=ids).values_list("score", flat=True)) == {
        1.0}
    # Each kill cuts at most one grading short (one worker process per cluster); only those
    # notebooks were started, or graded, a second time.
    assert sum(attempts) - SUBMISSIONS <= KILLS
    graded = Counter(grades_log.read_text().split())
    assert len(graded) == SUBMISSIONS
    assert sum(graded.values()) - SUBMISSIONS <= KILLS
