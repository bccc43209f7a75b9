"""The demo county's people and follow-through records (issues 17, 18), after the campaign:

- 述职: 张伟's annual report as 第一责任人 of 县市场监督管理局 (the other leaders' show as
  owed on their records);
- a circular naming a cadre: an internal 通报批评 of the 执法大队's leader;
- 为民办实事: two published projects, one on time (a milestone done, the next to come),
  one overdue (a milestone past its date, reminded and escalated by the daily sweep);
- a 察访 report by the demo supervisor (`jiandu`), waiting for the officer to decide.

No 回头看: a re-check is opened only in a campaign's summary phase, and the demo campaign is
in its 集中整治 phase (a newcomer opens one when the campaign reaches 总结).

Everything goes through campaign.services, as the users would; each part is looked up by
its natural key first and made only when missing, so a second run changes nothing.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from campaign import services
from campaign.models import (
    Campaign,
    Circular,
    Deliverable,
    DutyReport,
    PeopleProject,
    SupervisorReport,
)
from campaign.services.projects import (
    MilestoneEntry,
    milestone_report,
    project_create,
    project_milestones_sweep,
    project_publish,
    project_submit,
)
from campaign.services.supervisor_reports import supervisor_report_file
from units.models import Person, Unit

CIRCULAR_TITLE = "关于县市场监管综合行政执法大队执法检查不规范问题的通报"
ON_TIME = "城区农贸市场“放心秤”全覆盖"
OVERDUE = "校园周边食品安全整治"


def seed(*, tally: Counter[str], stdout: Any, campaign_name: str) -> None:
    campaign = Campaign.objects.filter(name=campaign_name).first()
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["jiwei", "danwei", "danwei2", "jiandu"]
        )
    }
    units = {u.code: u for u in Unit.objects.filter(code__in=["SLX-SCJ", "SLX-JYJ"])}
    if campaign is None or not {"jiwei", "danwei", "danwei2"} <= set(users) or len(units) < 2:
        stdout.write("people demo skipped: the demo campaign or organisation is incomplete.")
        return
    today = timezone.localdate()
    _duty_report(campaign, users["danwei"], units["SLX-SCJ"], tally)
    _circular(campaign, users["jiwei"], tally)
    _projects(users, units, today, tally)
    if "jiandu" in users:
        _supervisor_report(users["jiandu"], units["SLX-SCJ"], today, tally)


def _duty_report(campaign: Campaign, head: Any, unit: Unit, tally: Counter[str]) -> None:
    person = Person.objects.filter(user=head).first()
    deliverable = campaign.deliverables.filter(kind=Deliverable.Kind.ANNUAL_REPORT).first()
    if person is None or deliverable is None:
        return
    if DutyReport.objects.filter(deliverable=deliverable, unit=unit, person=person).exists():
        return
    services.duty_report_submit(
        deliverable=deliverable,
        unit=unit,
        person=person,
        actor=head,
        text=(
            "本人作为局党组书记、局长，认真履行作风建设第一责任人职责：年初召开专题会议部署集中整顿，"
            "带头查摆“不担当、不亲民、不认真”问题5条，建立整改清单和责任清单；每月听取整改进展汇报，"
            "对窗口授权不到位等问题亲自督办销号。存在的不足：对基层所站作风问题督查不够经常，"
            "执法检查不留痕问题仍有反复。下一步将建立执法全过程记录制度，并列入年度考核。"
        ),
    )
    tally["duty reports"] += 1


def _circular(campaign: Campaign, officer: Any, tally: Counter[str]) -> None:
    if Circular.objects.filter(campaign=campaign, title=CIRCULAR_TITLE).exists():
        return
    unit = Unit.objects.filter(code="SLX-SCJ-ZFDD").first()
    cadre = Person.objects.filter(name="陆建平", unit=unit).first() if unit else None
    if unit is None or cadre is None:
        return
    circular = services.circular_create(
        campaign=campaign,
        kind=Circular.Kind.CRITICISM,
        title=CIRCULAR_TITLE,
        body=(
            "近期明察暗访发现，县市场监管综合行政执法大队在农贸市场执法检查中未按规定出示执法证件、"
            "检查记录不完整。该大队大队长陆建平同志履行“一岗双责”不到位，对队员执法行为管理不严。"
            "现予以内部通报批评，责令执法大队10个工作日内完成整改并报送整改情况。"
        ),
        actor=officer,
        mentions=[(unit, "negative")],
        cadres=[(cadre, "negative")],
    )
    # Internal: read by the units in scope and on the cadre's record, not on the public page.
    services.circular_publish(circular=circular, actor=officer, is_public=False)
    tally["circulars"] += 1


def _within(year: int, day: datetime.date) -> datetime.date:
    return min(max(day, datetime.date(year, 1, 1)), datetime.date(year, 12, 31))


def _projects(
    users: dict[str, Any], units: dict[str, Unit], today: datetime.date, tally: Counter[str]
) -> None:
    officer = users["jiwei"]
    day = datetime.timedelta(days=1)
    if not PeopleProject.objects.filter(title=ON_TIME).exists():
        year = today.year
        first_due = _within(year, today - 30 * day)
        project = _publish(
            officer,
            users["danwei"],
            project_create(
                unit=units["SLX-SCJ"],
                actor=users["danwei"],
                year=year,
                title=ON_TIME,
                content="在城区6个农贸市场设置公平秤、推行智能电子秤，每月开展计量器具抽检，缺斤短两投诉当日受理。",
                beneficiaries="城区农贸市场消费者和经营户",
                responsible_name="张伟",
                responsible_post="县市场监督管理局党组书记、局长",
                milestones=[
                    MilestoneEntry("完成6个农贸市场公平秤设置", first_due),
                    MilestoneEntry(
                        "智能电子秤覆盖全部摊位并完成首轮抽检", _within(year, today + 20 * day)
                    ),
                ],
            ),
        )
        milestone_report(
            milestone=project.milestones.order_by("due_date", "pk")[0],
            actor=users["danwei"],
            text="6个农贸市场公平秤已全部设置并公示投诉电话，经县市场监管局验收。",
            done=True,
            today=min(today, _within(year, first_due - 3 * day)),  # done before its date
        )
        tally["projects for the people"] += 1
    if not PeopleProject.objects.filter(title=OVERDUE).exists():
        late = today - 12 * day
        year = late.year
        project = _publish(
            officer,
            users["danwei2"],
            project_create(
                unit=units["SLX-JYJ"],
                actor=users["danwei2"],
                year=year,
                title=OVERDUE,
                content="会同市场监管部门对全县中小学校园周边200米内食品经营户开展拉网式排查，建立问题台账并逐一整改。",
                beneficiaries="全县中小学生和家长",
                responsible_name="刘志远",
                responsible_post="县教育局党组书记、局长",
                milestones=[
                    MilestoneEntry(
                        "完成校园周边食品经营户排查建档", _within(year, today - 40 * day)
                    ),
                    MilestoneEntry("问题经营户整改到位并复查", late),
                    MilestoneEntry("建立校园周边食品安全长效巡查机制", datetime.date(year, 12, 31)),
                ],
            ),
        )
        milestone_report(
            milestone=project.milestones.order_by("due_date", "pk")[0],
            actor=users["danwei2"],
            text="已排查校园周边食品经营户86户，建立台账，发现问题12个。",
            done=True,
            today=min(today, _within(year, today - 41 * day)),  # done before its date
        )
        # The daily sweep, as beat would run it: the milestone past its date is reminded,
        # noticed and, after five working days, 挂牌督办 (each once).
        project_milestones_sweep(today=today)
        tally["projects for the people"] += 1


def _publish(officer: Any, head: Any, project: PeopleProject) -> PeopleProject:
    project = project_submit(project=project, actor=head)
    return project_publish(project=project, actor=officer, comment="经审核，同意公开。")


def _supervisor_report(
    supervisor: Any, unit: Unit, today: datetime.date, tally: Counter[str]
) -> None:
    if SupervisorReport.objects.filter(supervisor__user=supervisor).exists():
        return
    supervisor_report_file(
        actor=supervisor,
        unit=unit,
        date=today - datetime.timedelta(days=3),
        place="县政务服务中心市场监管窗口",
        observation=(
            "上午9时30分到窗口察访，办理个体工商户变更登记的群众排队约40分钟，两个窗口中一个无人值守，"
            "工作人员称“去开会了”；窗口未公示一次性告知清单，群众需现场询问所需材料。"
        ),
        verdict=SupervisorReport.Verdict.PROBLEM,
    )
    tally["supervisor reports"] += 1
