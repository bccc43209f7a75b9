"""为民办实事项目: the unit's list and forms, the detail page with its moves, the public pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign import project_permissions as permissions
from campaign import project_selectors as selectors
from campaign.models import PeopleProject
from campaign.project_forms import (
    MilestoneFormSet,
    NewProjectForm,
    ProjectCommentForm,
    ProjectForm,
    ProjectReasonForm,
    PublicFilterForm,
    ReportForm,
    milestone_entries,
    project_initial,
)
from campaign.services import projects as services
from campaign.views.files import file_response
from units.actions import Action, attach_errors, error_text, perform
from units.models import Unit
from units.paging import IdsFirstPaginator
from units.selectors import ACT, unit_scope_q

S = PeopleProject.Status
PUBLIC_PAGE = 30


class ProjectPaginator(IdsFirstPaginator):
    count_limit = None


def _year(value: Any) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 2000 <= year <= 2100 else None


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    """The projects of the user's units (a unit head) or jurisdiction (an officer)."""
    status = request.GET.get("status", "")
    rows = selectors.project_list(
        user=request.user,
        year=_year(request.GET.get("year")),
        status=status if status in S.values else "",
    )
    page = ProjectPaginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "campaign/projects/list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "statuses": S.choices,
            "status": status,
            "year": request.GET.get("year", ""),
            "can_file": _actable(request).exists(),
            "today": timezone.localdate(),
        },
    )


def _actable(request: HttpRequest) -> Any:
    return Unit.objects.filter(unit_scope_q(user=request.user, codename=ACT)).order_by("path")


