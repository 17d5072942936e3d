"""People's pages end to end in Chromium, with axe on each: the invitation and the password
reset followed from the emails a real SMTP server (aiosmtpd) received, then "Your data", the
privacy notice (from the course site's footer too), self-study progress kept on the server
once chosen (a course page sends it), and the uptake page with its chart.

`grader serve` runs for real on the test database, sending mail through Django's SMTP
backend to the test's server. The test's own database work runs in another thread, since
Django refuses database calls in the thread where Playwright's event loop runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest
from academy_helpers import PASSWORD
from mail_helpers import SmtpServer, link_in
from people_browser import open_page
from test_assessment_chain import axe_violations
from test_browser_submit import browser  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

T = TypeVar("T")
NEW_PASSWORD = "a-brand-new-password-9"
ADDRESS_LIMIT = 4


def in_thread(work: Callable[[], T]) -> T:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


@pytest.fixture
def mail() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def service(people: dict[str, Any], make_user: Any, site_dir: Path, start_service: Any,  # noqa: F811
            mail: SmtpServer) -> str:
    """The academy, sending mail to `mail`; Ann's and Meg's passwords hashed as the server
    hashes them; twelve people of one service keep their progress (for the uptake chart)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.utils import timezone

    from grader.service import access_log, erasure, selfstudy
    from grader.service.models import AccessKind

    hasher = PBKDF2PasswordHasher()
    for who in ("ann", "meg"):
        people[who].password = hasher.encode(PASSWORD, hasher.salt())
        people[who].save()
    for i in range(12):
        person = make_user(f"p{i}.parks@camden.example")
        person.directorate, person.service = "Supporting Communities", "Parks"
        person.save()
        selfstudy.opt_in(person)
        selfstudy.merge(person, {"lesson:everyone/count-fines": "read"})
    access_log.record(people["meg"], people["ann"], AccessKind.KSB_PAGE)
    request = erasure.request_erasure(people["ann"])
    erasure.refuse(request, by=people["meg"], reason="Your apprenticeship evidence must be "
                   "kept until " + f"{timezone.now() + timedelta(days=400):%-d %B %Y}.")
    # A low limit of wrong links per address, reached at the end of the test.
    return start_service(site_dir=site_dir, workers=0, **mail.env,
                         ACADEMY_SIGNIN_MAX_FAILURES_PER_ADDRESS=str(ADDRESS_LIMIT))


