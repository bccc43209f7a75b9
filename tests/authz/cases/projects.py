"""Authorization cases: 为民办实事 projects (campaign/views/projects.py).

The unit (head_a) files, edits, submits and reports; inspection staff (officer) publish or
send back; leaders and leaders in charge read; drafts are the unit's own; the public pages
show published public projects to anyone.
"""

from __future__ import annotations

from typing import Any

from tests.authz.cases.base import LIST_VIEW, NO_OBJECT, PUBLIC, READ_ONLY_VIEW, _now, case, url
from tests.authz.world import World


def _reported(world: World, response: Any) -> None:
    from campaign.models import MilestoneProgress

    milestone = world.of("milestone", "a")
    assert MilestoneProgress.objects.filter(milestone=milestone).count() == 2


url(
    "campaign:project_list",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200, "outsider": 200},
    na={"sibling": LIST_VIEW, "read-only": READ_ONLY_VIEW},
)
url(
    "campaign:project_create",
    methods=("GET", "POST"),
    ok={"head_a": 200, "head_b": 200},
    readonly=["leader", "in_charge", "officer"],
    na={"sibling": NO_OBJECT},
)
url(
    "campaign:project_detail",
    "project.a",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200, "township_officer": 200},
    sibling=[
        "head_b",
        "outsider",
        "evaluator",
        ("head_a", ("project.b",)),
        ("officer", ("draft_project.a",)),
        ("leader", ("draft_project.a",)),
    ],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:project_edit",
    "draft_project.a",
    methods=("GET", "POST"),
    ok={"head_a": 200},
    sibling=["head_b", "outsider", "officer", "leader"],
    readonly=[(u, ("project.a",)) for u in ("leader", "in_charge", "officer")],
)
url(
    "campaign:project_action",
    "submitted_project.a",
    "=publish",
    methods=("POST",),
    ok={"officer": 302},
    sibling=["head_b", "outsider", "evaluator"],
    readonly=["head_a", "leader", "in_charge"],
    check=_now(lambda w: w.of("submitted_project", "a"), "published"),
    extra=[
        case(
            "allowed",
            "head_a",
            "POST",
            "campaign:project_action",
            "draft_project.a",
            "=submit",
            expected=302,
        ),
        case(
            "read-only",
            "officer",
            "POST",
            "campaign:project_action",
            "project.a",
            "=submit",
            expected=403,
        ),
        case(
            "sibling",
            "head_b",
            "POST",
            "campaign:project_action",
            "draft_project.a",
            "=submit",
            expected=404,
        ),
    ],
)
url(
    "campaign:milestone_detail",
    "milestone.a",
    ok={"officer": 302, "leader": 302, "head_a": 302, "in_charge": 302},
    sibling=["head_b", "outsider", "evaluator", ("head_a", ("milestone.b",))],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:milestone_report",
    "milestone.a",
    methods=("POST",),
    ok={"head_a": 302},
    data={"text": "已完成方案起草"},
    sibling=["head_b", "outsider", "evaluator", ("head_a", ("milestone.b",))],
    readonly=["leader", "in_charge", "officer"],
    check=_reported,
)
url(
    "campaign:milestone_attachment",
    "milestone_progress.a",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["head_b", ("head_a", ("milestone_progress.b",)), "outsider", "evaluator"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:public_project_list",
    ok={"anon": 200, "head_a": 200, "outsider": 200},
    anon=200,
    na={"sibling": PUBLIC, "read-only": PUBLIC},
)
url(
    "campaign:public_project_detail",
    "project.a",
    ok={"anon": 200, "outsider": 200, "head_b": 200},
    anon=200,
    sibling=[
        ("anon", ("draft_project.a",)),
        ("anon", ("submitted_project.a",)),
        ("head_a", ("draft_project.a",)),
    ],
    na={"read-only": PUBLIC},
)
