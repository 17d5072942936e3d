"""Invitations and password reset, through a real SMTP server (aiosmtpd on 127.0.0.1).

`import_cohort --invite` emails each new person a single-use link that expires in 7 days
and can be sent again; password reset is Django's own views, with the sign-in throttling.
The same links are followed in Chromium in test_people_browser.py.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from mail_helpers import body, link_in

from grader.service.models import Invitation, User

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-new-password-7"
CSV = "name,email,role\nNia Newcomer,nia.new@camden.example,learner\n" \
      "Ann Learner,ann.learner@camden.example,learner\n"


def _import(tmp_path: Path, invite: bool = True) -> str:
    path = tmp_path / "people.csv"
    path.write_text(CSV)
    out = StringIO()
    args = [str(path), "--cohort", "Alpha cohort"] + (["--invite"] if invite else [])
    call_command("import_cohort", *args, stdout=out)
    return out.getvalue()


def _set_password(client: Client, link: str) -> object:
    response = client.get(urlsplit(link).path)
    assert response.status_code == 302, response.content
    return client.post(response["Location"], {
        "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_import_invites_each_new_person_once_by_email(people, smtp, tmp_path) -> None:  # noqa: ANN001
    out = _import(tmp_path)
    assert "1 invitation(s) sent." in out
    [message] = smtp.inbox.to("nia.new@camden.example")
    assert smtp.inbox.to("ann.learner@camden.example") == []  # already in the academy
    assert message["Subject"] == "Set your password for the Camden Data Academy"
    assert "The link works once, for 7 days" in body(message)
    link = link_in(message)
    assert link.startswith("http://127.0.0.1:8000/academy/invitation/")
    # Only a digest of the link's secret is stored.
    secret = urlsplit(link).path.rstrip("/").rsplit("/", 1)[1]
    assert not Invitation.objects.filter(digest__contains=secret).exists()

    client = Client()
    response = _set_password(client, link)
    assert response.status_code == 302 and response["Location"] == "/academy/"
    nia = User.objects.get(email="nia.new@camden.example")
    assert nia.check_password(NEW_PASSWORD)
    assert client.get("/api/v1/session").json()["signed_in"] is True
    # Single use: the same link never works again.
    again = Client().get(urlsplit(link).path)
    assert again.status_code == 404 and b"This link does not work" in again.content


def test_an_invitation_expires_after_7_days_and_can_be_sent_again(people, smtp, tmp_path) -> None:  # noqa: ANN001
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _import(tmp_path)
        first = link_in(smtp.inbox.to("nia.new@camden.example")[0])
        clock.shift(timedelta(days=6, hours=23))
        assert Client().get(urlsplit(first).path).status_code == 302  # still in date
        clock.shift(timedelta(hours=2))
        assert Client().get(urlsplit(first).path).status_code == 404  # 7 days have passed
        call_command("invite", "nia.new@camden.example", stdout=StringIO())
        second = link_in(smtp.inbox.wait_for("nia.new@camden.example", 2)[1])
        assert second != first
        assert _set_password(Client(), second).status_code == 302


def test_sending_again_ends_the_earlier_link(people, smtp, tmp_path) -> None:  # noqa: ANN001
    _import(tmp_path)
    call_command("invite", "nia.new@camden.example", stdout=StringIO())
    first, second = (link_in(m) for m in smtp.inbox.wait_for("nia.new@camden.example", 2))
    assert Client().get(urlsplit(first).path).status_code == 404
    assert Client().get(urlsplit(second).path).status_code == 302


def test_a_refused_mail_server_loses_no_one(people, settings, tmp_path) -> None:  # noqa: ANN001
    from mail_helpers import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    with pytest.raises(CommandError, match="nia.new@camden.example.*grader manage invite"):
        _import(tmp_path)
    nia = User.objects.get(email="nia.new@camden.example")
    assert nia.learner_cohorts.filter(slug="alpha-cohort").exists()


def test_password_reset_by_email_with_djangos_views(people, smtp) -> None:  # noqa: ANN001
    client = Client()
    page = client.get("/academy/login/")
    assert b'href="/academy/password-reset/"' in page.content
    response = client.post("/academy/password-reset/", {"email": "ann.learner@camden.example"})
    assert response.status_code == 302 and response["Location"] == "/academy/password-reset/sent/"
    [message] = smtp.inbox.to("ann.learner@camden.example")
    assert message["Subject"] == "Reset your Camden Data Academy password"
    link = urlsplit(link_in(message)).path
    confirm = client.get(link)
    assert confirm.status_code == 302  # the token moves into the session, out of the URL
    done = client.post(confirm["Location"], {"new_password1": NEW_PASSWORD,
                                             "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/academy/password-reset/done/"
    assert User.objects.get(email="ann.learner@camden.example").check_password(NEW_PASSWORD)
    assert Client().get(link).status_code == 200  # a used link only says it does not work
    assert b"This link does not work" in Client().get(link).content


def test_unknown_address_gets_the_same_answer_and_no_email(people, smtp) -> None:  # noqa: ANN001
    response = Client().post("/academy/password-reset/", {"email": "nobody@camden.example"})
    assert response.status_code == 302 and response["Location"] == "/academy/password-reset/sent/"
    assert smtp.inbox.messages == []


def test_reset_requests_are_throttled_like_sign_in(people, smtp, settings) -> None:  # noqa: ANN001
    settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT = 3
    client = Client()
    for _ in range(3):
        assert client.post("/academy/password-reset/",
                           {"email": "ann.learner@camden.example"}).status_code == 302
    refused = client.post("/academy/password-reset/", {"email": "ann.learner@camden.example"})
    assert refused.status_code == 200
    assert b"too many failed attempts to sign in to this account" in refused.content
    assert len(smtp.inbox.to("ann.learner@camden.example")) == 3
    # The same count throttles signing in to the account.
    from academy_helpers import PASSWORD

    signin = client.post("/academy/login/", {"username": "ann.learner@camden.example",
                                             "password": PASSWORD})
    assert signin.status_code == 200 and b"too many failed attempts" in signin.content


def test_wrong_links_are_throttled_per_address(people, settings) -> None:  # noqa: ANN001
    settings.SIGNIN_MAX_FAILURES_PER_ADDRESS = 3
    client = Client()
    for _ in range(3):
        assert client.get("/academy/invitation/not-a-real-token/").status_code == 404
    assert client.get("/academy/invitation/not-a-real-token/").status_code == 429
    assert client.get("/academy/password-reset/MQ/wrong-token/").status_code == 429
