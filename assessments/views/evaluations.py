"""The evaluators' pages: score assigned units item by item, or by Excel upload."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assessments import excel, permissions, selectors, services
from assessments.forms import ImportForm
from assessments.models import AssessmentScheme, Evaluation, EvaluationAssignment
from units.models import Unit

# --- Evaluations -----------------------------------------------------------------------


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
        .first()
    )
    if assignment is None:
        raise Http404(_("Unit not found."))
    return assignment.unit


@login_required
@require_GET
def evaluation_home(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _evaluator_scheme(request, pk)
    return render(
        request,
        "assessments/evaluation_home.html",
        {"scheme": scheme, "rows": selectors.evaluator_units(scheme=scheme, user=request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_unit(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """Score one unit item by item."""
    scheme = _evaluator_scheme(request, pk)
    unit = _assigned_unit(request, scheme, unit_pk)
    indicators = list(scheme.indicators.order_by("component", "sort_order"))
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
    data = excel.evaluation_template(scheme=scheme, units=_assigned_units(request, scheme))
    response = HttpResponse(data, content_type=excel.XLSX)
    response["Content-Disposition"] = f'attachment; filename="evaluation-{scheme.year}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload → preview with row errors → confirm: all rows saved, or none."""
    scheme = _evaluator_scheme(request, pk)
    signer = signing.Signer(salt=f"assessments.evaluation-import.{request.user.pk}.{scheme.pk}")
    context: dict[str, Any] = {"scheme": scheme, "form": ImportForm()}
    if request.method == "POST" and "confirm" in request.POST:
        try:
            rows = json.loads(signer.unsign(request.POST.get("payload", "")))
            services.evaluations_record(
                scheme=scheme,
                evaluator=request.user,
                scores=[
                    (r["unit_id"], r["indicator_id"], Decimal(r["score"]), r["comment"])
                    for r in rows
                ],
            )
        except signing.BadSignature:
            raise PermissionDenied(_("The confirmation was tampered with.")) from None
        except ValidationError as exc:
            context["errors"] = exc.messages
            return render(request, "assessments/evaluation_import.html", context, status=400)
        messages.success(request, _("%(count)s scores imported.") % {"count": len(rows)})
        return redirect("assessments:evaluation_home", scheme.pk)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            return render(request, "assessments/evaluation_import.html", context, status=400)
        try:
            rows, errors = excel.parse_evaluations(
                scheme=scheme,
                units=_assigned_units(request, scheme),
                data=form.cleaned_data["file"].read(),
            )
        except ValidationError as exc:
            context["errors"] = exc.messages
            return render(request, "assessments/evaluation_import.html", context, status=400)
        context.update({"rows": rows, "errors": errors})
        if errors:
            return render(request, "assessments/evaluation_import.html", context, status=400)
        context["payload"] = signer.sign(json.dumps(rows))
    return render(request, "assessments/evaluation_import.html", context)
