"""Chinese names for the third-party apps whose own AppConfig has none (the admin's headings).

Django's documented way: subclass the app's AppConfig and name the subclass in
INSTALLED_APPS. Only names change; the label, models and migrations stay theirs.
django-otp names its models in plain English (no gettext): their admin names are set here,
on `_meta` only. Migrations read a model's declared Meta (`original_attrs`), so nothing
changes for them.
"""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticAppConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login attempts and lockouts")


class TOTPConfig(TOTPAppConfig):
    verbose_name = _("Two-factor authenticators")

    def ready(self) -> None:
        super().ready()
        model = self.get_model("TOTPDevice")
        model._meta.verbose_name = _("authenticator")
        model._meta.verbose_name_plural = _("authenticators")


class StaticConfig(StaticAppConfig):
    verbose_name = _("Two-factor backup codes")

    def ready(self) -> None:
        super().ready()
        for name, single, plural in (
            ("StaticDevice", _("backup code set"), _("backup code sets")),
            ("StaticToken", _("backup code"), _("backup codes")),
        ):
            model = self.get_model(name)
            model._meta.verbose_name = single
            model._meta.verbose_name_plural = plural
