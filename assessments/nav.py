"""How the annual assessment plugs into the shell's navigation and workspace."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from assessments import permissions, selectors
from assessments.models import AssessmentScheme
from units import roles
from units.extensions import NavItem, Panel


def nav_items(request: Any, role: str | None) -> list[NavItem]:
    user = request.user
    items: list[NavItem] = []
    if permissions.can_view_dashboard(user) or permissions.can_manage_schemes(user):
        items.append(
            NavItem(_("Annual assessment"), reverse("assessments:scheme_list"), "/assessments/")
        )
    elif role in (roles.UNIT_HEAD, roles.LEADER_IN_CHARGE):
        items.append(
            NavItem(
                _("My assessment results"),
                reverse("assessments:my_results"),
                "/assessments/my-results/",
            )
        )
        items.append(
            NavItem(
                _("Survey feedback"), reverse("assessments:feedback_list"), "/assessments/feedback/"
            )
        )
    if permissions.can_evaluate(user):
        scheme = selectors.open_schemes_for_evaluator(user=user).order_by("-year").first()
        if scheme is not None:
            items.append(
                NavItem(
                    _("Organisational evaluation"),
                    reverse("assessments:evaluation_home", args=[scheme.pk]),
                    "/assessments/evaluate/",
                )
            )
    return items


def workspace_panels(request: Any, role: str | None) -> list[Panel]:
    user = request.user
    panels: list[Panel] = []
    if permissions.can_view_dashboard(user):
        scheme = (
            AssessmentScheme.objects.filter(
                status__in=[AssessmentScheme.Status.COMPUTED, AssessmentScheme.Status.PUBLISHED]
            )
            .order_by("-year")
            .first()
        )
        if scheme is not None:
            top = list(selectors.ranking(scheme=scheme)[:5])
            panels.append(
                Panel(
                    "assessments/panel_dashboard.html",
                    {"scheme": scheme, "top": top, "summary": selectors.summary(scheme=scheme)},
                    order=40,
                )
            )
    elif role in (roles.UNIT_HEAD, roles.LEADER_IN_CHARGE):
        results = list(selectors.results_for_unit_head(user=user)[:3])
        if results:
            panels.append(
                Panel("assessments/panel_my_results.html", {"results": results}, order=40)
            )
    if permissions.can_evaluate(user):
        scheme = selectors.open_schemes_for_evaluator(user=user).order_by("-year").first()
        if scheme is not None:
            rows = selectors.evaluator_units(scheme=scheme, user=user)
            done = sum(1 for r in rows if r["scored"] >= r["total"])
            panels.append(
                Panel(
                    "assessments/panel_evaluation.html",
                    {"scheme": scheme, "count": len(rows), "done": done},
                    order=40,
                )
            )
    return panels
