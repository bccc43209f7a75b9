"""Authorization cases: Assessments: schemes, surveys, evaluations, results."""

from __future__ import annotations

from tests.authz.cases.base import (
    LIST_VIEW,
    NO_OBJECT,
    PUBLIC,
    READ_ONLY_VIEW,
    STAFF_ONLY,
    case,
    url,
)

# --- Assessments ---------------------------------------------------------------------------

url(
    "assessments:scheme_list",
    # Everyone else is sent to their own published results.
    ok={"officer": 200, "leader": 200, "head_a": 302, "evaluator": 302, "outsider": 302},
    na={"sibling": NO_OBJECT, "read-only": READ_ONLY_VIEW},
)
for _name in ("assessments:scheme_copy", "assessments:scheme_new"):
    url(
        _name,
        methods=("POST",),
        ok={"officer": "302|400"},
        data={"year": "2030"},
        readonly=["leader", "head_a", "evaluator", "outsider"],
        na={"sibling": STAFF_ONLY},
    )
url(
    "assessments:survey_new",
    "x:schemes.computed",
    methods=("POST",),
    ok={"officer": "302|400"},
    sibling=["head_a", "evaluator", "outsider"],
    readonly=["leader"],
)
url(
    "assessments:scheme_detail",
    "x:schemes.computed",
    ok={"officer": 200, "leader": 200},
    sibling=["head_a", "head_b", "in_charge", "evaluator", "outsider"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "assessments:scheme_progress",
    "x:schemes.computed",
    ok={"officer": 200, "leader": 200},
    sibling=["head_a", "in_charge", "evaluator", "outsider"],
    na={"read-only": READ_ONLY_VIEW},
)
for _name, _scheme, _ok in (
    # The world's open scheme is already open: starting it again is a refused move (400).
    ("assessments:scheme_open", "x:schemes.open", "302|400"),
    ("assessments:scheme_compute", "x:schemes.computed", "302"),
    ("assessments:scheme_publish", "x:schemes.computed", "302"),
):
    url(
        _name,
        _scheme,
        methods=("POST",),
        ok={"officer": _ok},
        sibling=["head_a", "in_charge", "evaluator", "outsider"],
        readonly=["leader"],
    )
url(
    "assessments:scheme_act",
    "x:schemes.open",
    "=remove_indicator",
    methods=("POST",),
    # Started schemes keep their indicators: the officer's move is refused (400).
    ok={"officer": "302|400"},
    sibling=[
        "head_a",
        "in_charge",
        "evaluator",
        "outsider",
        ("officer", ("x:schemes.open", "=nonsense")),
    ],
    readonly=["leader"],
)
for _name in ("assessments:dashboard", "assessments:results_export"):
    url(
        _name,
        "x:schemes.computed",
        ok={"officer": 200, "leader": 200},
        sibling=[
            "head_a",
            "head_b",
            "in_charge",
            "evaluator",
            "outsider",
            ("outsider", ("x:schemes.published",)),
            ("evaluator", ("x:schemes.published",)),
        ],
        na={"read-only": READ_ONLY_VIEW},
        # A published scheme opens for whoever may read some of its results, confined to
        # them (the leader in charge: the supervised units).
        extra=[case("allowed", "in_charge", "GET", _name, "x:schemes.published", expected=200)],
    )
url(
    "assessments:result_detail",
    "result.a",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=[
        "head_b",
        ("head_a", ("result.b",)),
        "outsider",
        "evaluator",
        ("head_a", ("unpublished_result.a",)),
    ],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "assessments:my_results",
    ok={"head_a": 200, "in_charge": 200, "outsider": 200},
    na={"sibling": LIST_VIEW, "read-only": READ_ONLY_VIEW},
)
url(
    "assessments:public_results",
    ok={"anon": 200},
    anon=200,
    na={"sibling": PUBLIC, "read-only": PUBLIC},
)
url(
    "assessments:public_results_year",
    2025,
    ok={"anon": 200},
    anon=200,
    sibling=[("anon", (2026,)), ("anon", (2027,))],
    na={"read-only": PUBLIC},
)
url(
    "assessments:survey_detail",
    "x:survey",
    ok={"officer": 200, "leader": 200},
    sibling=["head_a", "in_charge", "evaluator", "outsider"],
    na={"read-only": READ_ONLY_VIEW},
)
for _name in ("assessments:survey_tokens", "assessments:survey_status"):
    url(
        _name,
        "x:survey",
        methods=("POST",),
        ok={"officer": "302|400"},
        sibling=["head_a", "in_charge", "evaluator", "outsider"],
        readonly=["leader"],
    )
url(
    "assessments:survey_tokens_export",
    "x:survey",
    ok={"officer": 200},
    sibling=["head_a", "in_charge", "evaluator", "outsider"],
    readonly=["leader"],
)
url(
    "assessments:survey_open_vote",
    "x:open_survey",
    methods=("GET", "POST"),
    ok={"anon": 200},
    anon=200,
    sibling=[("anon", ("x:survey",))],
    na={"read-only": PUBLIC},
)
url(
    # The thanks after a vote: shown with the cookie the vote sets; without it, nothing.
    "assessments:survey_thanks",
    "x:survey",
    ok={"anon": 404},
    anon=404,
    na={"sibling": PUBLIC, "read-only": PUBLIC},
)
url(
    "assessments:survey_vote",
    "x:survey",
    "x:spare_code",
    methods=("GET", "POST"),
    ok={"anon": 200},
    anon=200,
    sibling=[("anon", ("x:survey", "=FORGEDCODE"))],
    na={"read-only": PUBLIC},
)
url(
    "assessments:feedback_list",
    ok={"officer": 200, "head_a": 200, "outsider": 200},
    na={"sibling": LIST_VIEW, "read-only": READ_ONLY_VIEW},
)
for _name in ("assessments:evaluation_home", "assessments:evaluation_template"):
    url(
        _name,
        "x:schemes.open",
        ok={"evaluator": 200},
        sibling=["officer", "leader", "head_a", "outsider", ("evaluator", ("x:schemes.computed",))],
        na={"read-only": "the evaluator's own page: anyone else gets 404"},
    )
url(
    "assessments:evaluation_unit",
    "x:schemes.open",
    "unit.a",
    methods=("GET", "POST"),
    ok={"evaluator": 200},
    sibling=[
        "officer",
        "leader",
        "head_a",
        "outsider",
        ("evaluator", ("x:schemes.open", "unit.b")),
    ],
    na={"read-only": "scores belong to the assigned evaluator: anyone else gets 404"},
)
url(
    "assessments:evaluation_import",
    "x:schemes.open",
    methods=("GET", "POST"),
    ok={"evaluator": 200},
    sibling=["officer", "leader", "head_a", "outsider", ("evaluator", ("x:schemes.computed",))],
    na={"read-only": "scores belong to the assigned evaluator: anyone else gets 404"},
)

# --- 考评分工 and the evaluator's landing page -------------------------------------------------

url(
    "assessments:evaluation_index",
    ok={"evaluator": 200},
    sibling=["officer", "leader", "head_a", "in_charge", "outsider"],
    na={"read-only": "the evaluator's own page: anyone else gets 404"},
)
url(
    "assessments:evaluation_assign",
    "x:schemes.open",
    methods=("GET", "POST"),
    ok={"officer": 200},
    # A subtree's officer reads no county scheme: nothing of it to assign.
    sibling=["head_a", "in_charge", "evaluator", "outsider", "township_officer"],
    readonly=["leader"],
    extra=[
        # Assigning what is assigned already: kept, and the page comes back.
        case(
            "allowed",
            "officer",
            "POST",
            "assessments:evaluation_assign",
            "x:schemes.open",
            expected=302,
            evaluators=lambda w: w.cast.evaluator.pk,
            units=lambda w: w.cast.dept_a.pk,
        ),
        case(
            "read-only",
            "leader",
            "POST",
            "assessments:evaluation_assign",
            "x:schemes.open",
            expected=403,
            evaluators=lambda w: w.cast.evaluator.pk,
            units=lambda w: w.cast.dept_a.pk,
        ),
    ],
)
url(
    "assessments:evaluation_unassign",
    "x:schemes.open",
    methods=("POST",),
    # Nothing chosen: refused as bad input (400) once the officer is let through.
    ok={"officer": 400},
    sibling=["head_a", "in_charge", "evaluator", "outsider", "township_officer"],
    readonly=["leader"],
)
