from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Units and responsibilities")

    def ready(self) -> None:
        # Connects the login receivers that stamp each session's start before any request:
        # a test client's force_login, for one, signs in before the middleware is loaded.
        from units import audit, audit_chain, checks, security, security_log  # noqa: F401

        # The audit trail (units.audit): append-only triggers on every audit table, installed
        # after each migrate, and each new audit record sealed into its hash chain.
        audit.register_triggers()
        audit_chain.connect_sealing()
        post_migrate.connect(
            audit.install_on_migrate, sender=self, dispatch_uid="zf_audit_triggers"
        )
