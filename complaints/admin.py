"""Admin: categories and their time limits are edited here; cases only read (services own writes)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from complaints.models import Complaint, ComplaintCategory, IdentityReveal
from complaints.selectors import complaints_visible_to, identity_reveals
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Complaint]:
        # The admin shows what the pages show: the cases of the user's jurisdiction.
        return super().get_queryset(request) & complaints_visible_to(user=request.user)


@admin.register(IdentityReveal)
class IdentityRevealAdmin(ReadOnlyAdmin):
    list_display = ["revealed_at", "user", "complaint", "reason"]
    list_select_related = ["user", "complaint"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[IdentityReveal]:
        return super().get_queryset(request) & identity_reveals(user=request.user)
