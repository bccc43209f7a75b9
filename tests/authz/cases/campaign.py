"""Authorization cases: Campaign: campaigns, ledgers, items, deliverables, inspections, circulars, 问责."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.authz.cases.base import (
    NO_OBJECT,
    PUBLIC,
    READ_ONLY_VIEW,
    SPECS,
    Case,
    Path,
    _now,
    case,
    url,
)
from tests.authz.world import World

# --- Campaign ----------------------------------------------------------------------------

url(
    "campaign:home",
    ok={"officer": 302, "head_a": 302, "outsider": 302},
    na={"sibling": NO_OBJECT, "read-only": READ_ONLY_VIEW},
)
url(
    "campaign:campaign_list",
    methods=("GET", "POST"),
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["outsider"],
    readonly=[],
    extra=[
        case("read-only", "leader", "POST", "campaign:campaign_list", expected=403, year="x"),
        case("read-only", "head_a", "POST", "campaign:campaign_list", expected=403, year="x"),
    ],
)
url(
    "campaign:campaign_detail",
    "campaign",
    ok={"officer": 200, "leader": 200, "head_a": 200, "head_b": 200, "in_charge": 200},
    sibling=[
        "outsider",
        "evaluator",
        ("head_a", ("draft_campaign",)),
        ("leader", ("draft_campaign",)),
    ],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:campaign_activate",
    "draft_campaign",
    methods=("POST",),
    ok={"officer": 302},
    sibling=["head_a", "leader", ("outsider", ("campaign",))],
    readonly=[("leader", ("campaign",)), ("head_a", ("campaign",)), ("in_charge", ("campaign",))],
    check=_now(lambda w: w.draft_campaign, "active"),
)
url(
    "campaign:campaign_close",
    "campaign",
    methods=("GET", "POST"),
    ok={"officer": 200},
    sibling=["outsider", "evaluator", ("head_a", ("draft_campaign",))],
    readonly=["leader", "head_a", "in_charge"],
)
url(
    "campaign:accountability_detail",
    "accountability.a",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["head_b", ("head_a", ("accountability.b",)), "outsider", "evaluator"],
    na={"read-only": READ_ONLY_VIEW},
)
for _name in ("campaign:ledger", "campaign:ledger_export"):
    url(
        _name,
        "campaign",
        ok={"officer": 200, "leader": 200, "head_a": 200, "head_b": 200, "in_charge": 200},
        sibling=["outsider", "evaluator", ("head_a", ("draft_campaign",))],
        na={"read-only": READ_ONLY_VIEW},
    )


def _dept_a_ledger(*, keep_ids: bool) -> Callable[[World], Any]:
    """dept_a's ledger as head_a exports it; without the numbers every row is a new item."""

    def build(world: World) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from import_export.formats.base_formats import XLSX

        from campaign import selectors as campaign_selectors
        from campaign.resources import LedgerResource

        head_a, campaign = world.cast.head_a, world.campaign
        items = campaign_selectors.ledger(user=head_a, campaign=campaign).filter(
            unit=world.cast.dept_a
        )
        dataset = LedgerResource(campaign=campaign, user=head_a).export(queryset=items)
        if not keep_ids:
            dataset = dataset.subset(cols=[h for h in dataset.headers if h != dataset.headers[0]])
        return SimpleUploadedFile("ledger.xlsx", XLSX().export_data(dataset))

    return build


def _dept_a_untouched(world: World, response: Any, *, form: bool) -> None:
    """Nothing of dept_a's was written by head_b; the form said what was wrong."""
    from campaign.models import RectificationItem, Submission

    assert (
        RectificationItem.objects.filter(unit=world.cast.dept_a).count()
        == (world.extra["dept_a_item_count"])
    )
    submission = Submission.objects.get(pk=world.of("submission", "a").pk)
    assert submission.text == "标记材料-a" and submission.submitted_by_id != world.cast.head_b.pk
    if form:
        assert response.context["form"].errors.get("unit"), "no error on the unit"


def _dept_a_ledger_untouched(world: World, response: Any) -> None:
    """A sibling's import saved nothing on dept_a's ledger and said why."""
    from campaign.models import RectificationItem

    items = RectificationItem.objects.filter(unit=world.cast.dept_a)
    assert items.count() == world.extra["dept_a_item_count"]
    assert not items.filter(transitions__actor=world.cast.head_b).exists()
    assert response.context["problems"], "the import shows no problem"


