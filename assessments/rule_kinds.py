"""What each adjustment-rule kind declares, once: its 限定条件 (parameter) and its figure.

The parameter feeds the service that saves a rule (validation), the admin form (Chinese
choices) and the fact sources (which read the stored code). A parameter is stored as the
code of one of the declared choices; the Chinese label typed by hand is understood too.
The figure says which column of the leadership dashboard a kind's lines count in
(complaints, rectification, or neither: assessments.selectors.line_figures).
Adding a kind: its value in AdjustmentRule.Kind, one line in KINDS here and its fact
source in assessments/facts.py (docs/ARCHITECTURE.md, walk b).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import AdjustmentRule
from campaign.models import AccountabilityAction, Circular, Finding, SupervisorReport
from complaints.models import Complaint

Kind = AdjustmentRule.Kind

# The kinds of accountability that count as "serious" for a rule (spec §5.4).
SERIOUS = "serious"


@dataclass(frozen=True)
class Parameter:
    """One kind's parameter: its name, its Chinese label and the values it may take."""

    name: str
    label: Any  # lazily translated
    choices: list[tuple[str, Any]] = field(default_factory=list)

    def values(self) -> set[str]:
        return {value for value, _label in self.choices}


def _accountability_choices() -> list[tuple[str, Any]]:
    return [
        *AccountabilityAction.Kind.choices,
        (SERIOUS, gettext_lazy("Serious accountability (any serious type)")),
    ]


# The dashboard columns a kind's lines may count in (assessments.selectors.line_figures).
COMPLAINTS = "complaints"
RECTIFICATION = "rectification"


@dataclass(frozen=True)
class Declared:
    """What one kind declares: the parameter it accepts (None: none) and its figure."""

    parameter: Parameter | None = None
    figure: str = ""  # COMPLAINTS, RECTIFICATION or "" (counted in no column)


KINDS: dict[str, Declared] = {
    # Empty counts substantiated complaints (assessments.facts).
    Kind.COMPLAINT_SUBSTANTIATED: Declared(
        Parameter("verdict", gettext_lazy("Verdict"), Complaint.Verdict.choices),
        figure=COMPLAINTS,
    ),
    Kind.COMPLAINT_OVERDUE: Declared(figure=COMPLAINTS),
    # 违反服务承诺: a substantiated complaint naming a published service commitment.
    Kind.COMMITMENT_BREACH: Declared(figure=COMPLAINTS),
    Kind.ITEM_OVERDUE: Declared(figure=RECTIFICATION),
    Kind.ITEM_UNCLOSED: Declared(figure=RECTIFICATION),
    # 整改事项反弹: one line per relapse a re-check (回头看) found.
    Kind.ITEM_RELAPSED: Declared(figure=RECTIFICATION),
    Kind.DELIVERABLE_LATE: Declared(),
    Kind.DELIVERABLE_MISSING: Declared(),
    Kind.FINDING: Declared(
        Parameter("severity", gettext_lazy("Severity"), Finding.Severity.choices)
    ),
    Kind.ACCOUNTABILITY: Declared(
        Parameter(
            "accountability_type", gettext_lazy("Accountability type"), _accountability_choices()
        )
    ),
    Kind.CIRCULAR_CRITICISM: Declared(
        Parameter("circular_kind", gettext_lazy("Circular type"), Circular.Kind.choices)
    ),
    Kind.CIRCULAR_COMMENDATION: Declared(
        Parameter("circular_kind", gettext_lazy("Circular type"), Circular.Kind.choices)
    ),
    # 为民办实事 (campaign.models.projects): a project completed in the year (an addition),
    # a milestone overdue (a deduction).
    Kind.PROJECT_COMPLETED: Declared(),
    Kind.PROJECT_OVERDUE: Declared(),
    # 视察点评: a supervisor's commendation or criticism, confirmed by the officer. Its tone
    # is the parameter (empty counts both; a scheme usually adds for one, deducts for the other).
    Kind.SUPERVISOR_REVIEW: Declared(
        Parameter(
            "tone",
            gettext_lazy("Tone of the review"),
            [
                (SupervisorReport.Verdict.COMMEND.value, SupervisorReport.Verdict.COMMEND.label),
                (
                    SupervisorReport.Verdict.CRITICISE.value,
                    SupervisorReport.Verdict.CRITICISE.label,
                ),
            ],
        )
    ),
}
PARAMETERS: dict[str, Parameter | None] = {kind: d.parameter for kind, d in KINDS.items()}


def kinds_counted_as(figure: str) -> list[str]:
    """The kinds whose lines count in the dashboard's `figure` column."""
    return [kind for kind, declared in KINDS.items() if declared.figure == figure]


def parameter_for(kind: str) -> Parameter | None:
    return PARAMETERS[kind]


def clean_parameter(*, kind: str, value: str) -> str:
    """The stored code for `value` under `kind` (a code or its Chinese label); else refused."""
    if kind not in PARAMETERS:
        raise ValidationError({"kind": _("Unknown fact.")})
    value = (value or "").strip()
    if not value:
        return ""
    declared = PARAMETERS[kind]
    kind_label = Kind(kind).label
    if declared is None:
        raise ValidationError(
            {
                "parameter": _("“%(kind)s” takes no condition; leave it empty.")
                % {"kind": kind_label}
            }
        )
    for code, label in declared.choices:
        if value == code or value == str(label):
            return code
    allowed = "、".join(str(label) for _code, label in declared.choices)
    raise ValidationError(
        {
            "parameter": _(
                "“%(value)s” is not a %(parameter)s that “%(kind)s” accepts. Choose one of: "
                "%(allowed)s."
            )
            % {"value": value, "parameter": declared.label, "kind": kind_label, "allowed": allowed}
        }
    )


def parameter_label(*, kind: str, value: str) -> str:
    """How a stored parameter reads on a page (its Chinese label)."""
    declared = PARAMETERS.get(kind)
    if not value or declared is None:
        return value
    return str(dict(declared.choices).get(value, value))


def admin_choices() -> list[tuple[Any, Any]]:
    """Every kind's parameters as Chinese choices grouped by kind, valued "<kind>:<code>"."""
    groups: list[tuple[Any, Any]] = [("", _("Every occurrence"))]
    for kind, declared in PARAMETERS.items():
        if declared is not None:
            groups.append(
                (
                    f"{Kind(kind).label} · {declared.label}",
                    [(f"{kind}:{code}", label) for code, label in declared.choices],
                )
            )
    return groups


def split_admin_choice(value: str) -> tuple[str, str]:
    """("<kind>", "<code>") from an admin choice; ("", "") for "every occurrence"."""
    kind, _sep, code = (value or "").partition(":")
    return kind, code
