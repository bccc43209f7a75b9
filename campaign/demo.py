"""The demo county's campaign: items in every state, some overdue, an inspection, a circular.

Idempotent: if the demo campaign exists, nothing is created. Everything goes through
campaign.services, as a user of the application would do it.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from campaign import demo_people, services
from campaign.models import Campaign, ProblemCategory, RectificationItem
from units.models import Unit

NAME = "示例县政府系统集中整顿作风提升行政效能专项活动"
S = RectificationItem.Status

# (unit code, category code, problem, measures, state, deadline offset in days, long term)
ITEMS = (
    (
        "SLX-SCJ",
        "F1-1",
        "窗口授权不到位，即办件不能在窗口立即办理",
        "向窗口充分授权，即办件当场办结",
        S.CLOSED,
        20,
        False,
    ),
    (
        "SLX-SCJ",
        "F3-2",
        "首问责任落实不力，未履行一次性告知义务",
        "公示办事指南，落实一次性告知",
        S.CLOSURE_REQUESTED,
        10,
        False,
    ),
    (
        "SLX-SCJ",
        "F2-6",
        "个别股室对企业诉求久拖不办",
        "建立诉求台账，限时办结",
        S.IN_PROGRESS,
        -5,
        False,
    ),
    (
        "SLX-SCJ",
        "F1-2",
        "审批流程衔接不畅，涉及多股室时互相推诿",
        "梳理并压缩审批流程",
        S.ACCEPTED,
        2,
        False,
    ),
    (
        "SLX-SCJ",
        "F4-2",
        "执法人员业务水平不够，对新政策不适应",
        "开展岗位练兵和专题培训",
        S.IN_PROGRESS,
        60,
        True,
    ),
    (
        "SLX-SCJ",
        "T10-09",
        "执法检查不留痕，记录不完整",
        "推行执法全过程记录",
        S.SUBMITTED,
        45,
        False,
    ),
    ("SLX-SCJ", "P6-1", "上班时间闲谈、玩手机游戏", "严格考勤和工作纪律检查", S.DRAFT, 30, False),
    ("SLX-JYJ", "F3-3", "对群众申请事项不主动帮助解决", "推行帮办代办服务", S.RETURNED, 30, False),
    (
        "SLX-JYJ",
        "F2-7",
        "对下属学校经费使用监管不到位",
        "建立经费使用定期检查制度",
        S.IN_PROGRESS,
        -12,
        False,
    ),
    ("SLX-JYJ", "F4-3", "落实上级部署行动迟缓", "建立重点工作周调度制度", S.CLOSED, 15, False),
)


def seed(*, tally: Counter[str], stdout: Any) -> None:
    """The campaign, then the people's records on it (campaign.demo_people), each once."""
    _seed_campaign(tally=tally, stdout=stdout)
    demo_people.seed(tally=tally, stdout=stdout, campaign_name=NAME)


