"""Fixtures for the academy service: a small catalogue, people, cohorts and notebooks.

The catalogue lives in tests/service/fixtures/academy: a graded track (fines-count,
fines-total) the test cohort takes, another graded track it does not (other-cohort-task)
and a self-study track (warm-up).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the fake autograder is imported by dotted path
    sys.path.insert(0, str(HERE))

from academy_helpers import FAKE, FIXTURE_ROOT, PASSWORD, worker_env  # noqa: E402


@pytest.fixture(autouse=True)
def academy_settings(settings: object, monkeypatch: pytest.MonkeyPatch) -> object:
    """The fixture catalogue, the FAKE autograder, and the queue run in-process at once.

    Tests of the real queue (test_durability.py) start real worker processes instead.
    """
    from django_q.conf import Conf

    settings.ACADEMY_ROOT = FIXTURE_ROOT
    settings.ACADEMY_AUTOGRADE = FAKE
    # Fast hashing, for tests only.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(Conf, "SYNC", True)
    return settings


@pytest.fixture
def catalogue(db: None) -> None:
    from grader.service.catalogue_sync import sync_catalogue

    sync_catalogue(FIXTURE_ROOT)


@pytest.fixture
def make_user(db: None) -> Callable[..., object]:
    from grader.service.models import User

    def make(email: str, role: str = "learner", **extra: object) -> User:
        first, _, last = email.split("@")[0].partition(".")
        user = User.objects.create_user(
            username=email, email=email, password=PASSWORD, role=role,
            first_name=first.title(), last_name=last.title(), **extra)
        return user

    return make


@pytest.fixture
def people(catalogue: None, make_user: Callable[..., object]) -> dict[str, object]:
    """Two cohorts: `alpha` (Ann, Bob; managed by Meg) and `beta` (Cat; managed by Max)."""
    from grader.service.models import Cohort

    p = {
        "ann": make_user("ann.learner@camden.example"),
        "bob": make_user("bob.learner@camden.example"),
        "cat": make_user("cat.learner@camden.example"),
        "meg": make_user("meg.manager@camden.example", role="manager"),
        "max": make_user("max.manager@camden.example", role="manager"),
    }
    alpha = Cohort.objects.create(slug="alpha", name="Alpha cohort")
    alpha.tracks.add("apprentice-data", "everyone")
    alpha.learners.add(p["ann"], p["bob"])
    alpha.managers.add(p["meg"])
    beta = Cohort.objects.create(slug="beta", name="Beta cohort")
    beta.tracks.add("apprentice-data", "other-track")
    beta.learners.add(p["cat"])
    beta.managers.add(p["max"])
    p["alpha"], p["beta"] = alpha, beta
    return p


@pytest.fixture
def graded(people: dict[str, object]) -> dict[str, object]:
    """Ann: fines-count graded full marks; Cat (other cohort): fines-count graded zero."""
    from academy_helpers import committed, notebook
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from grader.service.models import Submission

    for who, answered in (("ann", True), ("cat", False)):
        client = Client()
        client.force_login(people[who])
        with committed():
            response = client.post("/api/v1/submissions", {
                "exercise": "fines-count",
                "notebook": SimpleUploadedFile("fines-count.ipynb", notebook(
                    "fines-count", answered=answered))})
        assert response.status_code == 201, response.content
        people[f"{who}_sub"] = Submission.objects.get(pk=response.json()["id"])
    return people


@pytest.fixture
def tutors(people: dict[str, object], make_user: Callable[..., object]) -> dict[str, object]:
    """Tess tutors `alpha`, Tom tutors `beta`; Meg both manages and tutors `alpha`."""
    people["tess"] = make_user("tess.tutor@camden.example")
    people["tom"] = make_user("tom.tutor@camden.example")
    people["alpha"].tutors.add(people["tess"], people["meg"])
    people["beta"].tutors.add(people["tom"])
    return people


@pytest.fixture
def awaiting(tutors: dict[str, object]) -> dict[str, object]:
    """Ann and Bob (alpha) and Cat (beta) each sent fines-report: graded, awaiting marking.
    Their submissions are `ann_report`, `bob_report` and `cat_report`."""
    from academy_helpers import REPORT, written
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from grader.service.models import Submission

    for who in ("ann", "bob", "cat"):
        client = Client()
        client.force_login(tutors[who])
        data = written(answer_why=f"{who.title()} says the busiest street needs signs.",
                       answer_limits=f"{who.title()}: long streets; fines are not all parking.")
        response = client.post("/api/v1/submissions", {
            "exercise": REPORT, "notebook": SimpleUploadedFile(f"{REPORT}.ipynb", data)})
        assert response.status_code == 201, response.content
        tutors[f"{who}_report"] = Submission.objects.get(pk=response.json()["id"])
    return tutors


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from the fixture catalogue, once for every browser test of the service
    (nothing writes to it)."""
    from grader.sitebuild.build import build_site

    repo = Path(__file__).resolve().parents[2]
    out = tmp_path_factory.mktemp("academy-site") / "site"
    build_site(FIXTURE_ROOT, out, cache_dir=repo / ".cache", config_file=repo / "mkdocs.yml")
    return out


@pytest.fixture
def start_service(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Start the real `grader serve` (waitress, and `workers` grading workers) on the test
    database with the real autograder; returns its base URL. Stopped with SIGTERM."""
    procs: list[subprocess.Popen] = []

    def start(*, site_dir: Path | None = None, workers: int = 1, **env: str) -> str:
        port = _free_port()
        log_path = tmp_path / f"serve-{port}.log"
        args = [str(Path(sys.executable).with_name("grader")), "serve", "--port", str(port),
                "--no-demo", "--workers", str(workers)]
        if site_dir is not None:
            args += ["--site-dir", str(site_dir)]
        with open(log_path, "wb") as log_file:
            procs.append(subprocess.Popen(args, stdout=log_file, stderr=subprocess.STDOUT,
                                          env=worker_env(**env)))
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/api/v1/session", timeout=2)
                return url
            except OSError:
                if time.monotonic() > deadline or procs[-1].poll() is not None:
                    raise AssertionError(log_path.read_text()) from None
                time.sleep(0.3)

    yield start
    for proc in procs:
        proc.terminate()  # grader serve stops its worker and the web server
        proc.wait(60)


@pytest.fixture
def smtp(settings: object) -> Iterator[object]:
    """A real SMTP server on 127.0.0.1, and Django's SMTP backend pointed at it (pytest-django
    would otherwise use its in-memory backend). `smtp.inbox` holds what it received."""
    from mail_helpers import SmtpServer

    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield server
    server.stop()
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` run in the PostgreSQL pass only (`make test` runs the service
    tests again with DATABASE_URL pointing at PostgreSQL); elsewhere they are deselected."""
    import os

    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]
