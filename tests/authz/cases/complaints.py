"""Authorization cases: Complaints: public intake and tracking, handling, figures and exports."""

from __future__ import annotations

from complaints.models import ComplaintPause
from tests.authz.cases.base import (
    LIST_VIEW,
    PUBLIC,
    READ,
    READ_ONLY_VIEW,
    SPECS,
    STAFF_ONLY,
    _now,
    case,
    url,
)

# --- Complaints ----------------------------------------------------------------------------

url(
    "complaints:public_submit",
    methods=("GET", "POST"),
    ok={"anon": 200},
    anon=200,
    na={"sibling": PUBLIC, "read-only": PUBLIC},
)
url(
    "complaints:public_submitted",
    ok={"anon": "200|302"},
    anon="200|302",
    na={"sibling": PUBLIC, "read-only": PUBLIC},
)
url(
    "complaints:public_track",
    methods=("GET", "POST"),
    ok={"anon": 200},
    anon=200,
    na={"sibling": PUBLIC, "read-only": PUBLIC},
    extra=[
        case(
            "sibling",
            "anon",
            "POST",
            "complaints:public_track",
            expected="200|400|404",
            code="ZZZZ-ZZZZ-ZZZZ",
        ),
    ],
)
url(
    "complaints:public_rate",
    methods=("POST",),
    ok={"anon": "302|400|404"},
    anon="302|400|404",
    data={"code": "FORGED-CODE", "satisfaction": "satisfied"},
    na={"read-only": PUBLIC},
    sibling=[],
    extra=[],
)
SPECS["complaints:public_rate"].waived["sibling"] = (
    "public: a forged or foreign tracking code is refused (the anonymous case)"
)
url(
    "complaints:list",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200, "outsider": 200},
    na={"sibling": LIST_VIEW, "read-only": READ_ONLY_VIEW},
)
url(
    "complaints:queue",
    ok={"officer": 200},
    readonly=["leader", "head_a", "in_charge", "outsider"],
    na={"sibling": STAFF_ONLY},
)
url(
    "complaints:intake",
    methods=("GET", "POST"),
    ok={"officer": 200},
    readonly=["leader", "head_a", "in_charge", "outsider"],
    na={"sibling": STAFF_ONLY},
)
url(
    "complaints:mine",
    ok={"head_a": 200, "in_charge": 200, "outsider": 200},
    na={"sibling": LIST_VIEW, "read-only": READ_ONLY_VIEW},
)
url(
    "complaints:ledger",
    ok={"officer": 200, "leader": 200, "head_a": 200},
    na={"sibling": LIST_VIEW, "read-only": READ_ONLY_VIEW},
)
url(
    "complaints:figures",
    ok={"officer": 200, "leader": 200},
    readonly=["head_a", "in_charge", "outsider"],
    na={"sibling": "county-wide figures: no unit object"},
)
for _name in ("complaints:export", "complaints:export_csv"):
    url(
        _name,
        ok={"officer": 200, "leader": 200},
        readonly=["head_a", "in_charge", "outsider"],
        na={"sibling": LIST_VIEW},
    )
