"""Admin: categories and their time limits are edited here; cases only read (services own writes)."""

from __future__ import annotations

from django.contrib import admin

from complaints.models import Complaint, ComplaintCategory, IdentityReveal
from units.admin_base import ReadOnlyAdmin


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "accept_days",
        "handle_days",
        "urgent_days",
        "default_unit",
        "is_active",
        "sort_order",
    ]
    list_editable = ["accept_days", "handle_days", "urgent_days", "is_active", "sort_order"]
    autocomplete_fields = ["default_unit"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    """Read-only: every move goes through the complaint pages and their services."""

    list_display = ["number", "title", "channel", "status", "unit", "deadline", "supervision"]
    list_filter = ["status", "channel", "supervision", "category"]
    search_fields = ["number", "title"]
    # Identity never appears in the admin: it is read through the logged reveal only.
    exclude = ["identity_token", "tracking_code"]


@admin.register(IdentityReveal)
class IdentityRevealAdmin(ReadOnlyAdmin):
    list_display = ["revealed_at", "user", "complaint", "reason"]
    list_select_related = ["user", "complaint"]
