from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Units and responsibilities")

    def ready(self) -> None:
        # Connects the login receivers that stamp each session's start before any request:
        # a test client's force_login, for one, signs in before the middleware is loaded.
        from units import audit, audit_chain, checks, security, security_log, workdays  # noqa: F401
        from units.models import CalendarOverride

        # The audit trail (units.audit): append-only triggers on every audit table, installed
        # after each migrate, and each new audit record sealed into its hash chain.
        audit.register_triggers()
        audit_chain.connect_sealing()
        # A request keeps the calendar's overrides once read; a change forgets them.
        for signal in (post_save, post_delete):
            signal.connect(
                workdays.forget_kept_overrides,
                sender=CalendarOverride,
                dispatch_uid=f"zf_calendar_overrides_{signal is post_save}",
            )
        post_migrate.connect(
            audit.install_on_migrate, sender=self, dispatch_uid="zf_audit_triggers"
        )
