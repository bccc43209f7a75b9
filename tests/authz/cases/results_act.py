"""Authorization cases: 考核结果运用 — the 约谈提醒 pages (assessments.views.talks).

The world's published 2025 scheme was scored after its year: its bottom units (all three
assessed units under the default "bottom 3" rule) each have a talk; dept_a's is held by
in_charge, dept_b's by nobody on record. The officer (and the county's dashboard reader)
read every talk; a leader in charge their own; anyone else none (404).
"""

from __future__ import annotations

from tests.authz.cases.base import LIST_VIEW, READ_ONLY_VIEW, url

url(
    "assessments:my_talks",
    ok={"officer": 200, "in_charge": 200, "head_a": 200, "outsider": 200},
    na={"sibling": LIST_VIEW, "read-only": READ_ONLY_VIEW},
)
url(
    "assessments:scheme_talks",
    "x:schemes.published",
    ok={"officer": 200, "leader": 200},
    sibling=["head_a", "head_b", "in_charge", "evaluator", "outsider"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "assessments:talk_detail",
    "x:talks.a",
    ok={"officer": 200, "leader": 200, "in_charge": 200},
    sibling=["head_a", "head_b", "evaluator", "outsider", ("in_charge", ("x:talks.b",))],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "assessments:talk_record",
    "x:talks.a",
    methods=("POST",),
    # Held once: the second recording of the same talk is a refused move (400).
    ok={"in_charge": "302|400", "officer": "302|400"},
    data={
        "talk_date": "2026-03-02",
        "place": "县政府三楼会议室",
        "attendees": "孙副县长、赵局长",
        "content": "指出考核排名靠后的原因，要求限期整改。",
        "commitments": "一个月内完成整改。",
    },
    sibling=["head_a", "head_b", "evaluator", "outsider", ("in_charge", ("x:talks.b",))],
    readonly=["leader"],
)