def _seed_campaign(*, tally: Counter[str], stdout: Any) -> None:
    if Campaign.objects.filter(name=NAME).exists():
        return
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["jiwei", "danwei", "danwei2"])
    }
    officer, heads = (
        users.get("jiwei"),
        {"SLX-SCJ": users.get("danwei"), "SLX-JYJ": users.get("danwei2")},
    )
    root = Unit.objects.filter(code="SLX").first()
    if officer is None or root is None or None in heads.values():
        stdout.write("campaign demo skipped: the demo organisation is incomplete.")
        return
    today = timezone.localdate()
    units = {u.code: u for u in Unit.objects.filter(code__in=["SLX-SCJ", "SLX-JYJ"])}
    categories = {c.code: c for c in ProblemCategory.objects.all()}
    with transaction.atomic():
        campaign = services.campaign_create(
            name=NAME,
            year=today.year,
            scope=root,
            start_date=today - datetime.timedelta(days=90),
            end_date=today + datetime.timedelta(days=180),
            template=Campaign.Template.SPECIAL,
            actor=officer,
            description="聚焦“不担当、不亲民、不认真”等十大问题，建立整改清单、责任清单、制度清单，实行边查边改、销号管理。",
        )
        campaign = services.campaign_activate(campaign=campaign, actor=officer)
        tally["campaigns"] += 1
        for code, category, problem, measures, state, offset, long_term in ITEMS:
            _item(
                campaign,
                units[code],
                heads[code],
                officer,
                categories.get(category),
                problem,
                measures,
                state,
                today + datetime.timedelta(days=offset),
                long_term,
            )
            tally["rectification items"] += 1

        plan = campaign.deliverables.get(kind="action_plan")
        submission = services.submission_submit(
            deliverable=plan,
            unit=units["SLX-SCJ"],
            actor=heads["SLX-SCJ"],
            text="县市场监督管理局集中整顿作风提升行政效能专项活动行动方案（全文略）。",
        )
        services.submission_accept(submission=submission, actor=officer)
        services.submission_submit(
            deliverable=plan,
            unit=units["SLX-JYJ"],
            actor=heads["SLX-JYJ"],
            text="县教育局行动方案。",
        )

        inspection = services.inspection_record(
            campaign=campaign,
            kind="secret",
            date=today - datetime.timedelta(days=7),
            actor=officer,
            team="明察暗访组",
            summary="对县直窗口单位工作纪律和服务情况进行暗访。",
            findings=[
                services.FindingInput(
                    unit=units["SLX-JYJ"],
                    severity="major",
                    category=categories.get("W5-5"),
                    description="窗口工作人员上班时间玩手机游戏，群众等候无人接待",
                    deadline=today + datetime.timedelta(days=15),
                ),
                services.FindingInput(
                    unit=units["SLX-SCJ"],
                    severity="minor",
                    category=categories.get("F3-2"),
                    description="办事指南未在窗口公示",
                    deadline=today + datetime.timedelta(days=2),
                ),
            ],
        )
        tally["inspections"] += 1
        circular = services.circular_draft_progress(campaign=campaign, actor=officer)
        services.circular_publish(circular=circular, actor=officer, is_public=True)
        criticism = services.circular_create(
            campaign=campaign,
            kind="exposure",
            title="关于明察暗访发现问题的通报",
            body=f"{inspection.date:%Y年%-m月%-d日}，明察暗访组发现县教育局窗口工作人员上班时间玩手机游戏，"
            "违反“五严禁”规定。现予以通报批评，责令立即整改。",
            actor=officer,
            mentions=[(units["SLX-JYJ"], "negative")],
        )
        services.circular_publish(circular=criticism, actor=officer, is_public=True)
        tally["circulars"] += 2


def _item(campaign, unit, head, officer, category, problem, measures, state, deadline, long_term):
    item = services.item_create(
        campaign=campaign,
        unit=unit,
        actor=head,
        problem=problem,
        measures=measures,
        deadline=deadline,
        category=category,
        long_term=long_term,
        responsible_person="分管副局长",
        responsible_leader=head.get_full_name() or head.username,
    )
    steps = {
        S.DRAFT: [],
        S.SUBMITTED: ["submit"],
        S.RETURNED: ["submit", "return"],
        S.ACCEPTED: ["submit", "accept"],
        S.IN_PROGRESS: ["submit", "accept", "progress"],
        S.CLOSURE_REQUESTED: ["submit", "accept", "progress", "request"],
        S.CLOSED: ["submit", "accept", "progress", "request", "close"],
    }[state]
    for step in steps:
        if step == "submit":
            services.item_submit(item=item, actor=head)
        elif step == "return":
            services.item_return(
                item=item, actor=officer, reason="整改措施不够具体，请细化到责任人和时间节点"
            )
        elif step == "accept":
            services.item_accept(item=item, actor=officer)
        elif step == "progress":
            services.progress_post(
                item=item, actor=head, text="已召开专题会议研究整改，措施正在落实。"
            )
        elif step == "request":
            services.item_request_closure(
                item=item, actor=head, evidence="整改措施已全部落实，相关制度已印发。"
            )
        elif step == "close":
            services.item_close(
                item=item, actor=officer, verification_note="经回访核查，已整改到位，同意销号。"
            )
