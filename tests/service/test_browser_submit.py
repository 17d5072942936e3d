"""End to end in real Chromium: an apprentice opens, answers and submits an exercise from the
keyboard alone, and the manager sees the state and best score in the cohort grid and the CSV.

`grader serve` runs for real in a subprocess (web server, one grading worker, the real
autograder in its sandbox) on the test database, serving a site built from the fixture
catalogue. Every request must stay on 127.0.0.1, and the page must break no CSP rule.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from academy_helpers import PASSWORD
from keyboard_support import open_and_answer, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[2]
KERNEL_TIMEOUT_MS = 180_000  # a cold kernel takes 20 s or so on 2 cores; far more under load
GRADE_TIMEOUT_MS = 120_000
PAGE_TIMEOUT_MS = 60_000
EXERCISE = "exercises/fines-total/"
ANSWER = "def total(values): return sum(values)"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture
def service(people, site_dir: Path, start_service) -> str:  # noqa: ANN001
    """`grader serve` (web server and one grading worker) on the test database."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    # The tests' fast hasher is unknown to the server, which has the real settings.
    hasher = PBKDF2PasswordHasher()
    for who in ("ann", "meg"):
        people[who].password = hasher.encode(PASSWORD, hasher.salt())
        people[who].save()
    return start_service(site_dir=site_dir, workers=1)


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser: Any, url: str, problems: list[str]) -> Any:
    context = browser.new_context(accept_downloads=True)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()

    def on_request(request: Any) -> None:
        if not request.url.startswith((url, "data:", "blob:")):
            problems.append(f"request to another host: {request.url}")

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            problems.append(f"CSP: {message.text}")

    page.on("request", on_request)
    page.on("console", on_console)
    return page


def sign_in(page: Any, url: str, email: str, next_path: str) -> None:
    page.goto(f"{url}/academy/login/?next={next_path}")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}{next_path}")


def test_apprentice_submits_and_manager_sees_the_score(
    service: str, browser: Any, people: dict[str, Any],
) -> None:
    problems: list[str] = []
    page = new_page(browser, service, problems)

    # Signed out, the exercise page only offers a sign-in link.
    page.goto(f"{service}/{EXERCISE}")
    page.locator("#academy-submit[data-ready='yes']").wait_for()
    assert page.get_by_role("button", name="Submit for grading").count() == 0
    assert page.get_by_role("link", name="Sign in to submit this exercise for grading").count()

    sign_in(page, service, people["ann"].email, f"/{EXERCISE}")
    submit = page.get_by_role("button", name="Submit for grading")
    submit.wait_for()

    # From the keyboard alone: open the notebook, write the answer in the cell nbgrader left
    # for the learner, leave the notebook with Tab and submit.
    open_and_answer(page, ": your answer", ANSWER, timeout_ms=KERNEL_TIMEOUT_MS)
    page.keyboard.press("Escape")
    tab_to(page, "button: Submit for grading")
    clicked = time.monotonic()
    page.keyboard.press("Enter")
    # The widget saves the notebook, reads it from IndexedDB and sends it.
    score = page.locator("[data-academy='score']")
    score.wait_for(timeout=GRADE_TIMEOUT_MS)
    seconds = time.monotonic() - clicked
    assert score.inner_text() == "Score: 1 out of 1 (100%)"
    assert "Graded: 1 out of 1" in page.locator(".academy-submit__status").inner_text()
    feedback = page.locator("iframe[data-academy='feedback']")
    assert feedback.get_attribute("sandbox") == ""
    feedback_frame = page.frame_locator("iframe[data-academy='feedback']")
    feedback_frame.locator("body").wait_for()
    assert "1" in feedback_frame.locator("body").inner_text()
    print(f"submit to score shown: {seconds:.1f} s")

    # A file that is not a notebook, uploaded through the widget: a clear message, no record.
    page.get_by_text("Or upload a notebook file you downloaded").click()
    page.get_by_label("Notebook file (.ipynb)").set_input_files(files=[{
        "name": "notes.ipynb", "mimeType": "application/json", "buffer": b"not a notebook"}])
    page.get_by_role("button", name="Upload and submit").click()
    status = page.locator(".academy-submit__status[data-state='error']")
    status.wait_for()
    assert "not a Jupyter notebook (it is not valid notebook JSON)" in status.inner_text()
    # (Playwright's loop runs in this thread, so ask the API rather than the ORM.)
    mine = page.request.get(f"{service}/api/v1/submissions").json()["submissions"]
    assert len(mine) == 1

    # The manager sees it in the grid and in the CSV.
    manager = new_page(browser, service, problems)
    sign_in(manager, service, people["meg"].email, "/academy/cohorts/alpha/")
    row = manager.get_by_role("row", name="Ann Learner")
    assert "Passed\nbest 100%" in row.inner_text()
    with manager.expect_download() as download:
        manager.get_by_role("link", name="Download progress (CSV)").click()
    header, *rows = csv.reader(io.StringIO(Path(download.value.path()).read_text()))
    ann = dict(zip(header, next(r for r in rows if r[0] == "Ann Learner"), strict=True))
    assert ann["fines-total state"] == "Passed" and ann["fines-total best (%)"] == "100.0"
    assert problems == []


AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def serious_violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""", WCAG_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']}" for v in result["violations"]
            if v["impact"] in {"serious", "critical"}]


def test_academy_pages_have_no_serious_wcag_violation(
    graded: dict[str, Any], service: str, browser: Any,
) -> None:
    # axe is injected as an inline script, which the academy's policy rightly forbids.
    context = browser.new_context(bypass_csp=True)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{service}/academy/login/")
    problems = {"login": serious_violations(page)}
    sign_in(page, service, graded["ann"].email, "/academy/me/")
    sub = graded["ann_sub"].pk
    for name, path in (("me", "/academy/me/"), ("submission", f"/academy/submissions/{sub}/"),
                       ("exercise with result", "/exercises/fines-count/")):
        page.goto(service + path)
        if name == "exercise with result":
            page.locator("[data-academy='score']").wait_for()
        problems[name] = serious_violations(page)
    manager = context.new_page()
    page.goto(f"{service}/academy/me/")
    page.get_by_role("button", name="Sign out").click()
    sign_in(manager, service, graded["meg"].email, "/academy/cohorts/alpha/")
    problems["cohort grid"] = serious_violations(manager)
    manager.goto(f"{service}/academy/cohorts/")
    problems["cohorts"] = serious_violations(manager)
    assert problems == {name: [] for name in problems}
