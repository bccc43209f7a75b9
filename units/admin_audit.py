"""The security log and the audit archives in the admin: read by the county's inspection
staff (view permission, granted to 纪检监察人员 by units' migration 0011), never changed,
and the security log exported to Excel for an inspection or an investigation."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy
from import_export.admin import ExportMixin
from import_export.fields import Field
from import_export.formats.base_formats import CSV
from import_export.forms import ExportForm
from import_export.widgets import DateTimeWidget

from units.admin_base import ReadOnlyAdmin
from units.admin_export import ReadableExportMixin, ReadableXLSX
from units.models import AuditArchive, SecurityEvent
from units.resources import ZuofengResource


def _account(event: SecurityEvent) -> str:
    """王纪检（officer）: the name first, as the office knows its people."""
    user = event.user
    if user is None:
        return ""
    name = user.get_full_name()
    return f"{name}（{user.get_username()}）" if name else user.get_username()


class SecurityEventResource(ZuofengResource):
    """Export only; cells that look like formulas are neutralised (a username is typed by
    whoever tries to sign in)."""

    at = Field(attribute="at", column_name="时间", widget=DateTimeWidget("%Y-%m-%d %H:%M:%S"))
    kind = Field(attribute="kind", column_name="事件")
    account = Field(column_name="账号")
    username = Field(attribute="username", column_name="登录名（所输入）")
    ip = Field(attribute="ip", column_name="IP地址")
    path = Field(attribute="path", column_name="访问地址")
    detail = Field(attribute="detail", column_name="详情")

    class Meta(ZuofengResource.Meta):
        model = SecurityEvent
        fields = ("at", "kind", "account", "username", "ip", "path", "detail")
        export_order = fields

    def dehydrate_kind(self, event: SecurityEvent) -> str:
        return str(event.get_kind_display())

    def dehydrate_account(self, event: SecurityEvent) -> str:
        return _account(event)


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadableExportMixin, ExportMixin, ReadOnlyAdmin):
    resource_classes = [SecurityEventResource]
    export_formats = [ReadableXLSX, CSV]
    to_encoding = "utf-8-sig"  # Excel reads a CSV as UTF-8 only when it starts with a BOM
    export_form_class = ExportForm
    list_display = ["at", "kind", "username", "account", "ip", "path", "short_detail"]
    list_filter = ["kind", ("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["username", "ip"]
    date_hierarchy = "at"
    show_full_result_count = False

    def get_export_resource_kwargs(self, request: Any, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_queryset(self, request: Any) -> Any:
        return super().get_export_queryset(request).select_related("user")

    @admin.display(description=gettext_lazy("Account"), ordering="user__username")
    def account(self, event: SecurityEvent) -> str:
        return _account(event)

    @admin.display(description=gettext_lazy("Detail"))
    def short_detail(self, event: SecurityEvent) -> str:
        return event.detail if len(event.detail) <= 80 else event.detail[:79] + "…"


@admin.register(AuditArchive)
class AuditArchiveAdmin(ReadOnlyAdmin):
    list_display = ["archived_at", "table", "rows", "through_seq", "before", "file"]
    list_filter = ["table"]
    date_hierarchy = "archived_at"
    readonly_fields = ["file_sha256", "chain"]
