"""Every status docs/api.md lists, provoked with a hostile input, answers the documented JSON
`{"error": "<sentence>"}`, including what Django and waitress answer themselves (404, 405,
CSRF, 500, a body far over the limit) and whatever the exercise check refuses."""

from __future__ import annotations

import json
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from academy_helpers import FIXTURE_ROOT, PASSWORD, notebook
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from grader.autograde.source import load_instructor
from grader.service.models import Exercise, Submission
from grader.service.tokens import issue_token

pytestmark = pytest.mark.django_db

API = "/api/v1/submissions"


def signed_in(user) -> Client:  # noqa: ANN001
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def post(client: Client, exercise: str, data: bytes, **extra: object):  # noqa: ANN201
    return client.post(API, {"exercise": exercise,
                             "notebook": SimpleUploadedFile("nb.ipynb", data)}, **extra)


def error_of(response, status: int) -> str:  # noqa: ANN001
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"] and body["error"].endswith(".")
    return body["error"]


def with_cells(*cells: object, metadata: object = None) -> bytes:
    nb = json.loads(notebook("fines-count"))
    nb["cells"] += list(cells)
    if metadata is not None:
        nb["metadata"] = metadata
    return json.dumps(nb).encode()


#: The number nbgrader's error names for a cell appended to the fixture notebook.
ADDED_CELL = f"Cell {len(json.loads(notebook('fines-count'))['cells']) + 1} "


@pytest.mark.parametrize(("data", "words"), [
    (b"[" * 100_000 + b"]" * 100_000, "nested far too deeply"),
    (b'{"cells": [' * 50_000 + b"]}" * 50_000, "nested far too deeply"),
    (with_cells({"cell_type": "code", "metadata": "a string", "source": ""}), ADDED_CELL),
    (with_cells({"cell_type": "code", "metadata": {"nbgrader": "x"}, "source": 1}), ADDED_CELL),
    (with_cells(metadata="a string"), "metadata is damaged"),
    (with_cells(*[{"cell_type": "raw", "source": ""}] * 600), "the limit is 500"),
    ("é".encode("latin-1") * 10, "it is not text"),
    (b"\x00" * 10, "not valid notebook JSON"),
    (b"   ", "not valid notebook JSON"),
    (b'{"cells": [], "nbformat": 3}', "old format"),
])
def test_a_hostile_notebook_is_a_400_and_leaves_nothing(people, data: bytes, words: str) -> None:  # noqa: ANN001
    assert words in error_of(post(signed_in(people["ann"]), "fines-count", data), 400)
    assert not Submission.objects.exists()


def test_another_exercises_notebook_is_a_400_naming_both(people) -> None:  # noqa: ANN001
    message = error_of(post(signed_in(people["ann"]), "fines-count", notebook("fines-total")), 400)
    assert "(fines-total)" in message and "(fines-count)" in message


@pytest.fixture
def twin(settings, tmp_path: Path) -> Iterator[Exercise]:
    """`fines-count-again`: the same grade ids as fines-count, another test (so another
    checksum), in a copy of the fixture catalogue."""
    root = tmp_path / "academy"
    shutil.copytree(FIXTURE_ROOT, root, symlinks=True)
    folder = root / "exercises" / "fines-count-again"
    folder.mkdir()
    nb = json.loads((root / "exercises" / "fines-count" / "fines-count.ipynb").read_text())
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "test-count":
            cell["source"] = "assert count_fines([]) == 0\n" + "".join(cell["source"])
    (folder / "fines-count-again.ipynb").write_text(json.dumps(nb))
    settings.ACADEMY_ROOT = root
    yield Exercise.objects.create(pk="fines-count-again", title="Count the fines again",
                                  notebook="fines-count-again.ipynb")


def released(path: Path) -> bytes:
    """The notebook as nbgrader releases it: solutions stubbed, checksums in the metadata."""
    return nbformat.writes(load_instructor(path).reference).encode()


def test_same_cells_but_another_exercises_checksums_is_a_400_naming_both(
    people, twin, settings,  # noqa: ANN001
) -> None:
    ann = signed_in(people["ann"])
    exercises = Path(settings.ACADEMY_ROOT) / "exercises"
    own = released(exercises / "fines-count" / "fines-count.ipynb")
    assert post(ann, "fines-count", own).status_code == 201   # its own checksums: accepted
    message = error_of(post(ann, "fines-count", released(
        exercises / twin.pk / twin.notebook)), 400)
    assert "(fines-count-again)" in message and "(fines-count)" in message


def test_an_older_release_of_the_same_exercise_is_accepted(people, settings) -> None:  # noqa: ANN001
    nb = json.loads(released(Path(settings.ACADEMY_ROOT) / "exercises" / "fines-count" /
                             "fines-count.ipynb"))
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "test-count":
            cell["metadata"]["nbgrader"]["checksum"] = "0" * 32   # its test changed since
    response = post(signed_in(people["ann"]), "fines-count", json.dumps(nb).encode())
    assert response.status_code == 201, response.content


