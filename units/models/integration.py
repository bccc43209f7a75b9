"""Integration clients of the REST API (the 12345 hotline, the portal …), their keys, the
log of their calls and the webhook deliveries (outbox). The API's authentication, scopes,
throttling and webhook sending live in `units.api`."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from units.models.organisation import Unit


class IntegrationClientQuerySet(models.QuerySet["IntegrationClient"]):
    def active(self) -> IntegrationClientQuerySet:
        return self.filter(is_active=True)


class IntegrationClient(models.Model):
    """对接系统: another system that calls the API with its own keys and scopes.

    An officer creates it in the admin; its keys are issued there too (shown once)."""

    class Scope(models.TextChoices):
        PUSH_COMPLAINTS = "push_complaints", _("Push complaints")
        READ_STATUS = "read_status", _("Read case status")
        READ_RESULTS = "read_results", _("Read results and figures")
        SYNC_DIRECTORY = "sync_directory", _("Synchronise the unit directory")
        READ_CADRES = "read_cadres", _("Read results for cadre appraisal and promotion")

    name = models.CharField(_("Designation"), max_length=64, unique=True)
    # One flag per scope: the admin shows checkboxes and a query reads a column.
    can_push_complaints = models.BooleanField(_("Push complaints"), default=False)
    can_read_status = models.BooleanField(_("Read case status"), default=False)
    can_read_results = models.BooleanField(_("Read results and figures"), default=False)
    can_sync_directory = models.BooleanField(_("Synchronise the unit directory"), default=False)
    # Names, flags and 问责 of cadres: for the organisation department's system only, so
    # never implied by reading results.
    can_read_cadres = models.BooleanField(
        _("Read results for cadre appraisal and promotion"), default=False
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("Limited to the unit and its subordinate units"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the whole county."),
    )
    rate = models.CharField(
        _("Call limit"),
        max_length=16,
        default="600/min",
        help_text=_("Calls allowed per period, e.g. 600/min, 20/s or 10000/hour."),
    )
    is_active = models.BooleanField(_("In use"), default=True)
    contact = models.CharField(_("Contact person and phone"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("Created at"), default=timezone.now)
    # Webhook (issue 16): the changes feed pushed to the client, signed with a secret shown
    # once when set. The secret is kept encrypted (units.api.webhooks), since signing needs it.
    webhook_url = models.CharField(
        _("Webhook URL"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_(
            "Every change of the client's cases is POSTed here, signed. Empty: no webhook. "
            "Needs the scope “Read case status” and a signing secret."
        ),
    )
    webhook_secret = models.TextField(editable=False, blank=True, default="")
    webhook_secret_set_at = models.DateTimeField(
        _("Signing secret set at"), null=True, blank=True, editable=False
    )
    # The last change of the feed turned into a delivery; None: start from the next change.
    webhook_cursor = models.BigIntegerField(null=True, blank=True, editable=False)

    objects = IntegrationClientQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Integration client")
        verbose_name_plural = _("Integration clients")

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return bool(getattr(self, f"can_{scope}", False))

    @property
    def scopes(self) -> list[str]:
        return [scope for scope in self.Scope.values if self.has_scope(scope)]

    def subtree_q(self, *prefixes: str) -> Q:
        """Objects whose unit (through each of `prefixes`, e.g. "unit__") lies in the
        client's subtree; everything when the client is the county's."""
        if self.unit_id is None:
            return Q()
        unit = self.unit
        assert unit is not None
        q = Q(pk__in=[])
        for prefix in prefixes:
            q |= Q(**{f"{prefix}path__startswith": unit.path})
        return q


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def usable(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True, client__is_active=True)


class ApiKey(models.Model):
    """A client's key: the secret is shown once when issued; only its SHA-256 is kept (the
    secret is 32 random bytes, so a fast hash is enough and each call stays cheap)."""

    client = models.ForeignKey(
        IntegrationClient,
        verbose_name=_("Integration client"),
        on_delete=models.CASCADE,
        related_name="keys",
    )
    prefix = models.CharField(_("Key prefix"), max_length=16, unique=True)
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("Issued at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("Revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("Last used at"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.client} · {self.prefix}…"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class ApiCall(models.Model):
    """One call to the API: who (a client's key or a person's session), which endpoint,
    the answer's status and when."""

    client = models.ForeignKey(
        IntegrationClient,
        verbose_name=_("Integration client"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calls",
    )
    key = models.ForeignKey(
        ApiKey,
        verbose_name=_("API key"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("User"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    method = models.CharField(_("Method"), max_length=8)
    endpoint = models.CharField(_("Endpoint"), max_length=200)
    status = models.PositiveSmallIntegerField(_("Status code"))
    at = models.DateTimeField(_("Time"), default=timezone.now)
    duration_ms = models.PositiveIntegerField(_("Duration (ms)"), default=0)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        indexes = [models.Index(fields=["client", "at"], name="apicall_client_at")]

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint} {self.status}"


class WebhookDeliveryQuerySet(models.QuerySet["WebhookDelivery"]):
    def due(self, now: datetime.datetime) -> WebhookDeliveryQuerySet:
        return self.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)


class WebhookDelivery(models.Model):
    """One event of the changes feed for one client, to be POSTed to its webhook (the outbox).

    `event_id` is the change's id in the feed: the receiver dedupes on it (delivered at least
    once). `payload` is the change as the feed renders it."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("webhook delivery", "Pending")
        DELIVERED = "delivered", pgettext_lazy("webhook delivery", "Delivered")
        FAILED = "failed", pgettext_lazy("webhook delivery", "Failed")

    client = models.ForeignKey(
        IntegrationClient,
        verbose_name=_("Integration client"),
        on_delete=models.CASCADE,
        related_name="webhook_deliveries",
    )
    event_id = models.BigIntegerField(_("Event id"))
    payload = models.JSONField(_("Payload"))
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("Attempts"), default=0)
    created_at = models.DateTimeField(_("Created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("Next attempt at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("Last attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("Delivered at"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("Last answer's status"), null=True, blank=True)
    last_error = models.CharField(_("Last error"), max_length=500, blank=True, default="")

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-event_id", "-pk"]
        verbose_name = _("Webhook delivery")
        verbose_name_plural = _("Webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["client", "event_id"], name="webhook_client_event")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_due",
                condition=Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.event_id}"
