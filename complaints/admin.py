"""Admin: categories and their time limits are edited here; cases only read (services own writes)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from complaints.models import (
    Complaint,
    ComplaintCategory,
    IdentityRequest,
    IdentityRequestTransition,
    IdentityReveal,
)
from complaints.selectors import complaints_visible_to, identity_requests_logged, identity_reveals
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
    # Named: combined with the scoping queryset, the automatic join is lost (a query a row).
    list_select_related = ["unit"]
    # Identity never appears in the admin: it is read through the logged reveal only.
    exclude = ["identity_token", "tracking_hash"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Complaint]:
        # The admin shows what the pages show: the cases of the user's jurisdiction.
        return super().get_queryset(request) & complaints_visible_to(user=request.user)


@admin.register(IdentityReveal)
class IdentityRevealAdmin(ReadOnlyAdmin):
    """Every view of an identity, with the request it was made on and who approved it."""

    list_display = ["revealed_at", "viewer", "complaint", "reason", "approved_by"]
    list_select_related = ["user", "complaint", "request__decided_by"]
    list_filter = ["revealed_at"]
    search_fields = ["complaint__number", "user__username", "user__first_name"]
    fields = ["revealed_at", "viewer", "complaint", "reason", "request", "approved_by"]
    readonly_fields = fields  # type: ignore[assignment]  # all shown, none edited

    def get_queryset(self, request: HttpRequest) -> QuerySet[IdentityReveal]:
        return super().get_queryset(request) & identity_reveals(user=request.user)

    @admin.display(description=_("Viewed by"), ordering="user__first_name")
    def viewer(self, obj: IdentityReveal) -> str:
        return person_name(obj.user)

    @admin.display(description=_("Approved by"))
    def approved_by(self, obj: IdentityReveal) -> str:
        if obj.request is None:
            return str(_("No approval required"))
        return person_name(obj.request.decided_by)


def person_name(user: Any) -> str:
    """The name an office knows a colleague by (the login when no name is set)."""
    if user is None:
        return "—"
    return str(user.get_full_name() or user.get_username())


class IdentityRequestTransitionInline(admin.TabularInline):
    model = IdentityRequestTransition
    fields = ["created_at", "actor_name", "from_status", "to_status", "comment"]
    readonly_fields = fields  # type: ignore[assignment]  # all shown, none edited
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("Actor"))
    def actor_name(self, obj: IdentityRequestTransition) -> str:
        return person_name(obj.actor)


class IdentityRevealInline(admin.TabularInline):
    model = IdentityReveal
    fields = ["revealed_at", "viewer", "reason"]
    readonly_fields = fields  # type: ignore[assignment]  # all shown, none edited
    extra = 0
    can_delete = False
    verbose_name_plural = _("Views of an identity")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("Viewed by"))
    def viewer(self, obj: IdentityReveal) -> str:
        return person_name(obj.user)


@admin.register(IdentityRequest)
class IdentityRequestAdmin(ReadOnlyAdmin):
    """Asker, reason, approver, times, expiry and every view; decided on the requests page."""

    list_display = [
        "requested_at",
        "complaint",
        "asker",
        "reason",
        "state",
        "approver",
        "decided_at",
        "expires_at",
        "views",
    ]
    list_filter = ["status", "requested_at"]
    search_fields = ["complaint__number", "requested_by__username", "requested_by__first_name"]
    fields = [
        "complaint",
        "asker",
        "reason",
        "requested_at",
        "state",
        "approver",
        "decided_at",
        "decision_comment",
        "expires_at",
    ]
    readonly_fields = fields  # type: ignore[assignment]  # all shown, none edited
    inlines = [IdentityRequestTransitionInline, IdentityRevealInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[IdentityRequest]:
        return identity_requests_logged(user=request.user)

    @admin.display(description=_("Requested by"), ordering="requested_by__first_name")
    def asker(self, obj: IdentityRequest) -> str:
        return person_name(obj.requested_by)

    @admin.display(description=_("Decided by"), ordering="decided_by__first_name")
    def approver(self, obj: IdentityRequest) -> str:
        return person_name(obj.decided_by)

    @admin.display(description=_("Status"), ordering="status")
    def state(self, obj: IdentityRequest) -> str:
        return obj.state_label

    @admin.display(description=_("Views"), ordering="view_count")
    def views(self, obj: IdentityRequest) -> int:
        return int(getattr(obj, "view_count", 0))


# Serving the public (service commitments, reception days): a module of their own.
from complaints import admin_service  # noqa: E402, F401
