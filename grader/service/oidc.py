"""Sign-in with Microsoft (Entra ID), or any OpenID Connect provider, through mozilla-django-oidc.

The library runs the protocol: the authorisation code flow with PKCE, state and nonce kept in
the session, the code exchanged at the token endpoint, the ID token's signature checked
against the provider's published keys (JWKS). This module adds what the academy needs:

- endpoints found by discovery from the issuer (`ACADEMY_OIDC_ISSUER`), fetched only when
  someone signs in with Microsoft, so a provider that is down never breaks password sign-in;
- the ID token's audience (our client id), issuer and expiry checked as well as its signature
  (the library checks only the signature and the nonce);
- people matched by a verified email address to those already in the academy; no account is
  created unless `ACADEMY_OIDC_CREATE_USERS` allows it;
- the reason for a refusal kept in the session, for the page that explains it.
"""

from __future__ import annotations

import logging
import time
from enum import StrEnum
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db.models import Q, QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

log = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_TTL_SECONDS = 3600
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
"""mozilla-django-oidc's setting names, and the discovery document's keys they come from."""
REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "sub")
REFUSAL_SESSION_KEY = "academy_oidc_refusal"
VERIFIED_EMAIL_CLAIMS = ("email_verified", "xms_edov")
"""Either says the provider vouches for the email address (`xms_edov` is Entra ID's optional
claim "email domain owner verified")."""


class Refusal(StrEnum):
    """Why a sign-in with Microsoft was refused (the refusal page explains each)."""

    NOT_ENROLLED = "not_enrolled"
    UNVERIFIED_EMAIL = "unverified_email"
    TOKEN = "token"
    PROVIDER = "provider"


class DiscoveryError(Exception):
    """The provider's discovery document could not be read or does not fit the issuer."""


_discovered: dict[str, tuple[float, dict[str, Any]]] = {}


def discovery(issuer: str | None = None) -> dict[str, Any]:
    """The provider's discovery document (cached for an hour), checked against the issuer."""
    issuer = (issuer or settings.ACADEMY_OIDC_ISSUER).rstrip("/")
    cached = _discovered.get(issuer)
    if cached and time.monotonic() - cached[0] < DISCOVERY_TTL_SECONDS:
        return cached[1]
    url = issuer + DISCOVERY_PATH
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        doc = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise DiscoveryError(f"{url}: cannot read the discovery document ({exc})") from exc
    if str(doc.get("issuer", "")).rstrip("/") != issuer:
        raise DiscoveryError(f"{url}: the document names the issuer {doc.get('issuer')!r}, "
                             f"not {issuer!r}")
    missing = [key for key in ENDPOINTS.values() if not doc.get(key)]
    if missing:
        raise DiscoveryError(f"{url}: the document has no {', '.join(missing)}")
    _discovered[issuer] = (time.monotonic(), doc)
    return doc


def provider_setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc's `get_settings`, with the provider's endpoints from discovery."""
    if attr in ENDPOINTS:
        return discovery()[ENDPOINTS[attr]]
    return import_from_settings(attr, *default)


def email_is_verified(claims: dict[str, Any]) -> bool:
    return any(claims.get(name) in (True, "true") for name in VERIFIED_EMAIL_CLAIMS)


def area_from_claims(claims: dict[str, Any]) -> dict[str, str]:
    """Directorate and service from the claims the settings name (empty when not named)."""
    area = {}
    for field, claim in (("directorate", settings.ACADEMY_OIDC_DIRECTORATE_CLAIM),
                         ("service", settings.ACADEMY_OIDC_SERVICE_CLAIM)):
        if claim and isinstance(claims.get(claim), str) and claims[claim].strip():
            area[field] = claims[claim].strip()[:200]
    return area


class AcademyOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with discovery, full ID token checks and enrolment."""

    get_settings = staticmethod(provider_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django builds every backend for every sign-in, password ones included: the
        # endpoints are looked up only in `authenticate`, when a provider's answer comes back.
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def refuse(self, reason: Refusal, detail: object = "") -> None:
        log.warning("sign-in with the identity provider refused: %s %s", reason, detail)
        self.request.session[REFUSAL_SESSION_KEY] = reason.value

    def authenticate(self, request, **kwargs):  # type: ignore[no-untyped-def]
        if request is None or "password" in kwargs or not (
                request.GET.get("code") and request.GET.get("state")):
            return None
        self.request = request
        try:
            doc = discovery()
        except DiscoveryError as exc:
            self.refuse(Refusal.PROVIDER, exc)
            return None
        self.OIDC_OP_TOKEN_ENDPOINT = doc["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = doc["userinfo_endpoint"]
        self.OIDC_OP_JWKS_ENDPOINT = doc["jwks_uri"]
        self.issuer = doc["issuer"]
        try:
            user = super().authenticate(request, **kwargs)
        except requests.RequestException as exc:
            self.refuse(Refusal.PROVIDER, type(exc).__name__)
            return None
        if user is None and REFUSAL_SESSION_KEY not in request.session:
            self.refuse(Refusal.NOT_ENROLLED)
        return user

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any] | None:
        """Signature against the provider's keys, then audience, issuer, times and nonce."""
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
                raise jwt.InvalidAlgorithmError(f"alg {header.get('alg')!r}")
            payload = jwt.decode(
                token, self.retrieve_matching_jwk(token), algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID, issuer=self.issuer,
                leeway=settings.ACADEMY_OIDC_LEEWAY_SECONDS,
                options={"require": list(REQUIRED_CLAIMS)})
        except (jwt.InvalidTokenError, SuspiciousOperation) as exc:
            self.refuse(Refusal.TOKEN, f"{type(exc).__name__}: {exc}")
            return None
        if settings.OIDC_USE_NONCE and payload.get("nonce") != kwargs.get("nonce"):
            self.refuse(Refusal.TOKEN, "the nonce does not match")
            return None
        return payload

    def get_userinfo(self, access_token: str, id_token: str,
                     payload: dict[str, Any]) -> dict[str, Any]:
        """The userinfo answer with the signed ID token's claims over it."""
        return {**super().get_userinfo(access_token, id_token, payload), **payload}

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if not claims.get("email") or not email_is_verified(claims):
            self.refuse(Refusal.UNVERIFIED_EMAIL)
            return False
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet:
        email = claims["email"].strip()
        return self.UserModel.objects.filter(
            Q(email__iexact=email) | Q(username__iexact=email), is_active=True)

    def create_user(self, claims: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Only when `ACADEMY_OIDC_CREATE_USERS` is on: a learner with no password."""
        email = claims["email"].strip().lower()
        user = self.UserModel(username=email, email=email,
                              first_name=str(claims.get("given_name", ""))[:150],
                              last_name=str(claims.get("family_name", ""))[:150],
                              **area_from_claims(claims))
        user.set_unusable_password()
        user.save()
        log.info("account %s created at first sign-in with the identity provider", user.pk)
        return user

    def update_user(self, user, claims: dict[str, Any]):  # type: ignore[no-untyped-def]
        area = area_from_claims(claims)
        if any(getattr(user, field) != value for field, value in area.items()):
            for field, value in area.items():
                setattr(user, field, value)
            user.save(update_fields=list(area))
        return user
