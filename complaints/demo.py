"""Demo complaints for 示例县: a few hundred over the year, in every state, via the services.

Services stamp "now" on each step; afterwards the demo moves each case's dates back to
when it was received (a bulk date shift, no state change), then runs the escalation sweep
so that overdue cases become 督办 / 挂牌督办 exactly as they would in production.
"""

from __future__ import annotations

import datetime
import random
import struct
import zlib
from collections import Counter
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from complaints import permissions, services
from complaints.identity import Identity
from complaints.models import Complaint, ComplaintCategory, ComplaintTransition
from complaints.permissions import CUSTODIANS
from units.models import Notification, Responsibility, Unit
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


# A case with a photo, shared with the handling unit: the unit head sees the picture (its
# thumbnail, name and size), never the complainant. Seeded once, found again by its title.
PHOTO_CASE_TITLE = "办理营业执照变更登记被要求反复补交材料"
PHOTO_CASE_UNIT = "SLX-SCJ"


def _photo_png(width: int = 320, height: int = 240) -> bytes:
    """A small picture drawn without an imaging library: a service hall's wall, counter and
    sign, enough for a thumbnail to show something."""

    def pixel(x: int, y: int) -> bytes:
        if 30 <= y < 70 and 60 <= x < 260:
            return bytes((200, 40, 40))  # the red sign over the counter
        if y >= 160:
            return bytes((90 + x // 8, 70 + x // 10, 50))  # the wooden counter
        if 90 <= y < 160 and (x // 80) % 2 == 0 and 10 <= x % 80 < 70:
            return bytes((170, 200, 230))  # the windows
        return bytes((225 - y // 8, 222 - y // 8, 210 - y // 10))  # the wall

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"".join(pixel(x, y) for x in range(width)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _seed_photo_case(officer: Any, tally: Counter[str]) -> None:
    """A named complaint from the web form with a photo, accepted, assigned to 县市场监督管理局
    and its photo shared with the unit (idempotent: found by its title)."""
    if Complaint.objects.filter(title=PHOTO_CASE_TITLE).exists():
        return
    unit = Unit.objects.filter(code=PHOTO_CASE_UNIT).first()
    category = ComplaintCategory.objects.filter(is_active=True).order_by("pk").first()
    if officer is None or unit is None:
        return
    complaint = services.complaint_submit(
        channel=Complaint.Channel.WEB,
        title=PHOTO_CASE_TITLE,
        content=(
            "11月下旬到县市场监督管理局窗口办理营业执照变更登记，工作人员没有一次性告知所需"
            "材料，前后让我补交了三次，每次都说缺新的材料。附上窗口现场照片。"
        ),
        category=category,
        subject_unit=unit,
        identity=Identity(name="陈女士", phone="13912345678"),
        uploads=[
            services.Upload(
                file=ContentFile(_photo_png(), name="窗口现场照片.png"),
                content_type="image/png",
                extension="png",
            )
        ],
    )
    complaint = services.complaint_accept(complaint=complaint, actor=officer)
    complaint = services.complaint_assign(
        complaint=complaint,
        unit=unit,
        actor=officer,
        instructions="请核实窗口一次性告知落实情况，照片已共享给你单位。",
    )
    for attachment in complaint.attachments.all():
        services.attachment_share(attachment=attachment, actor=officer, shared=True)
    tally["complaints"] += 1


def seed(*, tally: Counter[str], stdout: Any) -> None:
    _seed_custodian()
    if Complaint.objects.exists():
        with transaction.atomic():
            _seed_photo_case(get_user_model().objects.filter(username=ASKER).first(), tally)
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
    _settle_notices(today=today)
    with transaction.atomic():
        _seed_photo_case(officer, tally)
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


# Notices about cases received this long ago were read when they came: the demo's people
# open their workspace to this week's notices, not to the whole year's.
READ_AFTER_DAYS = 7


def _settle_notices(*, today: datetime.date) -> None:
    """Mark read the notices (to units and officers) about cases received before the last
    READ_AFTER_DAYS days. Demo data only, a few hundred rows, once."""
    since = today - datetime.timedelta(days=READ_AFTER_DAYS)
    old = set(Complaint.objects.filter(received_at__date__lt=since).values_list("pk", flat=True))
    notices = Notification.objects.filter(
        object_key__startswith="complaint:", read_at__isnull=True
    ).values_list("pk", "object_key")
    read = [pk for pk, key in notices if int(key.split(":")[1]) in old]
    Notification.objects.filter(pk__in=read).update(read_at=timezone.now())


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


# --- Serving the public (issue 18): commitments and reception days ------------------------
# Appended as a part of its own, run after the complaints above (their "already seeded" test
# counts complaints, and the visits recorded here are complaints too). Each part is looked
# up by its natural key first, so a second run changes nothing.

# (unit code, unit head's login, window, service, promise, working days, 首问负责人, contact,
# materials told at once)
COMMITMENTS = (
    (
        "SLX-SCJ",
        "danwei",
        "政务服务中心市场监管窗口",
        "个体工商户设立登记",
        "材料齐全、符合法定形式的，当场办结，当日发放营业执照；材料不全的一次性书面告知。",
        1,
        "窗口首席代表 李娜",
        "0571-8856 2301",
        "经营者身份证明；经营场所使用证明；个体工商户登记申请书。",
    ),
    (
        "SLX-SCJ",
        "danwei",
        "12315投诉举报窗口",
        "消费投诉受理与调解",
        "接到投诉后1个工作日内决定是否受理，受理后7个工作日内组织调解并答复投诉人。",
        7,
        "消费者权益保护股 值班人员",
        "12315",
        "投诉人身份信息；购物凭证或服务合同；争议事实和诉求。",
    ),
    (
        "SLX-SCJ-CGS",
        "danwei",
        "城关所办事窗口",
        "食品经营许可（仅销售预包装食品）备案",
        "备案材料齐全的当场备案，不再现场核查；不符合的当场一次性告知原因和补正材料。",
        1,
        "城关所所长 秦峰",
        "0571-8856 2388",
        "备案信息表；营业执照复印件；经营场所平面图。",
    ),
    (
        "SLX-JYJ",
        "danwei2",
        "县教育局行政审批窗口",
        "民办培训机构办学许可",
        "受理后15个工作日内完成实地核查和审批，不予许可的书面说明理由。",
        15,
        "行政审批股股长",
        "0571-8856 1502",
        "举办者资格证明；办学场所证明；章程和管理制度；师资名册。",
    ),
)


def _seed_commitments(tally: Counter[str]) -> None:
    from complaints.models import ServiceCommitment
    from complaints.services.commitments import commitment_create, commitment_publish

    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["danwei", "danwei2"])
    }
    units = {u.code: u for u in Unit.objects.filter(code__in={row[0] for row in COMMITMENTS})}
    for code, login, window, service, promise, days, first, contact, materials in COMMITMENTS:
        unit, head = units.get(code), users.get(login)
        if unit is None or head is None:
            continue
        if ServiceCommitment.objects.filter(unit=unit, service=service).exists():
            continue
        commitment = commitment_create(
            unit=unit,
            actor=head,
            window=window,
            service=service,
            promise=promise,
            time_limit_days=days,
            first_responsible=first,
            contact=contact,
            materials=materials,
        )
        commitment_publish(commitment=commitment, actor=head)
        tally["service commitments"] += 1


def _seed_reception_days(officer: Any, tally: Counter[str]) -> None:
    from complaints.models import ReceptionDay
    from complaints.services.commitments import reception_day_create

    today = timezone.localdate()
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["lingdao", "fenguan"])
    }
    scj = Unit.objects.filter(code="SLX-SCJ").first()
    # (leader's login, post, host unit, place, days from today, from, until, topic)
    days = (
        ("lingdao", "县长", None, "县信访局接访大厅", -7, (9, 0), (12, 0), "城市管理、市场秩序"),
        (
            "fenguan",
            "副县长",
            None,
            "县政务服务中心一楼接待室",
            7,
            (9, 0),
            (11, 30),
            "营商环境、政务服务",
        ),
        (
            "",
            "局长",
            scj,
            "县市场监督管理局一楼接待室",
            14,
            (14, 30),
            (17, 0),
            "食品安全、消费维权",
        ),
    )
    for login, post, unit, place, offset, starts, ends, topic in days:
        if ReceptionDay.objects.filter(place=place, topic=topic).exists():
            continue
        leader = users.get(login)
        day = reception_day_create(
            actor=officer,
            leader=leader,
            leader_name="" if leader else "张伟",
            leader_post=post,
            unit=unit,
            place=place,
            date=today + datetime.timedelta(days=offset),
            starts_at=datetime.time(*starts),
            ends_at=datetime.time(*ends),
            topic=topic,
        )
        tally["reception days"] += 1
        if offset < 0:
            _seed_visits(day, officer, tally)


def _seed_visits(day: Any, officer: Any, tally: Counter[str]) -> None:
    """Two visits received on a past reception day: registered as 来访 complaints, accepted
    and assigned to the unit concerned, as the officer would on the day."""
    from complaints.services.commitments import reception_visit_record

    units = {u.code: u for u in Unit.objects.filter(code__in=["SLX-SCJ", "SLX-CGZ"])}
    received = timezone.make_aware(datetime.datetime.combine(day.date, datetime.time(9, 40)))
    visits = (
        (
            "SLX-SCJ",
            "农贸市场摊位短斤缺两，投诉后无人处理",
            "城东农贸市场多个摊位电子秤不准，向市场管理方反映无果，拨打12315后一周无人联系。",
            Identity(name="钱某某", phone="13957102468"),
        ),
        (
            "SLX-CGZ",
            "小区门口占道经营影响通行",
            "幸福路小区门口早晚有流动摊贩占道经营，车辆和行人通行困难，希望城关镇加强管理。",
            Identity(),
        ),
    )
    for code, title, content, identity in visits:
        unit = units.get(code)
        complaint = reception_visit_record(
            day=day,
            actor=officer,
            title=title,
            content=content,
            subject_unit=unit,
            identity=identity,
            received_at=received,
        )
        if unit is not None:
            complaint = services.complaint_accept(complaint=complaint, actor=officer)
            services.complaint_assign(complaint=complaint, unit=unit, actor=officer)
        tally["complaints"] += 1


def seed_serving_public(*, tally: Counter[str], stdout: Any) -> None:
    """Published commitments of a few units, and the reception days: one past with its
    visits recorded, two to come (on the public 领导接待日 page)."""
    officer = get_user_model().objects.filter(username=ASKER).first()
    if officer is None:
        stdout.write("serving-the-public demo skipped: the officer is missing.")
        return
    _seed_commitments(tally)
    _seed_reception_days(officer, tally)


def seed_all(*, tally: Counter[str], stdout: Any) -> None:
    """complaints' demo hook (complaints/apps.py): the complaints, then serving the public."""
    seed(tally=tally, stdout=stdout)
    with transaction.atomic():
        seed_serving_public(tally=tally, stdout=stdout)
