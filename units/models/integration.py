"""Integration clients of the REST API (the 12345 hotline, the portal …), their keys and the
log of their calls. The API's authentication, scopes and throttling live in `units.api`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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

    name = models.CharField(_("Designation"), max_length=64, unique=True)
    # One flag per scope: the admin shows checkboxes and a query reads a column.
    can_push_complaints = models.BooleanField(_("Push complaints"), default=False)
    can_read_status = models.BooleanField(_("Read case status"), default=False)
    can_read_results = models.BooleanField(_("Read results and figures"), default=False)
    can_sync_directory = models.BooleanField(_("Synchronise the unit directory"), default=False)
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
