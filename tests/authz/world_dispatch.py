"""The authorization world's 协办 parts, 派单异议 and 派单目录 entries (cases/dispatch.py).

part "a": dept_a co-handles a case led by dept_b; part "b": dept_b co-handles one led by
dept_a. rule "a"/"b": the catalogue's entries for each sibling's area.
"""

from __future__ import annotations

from typing import Any

from complaints.models import Complaint, ComplaintCategory
from complaints.services.cohandling import part_add
from complaints.services.dispatch import rule_create
from tests.complaints.conftest import complaint_drive


def dispatch_objects(world: Any) -> None:
    cast = world.cast
    category = ComplaintCategory.objects.get(name="服务态度")
    lead = {"a": cast.dept_b, "b": cast.dept_a}
    cohandler = {"a": cast.dept_a, "b": cast.dept_b}
    parts, rules = {}, {}
    for side in ("a", "b"):
        complaint = complaint_drive(
            cast, category, Complaint.Status.ASSIGNED, unit=lead[side], title=f"协办标记-{side}"
        )
        parts[side] = part_add(
            complaint=complaint,
            unit=cohandler[side],
            task=f"标记协办事项-{side}",
            working_days=5,
            actor=cast.officer,
        )
        rules[side] = rule_create(
            category=category,
            unit=cohandler[side],
            area=cohandler[side],
            note=f"标记目录-{side}",
            actor=cast.officer,
        )
    world.objects["part"] = parts
    world.objects["rule"] = rules
