"""Sign-in throttling: five failures for one account (or too many from one address) within the
window, and every attempt is refused, the right password included, until the window passes.
The academy's form says so plainly; the admin site's sign-in is throttled too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from academy_helpers import PASSWORD
from django.test import Client

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str, path: str = "/academy/login/"):  # type: ignore[no-untyped-def]
    return client.post(path, {"username": username, "password": password})


def signed_in(client: Client) -> bool:
    return client.get("/api/v1/session").json()["signed_in"]


def test_five_failures_refuse_even_the_right_password(people) -> None:  # noqa: ANN001
    ann = people["ann"].username
    client = Client()
    for _ in range(5):
        page = sign_in(client, ann, "wrong-password")
        assert page.status_code == 200
        assert "Enter a correct email address and password" in page.content.decode()
    page = sign_in(client, ann, PASSWORD)
    text = page.content.decode()
    assert page.status_code == 200 and not signed_in(client)
    assert "too many failed attempts to sign in to this account" in text
    assert "Wait 15 minutes" in text
    # Another account from the same address is not affected.
    assert sign_in(Client(), people["bob"].username, PASSWORD).status_code == 302


def test_the_wait_ends_with_the_window(people) -> None:  # noqa: ANN001
    from grader.service.models import SignInFailure

    ann = people["ann"].username
    for _ in range(5):
        sign_in(Client(), ann, "wrong-password")
    assert SignInFailure.objects.filter(kind="account").count() == 5
    SignInFailure.objects.update(at=SignInFailure.objects.first().at - timedelta(minutes=16))
    client = Client()
    assert sign_in(client, ann, PASSWORD).status_code == 302 and signed_in(client)


def test_refused_attempts_do_not_extend_the_wait(people) -> None:  # noqa: ANN001
    from grader.service.models import SignInFailure

    ann = people["ann"].username
    for _ in range(8):
        sign_in(Client(), ann, "wrong-password")
    assert SignInFailure.objects.filter(kind="account").count() == 5


def test_signing_in_clears_the_account_failures(people) -> None:  # noqa: ANN001
    ann = people["ann"].username
    for _ in range(4):
        sign_in(Client(), ann, "wrong-password")
    assert sign_in(Client(), ann, PASSWORD).status_code == 302
    for _ in range(4):
        sign_in(Client(), ann, "wrong-password")
    assert sign_in(Client(), ann, PASSWORD).status_code == 302


def test_many_accounts_from_one_address_are_throttled(people, settings) -> None:  # noqa: ANN001
    settings.SIGNIN_MAX_FAILURES_PER_ADDRESS = 6
    for index in range(6):
        sign_in(Client(), f"guess{index}@camden.example", "wrong-password")
    client = Client()
    page = sign_in(client, people["bob"].username, PASSWORD)
    assert page.status_code == 200 and not signed_in(client)
    assert "too many failed attempts to sign in from your network" in page.content.decode()
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert sign_in(other, people["bob"].username, PASSWORD).status_code == 302


def test_admin_sign_in_is_throttled_too(make_user) -> None:  # noqa: ANN001
    admin = make_user("ada.admin@camden.example", role="admin", is_staff=True,
                      is_superuser=True)
    for _ in range(5):
        sign_in(Client(), admin.username, "wrong-password", "/academy/admin/login/")
    client = Client()
    page = sign_in(client, admin.username, PASSWORD, "/academy/admin/login/")
    assert page.status_code == 200 and not signed_in(client)
    client = Client()
    assert sign_in(client, admin.username, PASSWORD).status_code == 200
    assert not signed_in(client)


def test_failures_keep_no_email_or_address(people) -> None:  # noqa: ANN001
    from grader.service.models import SignInFailure

    sign_in(Client(), people["ann"].username, "wrong-password")
    stored = " ".join(f"{f.kind} {f.key}" for f in SignInFailure.objects.all())
    assert stored and "ann" not in stored and "127.0.0.1" not in stored
    assert {f.kind for f in SignInFailure.objects.all()} == {"account", "address"}


def test_the_address_limit_can_be_turned_off(people, settings) -> None:  # noqa: ANN001
    """Behind a proxy every request has the same address: 0 turns that limit off."""
    from grader.service.models import SignInFailure

    settings.SIGNIN_MAX_FAILURES_PER_ADDRESS = 0
    for index in range(8):
        sign_in(Client(), f"guess{index}@camden.example", "wrong-password")
    assert not SignInFailure.objects.filter(kind="address").exists()
    assert sign_in(Client(), people["bob"].username, PASSWORD).status_code == 302
