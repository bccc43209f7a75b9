"""Results that reach people (三挂钩): a published scheme's flags on units and their leaders.

Seed 004 五(二): for a unit whose work style is seriously wanting, "领导班子成员当年不评优、
一年内不提拔，同时该部门一年内不新提拔干部". A published result says so when a rule vetoed the
unit in full (一票否决) or with "no promotion for a year", or when it is graded 较差 (the
bottom grade). The flags themselves are units' (units.cadres.cadre_flags_for_units).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import AssessmentResult, AssessmentScheme, Grade
from units.cadres import cadre_flags_for_units
from units.models import CadreFlag
from units.types import AnyUser

# The results whose units and leaders are flagged.
FLAGGED = Q(vetoed=True) | Q(no_promotion=True) | Q(grade=Grade.POOR)


def _reason(result: AssessmentResult, scheme: AssessmentScheme) -> str:
    causes = []
    if result.vetoed:
        causes.append(_("one-vote veto"))
    elif result.no_promotion:
        causes.append(_("a rule barring promotion for a year"))
    if result.grade == Grade.POOR:
        causes.append(_("graded poor"))
    reason = _("%(year)s assessment: %(causes)s") % {
        "year": scheme.year,
        "causes": "、".join(causes),
    }
    if result.veto_reason:
        reason += _(" (%(rules)s)") % {"rules": result.veto_reason}
    return reason


def scheme_flag_cadres(*, scheme: AssessmentScheme, actor: AnyUser | None) -> list[CadreFlag]:
    """Flag the units the published results bar, and their leadership teams; once only."""
    results = (
        AssessmentResult.objects.filter(FLAGGED, scheme=scheme)
        .select_related("unit")
        .order_by("unit__path")
    )
    units = [(result.unit, _reason(result, scheme)) for result in results]
    start = timezone.localdate(scheme.published_at) if scheme.published_at else None
    return cadre_flags_for_units(
        units=units,
        source=scheme,
        document=str(scheme),
        start_date=start or timezone.localdate(),
        actor=actor,
    )
