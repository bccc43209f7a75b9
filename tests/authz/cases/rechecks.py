"""Authorization cases: 整改回头看 (re-checks of closed items and their decisions)."""

from __future__ import annotations

from tests.authz.cases.base import READ_ONLY_VIEW, _now, case, url

url(
    "campaign:recheck_list",
    "campaign",
    ok={"officer": 200, "leader": 200, "head_a": 200, "head_b": 200, "in_charge": 200},
    sibling=["outsider", "evaluator", ("head_a", ("draft_campaign",))],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:recheck_open",
    "campaign",
    methods=("GET", "POST"),
    ok={"officer": 200},
    sibling=["outsider", "evaluator", ("head_a", ("draft_campaign",))],
    readonly=["leader", "head_a", "in_charge"],
    extra=[
        case("read-only", "head_a", "POST", "campaign:recheck_open", "campaign", expected=403),
        case("read-only", "leader", "POST", "campaign:recheck_open", "campaign", expected=403),
    ],
)
url(
    "campaign:recheck_detail",
    "recheck.a",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["head_b", ("head_a", ("recheck.b",)), "outsider", "evaluator"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:recheck_entry_action",
    "recheck_entry.a",
    "=confirm",
    methods=("POST",),
    ok={"officer": 302},
    data={"note": "回头看现场核查，整改成果巩固"},
    sibling=[
        "head_b",
        ("head_a", ("recheck_entry.b", "=confirm")),
        "outsider",
        "evaluator",
    ],
    readonly=["head_a", "leader", "in_charge"],
    check=_now(lambda w: w.of("recheck_entry", "a"), "confirmed"),
    extra=[
        case(
            "allowed",
            "officer",
            "POST",
            "campaign:recheck_entry_action",
            "recheck_entry.a",
            "=relapse",
            expected=302,
            reason="窗口再次出现推诿现象",
            working_days=10,
        ),
        case(
            "read-only",
            "head_a",
            "POST",
            "campaign:recheck_entry_action",
            "recheck_entry.a",
            "=relapse",
            expected=403,
            reason="x",
            working_days=10,
        ),
        case(
            "sibling",
            "head_b",
            "POST",
            "campaign:recheck_entry_action",
            "recheck_entry.a",
            "=relapse",
            expected=404,
            reason="x",
            working_days=10,
        ),
        case(
            "sibling",
            "officer",
            "POST",
            "campaign:recheck_entry_action",
            "recheck_entry.a",
            "=nonsense",
            expected=404,
        ),
    ],
)
