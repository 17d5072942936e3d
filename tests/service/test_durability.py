"""The grading queue with real worker processes, the real autograder and the real database.

kill -9 a worker while it grades: the submission is graded again by a new worker, exactly
once. 50 submissions sent at once through the web server: all end graded, none lost.
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from academy_helpers import notebook, post_notebook, slow_notebook, wait_for, worker_env

from grader.service.models import Grade, Submission, SubmissionStatus
from grader.service.tokens import issue_token

log = logging.getLogger(__name__)
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Short queue timings so that a lost task comes back within seconds, not minutes.
# django-q2 needs retry > timeout > the time one grading takes (about 2.5 s here).
QUEUE_ENV = {"ACADEMY_GRADING_TIMEOUT": "15", "ACADEMY_QUEUE_RETRY": "20",
             "ACADEMY_AUTOGRADE": "grader.autograde.session.autograde"}


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen]]:
    procs: list[subprocess.Popen] = []

    def start(name: str, workers: int = 1) -> subprocess.Popen:
        out = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            [sys.executable, "-m", "django", "grading_workers"],
            env=worker_env(ACADEMY_WORKERS=str(workers), **QUEUE_ENV),
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    for f in tmp_path.glob("*.log"):
        log.info("%s:\n%s", f.name, f.read_text(errors="replace")[-3000:])


def submit_directly(learner, data: bytes, exercise: str = "fines-count") -> uuid.UUID:  # noqa: ANN001
    from grader.service.intake import Upload, submit

    return submit(Upload(learner, exercise, data, f"{exercise}.ipynb")).pk


def test_kill_9_while_grading_grades_again_exactly_once(people, start_worker, settings) -> None:  # noqa: ANN001
    settings.ACADEMY_AUTOGRADE = QUEUE_ENV["ACADEMY_AUTOGRADE"]
    from django_q.conf import Conf

    Conf.SYNC = False  # a real queue: the task waits in the database for a worker
    first = start_worker("first")
    sub_id = submit_directly(people["ann"], slow_notebook("fines-count", 4))
    wait_for(lambda: Submission.objects.get(pk=sub_id).status == SubmissionStatus.GRADING,
             60, "the first worker to start grading")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(10)
    killed = Submission.objects.get(pk=sub_id)
    assert killed.status == SubmissionStatus.GRADING and killed.attempts == 1
    assert not Grade.objects.filter(submission_id=sub_id).exists()

    start_worker("second")
    wait_for(lambda: Submission.objects.get(pk=sub_id).finished, 120, "grading by the new worker")
    sub = Submission.objects.get(pk=sub_id)
    assert sub.status == SubmissionStatus.GRADED
    assert sub.attempts == 2
    grades = list(Grade.objects.filter(submission_id=sub_id))
    assert len(grades) == 1 and grades[0].attempt == 2
    # fines-count is worth 2 points, with no written answer.
    assert grades[0].score == 2.0 and grades[0].max_score == 2.0


def test_fifty_submissions_at_once_all_end_graded(  # noqa: ANN001
    people, start_worker, start_service, settings,
) -> None:
    settings.ACADEMY_AUTOGRADE = QUEUE_ENV["ACADEMY_AUTOGRADE"]
    # The real web server (waitress), as `make serve` runs it, with two separate workers.
    server = start_service(workers=0, ACADEMY_RATE_LIMIT="100", **QUEUE_ENV)
    from django_q.conf import Conf

    Conf.SYNC = False
    keys = [issue_token(people[n].email) for n in ("ann", "bob", "cat")]
    exercises = ["fines-count", "fines-total"]

    def post(i: int) -> tuple[int, str]:
        exercise = exercises[i % 2] if i % 3 != 2 else "fines-count"
        status, body = post_notebook(server, keys[i % 3], exercise, notebook(exercise))
        return status, body.get("id", body)

    start_worker("a")
    start_worker("b")
    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(post, range(50)))
    assert [status for status, _ in results] == [201] * 50
    ids = {sub_id for _, sub_id in results}
    assert len(ids) == 50
    start = time.monotonic()
    wait_for(lambda: Submission.objects.filter(pk__in=ids, status=SubmissionStatus.GRADED)
             .count() == 50, 400, "50 submissions to be graded")
    log.warning("two workers graded 50 submissions in %.0f s", time.monotonic() - start)
    assert Grade.objects.filter(submission_id__in=ids).count() == 50
    assert set(Submission.objects.values_list("attempts", flat=True)) == {1}
