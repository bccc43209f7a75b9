"""The usual scheme, as data: what a new year's scheme and survey start from (seeds 002, 003).

Plain values only; `assessments.services.schemes.scheme_add_default_rules` and
`survey_create` read them through `default_scheme()`. Changing the usual rules is an edit
here, not in the code.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

# Seed 002: the eight aspects the mass survey asks about.
DEFAULT_DIMENSIONS = [
    "服务态度",
    "依法行政",
    "业务素质",
    "政策执行",
    "工作流程",
    "办事效率",
    "收费情况",
    "廉洁自律",
]
DEFAULT_SCALE = [("满意", Decimal("1.00")), ("基本满意", Decimal("0.60")), ("不满意", Decimal("0"))]
DEFAULT_CATEGORIES = [
    ("基层群众", Decimal("30")),
    ("企业", Decimal("25")),
    ("服务对象", Decimal("25")),
    ("人大代表/政协委员", Decimal("10")),
    ("特邀监督员", Decimal("10")),
]
# The category supervisors (units.Supervisor) vote in with their issued codes.
SUPERVISOR_CATEGORY = "特邀监督员"

DEFAULT_SCHEME: dict[str, Any] = {
    # component, name, maximum points (each weighted component's add up to 100)
    "indicators": [
        ("special", "重点工作推进", "100"),
        ("organisational", "责任制落实", "30"),
        ("organisational", "行动计划实施成效", "30"),
        ("organisational", "活动成果", "20"),
        ("organisational", "投诉与反馈问题整改", "20"),
    ],
    # grade, minimum total, at most this share of units (%)
    "grades": [
        ("excellent", "90", "20"),
        ("good", "80", None),
        ("average", "60", None),
    ],
    # kind, scope, places
    "recognition": [
        ("commend", "group", 3),
        ("commend", "overall", 10),
        ("talk", "overall", 3),
    ],
    # name, kind, parameter, sign, points per occurrence, cap, veto
    "rules": [
        ("投诉举报属实", "complaint_substantiated", "", -1, "2", "10", ""),
        ("投诉逾期办结", "complaint_overdue", "", -1, "1", "5", ""),
        ("整改事项逾期", "item_overdue", "", -1, "1", "5", ""),
        ("整改事项年底未销号", "item_unclosed", "", -1, "0.5", "3", ""),
        ("规定动作材料迟报", "deliverable_late", "", -1, "0.5", "2", ""),
        ("规定动作材料未报", "deliverable_missing", "", -1, "1", "4", ""),
        ("明察暗访发现一般问题", "finding", "minor", -1, "0.5", "3", ""),
        ("明察暗访发现较重问题", "finding", "major", -1, "1", "5", ""),
        ("明察暗访发现严重问题", "finding", "serious", -1, "3", "9", ""),
        ("提醒谈话", "accountability", "reminder_talk", -1, "0.5", "2", ""),
        ("效能告诫谈话", "accountability", "warning_talk", -1, "1", "3", ""),
        ("诫勉谈话", "accountability", "admonition_talk", -1, "2", "6", ""),
        ("问责通报批评", "accountability", "criticism", -1, "3", "6", "excellent"),
        ("严重问责", "accountability", "serious", -1, "5", "10", "excellent_no_promotion"),
        ("被通报批评", "circular_criticism", "", -1, "2", "6", "excellent"),
        ("被通报表扬", "circular_commendation", "", 1, "1", "3", ""),
    ],
}


def default_scheme() -> dict[str, Any]:
    """The usual indicators, grades, recognition and adjustment rules."""
    return DEFAULT_SCHEME
