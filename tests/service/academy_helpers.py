"""Helpers shared by the service tests (importable because conftest puts this folder on
sys.path, as the worker subprocesses also need for the fake autograder)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURE_ROOT = HERE / "fixtures" / "academy"
FAKE = "academy_fake_autograde.fake_autograde"
PASSWORD = "correct-horse-battery"


def notebook(exercise_id: str, *, answered: bool = True) -> bytes:
    """The instructor notebook as a learner would send it: answered, or left blank."""
    path = FIXTURE_ROOT / "exercises" / exercise_id / f"{exercise_id}.ipynb"
    nb = json.loads(path.read_text())
    if not answered:
        nb = copy.deepcopy(nb)
        for cell in nb["cells"]:
            if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
                cell["source"] = "# YOUR CODE HERE\nraise NotImplementedError()"
    return json.dumps(nb).encode()


REPORT = "fines-report"
"""The fixture exercise with two written answers (answer-why, 2 points; answer-limits, 3)."""


def written(exercise_id: str = REPORT, **answers: str) -> bytes:
    """The instructor notebook as a learner would send it, with these written answers (by
    grade id, `-` for `_`) in place of the model answers; code answers left solved."""
    path = FIXTURE_ROOT / "exercises" / exercise_id / f"{exercise_id}.ipynb"
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if gid.replace("-", "_") in answers:
            cell["source"] = answers[gid.replace("-", "_")]
    return json.dumps(nb).encode()
def committed():  # noqa: ANN201
    """Run what is queued for after the commit (the grading task) at the end of the block:
    tests that need no real transactions use it instead of `transaction=True`, which empties
    every table after each test (about a second each on PostgreSQL)."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def database_url() -> str:
    """URL of the database the test is using, for worker processes started by the test."""
    from django.db import connection

    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    """Environment for a grading-worker subprocess sharing this test's database and catalogue."""
    import os

    from django.conf import settings

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "grader.project.settings",
        "DATABASE_URL": database_url(),
        "ACADEMY_ROOT": str(FIXTURE_ROOT),
        "ACADEMY_DATA_DIR": str(settings.ACADEMY_DATA_DIR),
        "ACADEMY_SECRET_KEY": settings.SECRET_KEY,  # queue messages are signed with it
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        "ACADEMY_QUEUE_POLL": "0.1",
        **extra,
    }


def wait_for(predicate, timeout: float, what: str) -> None:  # noqa: ANN001
    """Poll `predicate` until it is true; fail naming `what` after `timeout` seconds."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def slow_notebook(exercise: str, seconds: float) -> bytes:
    """A correct answer that first sleeps, so a test can catch the worker mid-grading."""
    nb = json.loads(notebook(exercise))
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution") and (
                cell["cell_type"] == "code"):
            cell["source"] = f"import time\ntime.sleep({seconds})\n" + "".join(cell["source"])
    return json.dumps(nb).encode()


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type, for requests to a real server."""
    import uuid

    boundary = uuid.uuid4().hex
    body = b""
    for name, value in fields.items():
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                 f"{value}\r\n").encode()
    for name, (filename, data) in files.items():
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; "
                 f"filename=\"{filename}\"\r\nContent-Type: application/json\r\n\r\n").encode()
        body += data + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def post_notebook(server: str, key: str, exercise: str, data: bytes) -> tuple[int, dict]:
    """POST a notebook to a running service with an API token: (status, JSON body)."""
    import urllib.error
    import urllib.request

    body, content_type = multipart({"exercise": exercise}, {"notebook": ("nb.ipynb", data)})
    request = urllib.request.Request(
        f"{server}/api/v1/submissions", data=body, method="POST",
        headers={"Content-Type": content_type, "Authorization": f"Token {key}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