def _form_page(
    request: HttpRequest, form: Any, formset: Any, project: PeopleProject | None
) -> HttpResponse:
    return render(
        request,
        "campaign/projects/form.html",
        {"form": form, "formset": formset, "project": project},
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    units = _actable(request)
    if not units.exists():
        raise PermissionDenied(_("You may not act for any unit."))
    form = NewProjectForm(request.POST or None, units=units)
    formset = MilestoneFormSet(request.POST or None, prefix="m")
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            data = dict(form.cleaned_data)
            unit = data.pop("unit")
            try:
                project = services.project_create(
                    unit=unit, actor=request.user, milestones=milestone_entries(formset), **data
                )
            except ValidationError as exc:
                attach_errors(form, exc)
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Project saved as a draft."))
                return redirect("campaign:project_detail", project.pk)
        else:
            messages.error(request, _("Please correct the errors below."))
        response = _form_page(request, form, formset, None)
        response.status_code = 400
        return response
    return _form_page(request, form, formset, None)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = permissions.get_project_for_user_or_404(request.user, pk)
    permissions.require_manage_project(request.user, project)
    units = Unit.objects.filter(pk=project.unit_id)
    if request.method == "POST":
        form = ProjectForm(request.POST, units=units)
        formset = MilestoneFormSet(request.POST, prefix="m")
        if form.is_valid() and formset.is_valid():
            try:
                services.project_update(
                    project=project,
                    actor=request.user,
                    milestones=milestone_entries(formset),
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                attach_errors(form, exc)
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Project saved."))
                return redirect("campaign:project_detail", pk)
        else:
            messages.error(request, _("Please correct the errors below."))
        response = _form_page(request, form, formset, project)
        response.status_code = 400
        return response
    fields, rows = project_initial(project)
    form = ProjectForm(initial=fields, units=units)
    formset = MilestoneFormSet(initial=rows, prefix="m")
    return _form_page(request, form, formset, project)


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _project_page(request, permissions.get_project_for_user_or_404(request.user, pk))


def _project_page(
    request: HttpRequest, project: PeopleProject, extra: dict[str, Any] | None = None
) -> HttpResponse:
    extra = extra or {}
    project.refresh_from_db()
    milestones = list(project.milestones.all())
    progress: dict[int, list[Any]] = {}
    rows = (
        selectors.milestone_progress_visible_to(user=request.user)
        .filter(milestone__project=project)
        .select_related("author")
    )
    for row in rows:
        progress.setdefault(row.milestone_id, []).append(row)
    refused = extra.get("report_form")
    for milestone in milestones:
        milestone.reports = progress.get(milestone.pk, [])  # type: ignore[attr-defined]
        # Each milestone's own form (its own ids); a refused report keeps its errors.
        failed = refused is not None and extra.get("failed_milestone") == milestone.pk
        milestone.report_form = (  # type: ignore[attr-defined]
            refused if failed else ReportForm(auto_id=f"report{milestone.pk}_%s")
        )
    return render(
        request,
        "campaign/projects/detail.html",
        {
            "project": project,
            "milestones": milestones,
            "done": sum(1 for m in milestones if m.is_done),
            "transitions": selectors.project_transitions(project=project),
            "can_manage": permissions.can_manage_project(request.user, project),
            "can_review": permissions.can_review_project(request.user, project),
            "today": timezone.localdate(),
            "S": S,
            "reason_form": extra.get("return_form") or ProjectReasonForm(auto_id="return_%s"),
            "comment_form": extra.get("publish_form") or ProjectCommentForm(auto_id="publish_%s"),
            **extra,
        },
    )


PROJECT_ACTIONS = {
    "submit": Action(
        form=None,
        allowed=permissions.can_manage_project,
        call=lambda request, project, data: services.project_submit(
            project=project, actor=request.user
        ),
        done=gettext_noop("Project submitted for review."),
    ),
    "return": Action(
        form=ProjectReasonForm,
        allowed=permissions.can_review_project,
        call=lambda request, project, data: services.project_return(
            project=project, actor=request.user, reason=data["reason"]
        ),
        done=gettext_noop("Project returned to the unit."),
    ),
    "publish": Action(
        form=ProjectCommentForm,
        allowed=permissions.can_review_project,
        call=lambda request, project, data: services.project_publish(
            project=project, actor=request.user, comment=data["comment"]
        ),
        done=gettext_noop("Project published."),
    ),
}


@login_required
@require_POST
def project_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    project = permissions.get_project_for_user_or_404(request.user, pk)
    return perform(
        request,
        project,
        name=action,
        actions=PROJECT_ACTIONS,
        success_url=reverse("campaign:project_detail", args=[pk]),
        refused=_project_page,
    )


REPORT_ACTIONS = {
    "report": Action(
        form=ReportForm,
        allowed=lambda user, milestone: permissions.can_manage_project(user, milestone.project),
        call=lambda request, milestone, data: services.milestone_report(
            milestone=milestone,
            actor=request.user,
            text=data["text"],
            attachment=data["attachment"],
            done=data["done"],
        ),
        done=gettext_noop("Milestone progress reported."),
    ),
}


@login_required
@require_POST
def milestone_report(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = permissions.get_milestone_for_user_or_404(request.user, pk)
    return perform(
        request,
        milestone,
        name="report",
        actions=REPORT_ACTIONS,
        success_url=reverse("campaign:project_detail", args=[milestone.project_id]),
        refused=lambda request, milestone, extra: _project_page(
            request, milestone.project, {**extra, "failed_milestone": milestone.pk}
        ),
    )


@login_required
@require_GET
def milestone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A milestone is shown on its project's page (the 督办 board links here)."""
    milestone = permissions.get_milestone_for_user_or_404(request.user, pk)
    url = reverse("campaign:project_detail", args=[milestone.project_id])
    return redirect(f"{url}#milestone-{milestone.pk}")


@login_required
@require_GET
def milestone_attachment(request: HttpRequest, pk: int) -> FileResponse:
    report = permissions.get_milestone_progress_for_user_or_404(request.user, pk)
    return file_response(report.attachment)


# --- Public pages (no login) --------------------------------------------------------------


@require_GET
def public_project_list(request: HttpRequest) -> HttpResponse:
    """Every published public project with its progress; by unit and year, paged."""
    form = PublicFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.public_project_list(
        year=filters.get("year"), unit_id=filters.get("unit"), search=filters.get("q") or ""
    )
    page = ProjectPaginator(rows, PUBLIC_PAGE).get_page(request.GET.get("page"))
    unit = Unit.objects.filter(pk=filters["unit"]).first() if filters.get("unit") else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "campaign/projects/public_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "years": selectors.public_years(),
            "year": filters.get("year"),
            "unit": unit,
            "today": timezone.localdate(),
        },
    )


@require_GET
def public_project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = permissions.get_public_project_or_404(pk)
    milestones = list(project.milestones.all())
    return render(
        request,
        "campaign/projects/public_detail.html",
        {
            "project": project,
            "milestones": milestones,
            "done": sum(1 for m in milestones if m.is_done),
            "today": timezone.localdate(),
        },
    )
