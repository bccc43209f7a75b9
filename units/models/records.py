"""The records the shell keeps for every app: transition records, the working-day calendar's
override table, notifications, job runs, leadership digests and ended sessions."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    pass
from units.models.organisation import Unit, user_sees_all_units


class TransitionRecord(models.Model):
    """A state change: who moved what from where to where, when and why.

    Each stateful model gets a concrete subclass with a foreign key named after it.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty means the system acted automatically."),
    )
    from_status = models.CharField(_("From status"), max_length=32)
    to_status = models.CharField(_("To status"), max_length=32)
    comment = models.TextField(_("Description"), blank=True)
    created_at = models.DateTimeField(_("Time"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]


class UnitTransition(TransitionRecord):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("Unit status change")
        verbose_name_plural = _("Unit status change")

    def __str__(self) -> str:
        return f"{self.unit} {self.from_status} → {self.to_status}"


class CalendarOverride(models.Model):
    """An adjustment to the statutory calendar: an extra holiday or an adjusted work day."""

    date = models.DateField(_("Date"), unique=True)
    is_working_day = models.BooleanField(
        _("Working day"),
        help_text=_("Ticked: a working day (adjusted work day); unticked: a day off."),
    )
    note = models.CharField(_("Description"), max_length=128, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("Calendar override")
        verbose_name_plural = _("Calendar override")

    def __str__(self) -> str:
        return f"{self.date} {_('上班') if self.is_working_day else _('放假')}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app notice (with optional e-mail), sent at most once per dedupe key."""

    class Kind(models.TextChoices):
        INFO = "info", _("Notifications")
        RESPONSIBILITY = "responsibility", _("Responsibility change")
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")
        REMINDER = "reminder", _("Reminder notice")
        ASSIGNED = "assigned", _("Assigned")
        RETURNED = "returned", _("Returned")
        DIGEST = "digest", _("Digest")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("Type"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("Title"), max_length=200)
    body = models.TextField(_("Content"), blank=True)
    url = models.CharField(_("Link"), max_length=500, blank=True)
    object_key = models.CharField(_("Related object"), max_length=100, blank=True)
    deadline = models.DateField(_("Deadline"), null=True, blank=True)
    # (object, deadline, kind, recipient) in one unique column: NULLs would not collide.
    dedupe_key = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(_("Sent at"), default=timezone.now)
    read_at = models.DateTimeField(_("Read at"), null=True, blank=True)
    email_requested = models.BooleanField(_("Send e-mail"), default=True)
    emailed_at = models.DateTimeField(_("E-mailed at"), null=True, blank=True)
    # Urgent notices (reminders, overdue) also go by text message to the recipient's mobile.
    sms_requested = models.BooleanField(_("Send text message"), default=False)
    smsed_at = models.DateTimeField(_("Text message sent at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Notifications")
        verbose_name_plural = _("Notifications")
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                name="notif_unread",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_recent"),
            # The outbox drains look only at what is still to be sent.
            models.Index(
                fields=["created_at"],
                name="notif_email_pending",
                condition=Q(email_requested=True, emailed_at__isnull=True),
            ),
            models.Index(
                fields=["created_at"],
                name="notif_sms_pending",
                condition=Q(sms_requested=True, smsed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def make_dedupe_key(
        *, kind: str, object_key: str, deadline: datetime.date | None, recipient_id: Any
    ) -> str:
        return f"{kind}|{object_key}|{deadline.isoformat() if deadline else '-'}|{recipient_id}"


class JobRun(models.Model):
    """One run of a periodic job, for the operations view: when, how much, what went wrong."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    job = models.CharField(_("Job"), max_length=200, db_index=True)
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("Started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("Finished at"), null=True, blank=True)
    items = models.PositiveIntegerField(_("Items processed"), default=0)
    error = models.TextField(_("Error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("Job run")
        verbose_name_plural = _("Job runs")
        indexes = [models.Index(fields=["job", "-started_at"], name="jobrun_job_recent")]

    def __str__(self) -> str:
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self) -> datetime.timedelta | None:
        return self.finished_at - self.started_at if self.finished_at else None


class DigestQuerySet(models.QuerySet["Digest"]):
    def visible_to(self, user: Any) -> DigestQuerySet:
        """Digests cover the whole jurisdiction: only those who see every unit read them."""
        return self if user_sees_all_units(user=user) else self.none()


class Digest(models.Model):
    """周检查、月点评、季小结: one summary per period, kept as sent, linked from the notices."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("Weekly check")
        MONTHLY = "monthly", _("Monthly review")
        QUARTERLY = "quarterly", _("Quarterly summary")

    kind = models.CharField(_("Type"), max_length=16, choices=Kind.choices)
    period_start = models.DateField(_("Period from"))
    period_end = models.DateField(_("Period to"), help_text=_("Inclusive."))
    title = models.CharField(_("Title"), max_length=200)
    # [{"title": str, "lines": [{"label", "value", "previous", "url"}]}, ...] as compiled:
    # a digest is a record of what leaders were told, so it is not recomputed later.
    sections = models.JSONField(_("Figures"), default=list)
    created_at = models.DateTimeField(_("Compiled at"), default=timezone.now)

    objects = DigestQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "kind"]
        verbose_name = _("Leadership digest")
        verbose_name_plural = _("Leadership digests")
        constraints = [
            models.UniqueConstraint(fields=["kind", "period_start"], name="digest_once_per_period")
        ]

    def __str__(self) -> str:
        return self.title


class SessionCutoff(models.Model):
    """An account's sessions begun before `valid_after` are over (units.security checks it).

    One row per account, loaded with the user on every request (a join, not a query), so it
    works whatever the session backend: database, cache or signed cookies.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Account"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="zf_session_cutoff",
    )
    valid_after = models.DateTimeField(_("Sessions valid after"))

    class Meta:
        verbose_name = _("Session cut-off")
        verbose_name_plural = _("Session cut-offs")

    def __str__(self) -> str:
        return f"{self.user_id} {self.valid_after:%Y-%m-%d %H:%M:%S}"


class SessionEnd(models.Model):
    """Who ended whose sessions, when and why; written by units.services.user_sessions_end."""

    class Reason(models.TextChoices):
        DEACTIVATED = "deactivated", _("Account deactivated")
        RESPONSIBILITY_ENDED = "responsibility_ended", _("Last responsibility ended")
        ROLE_REMOVED = "role_removed", _("Role removed")
        ADMINISTRATOR = "administrator", _("Ended by an administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Account"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty means the system acted automatically."),
    )
    reason = models.CharField(_("Reason for ending"), max_length=32, choices=Reason.choices)
    created_at = models.DateTimeField(_("Time"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Ended sessions")
        verbose_name_plural = _("Ended sessions")
        indexes = [models.Index(fields=["user", "-created_at"], name="sessionend_user_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.get_reason_display()} {self.created_at:%Y-%m-%d %H:%M}"
