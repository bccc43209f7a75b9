"""Admin for serving the public (issue 18): service commitments and reception days.

Read-only: a commitment moves draft → published ⇄ withdrawn only through
complaints.services.commitments (with its record), and a reception day is scheduled and
changed through the same module's services from the officers' pages (a visit received is a
complaint of channel 来访, recorded there too). Each list shows what the pages show the user.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from complaints.models import ReceptionDay, ServiceCommitment, ServiceCommitmentTransition
from complaints.selectors_service import commitments_visible_to, reception_days_visible_to
from units.admin_base import ReadOnlyAdmin

TRANSITION_FIELDS = ("created_at", "actor", "from_status", "to_status", "comment")


class CommitmentTransitionInline(admin.TabularInline):
    model = ServiceCommitmentTransition
    extra = 0
    fields = TRANSITION_FIELDS
    readonly_fields = TRANSITION_FIELDS
    has_add_permission = ReadOnlyAdmin.has_add_permission
    has_change_permission = ReadOnlyAdmin.has_change_permission
    has_delete_permission = ReadOnlyAdmin.has_delete_permission

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceCommitmentTransition]:
        return super().get_queryset(request).select_related("actor")


@admin.register(ServiceCommitment)
class ServiceCommitmentAdmin(ReadOnlyAdmin):
    list_display = (
        "service",
        "unit",
        "window",
        "time_limit_days",
        "first_responsible",
        "status",
        "published_at",
    )
    list_filter = ("status",)
    search_fields = ("service", "window", "unit__name", "unit__code")
    list_select_related = ("unit",)
    inlines = [CommitmentTransitionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceCommitment]:
        return super().get_queryset(request) & commitments_visible_to(user=request.user)


@admin.register(ReceptionDay)
class ReceptionDayAdmin(ReadOnlyAdmin):
    list_display = ("date", "starts_at", "ends_at", "leader_name", "leader_post", "unit", "place")
    search_fields = ("leader_name", "place", "topic")
    list_select_related = ("unit",)
    date_hierarchy = "date"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReceptionDay]:
        return super().get_queryset(request) & reception_days_visible_to(user=request.user)
