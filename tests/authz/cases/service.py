"""Authorization cases: service commitments (服务承诺) and leaders' reception days (领导接待日).

Public pages: anyone. A commitment: its unit's staff write it, whoever sees the unit reads
it, outsiders get 404. Reception days: complaint staff of the jurisdiction; others 403.
"""

from __future__ import annotations

from tests.authz.cases.base import (
    LIST_VIEW,
    NO_OBJECT,
    PUBLIC,
    READ_ONLY_VIEW,
    STAFF_ONLY,
    _now,
    case,
    url,
)

# --- Public pages ---------------------------------------------------------------------------

for _name in ("complaints:public_commitments", "complaints:public_reception_days"):
    url(
        _name,
        ok={"anon": 200},
        anon=200,
        na={"sibling": PUBLIC, "read-only": PUBLIC},
    )

# --- Commitments ----------------------------------------------------------------------------

url(
    "complaints:commitments",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200, "outsider": 200},
    na={"sibling": LIST_VIEW, "read-only": READ_ONLY_VIEW},
)
url(
    "complaints:commitment_new",
    methods=("GET", "POST"),
    ok={"head_a": 200},
    readonly=["officer", "leader", "outsider"],
    na={"sibling": NO_OBJECT},
)
url(
    "complaints:commitment",
    "commitment.a",
    methods=("GET", "POST"),
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["head_b", ("head_a", ("commitment.b",)), "outsider"],
    na={"read-only": READ_ONLY_VIEW},
    extra=[
        # Readers may not change it (and a published one is changed by nobody: 400).
        case(
            "read-only",
            "officer",
            "POST",
            "complaints:commitment",
            "commitment.a",
            expected=403,
            service="改",
        ),
        case(
            "read-only",
            "leader",
            "POST",
            "complaints:commitment",
            "commitment.a",
            expected=403,
            service="改",
        ),
    ],
)
url(
    "complaints:commitment_act",
    "commitment.a",
    "=withdraw",
    methods=("POST",),
    ok={"head_a": 302},
    data={"comment": "调整承诺时限"},
    sibling=[
        "head_b",
        "outsider",
        ("head_a", ("commitment.b", "=withdraw")),
        ("head_a", ("commitment.a", "=nonsense")),
    ],
    readonly=["officer", "leader", "in_charge"],
    check=_now(lambda w: w.of("commitment", "a"), "withdrawn"),
)

# --- Reception days (complaint staff) -------------------------------------------------------

url(
    "complaints:reception_days",
    ok={"officer": 200, "township_officer": 200},
    readonly=["leader", "head_a", "in_charge", "outsider"],
    na={"sibling": LIST_VIEW},
)
url(
    "complaints:reception_day_new",
    methods=("GET", "POST"),
    ok={"officer": 200, "township_officer": 200},
    readonly=["leader", "head_a", "outsider"],
    na={"sibling": STAFF_ONLY},
)
url(
    "complaints:reception_day",
    "reception_day.a",
    methods=("GET", "POST"),
    ok={"officer": 200, "township_officer": 200},
    sibling=[("township_officer", ("reception_day.b",))],
    readonly=["leader", "head_a", "head_b", "outsider"],
)
url(
    "complaints:reception_visit",
    "reception_day.a",
    methods=("GET", "POST"),
    ok={"officer": 200, "township_officer": 200},
    sibling=[("township_officer", ("reception_day.b",))],
    readonly=["leader", "head_a", "outsider"],
)
