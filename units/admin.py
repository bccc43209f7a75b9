"""The organisation in Django's admin: registration, display, and writes through services.

Unit, Person and Responsibility are written only by units.services (STYLE rule 7), through
units.admin_writes (a refusal comes back as a form error on the page the user filled in).
Lists are scoped to the units the user may see, like every other list in Zuofeng.
"""

from __future__ import annotations

from typing import Any, cast

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from units import (
    admin_audit,  # noqa: F401 (registers the security log and the audit archives)
    admin_integration,  # noqa: F401 (registers the API's integration clients, keys, calls)
    admin_people,  # noqa: F401 (registers the supervisors' roster and the cadres' flags)
    admin_users,  # noqa: F401 (registers the login accounts' pages)
    roles,
    services,
)
from units.admin_base import ReadOnlyAdmin
from units.admin_export import StagedImportStorage
from units.admin_writes import ImportExportBase, ScopedHistoryMixin, ServiceWriteMixin
from units.models import (
    AssessmentGroup,
    CalendarOverride,
    Digest,
    JobRun,
    LeadingGroup,
    LeadingGroupMember,
    Notification,
    Person,
    Responsibility,
    Unit,
    UnitTransition,
)
from units.resources import (
    PersonResource,
    ResponsibilityResource,
    UnitResource,
    sees_all_units,
    visible_people,
    visible_units,
)
from units.selectors import unit_scope_q
from units.transitions import InvalidTransition

# --- Units --------------------------------------------------------------------------------

_UNIT_DESCRIPTIVE = ("name", "short_name", "kind", "group", "sort_order")


class UnitAdminForm(forms.ModelForm):
    parent = forms.ModelChoiceField(
        label=gettext_lazy("Parent unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "Leave empty for a top-level unit. Changing the parent moves the unit together with its sub-units."
        ),
    )
    scope_user: Any = None  # set per request by UnitAdmin.get_form

    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "kind", "parent", "group", "sort_order"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        parent_field = cast(forms.ModelChoiceField, self.fields["parent"])
        choices = visible_units(self.scope_user).active()
        if instance._state.adding:
            if not sees_all_units(self.scope_user):
                parent_field.required = True
                parent_field.help_text = _(
                    "You can only add units under units in your jurisdiction."
                )
        elif instance.path:  # a historical version has no path
            choices = choices.exclude(path__startswith=instance.path)
            current_parent = Unit.objects.get_parent(instance)
            if current_parent is not None:
                # Kept even when outside the user's scope, so that saving leaves it alone.
                choices = choices | Unit.objects.filter(pk=current_parent.pk)
                self.initial.setdefault("parent", current_parent.pk)
        parent_field.queryset = choices


