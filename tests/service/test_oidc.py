"""Sign-in with Microsoft, in-process: shown only when configured, and accounts made at first
sign-in only when a setting allows it. The provider is the real one (npm's `oidc-provider`,
tests/service/oidc_provider.mjs); the test drives its sign-in page over HTTP with requests,
as a browser would, and hands the code back to the academy (the Chromium test is
test_oidc_browser.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from people_browser import CLIENT_ID, CLIENT_SECRET, Provider

from grader.service import oidc
from grader.service.models import User

pytestmark = pytest.mark.django_db
CALLBACK = "http://testserver/academy/oidc/callback/"


def test_the_button_is_shown_only_when_configured(settings) -> None:  # noqa: ANN001
    page = Client().get("/academy/login/").content.decode()
    assert "Sign in with Microsoft" not in page
    assert Client().get("/academy/login/microsoft/").status_code == 404
    settings.ACADEMY_OIDC_ENABLED = True
    assert "Sign in with Microsoft" in Client().get("/academy/login/").content.decode()


@pytest.fixture
def provider(settings, tmp_path: Path) -> Iterator[Provider]:  # noqa: ANN001
    found = Provider(accounts={"new.starter@camden.example": {
        "email": "new.starter@camden.example", "email_verified": True,
        "given_name": "New", "family_name": "Starter", "department": "Adult Social Care"}})
    found.start("http://testserver", tmp_path / "provider.log")
    settings.ACADEMY_OIDC_ISSUER = found.issuer
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    settings.ACADEMY_OIDC_ENABLED = True
    settings.ACADEMY_OIDC_DIRECTORATE_CLAIM = "department"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS,
                                        "grader.service.oidc.AcademyOIDCBackend"]
    oidc._discovered.clear()
    yield found
    found.stop()


def _sign_in(client: Client, email: str) -> str:
    """Start at the academy, sign in at the provider, come back with the code; return where
    the academy sends the person."""
    start = client.get("/academy/login/microsoft/")
    assert start.status_code == 302
    authorize = start["Location"]
    query = dict(p.split("=", 1) for p in urlsplit(authorize).query.split("&"))
    assert query["code_challenge_method"] == "S256" and query["code_challenge"]  # PKCE
    assert query["state"] and query["nonce"]
    browser = requests.Session()
    page = browser.get(authorize, timeout=10)
    form = page.url  # the provider's sign-in page: its form posts to the same path
    answer = browser.post(form, data={"login": email}, timeout=10, allow_redirects=False)
    while not answer.headers["Location"].startswith(CALLBACK):
        answer = browser.get(answer.headers["Location"], timeout=10, allow_redirects=False)
    back = urlsplit(answer.headers["Location"])
    return client.get(f"{back.path}?{back.query}")["Location"]


def test_no_account_is_made_unless_a_setting_allows_it(provider, settings) -> None:  # noqa: ANN001
    client = Client()
    assert _sign_in(client, "new.starter@camden.example") == "/academy/login/refused/"
    assert b"You are not enrolled in the academy" in client.get("/academy/login/refused/").content
    assert not User.objects.filter(email="new.starter@camden.example").exists()

    settings.OIDC_CREATE_USER = True
    client = Client()
    assert _sign_in(client, "new.starter@camden.example") == "/academy/"
    made = User.objects.get(email="new.starter@camden.example")
    assert (made.username, made.get_full_name(), made.role, made.directorate) == (
        "new.starter@camden.example", "New Starter", "learner", "Adult Social Care")
    assert not made.has_usable_password()
    assert client.get("/api/v1/session").json()["signed_in"] is True


def test_password_sign_in_works_while_the_provider_is_down(people, settings) -> None:  # noqa: ANN001
    from academy_helpers import PASSWORD

    settings.ACADEMY_OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens there
    settings.ACADEMY_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS,
                                        "grader.service.oidc.AcademyOIDCBackend"]
    oidc._discovered.clear()
    client = Client()
    response = client.post("/academy/login/", {"username": "ann.learner@camden.example",
                                               "password": PASSWORD})
    assert response.status_code == 302
    refused = Client().get("/academy/login/microsoft/")
    assert refused["Location"] == "/academy/login/refused/"
