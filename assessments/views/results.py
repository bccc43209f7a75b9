"""Results: the leaders' dashboard, a unit's result with its evidence, the public ranking."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments import evidence, excel, permissions, selectors
from assessments.models import AssessmentScheme, Component, Grade
from campaign.selectors import current_campaign
from units import roles
from units.models import AssessmentGroup
from units.types import AnyUser

DASHBOARD_PAGE = 50


def _dashboard_reader(request: HttpRequest, pk: int) -> tuple[AssessmentScheme, AnyUser | None]:
    """The scheme, and the reader its dashboard is confined to (None: the whole county)."""
    return permissions.get_dashboard_scheme_for_user_or_404(request.user, pk)


@login_required
@require_GET
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    # A leader in charge (anyone reading only some units' results) gets the same dashboard
    # confined to the results they may read: `reader` scopes every figure below.
    scheme, reader = _dashboard_reader(request, pk)
    group_id = request.GET.get("group")
    groups = list(
        AssessmentGroup.objects.filter(
            pk__in=selectors.ranking(scheme=scheme, reader=reader).order_by().values("group_id")
        ).order_by("sort_order", "name")
    )
    selected = next((g for g in groups if str(g.pk) == group_id), None)
    ranking = selectors.ranking(
        scheme=scheme, group_id=selected.pk if selected else None, reader=reader
    )
    # A province ranks thousands of units: the table pages, the figures cover the page.
    page = Paginator(ranking, DASHBOARD_PAGE).get_page(request.GET.get("page"))
    results = list(page.object_list)
    figures = selectors.line_figures(scheme=scheme, unit_ids=[r.unit_id for r in results])
    for r in results:
        r.figures = figures.get(r.unit_id, {})  # type: ignore[attr-defined]
        # The veto named where the unit is ranked: the rules that brought it, and what it means.
        r.veto_text = (  # type: ignore[attr-defined]
            _("%(rule)s: %(consequence)s") % {"rule": r.veto_reason, "consequence": r.veto}
            if r.veto and r.veto_reason
            else r.veto
        )
    grade_labels = dict(Grade.choices)
    distribution = {
        row["grade"]: row["count"]
        for row in selectors.grade_distribution(scheme=scheme, reader=reader)
    }
    charts = {
        "histogram": selectors.score_histogram(scheme=scheme, reader=reader),
        "grades": [
            {"name": str(grade_labels[g]), "value": distribution.get(g, 0)} for g in Grade.values
        ],
        "trend": [
            {"year": row["scheme__year"], "average": float(row["average"] or 0)}
            for row in selectors.year_trend(reader=reader)
        ],
        # Every unit of the page, in rank order, each bar labelled with its total as shown
        # in the table (two decimals) and a veto named on the chart itself.
        "ranking": [
            {
                "name": r.unit.display_name,
                "total": float(r.total),
                "label": f"{r.total:.2f}",
                "veto": bool(r.veto),
                "reason": r.veto_text,  # type: ignore[attr-defined]
            }
            for r in results
        ],
        "labels": {"veto": _("Veto"), "total": _("Total")},
    }
    return render(
        request,
        "assessments/dashboard.html",
        {
            "scheme": scheme,
            "results": results,
            "page": page,
            "groups": groups,
            "selected_group": selected,
            "summary": selectors.summary(scheme=scheme, reader=reader),
            "charts": charts,
            "schemes": AssessmentScheme.objects.filter(
                status__in=[AssessmentScheme.Status.COMPUTED, AssessmentScheme.Status.PUBLISHED]
            )
            if reader is None
            else AssessmentScheme.objects.filter(
                pk__in=selectors.results_visible_to(user=reader).values("scheme_id")
            ),
            "scoped": reader is not None,
        },
    )


@login_required
@require_GET
def results_export(request: HttpRequest, pk: int) -> HttpResponse:
    scheme, reader = _dashboard_reader(request, pk)
    data = excel.results_workbook(
        scheme=scheme, results=selectors.ranking(scheme=scheme, reader=reader)
    )
    response = HttpResponse(data, content_type=excel.XLSX)
    response["Content-Disposition"] = f'attachment; filename="results-{scheme.year}.xlsx"'
    return response


@login_required
@require_GET
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    result = permissions.get_result_for_user_or_404(request.user, pk)
    profile = selectors.dimension_profile(scheme=result.scheme, unit_id=result.unit_id)
    trend = selectors.year_trend(
        unit_id=result.unit_id, published_only=not permissions.can_view_dashboard(request.user)
    )
    return render(
        request,
        "assessments/result_detail.html",
        {
            "result": result,
            "scheme": result.scheme,
            # Each line links to its evidence only where the viewer may open it.
            "lines": evidence.link_evidence(
                user=request.user, lines=selectors.result_lines(result=result)
            ),
            "rule_totals": selectors.result_rule_totals(result=result),
            "indicators": selectors.result_indicators(result=result),
            "profile": profile,
            "components": [
                (Component.SURVEY.label, result.survey_score, result.scheme.weight_survey),
                (Component.SPECIAL.label, result.special_score, result.scheme.weight_special),
                (
                    Component.ORGANISATIONAL.label,
                    result.organisational_score,
                    result.scheme.weight_organisational,
                ),
            ],
            "charts": {
                "profile": [
                    {
                        "name": row["dimension"],
                        "unit": float(row["unit"]) if row["unit"] is not None else None,
                        "average": float(row["average"]),
                    }
                    for row in profile
                ],
                "trend": [
                    {"year": row["scheme__year"], "total": float(row["total"])} for row in trend
                ],
                "labels": {"unit": result.unit.display_name, "average": _("Average of all units")},
            },
            "is_reader": permissions.can_view_dashboard(request.user),
            "in_charge": roles.primary_role(request.user) == roles.LEADER_IN_CHARGE,
        },
    )


@login_required
@require_GET
def my_results(request: HttpRequest) -> HttpResponse:
    """A unit's published results, or a leader in charge's supervised units' results: each
    unit with its latest result and the way into its ledger, complaints and score details."""
    results = selectors.results_for_unit_head(user=request.user)
    return render(
        request,
        "assessments/my_results.html",
        {
            "results": results[:100],
            "in_charge": roles.primary_role(request.user) == roles.LEADER_IN_CHARGE,
            "overview": selectors.unit_results_overview(user=request.user),
            "campaign": current_campaign(user=request.user),
        },
    )


@require_GET
def public_results(request: HttpRequest, year: int | None = None) -> HttpResponse:
    years = selectors.public_years()
    if year is None and years:
        year = years[0]
    scheme, results = selectors.public_ranking(year=year or 0)
    if year is not None and scheme is None:
        raise Http404(_("No published rankings for that year."))
    return render(
        request,
        "assessments/public_results.html",
        {"scheme": scheme, "results": results, "years": years},
    )
