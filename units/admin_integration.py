"""Integration clients of the API in the admin: an officer creates the client, issues its
key (shown once, on the page that answers the action, never stored in clear), rotates or
revokes keys, and reads the call log; sets the client's webhook, rotates its signing secret
(shown once) and follows, or resends, its deliveries."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.throttling import SimpleRateThrottle

from units.admin_base import ReadOnlyAdmin
from units.api.services import api_key_issue, api_key_revoke, api_key_rotate
from units.api.webhooks import (
    webhook_delivery_resend,
    webhook_secret_rotate,
    webhook_url_check,
)
from units.models import ApiCall, ApiKey, IntegrationClient
from units.models.integration import WebhookDelivery


class IntegrationClientForm(forms.ModelForm):
    class Meta:
        model = IntegrationClient
        fields = [
            "name",
            "can_push_complaints",
            "can_read_status",
            "can_read_results",
            "can_sync_directory",
            "can_read_cadres",
            "unit",
            "rate",
            "contact",
            "is_active",
            "webhook_url",
        ]

    def clean_rate(self) -> str:
        rate = self.cleaned_data["rate"].strip()
        try:
            count, _period = SimpleRateThrottle.parse_rate(None, rate)  # type: ignore[arg-type]
            if not count:
                raise ValueError(rate)
        except (ValueError, KeyError, IndexError, AttributeError):
            raise forms.ValidationError(
                _("Write the limit as a number of calls per period, e.g. 600/min.")
            ) from None
        return rate

    def clean_webhook_url(self) -> str:
        return webhook_url_check(self.cleaned_data["webhook_url"])


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    can_delete = False
    fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by"]
    readonly_fields = [
        "prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _issued_page(request: HttpRequest, client: IntegrationClient, secret: str) -> HttpResponse:
    return TemplateResponse(
        request,
        "admin/units/api_key_issued.html",
        {
            **admin.site.each_context(request),
            "title": _("API key issued"),
            "client": client,
            "secret": secret,
        },
    )


@admin.register(IntegrationClient)
class IntegrationClientAdmin(admin.ModelAdmin):
    form = IntegrationClientForm
    list_display = ["name", "scope_list", "unit", "rate", "is_active", "usable_keys", "webhook"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["webhook_secret_set_at"]
    inlines = [ApiKeyInline]
    actions = ["issue_key", "rotate_keys", "rotate_webhook_secret"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[IntegrationClient]:
        return (
            super()
            .get_queryset(request)
            .select_related("unit")
            .annotate(n_keys=Count("keys", filter=Q(keys__revoked_at__isnull=True)))
        )

    @admin.display(description=gettext_lazy("Scopes"))
    def scope_list(self, obj: IntegrationClient) -> str:
        labels = dict(IntegrationClient.Scope.choices)
        return "、".join(str(labels[scope]) for scope in obj.scopes) or "—"

    @admin.display(description=gettext_lazy("Keys in use"), ordering="n_keys")
    def usable_keys(self, obj: IntegrationClient) -> int:
        return getattr(obj, "n_keys", 0)

    @admin.display(description=gettext_lazy("Webhook"), boolean=True)
    def webhook(self, obj: IntegrationClient) -> bool:
        return bool(obj.webhook_url and obj.webhook_secret)

    def _one(self, request: HttpRequest, queryset: QuerySet[IntegrationClient]) -> Any:
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one integration client."), messages.ERROR)
            return None
        return queryset.get()

    @admin.action(description=gettext_lazy("Issue a new key (shown once)"))
    def issue_key(self, request: HttpRequest, queryset: QuerySet[IntegrationClient]) -> Any:
        client = self._one(request, queryset)
        if client is None:
            return None
        try:
            issued = api_key_issue(client=client, actor=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        return _issued_page(request, client, issued.secret)

    @admin.action(description=gettext_lazy("Rotate keys: issue a new key and revoke the old ones"))
    def rotate_keys(self, request: HttpRequest, queryset: QuerySet[IntegrationClient]) -> Any:
        client = self._one(request, queryset)
        if client is None:
            return None
        try:
            issued = api_key_rotate(client=client, actor=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        return _issued_page(request, client, issued.secret)

    @admin.action(
        description=gettext_lazy("Set a new webhook signing secret (shown once)"),
        permissions=["change"],
    )
    def rotate_webhook_secret(
        self, request: HttpRequest, queryset: QuerySet[IntegrationClient]
    ) -> Any:
        client = self._one(request, queryset)
        if client is None:
            return None
        secret = webhook_secret_rotate(client=client, actor=request.user)
        return TemplateResponse(
            request,
            "admin/units/webhook_secret.html",
            {
                **admin.site.each_context(request),
                "title": _("Webhook signing secret set"),
                "client": client,
                "secret": secret,
            },
        )


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "client", "created_at", "created_by", "last_used_at", "revoked_at"]
    list_filter = ["client"]
    list_select_related = ["client", "created_by"]
    search_fields = ["prefix", "client__name"]
    actions = ["revoke"]
    exclude = ["digest"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The revoke action needs change permission; the form itself stays read-only.
        return obj is None and bool(request.user.has_perm("units.change_apikey"))

    @admin.action(description=gettext_lazy("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        done = 0
        for key in queryset.filter(revoked_at__isnull=True):
            api_key_revoke(key=key, actor=request.user)
            done += 1
        self.message_user(request, _("%(n)d keys revoked.") % {"n": done}, messages.SUCCESS)


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnlyAdmin):
    list_display = ["at", "client", "user", "method", "endpoint", "status", "duration_ms"]
    list_filter = ["client", "status", "method"]
    list_select_related = ["client", "user"]
    search_fields = ["endpoint", "client__name"]
    date_hierarchy = "at"
    show_full_result_count = False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "event_id",
        "client",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "delivered_at",
        "last_status",
        "last_error",
    ]
    list_filter = ["status", "client"]
    list_select_related = ["client"]
    search_fields = ["=event_id", "client__name"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["resend"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The resend action needs change permission; the form itself stays read-only.
        return obj is None and bool(request.user.has_perm("units.change_webhookdelivery"))

    @admin.action(
        description=gettext_lazy("Send the selected events again (fresh retry schedule)"),
        permissions=["change"],
    )
    def resend(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = webhook_delivery_resend(
            deliveries=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        self.message_user(
            request,
            _("%(n)d events will be sent again within a minute.") % {"n": count},
            messages.SUCCESS,
        )