def test_not_signed_in_or_a_bad_token_is_a_401(people) -> None:  # noqa: ANN001
    assert "Sign in" in error_of(Client().get(API), 401)
    assert "not valid" in error_of(Client().get(API, HTTP_AUTHORIZATION="Token forged"), 401)
    key = issue_token(people["bob"].email)
    people["bob"].is_active = False
    people["bob"].save()
    assert "not valid" in error_of(Client().get(API, HTTP_AUTHORIZATION=f"Token {key}"), 401)


def test_a_missing_csrf_token_is_a_json_403(people) -> None:  # noqa: ANN001
    client = Client(enforce_csrf_checks=True)
    client.login(username=people["ann"].username, password=PASSWORD)
    assert "CSRF" in error_of(post(client, "fines-count", notebook("fines-count")), 403)
    assert not Submission.objects.exists()


def test_an_exercise_off_the_cohorts_tracks_is_a_403(people) -> None:  # noqa: ANN001
    response = post(signed_in(people["ann"]), "other-cohort-task", notebook("other-cohort-task"))
    assert "not on a graded track" in error_of(response, 403)


@pytest.mark.parametrize("path", [
    "/api/v1/nothing-here", "/api/v1/submissions/not-a-uuid", "/api/v2/submissions",
    "/api/v1/submissions/00000000-0000-0000-0000-000000000000",
])
def test_unknown_addresses_are_a_json_404(people, path: str) -> None:  # noqa: ANN001
    error_of(signed_in(people["ann"]).get(path), 404)


def test_someone_elses_submission_and_an_unknown_exercise_are_404(graded) -> None:  # noqa: ANN001
    bob = signed_in(graded["bob"])
    assert "that you can see" in error_of(bob.get(f"{API}/{graded['ann_sub'].pk}"), 404)
    assert "no exercise called" in error_of(post(bob, "no-such-thing", b"{}"), 404)


@pytest.mark.parametrize(("method", "path"), [
    ("delete", API), ("put", API), ("patch", "/api/v1/session"), ("post", "/api/v1/session"),
])
def test_other_methods_are_a_json_405_saying_what_is_allowed(
    people, method: str, path: str,  # noqa: ANN001
) -> None:
    key = issue_token(people["ann"].email)
    response = getattr(Client(), method)(path, HTTP_AUTHORIZATION=f"Token {key}")
    message = error_of(response, 405)
    assert method.upper() in message and response["Allow"] in message


def test_a_body_over_the_limit_is_a_413_before_it_is_read(people, settings) -> None:  # noqa: ANN001
    settings.ACADEMY_MAX_NOTEBOOK_BYTES = 100_000
    response = signed_in(people["ann"]).post(
        API, data=b"x", content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH="50000000")
    assert "the limit is 0.1 MB" in error_of(response, 413)


def test_a_crash_is_a_json_500_without_a_traceback(people, monkeypatch) -> None:  # noqa: ANN001
    from grader.service import intake

    def crash(upload: object) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(intake, "submit", crash)
    client = signed_in(people["ann"])
    client.raise_request_exception = False
    message = error_of(post(client, "fines-count", notebook("fines-count")), 500)
    assert "secret" not in message and "Traceback" not in message


# --- waitress's own answers ---------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[tuple[str, int]]:
    """The web server as `grader serve` runs it (waitress with the JSON error channel)."""
    from django.core.wsgi import get_wsgi_application

    from grader.service.api_errors import max_body_bytes
    from grader.service.webserver import create

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    web = create(get_wsgi_application(), sock, threads=2, max_body=max_body_bytes())
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    yield sock.getsockname()[:2]
    web.close()
    thread.join(10)


def exchange(address: tuple[str, int], head: bytes, body_chunks: tuple[bytes, ...] = ()) -> (
        tuple[int, dict[str, str], bytes]):
    with socket.create_connection(address, timeout=30) as conn:
        conn.sendall(head)
        try:
            for chunk in body_chunks:
                conn.sendall(chunk)
        except OSError:
            pass  # the server stopped reading: that is the point
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head_text, _, payload = data.partition(b"\r\n\r\n")
    lines = head_text.decode().split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, payload


def test_waitress_refuses_a_huge_declared_body_in_json_without_reading_it(server) -> None:  # noqa: ANN001
    head = (b"POST /api/v1/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 7549747\r\n\r\n")
    status, headers, payload = exchange(server, head)   # no body sent at all
    assert status == 413 and headers["Content-Type"] == "application/json"
    assert json.loads(payload)["error"].startswith("The notebook is 7.2 MB; the limit is 5.0 MB.")


def test_waitress_cuts_a_chunked_body_at_the_limit_in_json(server) -> None:  # noqa: ANN001
    head = (b"POST /api/v1/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n%s\r\n" % (1024 * 1024, b"x" * 1024 * 1024)
    status, headers, payload = exchange(server, head, (chunk,) * 20)
    assert status == 413 and headers["Content-Type"] == "application/json"
    assert "larger than the limit" in json.loads(payload)["error"]
