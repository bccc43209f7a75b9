"""Authorization cases: the supervisors' roster, their 察访 reports and their survey codes.

The cast's supervisor watches dept_a (side "a"); another supervisor watches dept_b; the
township officer keeps a third, watching division_a ("x:roster.t"). A supervisor holds no
grant on any unit: everything outside their units and their reports is 404 to them.
"""

from __future__ import annotations

from campaign.models import SupervisorReport
from tests.authz.cases.base import LIST_VIEW, STAFF_ONLY, Case, Path, _now, url
from tests.authz.world import World

NOT_STAFF = ["leader", "head_a", "head_b", "in_charge", "evaluator", "outsider", "supervisor"]
ONLY_SUPERVISORS = (
    "only a supervisor in office files; one whose term has ended is refused with 400 "
    "(tests/supervisors)"
)

url(
    "units:supervisor_list",
    ok={"officer": 200, "township_officer": 200, "custodian": 200},
    sibling=NOT_STAFF,
    na={"read-only": STAFF_ONLY},
)
url(
    "units:supervisor_create",
    methods=("GET", "POST"),
    ok={"officer": 200, "township_officer": 200},
    sibling=NOT_STAFF,
    na={"read-only": STAFF_ONLY},
)
url(
    "units:supervisor_edit",
    "x:roster.a",
    methods=("GET", "POST"),
    ok={"officer": 200, "custodian": 200},
    # The township officer's jurisdiction (dept_a's subtree) does not hold a county entry;
    # the supervisor never sees the roster, their own entry included.
    sibling=[*NOT_STAFF, "township_officer"],
    na={"read-only": STAFF_ONLY},
    extra=[
        Case(
            "allowed",
            "township_officer",
            "GET",
            Path("units:supervisor_edit", ("x:roster.t",)),
            200,
        )
    ],
)
url(
    "campaign:supervisor_report_list",
    ok={"officer": 200, "township_officer": 200, "custodian": 200, "supervisor": 200},
    sibling=["leader", "head_a", "head_b", "in_charge", "evaluator", "outsider"],
    na={"read-only": LIST_VIEW},
)
url(
    "campaign:supervisor_report_create",
    "unit.a",
    methods=("GET", "POST"),
    ok={"supervisor": 200},
    sibling=[
        ("supervisor", ("unit.b",)),
        "officer",
        "township_officer",
        "leader",
        "head_a",
        "in_charge",
        "evaluator",
        "outsider",
    ],
    na={"read-only": ONLY_SUPERVISORS},
)
url(
    "campaign:supervisor_report_detail",
    "supervisor_report.a",
    ok={"supervisor": 200, "officer": 200, "township_officer": 200, "custodian": 200},
    # The unit's own head does not learn who reported on it, nor does anyone else.
    sibling=[
        ("supervisor", ("supervisor_report.b",)),
        ("township_officer", ("supervisor_report.b",)),
        "head_a",
        "head_b",
        "leader",
        "in_charge",
        "evaluator",
        "outsider",
    ],
    na={"read-only": "a read-only page: the decisions are refused on supervisor_report_act"},
)


def _report(world: World) -> SupervisorReport:
    return world.of("supervisor_report", "a")


url(
    "campaign:supervisor_report_act",
    "supervisor_report.a",
    "=dismiss",
    methods=("POST",),
    ok={"officer": 302, "township_officer": 302},
    data={"reason": "经核实不属实"},
    check=_now(_report, SupervisorReport.Status.DISMISSED),
    sibling=[
        ("township_officer", ("supervisor_report.b", "=dismiss")),
        "head_a",
        "leader",
        "in_charge",
        "evaluator",
        "outsider",
    ],
    # The supervisor reads their report but does not decide it.
    readonly=["supervisor"],
)
url(
    "assessments:survey_supervisor_codes",
    "x:survey",
    methods=("POST",),
    ok={"officer": "302|400"},
    sibling=["head_a", "in_charge", "evaluator", "outsider", "supervisor"],
    readonly=["leader"],
)
