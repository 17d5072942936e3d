"""Signing in: the sign-in page, sign-in with Microsoft, invitations and password reset.

Password reset is Django's own views and forms; the sign-in throttling of
`grader.service.signin` applies to them too: asking for a reset link counts against the
account and the address, and a wrong or used link against the address.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from grader.service import invitations, oidc, signin

PASSWORD_BACKEND = "grader.service.signin.ThrottledModelBackend"
INVITATION_SESSION_KEY = "academy_invitation"


class SignInPage(auth_views.LoginView):
    template_name = "academy/login.html"
    redirect_authenticated_user = True
    authentication_form = signin.SignInForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs),
                "oidc_enabled": settings.ACADEMY_OIDC_ENABLED}


class SignInWithMicrosoft(OIDCAuthenticationRequestView):
    """Start the code flow: state, nonce and PKCE verifier into the session, then off to the
    provider. The endpoint comes from discovery when someone clicks, not at start-up."""

    get_settings = staticmethod(oidc.provider_setting)

    def __init__(self, **kwargs: Any) -> None:
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.ACADEMY_OIDC_ENABLED:
            raise Http404("Sign-in with Microsoft is not set up here.")
        request.session.pop(oidc.REFUSAL_SESSION_KEY, None)
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc.discovery()["authorization_endpoint"]
        except oidc.DiscoveryError:
            request.session[oidc.REFUSAL_SESSION_KEY] = oidc.Refusal.PROVIDER.value
            return redirect("signin-refused")
        return super().get(request)


class MicrosoftCallback(OIDCAuthenticationCallbackView):
    """The provider sends the person back here with a code; the backend does the rest."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.ACADEMY_OIDC_ENABLED:
            raise Http404("Sign-in with Microsoft is not set up here.")
        response = super().get(request)
        if request.GET.get("error") and oidc.REFUSAL_SESSION_KEY not in request.session:
            request.session[oidc.REFUSAL_SESSION_KEY] = oidc.Refusal.PROVIDER.value
        return response


@never_cache
def refused(request: HttpRequest) -> HttpResponse:
    """Why sign-in with Microsoft did not work, and whom to ask."""
    reason = request.session.pop(oidc.REFUSAL_SESSION_KEY, "")
    return render(request, "academy/signin_refused.html", {
        "reason": reason, "reasons": {r.name: r.value for r in oidc.Refusal},
        "contact": settings.ACADEMY_CONTACT,
        "contact_email": settings.ACADEMY_CONTACT_EMAIL}, status=403 if reason else 200)


def _refuse_if_throttled(request: HttpRequest) -> HttpResponse | None:
    limit = signin.throttled(request, None)
    if limit is None:
        return None
    return render(request, "academy/link_throttled.html", {
        "minutes": settings.SIGNIN_WINDOW_MINUTES}, status=429)


def _bad_link(request: HttpRequest) -> None:
    """A wrong, used or old link counts as a failed sign-in from this address."""
    signin.record_failure(sender=None, credentials={}, request=request)


@sensitive_post_parameters()
@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation email: keep its secret in the session, out of the URL
    (and so out of any Referer header), then ask for the password."""
    if refusal := _refuse_if_throttled(request):
        return refusal
    if invitations.find(token) is None:
        _bad_link(request)
        return render(request, "academy/invitation.html", {
            "validlink": False, "contact": settings.ACADEMY_CONTACT,
            "days": settings.ACADEMY_INVITATION_DAYS}, status=404)
    request.session[INVITATION_SESSION_KEY] = token
    return HttpResponseRedirect(reverse("invitation-set-password"))


@sensitive_post_parameters()
@never_cache
def invitation_set_password(request: HttpRequest) -> HttpResponse:
    found = invitations.find(request.session.get(INVITATION_SESSION_KEY, ""))
    if found is None:
        return render(request, "academy/invitation.html", {
            "validlink": False, "contact": settings.ACADEMY_CONTACT,
            "days": settings.ACADEMY_INVITATION_DAYS}, status=404)
    form = SetPasswordForm(found.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            invitations.mark_used(found)
        request.session.pop(INVITATION_SESSION_KEY, None)
        login(request, user, backend=PASSWORD_BACKEND)
        return redirect("home")
    return render(request, "academy/invitation.html", {
        "validlink": True, "form": form, "person": found.user,
        "expires_at": found.expires_at})


class ThrottledResetForm(PasswordResetForm):
    """Django's form; asking counts as a sign-in attempt, and is refused while throttled."""

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        limit = signin.throttled(self.request, data.get("email"))
        if limit is not None:
            raise ValidationError(signin.SignInForm.error_messages[f"throttled_{limit}"],
                                  code=f"throttled_{limit}",
                                  params={"minutes": settings.SIGNIN_WINDOW_MINUTES})
        signin.record_failure(sender=None, credentials={"username": data.get("email")},
                              request=self.request)
        return data


class ResetRequest(auth_views.PasswordResetView):
    form_class = ThrottledResetForm
    template_name = "academy/password_reset_form.html"
    email_template_name = "academy/email/password_reset.txt"
    subject_template_name = "academy/email/password_reset_subject.txt"
    success_url = reverse_lazy("password-reset-sent")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs),
                "minutes": settings.PASSWORD_RESET_TIMEOUT // 60}


class ResetSent(auth_views.PasswordResetDoneView):
    template_name = "academy/password_reset_sent.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "contact": settings.ACADEMY_CONTACT}


class ResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "academy/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")

    def dispatch(self, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if refusal := _refuse_if_throttled(self.request):
            return refusal
        response = super().dispatch(*args, **kwargs)
        # A good link answers with a redirect (its token moves into the session).
        if not self.validlink and not isinstance(response, HttpResponseRedirect):
            _bad_link(self.request)
        return response


class ResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "academy/password_reset_complete.html"
