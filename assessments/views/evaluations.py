"""The evaluators' pages (their assignments; score units item by item, or by Excel upload)
and the officers' page that assigns evaluators (考评分工)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import excel, permissions, selectors, services
from assessments.forms import (
    AssignmentFilterForm,
    AssignmentForm,
    AssignmentRemoveForm,
    ImportForm,
)
from assessments.models import AssessmentScheme, Evaluation, EvaluationAssignment
from units.actions import attach_errors, form_error_text
from units.models import Unit
from units.paging import ExactIdsFirstPaginator

# --- Evaluations -----------------------------------------------------------------------


# Units listed on the scoring page per page, and per scheme on the assignments page (the
# units still to score; the scoring page has the rest).
HOME_UNITS = 50
INDEX_UNITS = 10


def _evaluator_scheme(request: HttpRequest, pk: int) -> AssessmentScheme:
    if not permissions.can_evaluate(request.user):
        raise Http404(_("Assessment scheme not found."))
    scheme = selectors.open_schemes_for_evaluator(user=request.user).filter(pk=pk).first()
    if scheme is None:
        raise Http404(_("Assessment scheme not found."))
    return scheme


def _assigned_unit(request: HttpRequest, scheme: AssessmentScheme, unit_pk: int) -> Unit:
    assignment = (
        EvaluationAssignment.objects.filter(
            scheme=scheme, evaluator_id=request.user.pk, unit_id=unit_pk
        )
        .select_related("unit")
        .order_by("pk")
        .first()
    )
    if assignment is None:
        raise Http404(_("Unit not found."))
    return assignment.unit


@login_required
@require_GET
def evaluation_index(request: HttpRequest) -> HttpResponse:
    """The evaluator's assignments, per scheme: progress, deadline and the first units still
    to score (the scheme's scoring page lists them all, a page at a time)."""
    if not permissions.can_evaluate(request.user):
        raise Http404(_("Assessment scheme not found."))
    schemes = selectors.evaluator_assignments(user=request.user)
    for entry in schemes:
        entry["shown"] = (entry["pending"] if entry["scoring"] else entry["units"])[:INDEX_UNITS]
    selectors.with_units([row for entry in schemes for row in entry["shown"]])
    return render(
        request,
        "assessments/evaluation_index.html",
        {"schemes": schemes, "today": timezone.localdate(), "shown": INDEX_UNITS},
    )


@login_required
@require_GET
def evaluation_home(request: HttpRequest, pk: int) -> HttpResponse:
    """One scheme's assigned units, still to score first, a page at a time; ?show=pending or
    ?show=done for one half."""
    scheme = _evaluator_scheme(request, pk)
    found = selectors.evaluator_assignments(user=request.user, scheme_id=scheme.pk)
    entry = found[0] if found else None
    show = request.GET.get("show", "")
    rows = entry["units"] if entry else []
    if show == "pending":
        rows = entry["pending"] if entry else []
    elif show == "done":
        rows = [row for row in rows if row["finished"]]
    else:
        show = ""
    page = Paginator(rows, HOME_UNITS).get_page(request.GET.get("page"))
    selectors.with_units(list(page.object_list))
    return render(
        request,
        "assessments/evaluation_home.html",
        {
            "scheme": scheme,
            "entry": entry,
            "page": page,
            "show": show,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_unit(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """Score one unit item by item."""
    scheme = _evaluator_scheme(request, pk)
    unit = _assigned_unit(request, scheme, unit_pk)
    # Only the indicators assigned to this evaluator for this unit (every one by default).
    indicators = list(
        selectors.assigned_indicators(scheme=scheme, user=request.user, unit_id=unit.pk)
    )
    current = {
        e.indicator_id: e
        for e in Evaluation.objects.filter(scheme=scheme, unit=unit, evaluator_id=request.user.pk)
    }
    errors: list[str] = []
    if request.method == "POST":
        scores = []
        for indicator in indicators:
            raw = request.POST.get(f"score_{indicator.pk}", "").strip()
            if not raw:
                continue
            try:
                value = Decimal(raw)
                if not value.is_finite():
                    raise ValueError
            except (ArithmeticError, ValueError):
                errors.append(_("“%(indicator)s”: enter a number.") % {"indicator": indicator.name})
                continue
            scores.append((unit, indicator, value, request.POST.get(f"comment_{indicator.pk}", "")))
        if not errors:
            try:
                services.evaluations_record(scheme=scheme, evaluator=request.user, scores=scores)
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(request, _("Scores saved for %(unit)s.") % {"unit": unit.name})
                return redirect("assessments:evaluation_home", scheme.pk)
    rows = [
        {
            "indicator": i,
            "value": request.POST.get(f"score_{i.pk}", "")
            if request.method == "POST"
            else (current[i.pk].score if i.pk in current else ""),
            "comment": request.POST.get(f"comment_{i.pk}", "")
            if request.method == "POST"
            else (current[i.pk].comment if i.pk in current else ""),
        }
        for i in indicators
    ]
    return render(
        request,
        "assessments/evaluation_unit.html",
        {"scheme": scheme, "unit": unit, "rows": rows, "errors": errors},
        status=400 if errors else 200,
    )


def _assigned_units(request: HttpRequest, scheme: AssessmentScheme) -> list[Unit]:
    return [row["unit"] for row in selectors.evaluator_units(scheme=scheme, user=request.user)]


@login_required
@require_GET
def evaluation_template(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _evaluator_scheme(request, pk)
    rows = selectors.evaluator_units(scheme=scheme, user=request.user)
    data = excel.evaluation_template(
        scheme=scheme,
        units=[row["unit"] for row in rows],
        # A unit assigned for some indicators only gets rows for those.
        only={row["unit"].pk: {i.pk for i in row["indicators"]} for row in rows if not row["all"]},
    )
    response = HttpResponse(data, content_type=excel.XLSX)
    response["Content-Disposition"] = f'attachment; filename="evaluation-{scheme.year}.xlsx"'
    return response


PREVIEW_PAGE = 50
IMPORT_SESSION_KEY = "assessments_evaluation_import"


def _import_page(
    request: HttpRequest, context: dict[str, Any], token: str, rows: list[Any], page: Any
) -> HttpResponse:
    context.update({"token": token, "page": Paginator(rows, PREVIEW_PAGE).get_page(page)})
    return render(request, "assessments/evaluation_import.html", context)


def _import_outcome(
    request: HttpRequest,
    scheme: AssessmentScheme,
    outcome: excel.Confirmation,
    context: dict[str, Any],
) -> HttpResponse:
    if outcome.state == "refused":
        context["errors"] = outcome.errors
        return render(request, "assessments/evaluation_import.html", context, status=400)
    if outcome.state == "expired":
        messages.error(request, _("The uploaded file has expired; upload it again."))
        return redirect("assessments:evaluation_import", scheme.pk)
    if outcome.state == "filed":
        messages.success(request, _("%(count)s scores imported.") % {"count": outcome.count})
    elif outcome.state == "finished":
        messages.info(
            request,
            _(
                "This file was already imported at %(time)s: %(count)s scores. "
                "Nothing was written again."
            )
            % {"time": outcome.at, "count": outcome.count},
        )
    else:  # running
        messages.info(request, _("This file is being imported; the scores show shortly."))
    return redirect("assessments:evaluation_home", scheme.pk)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload → preview of the rows (paged) → confirm: all rows saved, or none; once only."""
    scheme = _evaluator_scheme(request, pk)
    context: dict[str, Any] = {"scheme": scheme, "form": ImportForm()}
    token = request.POST.get("token") or request.GET.get("token")
    if token is not None:
        stored = request.session.get(IMPORT_SESSION_KEY, {})
        if stored.get("token") != token or stored.get("scheme") != scheme.pk:
            raise Http404
        if request.method == "POST":
            outcome = excel.evaluations_import_confirm(
                scheme=scheme,
                evaluator=request.user,
                units=_assigned_units(request, scheme),
                token=token,
            )
            return _import_outcome(request, scheme, outcome, context)
        rows = excel.evaluations_import_preview(token=token)
        if rows is None:  # filed already (another tab, the back button) or expired
            outcome = excel.evaluations_import_outcome(token=token)
            return _import_outcome(request, scheme, outcome, context)
        return _import_page(request, context, token, rows, request.GET.get("page"))
    if request.method == "POST":
        if "confirm" in request.POST:  # a page from before uploads were kept under a token
            messages.error(request, _("The uploaded file has expired; upload it again."))
            return redirect("assessments:evaluation_import", scheme.pk)
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            return render(request, "assessments/evaluation_import.html", context, status=400)
        upload = form.cleaned_data["file"]
        try:
            staged, rows, errors = excel.evaluations_import_stage(
                scheme=scheme,
                units=_assigned_units(request, scheme),
                data=upload.read(),
                filename=upload.name,
            )
        except ValidationError as exc:
            context["errors"] = exc.messages
            return render(request, "assessments/evaluation_import.html", context, status=400)
        if staged is None:
            context["errors"] = errors
            return render(request, "assessments/evaluation_import.html", context, status=400)
        request.session[IMPORT_SESSION_KEY] = {"token": staged.token, "scheme": scheme.pk}
        return _import_page(request, context, staged.token, rows, 1)
    return render(request, "assessments/evaluation_import.html", context)


# --- Assignments (考评分工): the officers' page ------------------------------------------------

SHOWN_UNITS = 300  # units listed as checkboxes at once; a filter narrows a larger list
ASSIGNMENTS_PAGE = 50


def _assigner_scheme(request: HttpRequest, pk: int) -> AssessmentScheme:
    """Schemes the user may read; managing them is for inspection staff (readers get 403)."""
    scheme = permissions.get_scheme_for_user_or_404(request.user, pk)
    if not permissions.can_manage_schemes(request.user):
        raise PermissionDenied(_("You may not manage assessment schemes."))
    return scheme


def _assignments_page(
    request: HttpRequest,
    scheme: AssessmentScheme,
    *,
    form: AssignmentForm | None = None,
    remove_form: AssignmentRemoveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    units = selectors.assignable_units(scheme=scheme, user=request.user)
    evaluators = selectors.evaluators()
    if form is None:
        form = AssignmentForm(scheme=scheme, units=units, evaluators=evaluators)
    filters = AssignmentFilterForm(request.GET or None, units=units)
    shown = list(filters.apply(units)[: SHOWN_UNITS + 1])
    chosen = {str(v) for v in (form["units"].value() or [])}
    evaluator_id = request.GET.get("evaluator", "")
    assignments = selectors.scheme_assignments(
        scheme=scheme,
        user=request.user,
        evaluator_id=int(evaluator_id) if evaluator_id.isdigit() else None,
    )
    # Ids first: what has been scored is computed for the page's rows only (a province's
    # last page computed it for 20,000 rows).
    page = ExactIdsFirstPaginator(assignments, ASSIGNMENTS_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assessments/evaluation_assign.html",
        {
            "scheme": scheme,
            "form": form,
            "filters": filters,
            "shown_units": [
                {"unit": u, "checked": str(u.pk) in chosen} for u in shown[:SHOWN_UNITS]
            ],
            "more_units": len(shown) > SHOWN_UNITS,
            "page": page,
            "query": query.urlencode(),
            "summary": selectors.assignment_summary(scheme=scheme, user=request.user),
            "evaluator_id": evaluator_id,
            "indicator_total": scheme.indicators.count(),
            "editable": scheme.status != AssessmentScheme.Status.PUBLISHED,
            "remove_form": remove_form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign evaluators in bulk: every evaluator × unit (× indicator) chosen, once."""
    scheme = _assigner_scheme(request, pk)
    if request.method == "GET":
        return _assignments_page(request, scheme)
    form = AssignmentForm(
        request.POST,
        scheme=scheme,
        units=selectors.assignable_units(scheme=scheme, user=request.user),
        evaluators=selectors.evaluators(),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            outcome = services.evaluation_assignments_create(
                scheme=scheme,
                evaluators=list(data["evaluators"]),
                units=data["picked_units"],
                indicators=list(data["indicators"]),
                deadline=data["deadline"],
                actor=request.user,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            counts = {
                "created": outcome.created,
                "kept": outcome.kept,
                "notified": outcome.notified,
            }
            if outcome.kept:
                text = _(
                    "%(created)s assignments added, %(kept)s already existed and were kept; "
                    "%(notified)s evaluators notified."
                )
            else:
                text = _("%(created)s assignments added; %(notified)s evaluators notified.")
            messages.success(request, text % counts)
            return redirect("assessments:evaluation_assign", scheme.pk)
    messages.error(request, form_error_text(form))
    return _assignments_page(request, scheme, form=form, status=400)


@login_required
@require_POST
def evaluation_unassign(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove the chosen assignments (and the scores entered under them)."""
    scheme = _assigner_scheme(request, pk)
    form = AssignmentRemoveForm(
        request.POST,
        assignments=selectors.scheme_assignments(scheme=scheme, user=request.user),
    )
    if form.is_valid():
        try:
            removed, scores = services.evaluation_assignments_remove(
                scheme=scheme,
                assignment_ids=[a.pk for a in form.cleaned_data["assignments"]],
                actor=request.user,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(removed)s assignments removed, with %(scores)s scores entered under them.")
                % {"removed": removed, "scores": scores},
            )
            return redirect("assessments:evaluation_assign", scheme.pk)
    messages.error(request, form_error_text(form))
    return _assignments_page(request, scheme, remove_form=form, status=400)
