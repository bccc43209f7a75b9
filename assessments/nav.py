"""How the annual assessment plugs into the shell's navigation and workspace."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from assessments import permissions, selectors
from assessments.models import AssessmentScheme, ReminderTalk
from campaign.selectors import current_campaign
from units import roles
from units.extensions import NavItem, Panel

PANEL_UNITS = 8  # units a workspace panel lists before “and N more”


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
                _("Results of supervised units")
                if role == roles.LEADER_IN_CHARGE
                else _("My assessment results"),
                reverse("assessments:my_results"),
                "/assessments/my-results/",
            )
        )
        items.append(
            NavItem(
                _("Survey feedback"), reverse("assessments:feedback_list"), "/assessments/feedback/"
            )
        )
        if role == roles.LEADER_IN_CHARGE:
            items.append(
                NavItem(_("Reminder talks"), reverse("assessments:my_talks"), "/assessments/talks/")
            )
    if permissions.can_evaluate(user) and (
        role == roles.EVALUATOR or selectors.open_schemes_for_evaluator(user=user).exists()
    ):
        items.append(
            NavItem(
                _("Organisational evaluation"),
                reverse("assessments:evaluation_index"),
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
        # Each unit the user answers for or supervises, with its latest published result
        # and the way into its ledger and complaints.
        overview = selectors.unit_results_overview(user=user)
        rows = overview["rows"]
        if rows:
            panels.append(
                Panel(
                    "assessments/panel_my_results.html",
                    {
                        "overview": overview,
                        "rows": rows[:PANEL_UNITS],
                        "more": max(len(rows) - PANEL_UNITS, 0),
                        "in_charge": role == roles.LEADER_IN_CHARGE,
                        "campaign": current_campaign(user=user),
                    },
                    order=40,
                )
            )
    if role == roles.LEADER_IN_CHARGE:
        # 约谈提醒 the leader still has to hold (seed 002), soonest deadline first.
        talks = list(
            selectors.talk_list(user=user)
            .filter(status=ReminderTalk.Status.OPEN)
            .order_by("deadline", "unit__path")[: PANEL_UNITS + 1]
        )
        if talks:
            panels.append(
                Panel(
                    "assessments/panel_talks.html",
                    {"talks": talks[:PANEL_UNITS], "more": len(talks) > PANEL_UNITS},
                    order=35,
                )
            )
    if role == roles.SUPERVISOR:
        # The survey codes issued to the supervisor, for surveys open now.
        codes = list(selectors.supervisor_open_codes(user=user))
        if codes:
            panels.append(Panel("assessments/panel_supervisor_survey.html", {"codes": codes}, 15))
    if permissions.can_evaluate(user) and (
        role == roles.EVALUATOR or selectors.open_schemes_for_evaluator(user=user).exists()
    ):
        # The evaluator's day starts here: what is still to score, per scheme, and by when.
        schemes = selectors.evaluator_assignments(user=user, statuses=selectors.SCORING_STATUSES)
        selectors.with_units([row for s in schemes for row in s["pending"][:PANEL_UNITS]])
        panels.append(
            Panel(
                "assessments/panel_evaluation.html",
                {"schemes": schemes, "shown": PANEL_UNITS},
                order=20,
            )
        )
    return panels
