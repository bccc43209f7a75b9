"""Demo complaints for 示例县: a few hundred over the year, in every state, via the services.

Services stamp "now" on each step; afterwards the demo moves each case's dates back to
when it was received (a bulk date shift, no state change), then runs the escalation sweep
so that overdue cases become 督办 / 挂牌督办 exactly as they would in production.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from complaints import permissions, services
from complaints.identity import Identity
from complaints.models import Complaint, ComplaintCategory, ComplaintTransition
from complaints.permissions import CUSTODIANS
from units.models import Responsibility, Unit
from units.workdays import add_working_days

COUNT = 240
SUBJECTS = [
    (
        "窗口工作人员态度生硬、推诿扯皮",
        "到{unit}办事窗口办理业务，工作人员态度生硬，让我去别的窗口问，来回跑了三趟。",
    ),
    (
        "办事效率低，承诺时限内未办结",
        "向{unit}申请的事项超过承诺时限仍未办结，多次电话询问无人答复。",
    ),
    ("上班时间玩手机、脱岗", "工作日上午十点到{unit}办事，窗口无人，工作人员在休息室玩手机。"),
    ("吃拿卡要", "{unit}个别工作人员暗示需要“表示表示”才能加快办理。"),
    ("政策解释不清、一次性告知不到位", "{unit}没有一次性告知所需材料，每次去都说缺新的材料。"),
    ("门难进、脸难看、事难办", "反映{unit}“门难进、脸难看、事难办”，群众意见很大。"),
    ("检查执法简单粗暴", "{unit}执法人员检查时态度粗暴，没有出示证件。"),
    ("热线转办事项未回复", "通过12345热线反映的问题转{unit}后一直没有回复。"),
]
NAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"]
# What each demo case ends up as, by weight.
OUTCOMES = [
    ("registered", 12),
    ("accepted", 8),
    ("rejected", 10),
    ("merged", 4),
    ("assigned", 40),
    ("reroute_requested", 5),
    ("answered", 15),
    ("sent_back", 8),
    ("return_visit", 20),
    ("closed", 110),
    ("closed_unrated", 8),
]


def _handlers() -> dict[int, Any]:
    """Units whose head has a login (someone must answer), with that login."""
    rows = (
        Responsibility.objects.current()
        .filter(role__in=("first", "principal", "liaison"), person__user__isnull=False)
        .select_related("unit", "person__user")
    )
    return {r.unit_id: (r.unit, r.person.user) for r in rows if r.unit.is_active}


# The demo's identity custodian (units.demo_county.DEMO_LOGINS) and the officer who asks.
CUSTODIAN, ASKER = "baoguan", "jiwei"


def _seed_custodian() -> Any:
    """The custodian login gets its role (idempotent: the group is added, never duplicated)."""
    custodian = get_user_model().objects.filter(username=CUSTODIAN).first()
    if custodian is not None:
        custodian.groups.add(Group.objects.get(name=CUSTODIANS))
    return custodian


def _seed_identity_request(officer: Any, tally: Counter[str]) -> None:
    """One request waiting for the custodian, so their workspace shows what to decide."""
    case = (
        Complaint.objects.filter(has_identity=True, status=Complaint.Status.RETURN_VISIT)
        .order_by("pk")
        .first()
    )
    if case is None or not permissions.can_request_identity(officer, case):
        return
    services.identity_request_create(
        complaint=case,
        actor=officer,
        reason="投诉人对办理结果有异议，回访需当面核实情况并听取意见。",
    )
    tally["identity_requests"] += 1


def seed(*, tally: Counter[str], stdout: Any) -> None:
    _seed_custodian()
    if Complaint.objects.exists():
        return
    officer = get_user_model().objects.filter(username=ASKER).first()
    handlers = _handlers()
    categories = list(ComplaintCategory.objects.filter(is_active=True))
    if officer is None or not handlers or not categories:
        stdout.write("complaints demo skipped: officer, unit heads or categories missing")
        return
    rng = random.Random(2026)  # noqa: S311 (repeatable demo data, not security)
    units = list(handlers.values())
    today = timezone.localdate()
    year_start = datetime.date(today.year, 1, 1)
    span = max((today - year_start).days, 30)
    outcomes = [name for name, weight in OUTCOMES for _ in range(weight)]
    rng.shuffle(outcomes)
    shifts: list[tuple[int, datetime.timedelta, datetime.date]] = []
    with transaction.atomic():
        for index in range(COUNT):
            outcome = outcomes[index % len(outcomes)]
            # Open cases are recent; closed ones spread over the whole year.
            if outcome in ("registered", "accepted"):
                days_ago = rng.randint(0, 6)
            elif outcome in ("assigned", "reroute_requested", "sent_back", "answered"):
                days_ago = rng.randint(3, 60)
            else:
                days_ago = rng.randint(10, span)
            received = timezone.now() - datetime.timedelta(
                days=days_ago, hours=rng.randint(0, 8), minutes=rng.randint(0, 59)
            )
            unit, head = rng.choice(units)
            title, body = rng.choice(SUBJECTS)
            anonymous = rng.random() < 0.35
            identity = (
                Identity()
                if anonymous
                else Identity(
                    name=rng.choice(NAMES) + rng.choice(["先生", "女士", "某某"]),
                    phone=f"139{rng.randint(10000000, 99999999)}",
                )
            )
            channel = rng.choice(Complaint.Channel.values)
            complaint = services.complaint_submit(
                channel=channel,
                title=title,
                content=body.format(unit=unit.name),
                category=rng.choice(categories),
                subject_unit=unit if rng.random() < 0.9 else None,
                identity=identity,
                urgent=rng.random() < 0.08,
                received_at=received,
                actor=None if channel == Complaint.Channel.WEB else officer,
            )
            complaint = _drive(complaint, outcome, officer, unit, head, rng)
            shift = timezone.now() - received
            # Handling deadline as it was set on the day of assignment.
            deadline = add_working_days(
                timezone.localtime(received).date() + datetime.timedelta(days=1),
                3 if complaint.urgent else 15,
            )
            shifts.append((complaint.pk, shift, deadline))
            tally["complaints"] += 1
        _backdate(shifts)
    with transaction.atomic():
        _seed_identity_request(officer, tally)
    counts = services.complaints_escalation_sweep(today=today)
    tally["complaints_escalated"] += counts["supervised"] + counts["listed"]
    stdout.write(
        f"complaints demo: {tally['complaints']} complaints, "
        f"{counts['supervised']} 督办, {counts['listed']} 挂牌督办"
    )


def _drive(
    complaint: Complaint, outcome: str, officer: Any, unit: Unit, head: Any, rng: random.Random
) -> Complaint:
    if outcome == "registered":
        return complaint
    if outcome == "rejected":
        return services.complaint_reject(
            complaint=complaint,
            actor=officer,
            reason="反映事项不属于作风问题投诉受理范围，已告知向有关部门反映。",
        )
    if outcome == "merged":
        target = (
            Complaint.objects.exclude(pk=complaint.pk)
            .exclude(status="merged")
            .order_by("-pk")
            .first()
        )
        if target is not None:
            return services.complaint_merge(complaint=complaint, into=target, actor=officer)
        return complaint
    complaint = services.complaint_accept(complaint=complaint, actor=officer)
    if outcome == "accepted":
        return complaint
    complaint = services.complaint_assign(complaint=complaint, unit=unit, actor=officer)
    if outcome == "assigned":
        return complaint
    if outcome == "reroute_requested":
        return services.complaint_request_reroute(
            complaint=complaint, actor=head, reason="该事项属于其他单位职责范围。"
        )
    verdict = rng.choice(["substantiated", "partly", "partly", "unsubstantiated"])
    complaint = services.complaint_answer(
        complaint=complaint,
        actor=head,
        facts="经调查核实，"
        + ("情况属实。" if verdict != "unsubstantiated" else "未发现所反映问题。"),
        verdict=verdict,
        measures="对相关人员进行批评教育，完善一次性告知制度。"
        if verdict != "unsubstantiated"
        else "",
        public_reply="感谢您的监督。经核查，"
        + (
            "问题已整改到位。"
            if verdict != "unsubstantiated"
            else "所反映问题不属实，已向您说明情况。"
        ),
    )
    if outcome == "answered":
        return complaint
    if outcome == "sent_back":
        return services.complaint_review(
            complaint=complaint, actor=officer, approve=False, note="调查不够深入，请补充核实。"
        )
    complaint = services.complaint_review(complaint=complaint, actor=officer, approve=True)
    if outcome == "return_visit":
        return complaint
    if outcome == "closed_unrated":
        return services.complaint_close(
            complaint=complaint, actor=officer, comment="匿名投诉，无法回访。"
        )
    satisfaction = rng.choices(["satisfied", "basically", "unsatisfied"], weights=[70, 22, 8])[0]
    complaint = services.complaint_rate(complaint=complaint, satisfaction=satisfaction)
    return complaint


def _backdate(shifts: list[tuple[int, datetime.timedelta, datetime.date]]) -> None:
    """Move every timestamp of each case back by the time since it was received."""
    pks = [pk for pk, _shift, _deadline in shifts]
    by_pk = {pk: (shift, deadline) for pk, shift, deadline in shifts}
    complaints = list(Complaint.objects.filter(pk__in=pks))
    for c in complaints:
        shift, deadline = by_pk[c.pk]
        for name in ("accepted_at", "assigned_at", "answered_at", "closed_at"):
            value = getattr(c, name)
            if value is not None:
                setattr(c, name, max(value - shift, c.received_at))
        if c.deadline is not None:
            c.deadline = deadline
    Complaint.objects.bulk_update(
        complaints,
        ["accepted_at", "assigned_at", "answered_at", "closed_at", "deadline"],
        batch_size=500,
    )
    records = list(
        ComplaintTransition.objects.filter(complaint_id__in=pks).select_related("complaint")
    )
    for r in records:
        r.created_at = max(r.created_at - by_pk[r.complaint_id][0], r.complaint.received_at)
    ComplaintTransition.objects.bulk_update(records, ["created_at"], batch_size=500)
