"""The audit trail's own records: the security log, the hash chain that seals every audit
record, and the marks left where an archive ended (units.audit says how they are used)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SecurityEvent(models.Model):
    """安全日志: sign-ins, failed sign-ins, lockouts, refused access … one row per event.

    Written only through units.security_log.security_event; append-only like every audit
    table (a trigger refuses UPDATE and DELETE on PostgreSQL).
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("Signed in")
        LOGOUT = "logout", _("Signed out")
        LOGIN_FAILED = "login_failed", _("Sign-in failed")
        LOCKOUT = "lockout", _("Locked out after failed sign-ins")
        TWO_FACTOR_FAILED = "two_factor_failed", _("Wrong two-factor code")
        PERMISSION_DENIED = "permission_denied", _("Access refused")
        SESSION_ENDED = "session_ended", _("Sessions ended")
        IDENTITY_REQUEST = "identity_request", _("Asked to see a complainant's identity")
        IDENTITY_DECISION = "identity_decision", _("Decided on a request to see an identity")
        AUDIT_ARCHIVED = "audit_archived", _("Audit records archived")
        EXPORT = "export", _("Exported data")
        CREDENTIAL = "credential", _("Integration credential issued, revoked or replaced")

    at = models.DateTimeField(_("Time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("Event"), max_length=32, choices=Kind.choices)
    # PROTECT as on every other audit record: an account that appears in the log is
    # deactivated, never deleted.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What was typed on the sign-in form (a failed sign-in may name no account at all).
    username = models.CharField(_("Username"), max_length=150, blank=True)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    path = models.CharField(_("Address visited"), max_length=500, blank=True)
    detail = models.TextField(_("Detail"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("Security log entry")
        verbose_name_plural = _("Security log")
        indexes = [
            models.Index(fields=["kind", "-at"], name="securityevent_kind_recent"),
            models.Index(fields=["user", "-at"], name="securityevent_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"


class AuditSeal(models.Model):
    """One link of an audit table's hash chain: the hash of one record as it was sealed.

    `row_hash` is the SHA-256 of the record's canonical content (the columns named in
    `fields`), `chain` the SHA-256 of the previous link's chain and this link, so changing,
    removing or reordering a record or a link breaks the chain from there on.
    """

    table = models.CharField(_("Table"), max_length=100)
    seq = models.PositiveBigIntegerField(_("Sequence number"))
    row_id = models.BigIntegerField(_("Record ID"))
    fields = models.TextField(_("Columns sealed"))
    row_hash = models.CharField(_("Record hash"), max_length=64)
    prev_chain = models.CharField(_("Previous chain value"), max_length=64)
    chain = models.CharField(_("Chain value"), max_length=64)
    sealed_at = models.DateTimeField(_("Sealed at"), default=timezone.now)

    class Meta:
        ordering = ["table", "seq"]
        verbose_name = _("Audit seal")
        verbose_name_plural = _("Audit seals")
        constraints = [
            models.UniqueConstraint(fields=["table", "seq"], name="auditseal_one_per_seq"),
            models.UniqueConstraint(fields=["table", "row_id"], name="auditseal_one_per_row"),
        ]

    def __str__(self) -> str:
        return f"{self.table} #{self.seq}"


class AuditArchive(models.Model):
    """Where an archive ended in one table's chain: the links up to `through_seq` and their
    records were written to `file` and then removed; the chain goes on from `chain`."""

    table = models.CharField(_("Table"), max_length=100)
    through_seq = models.PositiveBigIntegerField(_("Archived through sequence number"))
    chain = models.CharField(_("Chain value at that point"), max_length=64)
    rows = models.PositiveIntegerField(_("Records archived"))
    before = models.DateTimeField(_("Records older than"))
    file = models.CharField(_("Archive file"), max_length=500)
    file_sha256 = models.CharField(_("Archive file SHA-256"), max_length=64)
    archived_at = models.DateTimeField(_("Archived at"), default=timezone.now)

    class Meta:
        ordering = ["-archived_at", "table"]
        verbose_name = _("Audit archive")
        verbose_name_plural = _("Audit archives")
        constraints = [
            models.UniqueConstraint(
                fields=["table", "through_seq"], name="auditarchive_one_per_point"
            )
        ]

    def __str__(self) -> str:
        return f"{self.table} ≤ #{self.through_seq} → {self.file}"