def test_invitation_reset_and_the_data_charter_pages(
    service: str, browser: Any, mail: SmtpServer, settings: Any, tmp_path: Path,  # noqa: F811
) -> None:
    from django.core.management import call_command

    url = service
    problems: list[str] = []
    axe: dict[str, list[str]] = {}

    # --- An invitation, sent by import_cohort --invite, followed in Chromium. ------------
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", mail.port
    settings.ACADEMY_BASE_URL = url
    people_csv = tmp_path / "people.csv"
    people_csv.write_text("name,email,role\nNia Newcomer,nia.new@camden.example,learner\n")
    in_thread(lambda: call_command("import_cohort", str(people_csv), "--cohort", "alpha",
                                   "--invite", stdout=StringIO()))
    invitation = link_in(mail.inbox.wait_for("nia.new@camden.example")[0])
    assert invitation.startswith(f"{url}/academy/invitation/")
    page = open_page(browser, problems)
    page.goto(invitation)
    page.wait_for_url(f"{url}/academy/invitation/set-password/")  # the secret left the URL
    assert page.get_by_role("heading", level=1).inner_text() == "Set your password"
    axe["invitation"] = axe_violations(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill("something-else-entirely")
    page.get_by_role("button", name="Set password and sign in").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    axe["invitation with an error"] = axe_violations(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password and sign in").click()
    page.wait_for_url(f"{url}/academy/me/")
    assert "Signed in as Nia Newcomer" in page.locator("main").inner_text()
    page.goto(invitation)  # used: it never works again
    assert page.get_by_role("heading", level=1).inner_text() == "This link does not work"
    axe["used invitation"] = axe_violations(page)
    page.context.close()

    # --- Ann forgets her password: Django's reset, by email. ----------------------------
    page = open_page(browser, problems)
    page.goto(f"{url}/academy/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    axe["reset form"] = axe_violations(page)
    page.get_by_label("Email address").fill("ann.learner@camden.example")
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_url(f"{url}/academy/password-reset/sent/")
    axe["reset sent"] = axe_violations(page)
    reset = link_in(mail.inbox.wait_for("ann.learner@camden.example")[0])
    assert urlsplit(reset).netloc == urlsplit(url).netloc
    page.goto(reset)
    page.wait_for_url("**/set-password/")
    axe["reset confirm"] = axe_violations(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()
    page.wait_for_url(f"{url}/academy/password-reset/done/")
    axe["reset complete"] = axe_violations(page)
    page.get_by_role("link", name="Sign in with your new password").click()
    page.get_by_label("Email address").fill("ann.learner@camden.example")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/academy/me/")

    # --- Ann's data: who looked, the refused erasure with its reason, the download. -----
    page.get_by_role("link", name="Your data").first.click()
    main = page.locator("main").inner_text()
    assert "Meg Manager" in main and "Your KSB page" in main
    assert "An admin refused it on" in main and "apprenticeship evidence must be kept" in main
    axe["your data"] = axe_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your data (zip file)").click()
    assert download.value.suggested_filename.startswith("camden-data-academy-my-data-")
    page.get_by_role("link", name="Privacy notice", exact=True).click()
    assert "Why we keep it (lawful basis)" in page.locator("main").inner_text()
    axe["privacy notice"] = axe_violations(page)

    # --- Self-study progress: chosen, then a course page sends it to the server. --------
    page.goto(f"{url}/academy/me/self-study/")
    axe["self-study, not kept"] = axe_violations(page)
    page.get_by_role("button", name="Keep my progress on the server").click()
    assert "will be kept on the server" in page.locator("main").inner_text()
    page.goto(f"{url}/tracks/everyone/count-fines/")
    deadline = time.monotonic() + 30
    while page.request.get(f"{url}/api/v1/me/progress").json()["items"] == {}:
        assert time.monotonic() < deadline, "the course page did not send its progress"
        time.sleep(0.3)
    assert page.request.get(f"{url}/api/v1/me/progress").json()["items"] == {
        "lesson:everyone/count-fines": "read"}
    # The course site's footer links the privacy notice.
    page.get_by_role("link", name="Privacy notice", exact=True).click()
    page.wait_for_url(f"{url}/academy/privacy/")
    page.goto(f"{url}/academy/me/self-study/")
    assert "lesson:everyone/count-fines" in page.locator("main").inner_text()
    axe["self-study, kept"] = axe_violations(page)
    page.context.close()

    # --- Meg (a manager) sees the uptake counts and the chart, with its table. ----------
    page = open_page(browser, problems)
    page.goto(f"{url}/academy/login/?next=/academy/uptake/")
    page.get_by_label("Email address").fill("meg.manager@camden.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/academy/uptake/")
    assert page.locator("figure.chart svg[role='img']").count() == 1
    table = page.locator("table.grid").inner_text()
    assert "Supporting Communities" in table and "13" in table  # in all: 12 in Parks, and Ann
    assert "fewer than 10" in table  # Ann alone in "Not known"
    axe["uptake"] = axe_violations(page)
    page.context.close()

    # --- Wrong links, again and again from one address: throttled, and said plainly. ---
    page = open_page(browser, problems)
    for _ in range(ADDRESS_LIMIT):
        page.goto(f"{url}/academy/invitation/not-a-real-link/")
        if page.get_by_role("heading", level=1).inner_text() == "Too many attempts":
            break
    else:
        raise AssertionError("wrong links were never throttled")
    assert "Wait 15 minutes" in page.locator("main").inner_text()
    axe["too many attempts"] = axe_violations(page)
    page.context.close()

    assert problems == []
    assert {k: v for k, v in axe.items() if v} == {}
