"""Sign-in with Microsoft, end to end in Chromium, against a real OpenID Connect provider
(npm's `oidc-provider`, started on 127.0.0.1 with its own RSA key and real signed tokens).

The academy runs for real (`grader serve`) with the provider's issuer, client id and secret
in its environment. A person imported into a cohort signs in; someone not enrolled gets the
plain page that says so; an ID token with the wrong audience, out of date, or signed with a
key the provider does not publish is refused, as is an email the provider does not vouch for.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from people_browser import Provider, open_page
from test_assessment_chain import axe_violations
from test_browser_submit import browser  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

UNVERIFIED = "uma.unverified@camden.example"


@pytest.fixture
def provider_and_service(people: dict[str, Any], make_user: Any, start_service: Any,
                         tmp_path: Path) -> Iterator[tuple[Provider, str]]:
    make_user(UNVERIFIED)
    provider = Provider(accounts={
        "ann.learner@camden.example": {"email": "Ann.Learner@camden.example",
                                       "email_verified": True, "department": "Corporate Services"},
        UNVERIFIED: {"email": UNVERIFIED, "email_verified": False},
    })
    url = start_service(workers=0, **provider.service_env)
    provider.start(url, tmp_path / "provider.log")
    yield provider, url
    provider.stop()


def sign_in_with_microsoft(page: Any, url: str, email: str) -> None:
    page.goto(f"{url}/academy/login/")
    page.get_by_role("link", name="Sign in with Microsoft").click()
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def signed_in(page: Any, url: str) -> bool:
    return page.request.get(f"{url}/api/v1/session").json()["signed_in"]


def test_sign_in_with_microsoft_and_every_refusal(
    provider_and_service: tuple[Provider, str], browser: Any, people: dict[str, Any],  # noqa: F811
) -> None:
    provider, url = provider_and_service
    problems: list[str] = []
    axe: dict[str, list[str]] = {}

    # An imported person signs in, matched by their verified email (in any letter case).
    page = open_page(browser, problems)
    page.goto(f"{url}/academy/login/")
    axe["sign-in page with Microsoft"] = axe_violations(page)
    sign_in_with_microsoft(page, url, "ann.learner@camden.example")
    page.wait_for_url(f"{url}/academy/me/")
    assert "Signed in as Ann Learner" in page.locator("main").inner_text()
    assert signed_in(page, url)
    export = zipfile.ZipFile(io.BytesIO(page.request.get(f"{url}/api/v1/me/export").body()))
    account = json.loads(export.read("my-data.json"))["account"]
    assert account["directorate"] == "Corporate Services"  # from the directorate claim
    page.context.close()

    # Someone the academy does not know gets the plain page, and no account.
    page = open_page(browser, problems)
    sign_in_with_microsoft(page, url, "nobody.new@camden.example")
    page.wait_for_url(f"{url}/academy/login/refused/")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "You are not enrolled in the academy"
    assert "ask your manager to add you to a cohort" in page.locator("main").inner_text()
    axe["not enrolled"] = axe_violations(page)
    assert not signed_in(page, url)
    page.context.close()

    # Tokens that must be refused: each is refused, and nobody is signed in.
    for mode in ("wrong-audience", "expired", "bad-signature"):
        provider.tamper_next_token(mode)
        page = open_page(browser, problems)
        sign_in_with_microsoft(page, url, "ann.learner@camden.example")
        page.wait_for_url(f"{url}/academy/login/refused/")
        assert "did not pass our security checks" in page.locator("main").inner_text(), mode
        assert not signed_in(page, url), mode
        if mode == "expired":
            axe["token refused"] = axe_violations(page)
        page.context.close()

    # An email address the provider does not vouch for is refused too.
    page = open_page(browser, problems)
    sign_in_with_microsoft(page, url, UNVERIFIED)
    page.wait_for_url(f"{url}/academy/login/refused/")
    assert "did not confirm the email address" in page.locator("main").inner_text()
    assert not signed_in(page, url)
    axe["unverified email"] = axe_violations(page)
    page.context.close()

    # After the refusals, a good token still works (the provider's next answer is untouched).
    page = open_page(browser, problems)
    sign_in_with_microsoft(page, url, "ann.learner@camden.example")
    page.wait_for_url(f"{url}/academy/me/")
    page.context.close()

    assert problems == []
    assert {k: v for k, v in axe.items() if v} == {}
    # No account was made for the person who is not enrolled. (Read from another thread:
    # Django refuses database calls in the thread where Playwright's event loop runs.)
    users = type(people["ann"]).objects
    with ThreadPoolExecutor(1) as pool:
        assert not pool.submit(
            lambda: users.filter(email="nobody.new@camden.example").exists()).result()
