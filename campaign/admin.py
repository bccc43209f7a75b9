"""Admin: the problem catalogue and phase/deliverable dates are edited here; stateful
records are read-only (their changes go through the pages and campaign.services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from campaign import selectors
from campaign.models import (
    AccountabilityAction,
    Campaign,
    Circular,
    CircularCadre,
    CircularMention,
    Deliverable,
    ExtensionRequest,
    Finding,
    Inspection,
    Phase,
    ProblemCategory,
    ProgressUpdate,
    RectificationItem,
    RectificationTransition,
    Submission,
)
from units.admin_base import ReadOnlyAdmin, ReadOnlyInline


@admin.register(ProblemCategory)
class ProblemCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "parent", "source", "is_active")
    list_filter = ("is_active", "source")
    search_fields = ("code", "name", "name_en")
    list_select_related = ("parent",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # items refer to categories: retire them with "in use" instead


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class DeliverableInline(admin.TabularInline):
    model = Deliverable
    extra = 0
    fields = ("kind", "title", "phase", "due_date", "description")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "scope", "status", "start_date", "end_date")
    list_filter = ("status", "year")
    readonly_fields = ("status", "template", "scope", "created_by")
    inlines = [PhaseInline, DeliverableInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # new campaigns come from a template on the campaign page

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TransitionInline(ReadOnlyInline):
    model = RectificationTransition
    extra = 0
    fields = ("created_at", "actor", "from_status", "to_status", "comment")
    readonly_fields = fields


class ProgressInline(ReadOnlyInline):
    model = ProgressUpdate
    extra = 0
    fields = ("created_at", "author", "text", "attachment", "is_closure_evidence")
    readonly_fields = fields


class ExtensionInline(ReadOnlyInline):
    model = ExtensionRequest
    extra = 0
    fields = (
        "created_at",
        "old_deadline",
        "requested_deadline",
        "reason",
        "status",
        "decision_note",
    )
    readonly_fields = fields


@admin.register(RectificationItem)
class RectificationItemAdmin(ReadOnlyAdmin):
    list_display = ("pk", "unit", "problem", "level", "source", "deadline", "status")
    list_filter = ("status", "level", "list_kind", "source", "campaign")
    search_fields = ("problem", "unit__name", "unit__code")
    list_select_related = ("unit",)
    inlines = [ProgressInline, ExtensionInline, TransitionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RectificationItem]:
        # The admin shows what the pages show: the user's jurisdiction.
        return super().get_queryset(request) & selectors.items_visible_to(user=request.user)


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("deliverable", "unit", "status", "submitted_at")
    list_filter = ("status", "deliverable__campaign")
    list_select_related = ("deliverable", "unit")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Submission]:
        # The admin shows what the pages show: the user's jurisdiction.
        return super().get_queryset(request) & selectors.submissions_visible_to(user=request.user)


class FindingInline(ReadOnlyInline):
    model = Finding
    extra = 0


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ("date", "kind", "team", "campaign")
    list_filter = ("kind", "campaign")
    inlines = [FindingInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Inspection]:
        # The admin shows what the pages show: the user's jurisdiction.
        return super().get_queryset(request) & selectors.inspections_visible_to(user=request.user)


class MentionInline(ReadOnlyInline):
    model = CircularMention
    extra = 0


class CircularCadreInline(ReadOnlyInline):
    """The cadres a circular names, praised or criticised (shown on their 作风档案)."""

    model = CircularCadre
    extra = 0
    fields = ("person", "tone")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[CircularCadre]:
        return super().get_queryset(request).select_related("person")


@admin.register(Circular)
class CircularAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "number", "title", "kind", "status", "published_at", "is_public")
    list_filter = ("kind", "status", "campaign")
    inlines = [MentionInline, CircularCadreInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Circular]:
        # The admin shows what the pages show: the user's jurisdiction.
        return super().get_queryset(request) & selectors.circulars_visible_to(user=request.user)


@admin.register(AccountabilityAction)
class AccountabilityActionAdmin(ReadOnlyAdmin):
    list_display = ["date", "kind", "unit", "person", "document_number"]
    list_filter = ["kind"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AccountabilityAction]:
        # The admin shows what the pages show: the user's jurisdiction.
        return super().get_queryset(request) & selectors.accountability_visible_to(
            user=request.user
        )


# The people and follow-through records (述职, 回头看, 察访, 为民办实事): a module of their own.
from campaign import admin_people  # noqa: E402, F401
