"""The two-factor pages: set up an authenticator, enter a code, renew backup codes."""

from __future__ import annotations

import django_otp
from django import forms
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from units import two_factor
from units.models import SecurityEvent
from units.security import is_two_factor_verified, requires_two_factor
from units.security_log import security_event


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _wrong_code(form: TokenForm) -> None:
    form.add_error(
        "token",
        _("The code is wrong or has expired. Enter the 6-digit code now shown in your app."),
    )


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate="20/5m", method="POST", block=True)
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Second step of the staff login: a code from the authenticator or a backup code."""
    if not requires_two_factor(request.user) or is_two_factor_verified(request):
        return redirect(_next_url(request))
    if not two_factor.has_confirmed_device(request.user):
        return redirect(f"{reverse('two_factor_setup')}?{request.GET.urlencode()}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.token_verify(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next_url(request))
        security_event(kind=SecurityEvent.Kind.TWO_FACTOR_FAILED, request=request)
        _wrong_code(form)
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate="20/5m", method="POST", block=True)
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """First staff login: scan the QR code, confirm one code, receive backup codes."""
    if not requires_two_factor(request.user):
        return redirect(_next_url(request))
    if two_factor.has_confirmed_device(request.user) and not is_two_factor_verified(request):
        # Enrolling a new authenticator needs the current one (or a backup code) first.
        return redirect(f"{reverse('two_factor_verify')}?{request.GET.urlencode()}")
    device = two_factor.totp_setup_device(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = two_factor.totp_device_confirm(
            user=request.user, device_id=device.pk, token=form.cleaned_data["token"]
        )
        if confirmed is not None:
            django_otp.login(request, confirmed)
            codes = two_factor.backup_codes_regenerate(user=request.user)
            messages.success(request, _("Two-factor login is now set up."))
            return render(
                request,
                "registration/two_factor_backup_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        security_event(
            kind=SecurityEvent.Kind.TWO_FACTOR_FAILED,
            request=request,
            detail=_("While setting up the authenticator"),
        )
        _wrong_code(form)
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": two_factor.totp_qr_svg(device),
            "secret": two_factor.totp_secret_base32(device),
            "next": _next_url(request),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def two_factor_backup_codes(request: HttpRequest) -> HttpResponse:
    """Replace the backup codes (verified staff only: the middleware sees to that)."""
    if not requires_two_factor(request.user):
        return redirect("home")
    codes = two_factor.backup_codes_regenerate(user=request.user)
    return render(
        request, "registration/two_factor_backup_codes.html", {"codes": codes, "next": "/"}
    )