@admin.register(Unit)
class UnitAdmin(ServiceWriteMixin, ScopedHistoryMixin, ImportExportBase, SimpleHistoryAdmin):
    form = UnitAdminForm
    resource_classes = [UnitResource]
    export_title = "单位名录"  # the title row of the exported workbook (a file format)
    tmp_storage_class = StagedImportStorage  # uploads awaiting confirmation: swept daily
    list_display = ["tree_name", "code", "kind", "group", "status", "sort_order"]
    list_display_links = ["tree_name", "code"]
    list_filter = ["kind", "status", "group"]
    list_select_related = ["group"]
    search_fields = ["code", "name", "short_name"]
    ordering = ["path"]
    list_per_page = 200
    actions = ["archive_units", "restore_units"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Unit]:
        return Unit.objects.visible_to(request.user).select_related("group")

    def get_readonly_fields(self, request: HttpRequest, obj: Unit | None = None) -> list[str]:
        # The code is the unit's identity in every import; status moves by the actions.
        return ["code", "status", "created_at", "updated_at"] if obj else []

    def get_form(
        self, request: HttpRequest, obj: Unit | None = None, change: bool = False, **kwargs: Any
    ):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        return type(form_class.__name__, (form_class,), {"scope_user": request.user})

    def has_delete_permission(self, request: HttpRequest, obj: Unit | None = None) -> bool:
        return False  # units are archived (撤销), never deleted: their history must stay

    @admin.display(description=gettext_lazy("Unit name"), ordering="path")
    def tree_name(self, unit: Unit) -> str:
        return format_html(
            '<span style="padding-left:{}em">{}{}</span>',
            (unit.depth - 1) * 1.5,
            "└ " if unit.depth > 1 else "",
            unit.name,
        )

    def write(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> Unit:
        data = form.cleaned_data
        if not change:
            return services.unit_create(
                code=data["code"],
                name=data["name"],
                kind=data["kind"],
                parent=data.get("parent"),
                short_name=data.get("short_name", ""),
                group=data.get("group"),
                sort_order=data.get("sort_order") or 0,
                actor=request.user,
            )
        unit: Unit = obj
        changes = {name: data[name] for name in _UNIT_DESCRIPTIVE if name in form.changed_data}
        if changes:
            unit = services.unit_update(unit=obj, actor=request.user, **changes)
        if "parent" in form.changed_data:
            if data.get("parent") is None:
                raise ValidationError(
                    {"parent": _("An existing unit cannot be made a top-level unit.")}
                )
            unit = services.unit_move(unit=obj, new_parent=data["parent"], actor=request.user)
        return unit

    @admin.action(description=gettext_lazy("Archive unit"), permissions=["change"])
    def archive_units(self, request: HttpRequest, queryset: models.QuerySet[Unit]) -> None:
        # Deepest first: a unit can be archived only once its children are.
        self._each(request, queryset.order_by("-path"), services.unit_archive, _("Archived"))

    @admin.action(description=gettext_lazy("Restore unit"), permissions=["change"])
    def restore_units(self, request: HttpRequest, queryset: models.QuerySet[Unit]) -> None:
        # Parents first: a unit can be restored only under an active parent.
        self._each(request, queryset.order_by("path"), services.unit_restore, _("Restored"))

    def _each(self, request: HttpRequest, units: Any, service: Any, done_label: str) -> None:
        done: list[str] = []
        for unit in units:
            try:
                service(unit=unit, actor=request.user)
            except (ValidationError, InvalidTransition) as error:
                text = (
                    "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
                )
                self.message_user(request, f"{unit.name}：{text}", level=messages.ERROR)
            else:
                done.append(unit.name)
        if done:
            self.message_user(request, f"{done_label}：{'、'.join(done)}", level=messages.SUCCESS)


@admin.register(AssessmentGroup)
class AssessmentGroupAdmin(admin.ModelAdmin):
    # Reference data without rules of its own: units.services has no writes for it.
    list_display = ["name", "sort_order", "unit_count"]
    search_fields = ["name"]
    ordering = ["sort_order", "name"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[AssessmentGroup]:
        return super().get_queryset(request).annotate(unit_count=Count("units"))

    @admin.display(description=gettext_lazy("Units count"), ordering="unit_count")
    def unit_count(self, group: AssessmentGroup) -> int:
        return group.unit_count  # type: ignore[attr-defined]


# --- People and responsibilities ----------------------------------------------------------

_PERSON_FIELDS = ("name", "title", "phone", "email", "unit", "user", "is_active")


@admin.register(Person)
class PersonAdmin(ServiceWriteMixin, ScopedHistoryMixin, ImportExportBase, SimpleHistoryAdmin):
    resource_classes = [PersonResource]
    export_title = "干部名册"
    tmp_storage_class = StagedImportStorage
    list_display = ["name", "title", "phone", "unit", "user", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["unit", "user"]
    search_fields = ["name", "phone", "unit__name", "unit__code"]
    autocomplete_fields = ["unit", "user"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Person]:
        return visible_people(request.user).select_related("unit", "user")

    def get_fields(self, request: HttpRequest, obj: Person | None = None) -> list[str]:
        # person_create takes no 在职 flag: a new person is in post.
        fields = list(_PERSON_FIELDS)
        return fields if obj else [name for name in fields if name != "is_active"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        if db_field.name == "unit":
            kwargs["queryset"] = visible_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Person | None = None) -> bool:
        return False  # no service deletes people: mark them 不在职 instead

    def write(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> Person:
        data = form.cleaned_data
        if not change:
            return services.person_create(
                name=data["name"],
                title=data.get("title", ""),
                phone=data.get("phone", ""),
                email=data.get("email", ""),
                unit=data.get("unit"),
                user=data.get("user"),
                actor=request.user,
            )
        changes = {name: data[name] for name in _PERSON_FIELDS if name in form.changed_data}
        if not changes:
            return obj
        return services.person_update(person=obj, actor=request.user, **changes)


@admin.register(Responsibility)
class ResponsibilityAdmin(
    ServiceWriteMixin, ScopedHistoryMixin, ImportExportBase, SimpleHistoryAdmin
):
    resource_classes = [ResponsibilityResource]
    export_title = "责任分工表"
    tmp_storage_class = StagedImportStorage
    list_display = ["unit", "role", "person", "start_date", "end_date", "note"]
    list_filter = ["role", "end_date"]
    list_select_related = ["unit", "person"]
    search_fields = ["person__name", "person__phone", "unit__name", "unit__code"]
    autocomplete_fields = ["person", "unit"]
    date_hierarchy = "start_date"
    actions = ["end_today"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Responsibility]:
        return Responsibility.objects.filter(
            unit_scope_q(user=request.user, prefix="unit__")
        ).select_related("unit", "person")

    def get_readonly_fields(
        self, request: HttpRequest, obj: Responsibility | None = None
    ) -> list[str]:
        # A responsibility can only be ended (responsibility_end); anything else is a new one.
        if obj:
            return ["person", "unit", "role", "start_date", "note", "created_at"]
        return []

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        if db_field.name == "unit":
            kwargs["queryset"] = visible_units(request.user).active()
        elif db_field.name == "person":
            kwargs["queryset"] = visible_people(request.user).filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(
        self, request: HttpRequest, obj: Responsibility | None = None
    ) -> bool:
        return False  # ended, never deleted: who answered for what, when, is the record

    def write(
        self, request: HttpRequest, obj: Responsibility, form: Any, change: bool
    ) -> Responsibility:
        data = form.cleaned_data
        if not change:
            return services.responsibility_assign(
                person=data["person"],
                unit=data["unit"],
                role=data["role"],
                start_date=data.get("start_date"),
                end_date=data.get("end_date"),
                note=data.get("note", ""),
                actor=request.user,
            )
        if "end_date" not in form.changed_data:
            return obj
        if data.get("end_date") is None:
            raise ValidationError({"end_date": _("Once set, the end date cannot be cleared.")})
        return services.responsibility_end(
            responsibility=obj, end_date=data["end_date"], actor=request.user
        )

    @admin.action(description=gettext_lazy("End responsibility (today)"), permissions=["change"])
    def end_today(self, request: HttpRequest, queryset: models.QuerySet[Responsibility]) -> None:
        ended = 0
        for responsibility in queryset:
            try:
                services.responsibility_end(responsibility=responsibility, actor=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{responsibility}：{'；'.join(error.messages)}", level=messages.ERROR
                )
            else:
                ended += 1
        if ended:
            self.message_user(
                request,
                _("Ended %(count)d responsibilities.") % {"count": ended},
                level=messages.SUCCESS,
            )


# --- Leading groups -----------------------------------------------------------------------


class LeadingGroupMemberInline(admin.TabularInline):
    model = LeadingGroupMember
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "position", "start_date", "end_date"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[LeadingGroupMember]:
        # The autocomplete widget shows each member's name: one join, not a query a row.
        return super().get_queryset(request).select_related("person", "leading_group")


@admin.register(LeadingGroup)
class LeadingGroupAdmin(admin.ModelAdmin):
    # Membership has no rules beyond its fields, and units.services has no writes for it.
    list_display = ["name", "kind", "parent", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [LeadingGroupMemberInline]


# --- Calendar, notifications, audit -------------------------------------------------------


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"
    ordering = ["-date"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    search_fields = ["title", "recipient__username"]
    date_hierarchy = "created_at"
    exclude = ["dedupe_key"]


def _schedule_label(task: Any) -> str:
    """A periodic task's timing in the officer's words (beat's own text is English only)."""
    if task.interval is not None:
        return str(task.interval)
    cron = task.crontab
    if cron is None:
        return "—"
    clock = (
        f"{int(cron.hour):02d}:{int(cron.minute):02d}"
        if cron.hour.isdigit() and cron.minute.isdigit()
        else f"{cron.hour} {cron.minute}"
    )
    weekdays = [
        gettext_lazy("Sunday"),
        gettext_lazy("Monday"),
        gettext_lazy("Tuesday"),
        gettext_lazy("Wednesday"),
        gettext_lazy("Thursday"),
        gettext_lazy("Friday"),
        gettext_lazy("Saturday"),
    ]
    if cron.day_of_week != "*":
        days = "、".join(
            str(weekdays[int(d) % 7]) for d in cron.day_of_week.split(",") if d.isdigit()
        )
        return _("Every %(days)s at %(time)s") % {"days": days, "time": clock}
    if cron.day_of_month != "*":
        if cron.month_of_year != "*":
            return _("On day %(day)s of months %(months)s at %(time)s") % {
                "day": cron.day_of_month,
                "months": cron.month_of_year.replace(",", "、"),
                "time": clock,
            }
        return _("On day %(day)s of every month at %(time)s") % {
            "day": cron.day_of_month,
            "time": clock,
        }
    return _("Every day at %(time)s") % {"time": clock}


def _job_titles(request: HttpRequest) -> dict[str, str]:
    """Job name → what the operations view calls it: the schedule's Chinese name for a
    periodic job, the registered title of a long task (units.jobs); one query a request."""
    from django_celery_beat.models import PeriodicTask

    from units.jobs import registered_job_titles

    titles: dict[str, str] | None = getattr(request, "_zf_job_titles", None)
    if titles is None:
        titles = registered_job_titles()
        for task, name in PeriodicTask.objects.values_list("task", "name"):
            # record_run names a job after its task without the ".tasks" module part.
            titles[task.replace(".tasks.", ".", 1)] = name
        request._zf_job_titles = titles  # type: ignore[attr-defined]
    return titles


class JobRunStateFilter(admin.SimpleListFilter):
    """By state as the page shows it: a run whose heartbeat stopped is interrupted."""

    title = gettext_lazy("Status")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return JobRun.Status.choices

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.in_state(self.value()) if self.value() else queryset


class JobRunJobFilter(admin.SimpleListFilter):
    title = gettext_lazy("Job")
    parameter_name = "job"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        titles = _job_titles(request)
        names = JobRun.objects.order_by("job").values_list("job", flat=True).distinct()
        return [(name, titles.get(name, name)) for name in names]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(job=self.value()) if self.value() else queryset


def _moment(when: Any) -> str:
    """A run's times, to the second and on one line (the full date on hover)."""
    from django.utils import timezone
    from django.utils.formats import date_format

    if when is None:
        return "—"
    local = timezone.localtime(when)
    shown = local.strftime(
        "%m-%d %H:%M:%S" if local.year == timezone.localdate().year else "%Y-%m-%d %H:%M"
    )
    return format_html(
        '<span style="white-space:nowrap" title="{}">{}</span>',
        date_format(local, "DATETIME_FORMAT"),
        shown,
    )


_STATE_STYLE = {
    JobRun.Status.RUNNING: "color:#1a7f37",
    JobRun.Status.FAILED: "color:#ba2121;font-weight:bold",
    JobRun.Status.INTERRUPTED: "color:#ba2121;font-weight:bold",
    JobRun.Status.SUPERSEDED: "color:#666",
}


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    """The operations view: every run of a periodic job or a long task (scoring), with its
    state (a run whose heartbeat stopped shows as interrupted at once), progress, object,
    start, end, last heartbeat and error; the scheduled jobs and the runs under way on top."""

    list_filter = [JobRunJobFilter, JobRunStateFilter]
    date_hierarchy = "started_at"
    search_fields = ["job", "subject_label", "error"]

    def get_list_display(self, request: HttpRequest) -> Any:
        titles = _job_titles(request)

        @admin.display(description=gettext_lazy("Job"), ordering="job")
        def job_name(run: JobRun) -> str:
            return format_html(
                '<span style="white-space:nowrap" title="{}">{}</span>',
                run.job,
                titles.get(run.job, run.job),
            )

        return [
            job_name,
            "state",
            "progress_display",
            "object_display",
            "started",
            "finished",
            "heartbeat",
            "items",
            "error_display",
        ]

    @admin.display(description=gettext_lazy("Status"), ordering="status")
    def state(self, run: JobRun) -> str:
        return format_html(
            '<span style="white-space:nowrap;{}">{}</span>',
            _STATE_STYLE.get(run.state, ""),
            run.get_state_display(),
        )

    @admin.display(description=gettext_lazy("Started at"), ordering="started_at")
    def started(self, run: JobRun) -> str:
        return _moment(run.started_at)

    @admin.display(description=gettext_lazy("Finished at"), ordering="finished_at")
    def finished(self, run: JobRun) -> str:
        return _moment(run.finished_at)

    @admin.display(description=gettext_lazy("Last heartbeat"), ordering="heartbeat_at")
    def heartbeat(self, run: JobRun) -> str:
        return _moment(run.heartbeat_at)

    @admin.display(description=pgettext_lazy("job run", "Progress"))
    def progress_display(self, run: JobRun) -> str:
        if run.state == JobRun.Status.SUCCEEDED:
            return "100%"
        if not run.progress and not run.step:
            return "—"
        return format_html(
            '<span style="display:inline-block;min-width:6em">{}</span>',
            f"{run.progress}%" + (f" · {run.step}" if run.step else ""),
        )

    @admin.display(description=pgettext_lazy("job run", "Object"), ordering="subject_label")
    def object_display(self, run: JobRun) -> str:
        if not run.subject_label:
            return "—"
        return format_html(
            '<span style="display:inline-block;min-width:10em">{}</span>', run.subject_label
        )

    @admin.display(description=gettext_lazy("Duration"))
    def duration(self, run: JobRun) -> str:
        return str(run.duration).split(".")[0] if run.duration else "—"

    @admin.display(description=gettext_lazy("Error"))
    def error_display(self, run: JobRun) -> str:
        from units.jobs import INTERRUPTED_ERROR

        if run.state == JobRun.Status.INTERRUPTED and not run.error:  # not swept yet
            return str(INTERRUPTED_ERROR)
        return (run.error[:200] + "…") if len(run.error) > 200 else run.error

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        """Above the runs: each scheduled job with its timing and its last run, and the runs
        marked running (live or interrupted) with their progress (three queries)."""
        from django.db.models import Max
        from django_celery_beat.models import PeriodicTask

        titles = _job_titles(request)
        last_ids = JobRun.objects.values("job").annotate(last=Max("pk")).values("last")
        last_runs = {run.job: run for run in JobRun.objects.filter(pk__in=last_ids)}
        jobs = [
            {
                "task": task,
                # record_run names a job after its task without the ".tasks" module part.
                "last_run": last_runs.get(task.task.replace(".tasks.", ".", 1)),
                "when": _schedule_label(task),
            }
            for task in PeriodicTask.objects.select_related("crontab", "interval").order_by("name")
        ]
        under_way = list(JobRun.objects.filter(status=JobRun.Status.RUNNING)[:50])
        for run in under_way:
            run.title = titles.get(run.job, run.job)  # type: ignore[attr-defined]
        from units.models.records import heartbeat_timeout

        context = {
            "jobs": jobs,
            "under_way": under_way,
            "heartbeat_timeout": f"{heartbeat_timeout().total_seconds():g}",
        }
        return super().changelist_view(request, {**(extra_context or {}), **context})


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    """Leadership digests as compiled and sent (周检查、月点评、季小结)."""

    list_display = ["title", "kind", "period_start", "period_end", "created_at"]
    list_filter = ["kind"]
    date_hierarchy = "period_start"

    def view_on_site(self, digest: Digest) -> str:  # type: ignore[override]
        return reverse("units:digest_detail", kwargs={"pk": digest.pk})


@admin.register(UnitTransition)
class UnitTransitionAdmin(ReadOnlyAdmin):
    list_display = ["unit", "from_label", "to_label", "actor", "created_at", "comment"]
    list_select_related = ["unit", "actor"]
    search_fields = ["unit__name", "unit__code"]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[UnitTransition]:
        return UnitTransition.objects.filter(
            unit_scope_q(user=request.user, prefix="unit__")
        ).select_related("unit", "actor")

    @admin.display(description=gettext_lazy("From status"))
    def from_label(self, record: UnitTransition) -> str:
        return str(dict(Unit.Status.choices).get(record.from_status, record.from_status))

    @admin.display(description=gettext_lazy("To status"))
    def to_label(self, record: UnitTransition) -> str:
        return str(dict(Unit.Status.choices).get(record.to_status, record.to_status))


# --- Login lockouts (django-axes) ---------------------------------------------------------
class LockoutAdmin(AccessAttemptAdmin):
    """Inspection staff see lockouts and lift one by deleting its attempt record."""

    def _officer(self, request: HttpRequest) -> bool:
        # Lockouts are county-wide: not for an officer confined to a subtree.
        return roles.has_role(request.user, roles.INSPECTION_STAFF) and sees_all_units(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._officer(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._officer(request) or super().has_view_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._officer(request) or super().has_delete_permission(request, obj)


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, LockoutAdmin)
