"""Authorization cases: 干部作风档案 (the cadres' records and flags) and the 三挂钩 export."""

from __future__ import annotations

from typing import Any

from tests.authz.cases.base import LIST_VIEW, NO_OBJECT, READ_ONLY_VIEW, url
from tests.authz.world import World

url(
    "campaign:cadre_list",
    ok={"officer": 200, "head_a": 200, "leader": 200, "outsider": 200},
    na={"sibling": LIST_VIEW, "read-only": READ_ONLY_VIEW},
)
url(
    "campaign:cadre_mine",
    # A cadre goes to their own record; an account with no cadre back to the workspace.
    ok={"head_a": 302, "officer": 302, "outsider": 302},
    na={"sibling": NO_OBJECT, "read-only": READ_ONLY_VIEW},
)
url(
    "campaign:cadre_record",
    "x:cadre.a",
    ok={"officer": 200, "head_a": 200, "township_officer": 200, "custodian": 200},
    sibling=[
        "head_b",
        "leader",
        "in_charge",
        "evaluator",
        "outsider",
        ("head_a", ("x:cadre.b",)),
        ("township_officer", ("x:cadre.b",)),
    ],
    na={"read-only": READ_ONLY_VIEW},
)


def _flagged(world: World, response: Any) -> None:
    from units.models import CadreFlag

    flag = CadreFlag.objects.get(person=world.extra["cadre"]["a"], reason="授权矩阵标记")
    assert flag.source == "officer" and flag.created_by == world.cast.officer


url(
    "campaign:cadre_flag",
    "x:cadre.a",
    methods=("POST",),
    ok={"officer": 302},
    data={
        "kind": "no_excellence_no_promotion",
        "reason": "授权矩阵标记",
        "start_date": "2027-01-15",
        "end_date": "2028-01-14",
    },
    sibling=["head_b", "leader", "outsider", ("township_officer", ("x:cadre.b",))],
    # A cadre may read their own record but not flag it.
    readonly=["head_a"],
    check=_flagged,
)
url(
    "assessments:cadre_export",
    ok={"officer": 200, "township_officer": 200},
    readonly=["head_a", "leader", "in_charge", "evaluator", "outsider"],
    na={"sibling": NO_OBJECT},
)


def _annual_due(world: World) -> str:
    """The 述职 head_a owes: the campaign's annual report, from their post on dept_a."""
    deliverable = world.campaign.deliverables.get(kind="annual_report")
    return f"{deliverable.pk}-{world.cast.dept_a.pk}"


def _reported(world: World, response: Any) -> None:
    from campaign.models import DutyReport

    report = DutyReport.objects.get(person=world.extra["cadre"]["a"], text="授权矩阵述职")
    assert report.submitted_by == world.cast.head_a and report.role == "first"


url(
    "campaign:cadre_duty_report",
    "x:cadre.a",
    methods=("POST",),
    ok={"head_a": 302},
    data={"due": _annual_due, "text": "授权矩阵述职"},
    sibling=[
        "head_b",
        "leader",
        "in_charge",
        "evaluator",
        "outsider",
        ("township_officer", ("x:cadre.b",)),
    ],
    # Those who may read the record may not hand in the cadre's own report.
    readonly=["officer", "township_officer", "custodian"],
    check=_reported,
)