url(
    "complaints:import",
    methods=("GET", "POST"),
    ok={"officer": 200},
    readonly=["leader", "head_a", "in_charge", "outsider"],
    na={"sibling": STAFF_ONLY},
)
url(
    "complaints:reveal_log",
    ok={"officer": 200, "custodian": 200},
    readonly=["leader", "head_a", "in_charge", "outsider"],
    na={"sibling": STAFF_ONLY},
)
url(
    "complaints:identity_requests",
    ok={"officer": 200, "custodian": 200, "township_officer": 200},
    readonly=["leader", "head_a", "in_charge", "outsider", "evaluator"],
    na={"sibling": LIST_VIEW},
)
url(
    "complaints:identity_request_act",
    "x:pending_identity_request",
    "=approve",
    methods=("POST",),
    ok={"custodian": 302},
    data={"comment": "同意"},
    # The request does not exist for whoever neither asked it nor may decide on it.
    sibling=[
        "head_a",
        "head_b",
        "leader",
        "in_charge",
        "outsider",
        "township_officer",
        ("custodian", ("x:pending_identity_request", "=nonsense")),
    ],
    # The officer who asked sees it, and may not approve it.
    readonly=["officer"],
    extra=[
        case(
            "read-only",
            "officer",
            "POST",
            "complaints:identity_request_act",
            "x:pending_identity_request",
            "=refuse",
            expected=403,
            comment="不同意",
        ),
        case(
            "read-only",
            "custodian",
            "POST",
            "complaints:identity_request_act",
            "x:pending_identity_request",
            "=withdraw",
            expected=403,
        ),
        case(
            "allowed",
            "officer",
            "POST",
            "complaints:identity_request_act",
            "x:pending_identity_request",
            "=withdraw",
            expected=302,
        ),
        case(
            "allowed",
            "custodian",
            "POST",
            "complaints:identity_request_act",
            "x:pending_identity_request",
            "=refuse",
            expected=302,
            comment="理由不充分",
        ),
    ],
    check=_now(lambda w: w.extra["pending_identity_request"], "approved"),
)
url(
    "complaints:detail",
    "complaint.a",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=[
        "head_b",
        ("head_a", ("complaint.b",)),
        "outsider",
        "evaluator",
        ("head_a", ("x:unrouted_complaint",)),
    ],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "complaints:reveal",
    "complaint.a",
    methods=("POST",),
    # The officer's request on this case was approved by the custodian (tests/authz/world).
    ok={"officer": 200},
    sibling=["head_b", ("head_a", ("complaint.b",)), "outsider"],
    # May ask, yet has no approved request of their own: the custodian who approved it too.
    readonly=["head_a", "in_charge", "leader", "custodian", "township_officer"],
)
url(
    "complaints:attachment",
    "complaint.a",
    "x:complaint_file.a",
    ok={"officer": 200, "leader": 200},
    sibling=["head_b", "outsider", ("head_a", ("complaint.b", "x:complaint_file.b"))],
    readonly=["head_a", "in_charge"],
)
url(
    "complaints:act",
    "x:unrouted_complaint",
    "=accept",
    methods=("POST",),
    ok={"officer": 302},
    data={"comment": "受理"},
    sibling=[
        "head_a",
        "head_b",
        "in_charge",
        "outsider",
        ("officer", ("x:unrouted_complaint", "=nonsense")),
    ],
    readonly=["leader"],
    extra=[
        case(
            "allowed",
            "head_a",
            "POST",
            "complaints:act",
            "complaint.a",
            "=answer",
            expected=302,
            facts="经查属实。",
            verdict="substantiated",
            measures="批评教育。",
            public_reply="已整改。",
        ),
        case(
            "read-only",
            "in_charge",
            "POST",
            "complaints:act",
            "complaint.a",
            "=answer",
            expected=403,
            facts="x",
            verdict="substantiated",
            measures="x",
            public_reply="x",
        ),
        case(
            "read-only",
            "leader",
            "POST",
            "complaints:act",
            "complaint.a",
            "=answer",
            expected=403,
            facts="x",
            verdict="substantiated",
            measures="x",
            public_reply="x",
        ),
        case(
            "read-only",
            "head_a",
            "POST",
            "complaints:act",
            "complaint.a",
            "=close",
            expected=403,
            comment="结案",
        ),
        case(
            "sibling",
            "head_b",
            "POST",
            "complaints:act",
            "complaint.a",
            "=answer",
            expected=404,
            facts="x",
            verdict="substantiated",
            measures="x",
            public_reply="x",
        ),
        case(
            "sibling",
            "head_a",
            "POST",
            "complaints:act",
            "complaint.b",
            "=answer",
            expected=404,
            facts="x",
            verdict="substantiated",
            measures="x",
            public_reply="x",
        ),
        # Asking to see a complainant's identity: within the jurisdiction, never the unit.
        case(
            "allowed",
            "township_officer",
            "POST",
            "complaints:act",
            "complaint.a",
            "=identity_request",
            expected=302,
            reason="核实线索需联系投诉人",
        ),
        case(
            "sibling",
            "township_officer",
            "POST",
            "complaints:act",
            "complaint.b",
            "=identity_request",
            expected=404,
            reason="核实线索需联系投诉人",
        ),
        case(
            "read-only",
            "head_a",
            "POST",
            "complaints:act",
            "complaint.a",
            "=identity_request",
            expected=403,
            reason="核实",
        ),
        case(
            "read-only",
            "leader",
            "POST",
            "complaints:act",
            "complaint.a",
            "=identity_request",
            expected=403,
            reason="核实",
        ),
    ],
    check=_now(lambda w: w.extra["unrouted_complaint"], "accepted"),
)
url(
    "complaints:attachment_share",
    "complaint.a",
    "x:complaint_file.a",
    "=share",
    methods=("POST",),
    ok={"officer": 302},
    sibling=["head_b", "outsider", ("head_a", ("complaint.b", "x:complaint_file.b", "=share"))],
    readonly=["head_a", "in_charge", "leader"],
    check=_now(lambda w: w.extra["complaint_file"]["a"], READ, field="shared_at"),
)

