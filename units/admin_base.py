"""What every app's admin shares."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from units.audit import audit_records_in_the_way


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the system or moved only through services: looked at, never edited."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """An inline as read-only as ReadOnlyAdmin (its very permission checks)."""

    extra = 0
    has_add_permission = ReadOnlyAdmin.has_add_permission
    has_change_permission = ReadOnlyAdmin.has_change_permission
    has_delete_permission = ReadOnlyAdmin.has_delete_permission


class KeepsAuditTrail:
    """For an admin whose objects audit records point at: deleting one that would delete or
    blank audit records (transition records, history, the security log …) is refused on
    the confirmation page, as Django refuses protected objects, instead of failing on the
    database's append-only trigger."""

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)  # type: ignore[misc]
        return deleted, counts, perms_needed, [*protected, *audit_records_in_the_way(objs)]
