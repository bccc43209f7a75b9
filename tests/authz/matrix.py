"""The role × object matrix: for each reachable model, its scoping function and the pages
that must agree with it. Cases are generated from MODELS × ROLES × each model's accesses.

Access kinds:
  list / export  the page answers iff `page(user)`; the object's marker appears iff `scope`
  detail         200 iff the object is in scope, else 404
  edit           404 when out of scope; 403 when in scope but `may` is false; otherwise the
                 request is taken (200 form, 302 done, 400 refused move or bad input)
Anonymous users are sent to the login page by every one of them, and are in no scope.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments import permissions as assessment_permissions
from assessments import selectors as assessment_selectors
from campaign import permissions as campaign_permissions
from campaign import selectors as campaign_selectors
from campaign import supervisor_reports
from complaints import permissions as complaint_permissions
from complaints import permissions_service as complaint_service_permissions
from complaints import selectors as complaint_selectors
from complaints import selectors_service as complaint_service_selectors
from tests.authz.world import World
from units import selectors as unit_selectors
from units.digests import reads_digests
from units.models import Digest, Unit
from units.supervisors import supervisor_of

ROLES = (
    "officer",
    "leader",
    "head_a",
    "head_b",
    "in_charge",
    "evaluator",
    "outsider",
    "township_officer",  # inspection staff of dept_a's subtree only: side "b" is outside
    "custodian",  # county-wide inspection staff who approves requests to see an identity
    "supervisor",  # 特邀监督员 watching dept_a: no unit grant, only their own reports
    "anon",
)
TAKEN = {200, 302, 400}


def user_of(world: World, role: str) -> Any:
    return AnonymousUser() if role == "anon" else getattr(world.cast, role)


def in_qs(qs, obj) -> bool:
    return qs.filter(pk=obj.pk).exists()


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells.extend(str(v) for v in row if v is not None)
    return "\n".join(cells)


@dataclass(frozen=True)
class Access:
    kind: str  # list | export | detail | edit
    path: Callable[[World, Any], str]
    # list/export: who gets the page at all; the object's marker in the content.
    page: Callable[[Any, World, Any], bool] | None = None
    marker: Callable[[Any], str] | None = None
    # The scoping function this access must agree with (defaults to the model's).
    scope: Callable[[Any, Any], bool] | None = None
    # edit: who may do it, among those in scope; the method and form data.
    may: Callable[[Any, Any], bool] | None = None
    method: str = "GET"
    data: dict[str, Any] = field(default_factory=dict)
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.kind


@dataclass(frozen=True)
class Model:
    name: str
    objects: tuple[tuple[str, str], ...]  # (world kind, side)
    scope: Callable[[Any, Any], bool]
    accesses: tuple[Access, ...]


def _everyone(user, world, obj) -> bool:
    return user.is_authenticated


def _campaign_visible(user, world, obj) -> bool:
    return in_qs(campaign_selectors.campaigns_visible_to(user=user), world.campaign)


def _sees_units(user, world, obj) -> bool:
    return Unit.objects.visible_to(user).exists()


def _item_scope(user, item) -> bool:
    return in_qs(campaign_selectors.items_visible_to(user=user), item)


def _overdue(item) -> bool:
    S = item.Status
    return (
        item.status not in (S.DRAFT, S.CLOSED)
        and not item.long_term
        and item.deadline < timezone.localdate()
    )


def _complaint_scope(user, complaint) -> bool:
    return in_qs(complaint_selectors.complaints_visible_to(user=user), complaint)


def _result_scope(user, result) -> bool:
    # get_result_for_user_or_404: dashboard readers read every result, a unit its own
    # published ones (the same selector as "my results").
    return assessment_permissions.can_view_dashboard(user) or in_qs(
        assessment_selectors.results_for_unit_head(user=user), result
    )


def _scheme_results_readable(user, world, result) -> bool:
    # get_dashboard_scheme_for_user_or_404: the county's readers, or whoever may read some
    # of the scheme's results (a leader in charge), confined to those.
    return (
        assessment_permissions.can_view_dashboard(user)
        and assessment_selectors.user_sees_all_units(user=user)
    ) or assessment_selectors.results_visible_to(user=user).filter(
        scheme_id=result.scheme_id
    ).exists()


def _url(name: str, *attrs: str) -> Callable[[World, Any], str]:
    def build(world: World, obj: Any) -> str:
        args = []
        for attr in attrs:
            value: Any = obj
            for part in attr.split("."):
                value = getattr(value, part)
            args.append(value)
        return reverse(name, args=args)

    return build


def _fixed(name: str, *args: Any, query: str = "") -> Callable[[World, Any], str]:
    def build(world: World, obj: Any) -> str:
        resolved = [a(world) if callable(a) else a for a in args]
        url = reverse(name, args=resolved)
        return f"{url}?{query}" if query else url

    return build


def _campaign_pk(world: World) -> int:
    return world.campaign.pk


ANSWER = {
    "facts": "经查属实。",
    "verdict": "substantiated",
    "measures": "批评教育。",
    "public_reply": "已整改。",
}

MODELS: tuple[Model, ...] = (
    Model(
        "supervisor report",
        (("supervisor_report", "a"), ("supervisor_report", "b"), ("x", "review_report")),
        lambda user, r: in_qs(supervisor_reports.supervisor_reports_visible_to(user=user), r),
        (
            Access(
                "list",
                _fixed("campaign:supervisor_report_list"),
                page=lambda user, world, obj: (
                    supervisor_of(user=user) is not None
                    or supervisor_reports.can_see_incoming_reports(user)
                ),
                marker=lambda r: reverse("campaign:supervisor_report_detail", args=[r.pk]) + '"',
            ),
            Access("detail", _url("campaign:supervisor_report_detail", "pk")),
            Access(
                "edit",
                lambda world, r: reverse("campaign:supervisor_report_act", args=[r.pk, "dismiss"]),
                may=supervisor_reports.can_decide_supervisor_report,
                method="POST",
                data={"reason": "经核实不属实"},
                label="decide",
            ),
        ),
    ),
    Model(
        "unit",
        (("unit", "a"), ("unit", "b"), ("x", "division_a"), ("x", "township"), ("x", "root")),
        lambda user, unit: in_qs(Unit.objects.visible_to(user), unit),
        (
            Access(
                "list",
                _fixed("units:unit_list"),
                page=_everyone,
                marker=lambda unit: reverse("units:unit_detail", args=[unit.pk]) + '"',
            ),
            Access("detail", _url("units:unit_detail", "pk")),
        ),
    ),
    Model(
        "campaign",
        (("x", "campaign"), ("x", "draft_campaign")),
        lambda user, c: in_qs(campaign_selectors.campaigns_visible_to(user=user), c),
        (
            Access(
                "list",
                _fixed("campaign:campaign_list"),
                page=lambda user, world, obj: (
                    _campaign_visible(user, world, obj)
                    or campaign_permissions.can_manage_campaigns(user)
                    or _sees_units(user, world, obj)
                ),
                marker=lambda c: reverse("campaign:campaign_detail", args=[c.pk]) + '"',
            ),
            Access("detail", _url("campaign:campaign_detail", "pk")),
        ),
    ),
    Model(
        "rectification item",
        tuple(
            (kind, side)
            for kind in ("item", "individual_item", "draft_item", "submitted_item", "overdue_item")
            for side in ("a", "b")
        ),
        _item_scope,
        (
            Access(
                "list",
                _fixed("campaign:ledger", _campaign_pk),
                page=_campaign_visible,
                marker=lambda item: item.problem,
            ),
            Access(
                "export",
                _fixed("campaign:ledger_export", _campaign_pk),
                page=_campaign_visible,
                marker=lambda item: item.problem,
            ),
            Access(
                "list",
                _fixed("campaign:overdue_board"),
                page=_sees_units,
                marker=lambda item: item.problem,
                # The 督办 board: the visible items that are overdue (filed, open, past due).
                scope=lambda user, item: _item_scope(user, item) and _overdue(item),
                label="overdue-board",
            ),
            Access("detail", _url("campaign:item_detail", "pk")),
            Access(
                "edit", _url("campaign:item_edit", "pk"), may=campaign_permissions.can_edit_item
            ),
            Access(
                "edit",
                lambda world, item: reverse("campaign:item_action", args=[item.pk, "accept"]),
                may=campaign_permissions.can_review_item,
                method="POST",
                label="review",
            ),
        ),
    ),
    Model(
        "progress update",
        (("progress", "a"), ("progress", "b")),
        lambda user, update: _item_scope(user, update.item),
        (Access("detail", _url("campaign:progress_attachment", "pk"), label="file"),),
    ),
    Model(
        "submission",
        (("submission", "a"), ("submission", "b")),
        lambda user, s: in_qs(campaign_selectors.submissions_visible_to(user=user), s),
        (
            Access(
                "list",
                lambda world, s: reverse("campaign:deliverable_detail", args=[s.deliverable_id]),
                page=_campaign_visible,
                marker=lambda s: s.text,
            ),
            Access("detail", _url("campaign:submission_attachment", "pk"), label="file"),
            Access(
                "edit",
                lambda world, s: reverse("campaign:submission_review", args=[s.pk, "accept"]),
                may=lambda user, s: (
                    unit_selectors.units_overseen_by(user=user).filter(pk=s.unit_id).exists()
                ),
                method="POST",
                label="review",
            ),
        ),
    ),
    Model(
        "inspection",
        (("inspection", "a"), ("inspection", "b")),
        lambda user, i: in_qs(campaign_selectors.inspections_visible_to(user=user), i),
        (
            Access(
                "list",
                _fixed("campaign:inspection_list"),
                page=lambda user, world, obj: (
                    campaign_permissions.can_manage_campaigns(user) or _sees_units(user, world, obj)
                ),
                marker=lambda i: reverse("campaign:inspection_detail", args=[i.pk]) + '"',
            ),
            Access("detail", _url("campaign:inspection_detail", "pk")),
            Access(
                "edit",
                _url("campaign:inspection_detail", "pk"),
                may=lambda user, i: campaign_permissions.can_manage_campaigns(user),
                method="POST",
                data={"description": ""},
                label="add-finding",
            ),
        ),
    ),
    Model(
        "finding",
        (("finding", "a"), ("finding", "b")),
        lambda user, f: in_qs(campaign_selectors.findings_visible_to(user=user), f),
        (
            Access(
                "list",
                lambda world, f: reverse("campaign:inspection_detail", args=[f.inspection_id]),
                page=lambda user, world, f: in_qs(
                    campaign_selectors.inspections_visible_to(user=user), f.inspection
                ),
                marker=lambda f: f.description,
            ),
            Access("detail", _url("campaign:finding_evidence", "pk"), label="file"),
        ),
    ),
    Model(
        "circular",
        (("circular", "draft"), ("circular", "internal"), ("circular", "public")),
        lambda user, c: in_qs(campaign_selectors.circulars_visible_to(user=user), c),
        (
            Access(
                "list",
                _fixed("campaign:circular_list"),
                page=_sees_units,
                marker=lambda c: reverse("campaign:circular_detail", args=[c.pk]) + '"',
            ),
            Access("detail", _url("campaign:circular_detail", "pk")),
            Access(
                "edit",
                _url("campaign:circular_edit", "pk"),
                may=lambda user, c: campaign_permissions.can_manage_campaigns(user),
            ),
        ),
    ),
    Model(
        "complaint",
        (
            ("complaint", "a"),
            ("complaint", "b"),
            ("x", "unrouted_complaint"),
            ("x", "answered_complaint"),
        ),
        _complaint_scope,
        (
            Access(
                "list",
                _fixed("complaints:list", query="status="),
                page=_everyone,
                marker=lambda c: c.number,
            ),
            Access(
                "list",
                _fixed("complaints:ledger"),
                page=_everyone,
                marker=lambda c: c.number,
                label="ledger",
            ),
            Access(
                "export",
                _fixed("complaints:export"),
                page=lambda user, world, obj: (
                    user.has_perm("complaints.view_all_complaints")
                    or complaint_permissions.is_handler(user)
                ),
                marker=lambda c: c.number,
            ),
            Access(
                "export",
                _fixed("complaints:export_csv"),
                page=lambda user, world, obj: (
                    user.has_perm("complaints.view_all_complaints")
                    or complaint_permissions.is_handler(user)
                ),
                marker=lambda c: c.number,
                label="export-csv",
            ),
            Access("detail", _url("complaints:detail", "pk")),
            Access(
                "edit",
                lambda world, c: reverse("complaints:act", args=[c.pk, "answer"]),
                may=complaint_permissions.can_answer_complaint,
                method="POST",
                data=ANSWER,
                label="answer",
            ),
            Access(
                "edit",
                lambda world, c: reverse("complaints:act", args=[c.pk, "accept"]),
                may=complaint_permissions.can_handle_complaint,
                method="POST",
                data={"comment": "受理"},
                label="accept",
            ),
        ),
    ),
    Model(
        "assessment scheme",
        (("x", "scheme_published"), ("x", "scheme_computed"), ("x", "scheme_open")),
        lambda user, s: in_qs(assessment_selectors.schemes_visible_to(user=user), s),
        (
            Access(
                "list",
                _fixed("assessments:scheme_list"),
                # Everyone else is sent on to their own results.
                page=lambda user, world, s: (
                    assessment_permissions.can_view_dashboard(user)
                    or assessment_permissions.can_manage_schemes(user)
                ),
                marker=lambda s: reverse("assessments:scheme_detail", args=[s.pk]) + '"',
            ),
            Access("detail", _url("assessments:scheme_detail", "pk")),
            Access("detail", _url("assessments:scheme_progress", "pk"), label="api"),
        ),
    ),
    Model(
        "assessment result",
        (
            ("result", "a"),
            ("result", "b"),
            ("unpublished_result", "a"),
            ("unpublished_result", "b"),
        ),
        _result_scope,
        (
            Access(
                "list",
                _fixed("assessments:my_results"),
                page=_everyone,
                marker=lambda r: reverse("assessments:result_detail", args=[r.pk]) + '"',
                scope=lambda user, r: in_qs(
                    assessment_selectors.results_for_unit_head(user=user), r
                ),
            ),
            Access(
                "export",
                lambda world, r: reverse("assessments:results_export", args=[r.scheme_id]),
                page=_scheme_results_readable,
                marker=lambda r: r.unit.name,
            ),
            Access(
                "list",
                lambda world, r: reverse("assessments:dashboard", args=[r.scheme_id]),
                page=_scheme_results_readable,
                marker=lambda r: f">{r.unit.name}<",
                label="dashboard",
            ),
            Access("detail", _url("assessments:result_detail", "pk")),
        ),
    ),
    Model(
        "identity reveal",
        (("reveal", "a"), ("reveal", "b")),
        lambda user, r: in_qs(complaint_selectors.identity_reveals(user=user), r),
        (
            Access(
                "list",
                _fixed("complaints:reveal_log"),
                page=lambda user, world, r: user.has_perm("complaints.view_identityreveal"),
                marker=lambda r: r.reason,
            ),
        ),
    ),
    Model(
        "identity request",
        (
            ("identity_request", "a"),
            ("identity_request", "b"),
            ("x", "pending_identity_request"),
        ),
        lambda user, r: in_qs(complaint_selectors.identity_requests_logged(user=user), r),
        (
            Access(
                "list",
                _fixed("complaints:reveal_log"),
                page=lambda user, world, r: user.has_perm("complaints.view_identityreveal"),
                marker=lambda r: r.reason,
            ),
            Access(
                "list",
                _fixed("complaints:identity_requests"),
                page=lambda user, world, r: complaint_permissions.can_see_identity_requests(user),
                marker=lambda r: r.reason,
                # The custodian's pending requests to decide, and the user's own.
                scope=lambda user, r: (
                    in_qs(complaint_selectors.identity_requests_to_decide(user=user), r)
                    or in_qs(complaint_selectors.identity_requests_of(user=user), r)
                ),
                label="requests-page",
            ),
            Access(
                "edit",
                lambda world, r: reverse("complaints:identity_request_act", args=[r.pk, "approve"]),
                scope=lambda user, r: in_qs(
                    complaint_selectors.identity_requests_visible_to(user=user), r
                ),
                may=complaint_permissions.can_decide_identity_request,
                method="POST",
                data={"comment": "同意"},
                label="approve",
            ),
        ),
    ),
    Model(
        "notification",
        (("notification", "a"), ("notification", "b")),
        lambda user, n: in_qs(unit_selectors.notifications_for(user=user), n),
        (
            Access(
                "list",
                _fixed("units:notification_list"),
                page=_everyone,
                marker=lambda n: n.title,
            ),
            Access(
                "edit",
                _url("units:notification_open", "pk"),
                may=lambda user, n: True,
                method="POST",
                label="open",
            ),
        ),
    ),
    Model(
        "digest",
        (("x", "digest"), ("digest", "a"), ("digest", "b"), ("x", "digest_draft")),
        lambda user, d: in_qs(Digest.objects.visible_to(user), d),
        (
            Access(
                "list",
                _fixed("units:digest_list"),
                page=lambda user, world, d: reads_digests(user),
                marker=lambda d: reverse("units:digest_detail", args=[d.pk]) + '"',
            ),
            Access("detail", _url("units:digest_detail", "pk")),
            Access(
                "edit",
                lambda world, d: reverse("units:digest_act", args=[d.pk, "comment"]),
                may=lambda user, d: in_qs(Digest.objects.editable_by(user), d),
                method="POST",
                data={"comment": "核实后的点评。"},
                label="comment",
            ),
        ),
    ),
    Model(
        "survey feedback",
        (("feedback", "a"), ("feedback", "b")),
        lambda user, r: in_qs(assessment_selectors.feedback_for(user=user), r),
        (
            Access(
                "list",
                _fixed("assessments:feedback_list"),
                page=_everyone,
                marker=lambda r: r.comment,
            ),
        ),
    ),
    Model(
        "service commitment",
        (("commitment", "a"), ("commitment", "b")),
        lambda user, c: in_qs(complaint_service_selectors.commitments_visible_to(user=user), c),
        (
            Access(
                "list",
                _fixed("complaints:commitments"),
                page=_everyone,
                marker=lambda c: reverse("complaints:commitment", args=[c.pk]) + '"',
            ),
            Access("detail", _url("complaints:commitment", "pk")),
            Access(
                "edit",
                lambda world, c: reverse("complaints:commitment_act", args=[c.pk, "withdraw"]),
                may=lambda user, c: complaint_service_permissions.can_manage_commitments_of(
                    user, c.unit
                ),
                method="POST",
                data={"comment": "调整承诺时限"},
                label="withdraw",
            ),
        ),
    ),
)


def object_of(world: World, kind: str, side: str) -> Any:
    if kind == "x" and side.startswith("scheme_"):
        return world.extra["schemes"][side.removeprefix("scheme_")]
    if kind == "x":
        if side in ("campaign", "draft_campaign"):
            return getattr(world, side)
        if hasattr(world.cast, side):
            return getattr(world.cast, side)
        return world.extra[side]
    return world.of(kind, side)


@dataclass(frozen=True)
class MatrixCase:
    model: Model
    obj: tuple[str, str]
    role: str
    access: Access

    @property
    def label(self) -> str:
        return f"{self.model.name}|{self.obj[0]}.{self.obj[1]}|{self.role}|{self.access.name}"


def generate() -> list[MatrixCase]:
    return [
        MatrixCase(model, obj, role, access)
        for model in MODELS
        for obj in model.objects
        for access in model.accesses
        for role in ROLES
    ]
