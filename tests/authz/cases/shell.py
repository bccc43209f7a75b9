"""Authorization cases: Public pages, the shell, health checks, units and notifications."""

from __future__ import annotations

from tests.authz.cases.base import (
    LIST_VIEW,
    NO_OBJECT,
    PUBLIC,
    READ,
    READ_ONLY_VIEW,
    _now,
    case,
    url,
)

# --- Public, shell and health --------------------------------------------------------------

url(
    "set_language",
    methods=("POST",),
    ok={"anon": 302, "head_a": 302},
    data={"language": "zh-hans", "next": "/"},
    anon=302,
    na={
        "sibling": PUBLIC,
        "read-only": PUBLIC,
        "method": "Django's set_language redirects on any method and changes nothing on GET",
    },
)
url("health_live", ok={"anon": 200}, anon=200, na={"sibling": PUBLIC, "read-only": PUBLIC})
url("health_db", ok={"anon": 200}, anon=200, na={"sibling": PUBLIC, "read-only": PUBLIC})
url(
    "health_broker",
    ok={"anon": "200|503"},
    anon="200|503",
    na={"sibling": PUBLIC, "read-only": PUBLIC},
)
# "/": the public front page for a visitor, the workspace (a redirect) for a signed-in user.
url(
    "home",
    ok={"anon": 200, "officer": 302, "outsider": 302},
    anon=200,
    na={"sibling": PUBLIC, "read-only": PUBLIC},
)
url(
    "login",
    methods=("GET", "POST"),
    ok={"anon": 200, "head_a": 302},
    anon=200,
    na={"sibling": PUBLIC, "read-only": PUBLIC},
)
url(
    "logout",
    methods=("POST",),
    ok={"head_a": 302},
    anon=302,
    na={"sibling": NO_OBJECT, "read-only": NO_OBJECT},
)

# Two-factor login: the caller's own second factor, so there is no object for a sibling and
# no reader to refuse. "officer_unverified" is the officer (who has an authenticator) after
# the password step only; "officer_new" a staff member who has not set one up yet.
OWN_FACTOR = "the caller's own second factor: no object, no reader role"
url(
    "two_factor_verify",
    methods=("GET", "POST"),
    # The code form for staff past the password step; verified staff and users without
    # two-factor login are sent on.
    ok={"officer_unverified": 200, "officer": 302, "head_a": 302},
    na={"sibling": OWN_FACTOR, "read-only": OWN_FACTOR},
    extra=[
        # Staff without an authenticator yet are sent to set one up.
        case("allowed", "officer_new", "GET", "two_factor_verify", expected=302),
    ],
)
url(
    "two_factor_setup",
    methods=("GET", "POST"),
    ok={"officer_new": 200, "head_a": 302},
    na={"sibling": OWN_FACTOR, "read-only": OWN_FACTOR},
    extra=[
        # Enrolling another authenticator needs the current one first.
        case("read-only", "officer_unverified", "GET", "two_factor_setup", expected=302),
    ],
)
url(
    "two_factor_backup_codes",
    methods=("POST",),
    ok={"officer": 200, "head_a": 302},
    na={"sibling": OWN_FACTOR, "read-only": OWN_FACTOR},
    extra=[
        # New backup codes need the second factor first: the middleware holds the request.
        case("read-only", "officer_unverified", "POST", "two_factor_backup_codes", expected=302)
    ],
)

# --- Units and notifications ---------------------------------------------------------------

url(
    "units:workspace",
    ok={
        "officer": 200,
        "leader": 200,
        "head_a": 200,
        "in_charge": 200,
        "evaluator": 200,
        "outsider": 200,
    },
    na={"sibling": NO_OBJECT, "read-only": READ_ONLY_VIEW},
)
url(
    "units:unit_list",
    ok={"officer": 200, "leader": 200, "head_a": 200, "outsider": 200},
    na={"sibling": LIST_VIEW, "read-only": READ_ONLY_VIEW},
)
url(
    "units:unit_detail",
    "unit.a",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["head_b", ("head_a", ("unit.b",)), "outsider", "evaluator"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "units:notification_list",
    ok={"head_a": 200, "outsider": 200},
    na={"sibling": LIST_VIEW, "read-only": READ_ONLY_VIEW},
)
url(
    "units:notification_open",
    "notification.a",
    methods=("POST",),
    ok={"head_a": 302},
    sibling=["head_b", ("head_a", ("notification.b",)), "officer", "leader"],
    na={"read-only": "a notice is its recipient's alone: everyone else gets 404"},
    check=_now(lambda w: w.of("notification", "a"), READ, "read_at"),
)
url(
    "units:notifications_read_all",
    methods=("POST",),
    ok={"head_a": 302, "outsider": 302},
    na={"sibling": "marks only the caller's own notices", "read-only": NO_OBJECT},
)

url(
    "units:digest_list",
    ok={"officer": 200, "leader": 200, "township_officer": 200},
    # Leaders and inspection staff read digests (each of their own jurisdiction): no unit.
    sibling=["head_a", "head_b", "in_charge", "evaluator", "outsider"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "units:digest_detail",
    "x:digest",
    ok={"officer": 200, "leader": 200},
    # The county's digest: not for a unit, nor for the officer of a subtree.
    sibling=[
        "head_a",
        "head_b",
        "in_charge",
        "evaluator",
        "outsider",
        "township_officer",
        ("township_officer", ("digest.b",)),
    ],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "units:digest_act",
    "x:digest_draft",
    "=comment",
    methods=("POST",),
    data={"comment": "本月情况总体平稳。"},
    ok={"officer": 302},
    # A draft is its reviewers' alone: leaders see it once sent; a subtree's officer never.
    sibling=["leader", "township_officer", "head_a", "outsider"],
    # A sent digest is the leader's to read, not to edit.
    readonly=[("leader", ("x:digest", "=send"))],
    check=_now(lambda w: w.extra["digest_draft"], "本月情况总体平稳。", "comment"),
)

# --- 我的导出: background exports --------------------------------------------------------

OWN_EXPORTS = "the caller's own exports only: nobody else's is listed or served"
url(
    "units:export_list",
    ok={"head_a": 200, "officer": 200, "outsider": 200},
    na={"sibling": OWN_EXPORTS, "read-only": READ_ONLY_VIEW},
)
url(
    "units:export_start",
    "=complaints.ledger_csv",
    methods=("POST",),
    data={"params": ""},
    ok={"officer": 302, "leader": 302},
    # Whoever may not export complaints is refused as the direct export refuses them.
    readonly=["head_a", "in_charge", "outsider"],
    na={"sibling": "the export's rows are the selector's scope: checked by the file's tests"},
    extra=[
        # An export nobody offers: not found, nothing filed.
        case("sibling", "outsider", "POST", "units:export_start", "=no.such_export", expected=404),
    ],
)
url(
    "units:export_download",
    "export.a",
    ok={"head_a": 200},
    # An export is its requester's alone: everyone else, inspection staff too, gets 404.
    sibling=["head_b", ("head_a", ("export.b",)), "officer", "leader", "township_officer"],
    na={"read-only": "an export is its requester's alone: everyone else gets 404"},
)
