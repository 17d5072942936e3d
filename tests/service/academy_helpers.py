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


def database_url() -> str:
    """URL of the database the test is using, for worker processes started by the test."""
    from django.db import connection

    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    """Environment for a `qcluster` subprocess sharing this test's database and catalogue."""
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
