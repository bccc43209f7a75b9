"""Authorization cases: 协办 parts, 派单异议 and the 派单目录 (complaints/views_dispatch.py).

A part: its co-handling unit (and whoever sees that unit) and the staff who handle the case
read it; only the co-handling unit answers or disputes it; the lead unit reaches it through
the case page only. The catalogue: complaint staff; an officer edits only entries within
their jurisdiction.
"""

from __future__ import annotations

from tests.authz.cases.base import (
    LIST_VIEW,
    NO_OBJECT,
    READ_ONLY_VIEW,
    _now,
    case,
    url,
)

url(
    "complaints:parts",
    ok={"head_a": 200, "head_b": 200, "in_charge": 200, "officer": 200, "outsider": 200},
    na={"sibling": LIST_VIEW, "read-only": READ_ONLY_VIEW},
)
url(
    "complaints:part",
    "part.a",
    ok={"head_a": 200, "in_charge": 200, "officer": 200, "township_officer": 200, "leader": 200},
    # The lead unit of the case (head_b), the other sibling's part, outsiders.
    sibling=["head_b", ("head_a", ("part.b",)), "outsider", "evaluator", "supervisor"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "complaints:part_act",
    "part.a",
    "=answer",
    methods=("POST",),
    ok={"head_a": 302},
    data={"facts": "经查属实。", "measures": "已整改。"},
    sibling=[
        "head_b",
        "outsider",
        ("head_a", ("part.b", "=answer")),
        ("head_a", ("part.a", "=nonsense")),
    ],
    readonly=["officer", "leader", "in_charge"],
    check=_now(lambda w: w.of("part", "a"), "answered"),
    extra=[
        case(
            "allowed",
            "head_a",
            "POST",
            "complaints:part_act",
            "part.a",
            "=dispute",
            expected=302,
            reason="非本单位职责",
        ),
        case(
            "read-only",
            "in_charge",
            "POST",
            "complaints:part_act",
            "part.a",
            "=dispute",
            expected=403,
            reason="x",
        ),
    ],
)
url(
    "complaints:disputes",
    ok={"officer": 200, "township_officer": 200},
    readonly=["leader", "head_a", "in_charge", "outsider"],
    na={"sibling": LIST_VIEW},
)
url(
    "complaints:rules",
    ok={"officer": 200, "township_officer": 200},
    readonly=["leader", "head_a", "in_charge", "outsider"],
    na={"sibling": LIST_VIEW},
)
url(
    "complaints:rule_new",
    methods=("GET", "POST"),
    ok={"officer": 200},
    readonly=["leader", "head_a", "outsider"],
    na={"sibling": NO_OBJECT},
)
url(
    "complaints:rule",
    "rule.a",
    methods=("GET", "POST"),
    ok={"officer": 200, "township_officer": 200},
    sibling=["head_a", "head_b", "leader", "outsider"],
    extra=[
        # Staff of dept_a's subtree read the county's catalogue, and change only their area's.
        case("allowed", "township_officer", "GET", "complaints:rule", "rule.b", expected=200),
        case(
            "read-only",
            "township_officer",
            "POST",
            "complaints:rule",
            "rule.b",
            expected=403,
            category="1",
            unit="1",
        ),
    ],
)
url(
    "complaints:rule_act",
    "rule.a",
    "=retire",
    methods=("POST",),
    ok={"officer": 302},
    data={"comment": "职责调整"},
    sibling=["head_a", "outsider", "leader", ("officer", ("rule.a", "=nonsense"))],
    readonly=[("township_officer", ("rule.b", "=retire"))],
    check=_now(lambda w: w.of("rule", "a"), "retired"),
)