url(
    "campaign:ledger_import",
    "campaign",
    methods=("GET", "POST"),
    ok={"head_a": 200, "head_b": 200},
    sibling=["outsider", ("head_a", ("draft_campaign",))],
    readonly=["leader", "in_charge", "officer"],
    extra=[
        # head_b uploads dept_a's ledger: updating its items, or filing new ones for it.
        Case(
            "sibling",
            "head_b",
            "POST",
            Path("campaign:ledger_import", ("campaign",)),
            "200|400",  # the preview with its problems (400 once refused input says so)
            (("file", _dept_a_ledger(keep_ids=keep)),),
            _dept_a_ledger_untouched,
        )
        for keep in (True, False)
    ],
)
url(
    "campaign:item_create",
    "campaign",
    methods=("GET", "POST"),
    ok={"head_a": 200},
    sibling=["outsider", ("head_a", ("draft_campaign",))],
    readonly=["leader", "in_charge", "officer"],
    extra=[
        # head_b files an item for dept_a: the unit is not among its choices, nothing saved.
        Case(
            "sibling",
            "head_b",
            "POST",
            Path("campaign:item_create", ("campaign",)),
            200,
            (
                ("unit", lambda w: w.cast.dept_a.pk),
                ("problem", "冒名填报的问题"),
                ("deadline", "2026-12-31"),
            ),
            lambda w, r: _dept_a_untouched(w, r, form=True),
        )
    ],
)
url(
    "campaign:items_submit_list",
    "campaign",
    "unit.a",
    methods=("POST",),
    ok={"head_a": 302},
    sibling=["head_b", ("head_a", ("campaign", "unit.b")), "outsider"],
    readonly=["in_charge", "leader", "officer"],
)
url(
    "campaign:circular_create",
    "campaign",
    methods=("GET", "POST"),
    ok={"officer": 200},
    sibling=["outsider", ("head_a", ("draft_campaign",))],
    readonly=["leader", "head_a", "in_charge"],
)
url(
    "campaign:circular_draft_progress",
    "campaign",
    methods=("POST",),
    ok={"officer": 302},
    sibling=["outsider", ("head_a", ("draft_campaign",))],
    readonly=["leader", "head_a", "in_charge"],
)
url(
    "campaign:item_detail",
    "item.a",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=[
        "head_b",
        ("head_a", ("item.b",)),
        "outsider",
        "evaluator",
        ("leader", ("individual_item.a",)),
        ("in_charge", ("individual_item.a",)),
    ],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:item_edit",
    "draft_item.a",
    methods=("GET", "POST"),
    ok={"head_a": 200},
    sibling=["head_b", ("head_a", ("draft_item.b",)), "outsider"],
    readonly=["leader", "in_charge", "officer"],
)
url(
    "campaign:item_action",
    "draft_item.a",
    "=submit",
    methods=("POST",),
    ok={"head_a": 302},
    sibling=["head_b", ("head_a", ("draft_item.b", "=submit")), "outsider"],
    readonly=["leader", "in_charge", "officer"],
    extra=[
        case(
            "allowed",
            "officer",
            "POST",
            "campaign:item_action",
            "submitted_item.a",
            "=accept",
            expected=302,
        ),
        case(
            "read-only",
            "head_a",
            "POST",
            "campaign:item_action",
            "submitted_item.a",
            "=accept",
            expected=403,
        ),
        case(
            "read-only",
            "leader",
            "POST",
            "campaign:item_action",
            "submitted_item.a",
            "=accept",
            expected=403,
        ),
        case(
            "sibling",
            "head_b",
            "POST",
            "campaign:item_action",
            "submitted_item.a",
            "=accept",
            expected=404,
        ),
        case(
            "sibling",
            "head_a",
            "POST",
            "campaign:item_action",
            "draft_item.a",
            "=nonsense",
            expected=404,
        ),
    ],
    check=_now(lambda w: w.of("draft_item", "a"), "submitted"),
)
url(
    "campaign:extension_decide",
    "item_extension.a",
    methods=("POST",),
    ok={"officer": 302},
    data={"decision": "approve", "note": "同意"},
    sibling=["head_b", "outsider", ("head_a", ("item_extension.b",))],
    readonly=["head_a", "leader", "in_charge"],
    check=_now(lambda w: w.of("item_extension", "a"), "approved"),
)
url(
    "campaign:review_queue",
    ok={"officer": 200},
    sibling=["outsider", "evaluator"],
    readonly=["leader", "head_a", "in_charge"],
)
url(
    "campaign:overdue_board",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["outsider", "evaluator"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:deliverables",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["outsider", "evaluator"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:deliverable_detail",
    "x:deliverable",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["outsider", "evaluator"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:deliverable_due_date",
    "x:deliverable",
    methods=("POST",),
    ok={"officer": 302},
    data={"due_date": "2026-12-01"},
    sibling=["outsider", "evaluator"],
    readonly=["leader", "head_a", "in_charge"],
)
url(
    "campaign:submission_submit",
    "x:deliverable",
    methods=("POST",),
    ok={"head_a": 302},
    sibling=["outsider", "evaluator"],
    readonly=["leader", "in_charge", "officer"],
    extra=[
        # head_b hands in material as dept_a: refused, dept_a's submission unchanged.
        Case(
            "sibling",
            "head_b",
            "POST",
            Path("campaign:submission_submit", ("x:deliverable",)),
            302,
            (("unit", lambda w: w.cast.dept_a.pk), ("text", "冒名报送的材料")),
            lambda w, r: _dept_a_untouched(w, r, form=False),
        )
    ],
)
url(
    "campaign:submission_review",
    "submission.a",
    "=accept",
    methods=("POST",),
    ok={"officer": 302},
    sibling=["head_b", "outsider", ("head_a", ("submission.b", "=accept"))],
    readonly=["head_a", "leader", "in_charge"],
    check=_now(lambda w: w.of("submission", "a"), "accepted"),
)
url(
    "campaign:progress_attachment",
    "progress.a",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["head_b", ("head_a", ("progress.b",)), "outsider", "evaluator"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:submission_attachment",
    "submission.a",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["head_b", ("head_a", ("submission.b",)), "outsider", "evaluator"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:finding_evidence",
    "finding.a",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["head_b", ("head_a", ("finding.b",)), "outsider", "evaluator"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:inspection_list",
    methods=("GET", "POST"),
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["outsider", "evaluator"],
    readonly=["leader", "head_a", "in_charge"],
    extra=[],
)
# The list's readers are refused the POST that records an inspection.
SPECS["campaign:inspection_list"].cases = [
    c if c.kind != "read-only" else Case(c.kind, c.user, "POST", c.path, 403)
    for c in SPECS["campaign:inspection_list"].cases
]
url(
    "campaign:inspection_detail",
    "inspection.a",
    methods=("GET", "POST"),
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["head_b", ("head_a", ("inspection.b",)), "outsider", "evaluator"],
    extra=[
        case(
            "read-only",
            user,
            "POST",
            "campaign:inspection_detail",
            "inspection.a",
            expected=403,
            description="x",
        )
        for user in ("leader", "head_a", "in_charge")
    ],
)
url(
    "campaign:circular_list",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["outsider", "evaluator"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:circular_detail",
    "x:circular.internal",
    ok={"officer": 200, "leader": 200, "head_a": 200, "head_b": 200, "in_charge": 200},
    sibling=[
        "outsider",
        "evaluator",
        ("head_a", ("x:circular.draft",)),
        ("leader", ("x:circular.draft",)),
    ],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:circular_edit",
    "x:circular.draft",
    methods=("GET", "POST"),
    ok={"officer": 200},
    sibling=["head_a", "leader", "outsider"],
    readonly=[(u, ("x:circular.internal",)) for u in ("leader", "head_a", "in_charge")],
)
url(
    "campaign:circular_publish",
    "x:circular.draft",
    methods=("POST",),
    ok={"officer": 302},
    sibling=["head_a", "leader", "outsider"],
    readonly=[(u, ("x:circular.internal",)) for u in ("leader", "head_a", "in_charge")],
    check=_now(lambda w: w.extra["circular"]["draft"], "published"),
)
url(
    "campaign:public_circular_list",
    ok={"anon": 200, "head_a": 200},
    anon=200,
    na={"sibling": PUBLIC, "read-only": PUBLIC},
)
url(
    "campaign:public_circular_detail",
    "x:circular.public",
    ok={"anon": 200, "outsider": 200},
    anon=200,
    sibling=[
        ("anon", ("x:circular.internal",)),
        ("anon", ("x:circular.draft",)),
        ("head_a", ("x:circular.internal",)),
    ],
    na={"read-only": PUBLIC},
)


# --- 督办 / 催办 / 催报 -------------------------------------------------------------------


def _reminded(kind: str, subject: Callable[[World], Any]) -> Callable[[World, Any], None]:
    """A check that the allowed request really recorded the reminder."""

    def check(world: World, response: Any) -> None:
        from django.contrib.contenttypes.models import ContentType

        from campaign.models import Reminder

        obj = subject(world)
        assert Reminder.objects.filter(
            kind=kind, subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk
        ).exists(), f"no {kind} recorded on {obj!r}"

    return check


url(
    "campaign:overdue_board_act",
    methods=("POST",),
    ok={"officer": 302},
    data={
        "kind": "item",
        "row_id": lambda w: w.of("overdue_item", "a").pk,
        "action": "urge",
        "text": "请抓紧整改",
    },
    # head_b does not see dept_a's item; outsiders and evaluators see no unit at all.
    sibling=["head_b", "outsider", "evaluator"],
    readonly=["leader", "head_a", "in_charge"],
    check=_reminded("urge", lambda w: w.of("overdue_item", "a")),
)
url(
    "campaign:deliverable_urge",
    "x:deliverable",
    "u:township",  # required of the township, which has not handed it in
    methods=("POST",),
    ok={"officer": 302},
    sibling=["head_a", "head_b", "in_charge", "outsider"],
    readonly=["leader"],
    check=_reminded("urge_report", lambda w: w.extra["deliverable"]),
)
url(
    "campaign:deliverable_urge_missing",
    "x:deliverable",
    methods=("POST",),
    ok={"officer": 302},
    sibling=["outsider", "evaluator"],
    readonly=["leader", "head_a", "in_charge"],
    check=_reminded("urge_report", lambda w: w.extra["deliverable"]),
)
