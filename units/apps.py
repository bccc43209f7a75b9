from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Units and responsibilities")

    def ready(self) -> None:
        # Connects the login receivers that stamp each session's start before any request:
        # a test client's force_login, for one, signs in before the middleware is loaded.
        from units import security  # noqa: F401