# 中止计时: the handling unit (or staff) stop the clock of a case being handled.
url(
    "complaints:clock",
    "complaint.a",
    "=pause",
    methods=("POST",),
    ok={"head_a": 302, "officer": 302},
    data={"reason": "material", "detail": "待补充材料"},
    sibling=[
        "head_b",
        "outsider",
        "evaluator",
        ("head_a", ("complaint.b", "=pause")),
        ("head_a", ("complaint.a", "=nonsense")),
    ],
    readonly=["leader", "in_charge"],
    extra=[
        case(
            "read-only",
            "leader",
            "POST",
            "complaints:clock",
            "complaint.a",
            "=resume",
            expected=403,
        ),
        # Nothing is paused: refused with a message, nothing saved.
        case(
            "allowed", "head_a", "POST", "complaints:clock", "complaint.a", "=resume", expected=400
        ),
    ],
    check=lambda world, response: _paused(world),
)


def _paused(world) -> None:
    assert ComplaintPause.objects.open().filter(complaint=world.of("complaint", "a")).exists()


# --- 督办 documents, 挂牌督办 by hand, the review of a second 不满意 ---------------------------

url(
    "complaints:escalation",
    "x:escalation_notice.a",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=[
        "head_b",
        "outsider",
        "evaluator",
        ("head_a", ("x:escalation_notice.b",)),
        # A 通报批评 proposal is the staff's to decide: the unit never reads it.
        ("head_a", ("x:criticism.a",)),
        ("leader", ("x:criticism.a",)),
    ],
    na={"read-only": READ_ONLY_VIEW},
    extra=[
        case("allowed", "officer", "GET", "complaints:escalation", "x:criticism.a", expected=200)
    ],
)
url(
    "complaints:escalation_act",
    "x:criticism.a",
    "=dismiss",
    methods=("POST",),
    ok={"officer": 302},
    data={"note": "已于当日办结，不再通报"},
    sibling=[
        "head_a",
        "head_b",
        "outsider",
        ("township_officer", ("x:criticism.b", "=dismiss")),
        ("officer", ("x:criticism.a", "=nonsense")),
    ],
    # Whoever sees the case but does not handle it may read the notice, not decide on it.
    readonly=[
        ("head_a", ("x:escalation_notice.a", "=dismiss")),
        ("leader", ("x:escalation_notice.a", "=dismiss")),
    ],
    check=_now(lambda w: w.extra["criticism"]["a"], "dismissed", field="decision"),
)
url(
    "complaints:supervision_act",
    "complaint.a",
    "=list",
    methods=("POST",),
    ok={"officer": 302},
    data={"reason": "群众反映强烈，挂牌督办"},
    sibling=[
        "head_b",
        "outsider",
        ("head_a", ("complaint.b", "=list")),
        ("township_officer", ("complaint.b", "=list")),
        ("officer", ("complaint.a", "=nonsense")),
    ],
    readonly=["head_a", "in_charge", "leader"],
    check=_now(lambda w: w.of("complaint", "a"), "listed", field="supervision"),
)
