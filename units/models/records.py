"""The records the shell keeps for every app: transition records, the working-day calendar's
override table, notifications, job runs, leadership digests and ended sessions."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    pass
from units.choice_labels import ChoiceLabels
from units.models.organisation import OVERSEE, Unit, unit_scope_q


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


class Notification(ChoiceLabels, models.Model):
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
    # Taken (and committed) before the message goes out: a sender that dies after sending but
    # before stamping leaves the claim, and nothing retakes it until the claim has aged
    # (settings.ZUOFENG_NOTICE_CLAIM_SECONDS), so the drain never sends it a second time early.
    email_claimed_at = models.DateTimeField(_("E-mail claimed at"), null=True, blank=True)
    # Urgent notices (reminders, overdue) also go by text message to the recipient's mobile.
    sms_requested = models.BooleanField(_("Send text message"), default=False)
    smsed_at = models.DateTimeField(_("Text message sent at"), null=True, blank=True)
    sms_claimed_at = models.DateTimeField(_("Text message claimed at"), null=True, blank=True)

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


def heartbeat_timeout() -> datetime.timedelta:
    """How long a run may go without a heartbeat before it counts as interrupted."""
    return datetime.timedelta(seconds=float(settings.ZUOFENG_JOB_HEARTBEAT_TIMEOUT))


class JobRunQuerySet(models.QuerySet["JobRun"]):
    @staticmethod
    def stale_q() -> Q:
        """Still marked running, but its heartbeat stopped: the process running it is gone."""
        cutoff = timezone.now() - heartbeat_timeout()
        return Q(status=JobRun.Status.RUNNING) & (
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        )

    def stale(self) -> JobRunQuerySet:
        return self.filter(self.stale_q())

    def in_state(self, state: str) -> JobRunQuerySet:
        """Runs whose state (JobRun.state: the heartbeat rule applied at read time) is `state`."""
        if state == JobRun.Status.INTERRUPTED:
            return self.filter(Q(status=state) | self.stale_q())
        if state == JobRun.Status.RUNNING:
            return self.filter(status=state).exclude(self.stale_q())
        return self.filter(status=state)


class JobRun(models.Model):
    """One run of a job (periodic or long, such as scoring), for the operations view: when,
    about what, how far, whether its process is still alive, how much, what went wrong.

    A running job beats (`heartbeat_at`, units.jobs.job_run): a run marked running whose
    heartbeat is older than settings.ZUOFENG_JOB_HEARTBEAT_TIMEOUT is interrupted (its
    process died), whether or not a sweep has marked it so yet (`state`).
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        INTERRUPTED = "interrupted", _("Interrupted")
        # A newer run of the same work took over (a restart): this one wrote nothing.
        SUPERSEDED = "superseded", _("Superseded")

    job = models.CharField(_("Job"), max_length=200, db_index=True)
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("Started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("Finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("Last heartbeat"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(pgettext_lazy("job run", "Progress"), default=0)
    step = models.CharField(_("Current step"), max_length=200, blank=True)
    # What the run works on, for finding it ("assessments.AssessmentScheme:5") and showing it.
    subject = models.CharField(_("Object key"), max_length=200, blank=True)
    subject_label = models.CharField(pgettext_lazy("job run", "Object"), max_length=200, blank=True)
    # The request this run carries out (shared by redeliveries of one task; each is a row).
    token = models.CharField(_("Run token"), max_length=64, blank=True)
    items = models.PositiveIntegerField(_("Items processed"), default=0)
    error = models.TextField(_("Error"), blank=True)

    objects = JobRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("Job run")
        verbose_name_plural = _("Job runs")
        indexes = [
            models.Index(fields=["job", "-started_at"], name="jobrun_job_recent"),
            models.Index(fields=["subject", "token"], name="jobrun_subject_token"),
            models.Index(
                fields=["heartbeat_at"], name="jobrun_running", condition=Q(status="running")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self) -> datetime.timedelta | None:
        return self.finished_at - self.started_at if self.finished_at else None

    @property
    def last_sign_of_life(self) -> datetime.datetime:
        return self.heartbeat_at or self.started_at

    @property
    def state(self) -> str:
        """The status with the heartbeat rule applied now (a sweep may not have run yet)."""
        if (
            self.status == self.Status.RUNNING
            and self.last_sign_of_life < timezone.now() - heartbeat_timeout()
        ):
            return self.Status.INTERRUPTED
        return self.status

    def get_state_display(self) -> str:
        return str(self.Status(self.state).label)

    @property
    def is_live(self) -> bool:
        return self.state == self.Status.RUNNING


def reads_digests(user: Any) -> bool:
    """Leaders and inspection staff (of the county or of a subtree) read digests."""
    from units import roles

    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser) or any(
        roles.has_role(user, role) for role in (roles.LEADERSHIP, roles.INSPECTION_STAFF)
    )


def edits_digests(user: Any) -> bool:
    """Inspection staff review a digest's comment and send it (within their jurisdiction)."""
    from units import roles

    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser) or roles.has_role(user, roles.INSPECTION_STAFF)


class DigestQuerySet(models.QuerySet["Digest"]):
    def visible_to(self, user: Any) -> DigestQuerySet:
        """A reader sees the digests whose scope lies within their jurisdiction (the county
        digest only when it is the whole county); a draft only if they may send it."""
        if not reads_digests(user):
            return self.none()
        seen = unit_scope_q(user=user, prefix="scope__")
        editable = self._editable_q(user)
        if editable == Q():  # every jurisdiction (an empty Q would vanish from the OR)
            return self.filter(seen)
        return self.filter(seen).filter(Q(status=Digest.Status.SENT) | editable)

    def editable_by(self, user: Any) -> DigestQuerySet:
        """Drafts and sent digests whose scope lies within the user's inspection jurisdiction."""
        if not edits_digests(user):
            return self.none()
        return self.filter(self._editable_q(user))

    @staticmethod
    def _editable_q(user: Any) -> Q:
        if not edits_digests(user):
            return Q(pk__in=[])
        return unit_scope_q(user=user, codename=OVERSEE, prefix="scope__")


class Digest(models.Model):
    """周检查、月点评、季小结 of one jurisdiction: figures compiled once per period and scope,
    a comment drafted from them that inspection staff review, then sent to the leaders.

    `scope` empty: the whole county; else the unit whose subtree the figures cover.
    """

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("Weekly check")
        MONTHLY = "monthly", _("Monthly review")
        QUARTERLY = "quarterly", _("Quarterly summary")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("digest status", "Awaiting review")
        SENT = "sent", pgettext_lazy("digest status", "Sent")

    # units.digests.digest_send makes the one move.
    TRANSITIONS: dict[str, set[str]] = {Status.DRAFT: {Status.SENT}, Status.SENT: set()}

    kind = models.CharField(_("Type"), max_length=16, choices=Kind.choices)
    scope = models.ForeignKey(
        Unit,
        verbose_name=_("Jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the whole county; else the unit and every unit below it."),
    )
    period_start = models.DateField(_("Period from"))
    period_end = models.DateField(_("Period to"), help_text=_("Inclusive."))
    title = models.CharField(_("Title"), max_length=200)
    # [{"title": str, "lines": [{"key", "label", "value", "previous", "url"}]}, ...] as
    # compiled: a digest is a record of what leaders were told, so it is not recomputed later.
    sections = models.JSONField(_("Figures"), default=list)
    comment = models.TextField(
        pgettext_lazy("digest", "Comment"),
        blank=True,
        help_text=_("Drafted from the figures when compiled; inspection staff may edit it."),
    )
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("Compiled at"), default=timezone.now)
    # Unless inspection staff send it first, the system sends it then (units.digests).
    send_by = models.DateTimeField(_("Sent automatically at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("Sent at"), null=True, blank=True)

    objects = DigestQuerySet.as_manager()

    class Meta:
        # The county digest before those of its subtrees.
        ordering = ["-period_start", "kind", F("scope__path").asc(nulls_first=True)]
        verbose_name = _("Leadership digest")
        verbose_name_plural = _("Leadership digests")
        constraints = [
            # Once per period and jurisdiction (NULL scopes would not collide: two rules).
            models.UniqueConstraint(
                fields=["kind", "period_start", "scope"], name="digest_once_per_period_scope"
            ),
            models.UniqueConstraint(
                fields=["kind", "period_start"],
                condition=Q(scope__isnull=True),
                name="digest_once_per_period_county",
            ),
        ]
        indexes = [
            models.Index(fields=["send_by"], name="digest_draft_due", condition=Q(status="draft"))
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class DigestTransition(TransitionRecord):
    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("Digest status change")
        verbose_name_plural = _("Digest status changes")

    def __str__(self) -> str:
        return f"{self.digest} {self.from_status} → {self.to_status}"


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
