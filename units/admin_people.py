"""Admin: the supervisors' roster (特邀监督员、效能监督员、察访员) and the cadres' flags, read-only.

A supervisor is appointed and changed through units.supervisors (`supervisor_appoint`,
`supervisor_update`), which creates their account in the 监督员 role and keeps the units
they watch within the officer's jurisdiction: the roster page does it, never the admin.
The list shows the roster the user keeps (`Supervisor.objects.visible_to`).

A flag (当年不评优、一年内不提拔; 一年内不新提拔干部) is set by publishing results or by an
officer on the cadre's record, and lifted there, each through units.cadres' services with its
history: read-only here too, scoped as the records are (`cadres_visible_to`).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from units.admin_base import ReadOnlyAdmin
from units.cadres import cadres_visible_to
from units.models import CadreFlag, Supervisor, Unit


@admin.register(Supervisor)
class SupervisorAdmin(ReadOnlyAdmin):
    list_display = ("name", "category", "standing", "term_start", "term_end", "jurisdiction")
    list_filter = ("category", "standing")
    search_fields = ("name", "workplace")
    list_select_related = ("jurisdiction",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Supervisor]:
        return super().get_queryset(request) & Supervisor.objects.visible_to(request.user)


@admin.register(CadreFlag)
class CadreFlagAdmin(ReadOnlyAdmin):
    list_display = ("kind", "person", "unit", "start_date", "end_date", "source")
    list_filter = ("kind", "source")
    search_fields = ("person__name", "unit__name", "unit__code")
    list_select_related = ("person", "unit")

    def get_queryset(self, request: HttpRequest) -> QuerySet[CadreFlag]:
        user = request.user
        return (
            super()
            .get_queryset(request)
            .filter(
                Q(person__in=cadres_visible_to(user=user))
                | Q(person__isnull=True, unit__in=Unit.objects.visible_to(user))
            )
        )
