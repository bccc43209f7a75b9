"""`make run` stays usable: the demo staff logins get in with the published demo code."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from units import two_factor
from units.management.commands.seed_demo import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def test_demo_staff_sign_in_with_the_demo_code_and_others_with_their_password():
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())
    printed = out.getvalue()
    assert "demo_code" in printed and two_factor.demo_secret_base32() in printed
    assert set(TOTPDevice.objects.values_list("user__username", flat=True)) == {
        "admin",
        "jiwei",
        "baoguan",
        "paizhu",
    }

    code_out = StringIO()
    call_command("demo_code", stdout=code_out, stderr=StringIO())
    code = code_out.getvalue().strip()
    assert code.isdigit() and len(code) == 6

    jiwei = Client()
    jiwei.post(reverse("login"), {"username": "jiwei", "password": DEFAULT_PASSWORD})
    assert jiwei.get(reverse("units:workspace")).status_code == 302
    assert jiwei.post("/accounts/2fa/", {"token": code}).status_code == 302
    assert jiwei.get(reverse("units:workspace")).status_code == 200
    assert jiwei.get("/admin/").status_code == 200

    lingdao = Client()
    lingdao.post(reverse("login"), {"username": "lingdao", "password": DEFAULT_PASSWORD})
    assert lingdao.get(reverse("units:workspace")).status_code == 200

    # A second seed leaves the authenticators alone.
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    assert TOTPDevice.objects.count() == 4


def test_demo_code_refuses_production_settings(monkeypatch, settings):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings.prod")
    with pytest.raises(CommandError):
        call_command("demo_code", stdout=StringIO(), stderr=StringIO())
