"""Admin for the people and follow-through records (issues 17, 18): 述职, 回头看, 察访
reports and 为民办实事 projects.

All read-only, as the campaign's other stateful records (campaign/admin.py): each is written
and moved through campaign.services from its pages (述职 by the cadre, a re-check's verdicts,
a report's decision, a project's submission, publication and progress), never here. Each
list shows what the pages show the user (the model's one `visible_to` selector).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from campaign.models import (
    DutyReport,
    MilestoneProgress,
    MilestoneTransition,
    PeopleProject,
    ProjectMilestone,
    ProjectTransition,
    Recheck,
    RecheckEntry,
    RecheckEntryTransition,
    SupervisorReport,
    SupervisorReportTransition,
)
from campaign.project_selectors import (
    milestones_visible_to,
    projects_visible_to,
)
from campaign.recheck_selectors import recheck_entries_visible_to, rechecks_visible_to
from campaign.supervisor_reports import supervisor_reports_visible_to
from units.admin_base import ReadOnlyAdmin, ReadOnlyInline
from units.cadres import cadres_visible_to

TRANSITION_FIELDS = ("created_at", "actor", "from_status", "to_status", "comment")


class TransitionInline(ReadOnlyInline):
    """A stateful record's transitions (units.models.records.TransitionRecord)."""

    fields = TRANSITION_FIELDS
    readonly_fields = TRANSITION_FIELDS

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("actor")


@admin.register(DutyReport)
class DutyReportAdmin(ReadOnlyAdmin):
    list_display = ("person", "unit", "role", "deliverable", "submitted_at", "is_late")
    list_filter = ("role", "deliverable__campaign")
    search_fields = ("person__name", "unit__name", "unit__code")
    list_select_related = ("person", "unit", "deliverable")
    date_hierarchy = "submitted_at"

    @admin.display(boolean=True, description=_("Late"))
    def is_late(self, obj: DutyReport) -> bool:
        return obj.is_late

    def get_queryset(self, request: HttpRequest) -> QuerySet[DutyReport]:
        # Whose record the user may open (the cadre's record page's own scoping).
        return (
            super()
            .get_queryset(request)
            .filter(person__in=cadres_visible_to(user=request.user))
            .select_related("deliverable__campaign")
        )


class RecheckEntryInline(ReadOnlyInline):
    model = RecheckEntry
    fields = ("item", "status", "note", "new_deadline", "decided_by", "decided_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[RecheckEntry]:
        # Only the entries whose item the user sees (individual-level items to insiders).
        visible = super().get_queryset(request) & recheck_entries_visible_to(user=request.user)
        return visible.select_related("item__unit", "decided_by")


@admin.register(Recheck)
class RecheckAdmin(ReadOnlyAdmin):
    list_display = ("pk", "campaign", "scope", "sample_size", "population", "opened_at")
    list_filter = ("scope", "campaign")
    list_select_related = ("campaign",)
    inlines = [RecheckEntryInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Recheck]:
        return super().get_queryset(request) & rechecks_visible_to(user=request.user)


class RecheckEntryTransitionInline(TransitionInline):
    model = RecheckEntryTransition


@admin.register(RecheckEntry)
class RecheckEntryAdmin(ReadOnlyAdmin):
    list_display = ("pk", "recheck", "item", "status", "new_deadline", "decided_at")
    list_filter = ("status", "recheck__campaign")
    list_select_related = ("recheck__campaign", "item__unit")
    inlines = [RecheckEntryTransitionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RecheckEntry]:
        return super().get_queryset(request) & recheck_entries_visible_to(user=request.user)


class SupervisorReportTransitionInline(TransitionInline):
    model = SupervisorReportTransition


@admin.register(SupervisorReport)
class SupervisorReportAdmin(ReadOnlyAdmin):
    list_display = ("date", "supervisor", "unit", "verdict", "status", "decided_at")
    list_filter = ("status", "verdict")
    search_fields = ("supervisor__name", "unit__name", "place")
    list_select_related = ("supervisor", "unit")
    inlines = [SupervisorReportTransitionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SupervisorReport]:
        return super().get_queryset(request) & supervisor_reports_visible_to(user=request.user)


class MilestoneInline(ReadOnlyInline):
    model = ProjectMilestone
    fields = ("position", "description", "due_date", "status", "done_on", "escalated_at")
    readonly_fields = fields


class ProjectTransitionInline(TransitionInline):
    model = ProjectTransition


@admin.register(PeopleProject)
class PeopleProjectAdmin(ReadOnlyAdmin):
    list_display = ("title", "unit", "year", "responsible_name", "status", "published_at")
    list_filter = ("status", "year", "is_public")
    search_fields = ("title", "unit__name", "unit__code", "responsible_name")
    list_select_related = ("unit",)
    inlines = [MilestoneInline, ProjectTransitionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PeopleProject]:
        return super().get_queryset(request) & projects_visible_to(user=request.user)


class ProgressInline(ReadOnlyInline):
    model = MilestoneProgress
    fields = ("created_at", "author", "text", "attachment", "marks_done")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[MilestoneProgress]:
        return super().get_queryset(request).select_related("author")


class MilestoneTransitionInline(TransitionInline):
    model = MilestoneTransition


@admin.register(ProjectMilestone)
class ProjectMilestoneAdmin(ReadOnlyAdmin):
    list_display = ("description", "project", "due_date", "status", "done_on", "escalated_at")
    list_filter = ("status",)
    search_fields = ("description", "project__title")
    list_select_related = ("project",)
    inlines = [ProgressInline, MilestoneTransitionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProjectMilestone]:
        return super().get_queryset(request) & milestones_visible_to(user=request.user)
