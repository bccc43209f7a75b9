"""One small county with an object of every reachable kind on both sibling units.

Built once per test module with the real services and the shared helpers (the cast, the
campaign and complaint drivers); each test runs in a savepoint on top of it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import AssessmentResult, AssessmentScheme, ReminderTalk, Survey
from campaign import services as campaign_services
from campaign.models import Campaign, RectificationItem
from complaints import services as complaint_services
from complaints.identity import Identity
from complaints.models import Complaint, ComplaintCategory, ComplaintEscalation
from complaints.services import Upload
from tests.authz.world_dispatch import dispatch_objects
from tests.campaign.conftest import campaign_start, item_drive
from tests.complaints.conftest import complaint_drive
from tests.conftest import Cast, build_cast
from tests.factories import make_person_with_login
from tests.projects.conftest import project_world
from units import digests, roles
from units import services as unit_services
from units.models import Digest, Notification

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
S = RectificationItem.Status


def _file(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test evidence\n", content_type="application/pdf")


@dataclass
class World:
    cast: Cast
    campaign: Campaign
    draft_campaign: Campaign
    # Per sibling: "a" lives in dept_a (head_a's unit), "b" in dept_b (head_b's unit).
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Single objects that several URLs need.
    extra: dict[str, Any] = field(default_factory=dict)

    def of(self, kind: str, side: str = "a") -> Any:
        return self.objects[kind][side]

    def user(self, name: str) -> Any:
        """A cast member by attribute name, or one of the extra logins (officer_new)."""
        return getattr(self.cast, name, None) or self.extra[name]


def _heads(cast: Cast) -> dict[str, tuple[Any, Any]]:
    return {"a": (cast.dept_a, cast.head_a), "b": (cast.dept_b, cast.head_b)}


def build_world() -> World:
    cast = build_cast()
    campaign = campaign_start(cast)
    draft_campaign = campaign_services.campaign_create(
        name="2027年作风建设专项活动（筹备）",
        year=2027,
        scope=cast.root,
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2027, 12, 31),
        template=Campaign.Template.SPECIAL,
        actor=cast.officer,
    )
    world = World(cast=cast, campaign=campaign, draft_campaign=draft_campaign)
    objects: dict[str, dict[str, Any]] = {
        k: {}
        for k in (
            "unit",
            "item",
            "individual_item",
            "draft_item",
            "submitted_item",
            "progress",
            "item_extension",
            "submission",
            "inspection",
            "finding",
            "accountability",
            "complaint",
            "result",
            "unpublished_result",
            "notification",
            "feedback",
        )
    }
    deliverable = campaign.deliverables.order_by("due_date", "pk").first()
    assert deliverable is not None
    category = ComplaintCategory.objects.get(name="服务态度")
    far = timezone.localdate() + datetime.timedelta(days=120)

    for side, (unit, head) in _heads(cast).items():
        objects["unit"][side] = unit
        item = item_drive(
            cast, campaign, S.IN_PROGRESS, unit=unit, actor=head, problem=f"标记事项-进行中-{side}"
        )
        objects["item"][side] = item
        objects["progress"][side] = campaign_services.progress_post(
            item=item, actor=head, text="已完成窗口授权", attachment=_file()
        )
        objects["item_extension"][side] = campaign_services.extension_request(
            item=item, actor=head, requested_deadline=far, reason="需协调上级部门"
        )
        objects["individual_item"][side] = item_drive(
            cast,
            campaign,
            S.SUBMITTED,
            unit=unit,
            actor=head,
            level=RectificationItem.Level.INDIVIDUAL,
            problem=f"标记事项-个人层面-{side}",
        )
        # Accepted with a deadline already past: on the 督办 board of those who see it.
        objects.setdefault("overdue_item", {})[side] = item_drive(
            cast,
            campaign,
            S.ACCEPTED,
            unit=unit,
            actor=head,
            problem=f"标记事项-逾期-{side}",
            deadline=datetime.date(2026, 2, 2),
        )
        objects["draft_item"][side] = item_drive(
            cast, campaign, S.DRAFT, unit=unit, actor=head, problem=f"标记事项-草稿-{side}"
        )
        objects["submitted_item"][side] = item_drive(
            cast, campaign, S.SUBMITTED, unit=unit, actor=head, problem=f"标记事项-已报送-{side}"
        )
        objects["submission"][side] = campaign_services.submission_submit(
            deliverable=deliverable,
            unit=unit,
            actor=head,
            text=f"标记材料-{side}",
            attachment=_file(),
        )
        inspection = campaign_services.inspection_record(
            campaign=campaign,
            kind="secret",
            date=datetime.date(2026, 3, 1),
            actor=cast.officer,
            team="第一暗访组",
            findings=[
                campaign_services.FindingInput(
                    unit=unit,
                    severity="minor",
                    description=f"标记发现-{side}",
                    deadline=far,
                    evidence=_file("photo.pdf"),
                )
            ],
        )
        objects["inspection"][side] = inspection
        objects["finding"][side] = inspection.findings.get()
        objects["accountability"][side] = campaign_services.accountability_action_record(
            kind="reminder_talk",
            reason=f"标记问责-{side}",
            actor=cast.officer,
            unit=unit,
            source=objects["finding"][side],
        )
        # The complaint the unit handles carries a file (kept from the unit) and an extension.
        complaint = complaint_services.complaint_submit(
            channel=Complaint.Channel.WEB,
            title=f"窗口办事推诿扯皮（{unit.name}）",
            content="工作人员多次推诿。",
            category=category,
            subject_unit=unit,
            identity=Identity(name=f"标记投诉人-{side}", phone="13900000000"),
            uploads=[
                Upload(
                    file=SimpleUploadedFile("x.png", PNG), content_type="image/png", extension="png"
                )
            ],
        )
        complaint = complaint_services.complaint_accept(complaint=complaint, actor=cast.officer)
        complaint = complaint_services.complaint_assign(
            complaint=complaint, unit=unit, actor=cast.officer
        )
        objects["complaint"][side] = complaint
        world.extra.setdefault("complaint_file", {})[side] = complaint.attachments.get()
        # 督办 documents on the case: a 催办通知书 and a 通报批评 proposal, as the daily sweep
        # leaves them (complaints.services.escalation; written here without moving the case).
        for kind, key in (("notice", "escalation_notice"), ("criticism", "criticism")):
            world.extra.setdefault(key, {})[side] = ComplaintEscalation.objects.create(
                complaint=complaint,
                stage="handling",
                kind=kind,
                deadline=complaint.deadline,
                unit=unit,
                reason="标记督办文书",
                decision="pending" if kind == "criticism" else "",
            )
        # The officer asked, the custodian approved, the officer looked (once).
        identity_request = complaint_services.identity_request_decide(
            request=complaint_services.identity_request_create(
                complaint=complaint, actor=cast.officer, reason=f"标记查看-{side}"
            ),
            actor=cast.custodian,
            approve=True,
        )
        objects.setdefault("identity_request", {})[side] = identity_request
        complaint_services.complaint_identity_reveal(complaint=complaint, actor=cast.officer)
        objects.setdefault("reveal", {})[side] = complaint.identity_reveals.get()
        # 服务承诺 published by the unit, and a 领导接待日 the unit hosts.
        commitment = complaint_services.commitment_create(
            unit=unit,
            actor=head,
            service=f"标记承诺-{side}",
            promise="材料齐全的，5个工作日内办结。",
            time_limit_days=5,
            first_responsible="窗口首问岗",
            contact="0571-88880000",
            materials="身份证\n申请表",
        )
        objects.setdefault("commitment", {})[side] = complaint_services.commitment_publish(
            commitment=commitment, actor=head
        )
        objects.setdefault("reception_day", {})[side] = complaint_services.reception_day_create(
            actor=cast.officer,
            leader=cast.leader,
            leader_post="县长",
            unit=unit,
            place=f"标记接待室-{side}",
            date=far,
            starts_at=datetime.time(9, 0),
            ends_at=datetime.time(11, 30),
            topic="营商环境",
        )
        unit_services.notification_send(
            recipients=[head],
            kind=Notification.Kind.INFO,
            title=f"标记通知-{side}",
            url="/campaign/",
            object_key=f"authz-{side}",
            email=False,
        )
        objects["notification"][side] = Notification.objects.get(object_key=f"authz-{side}")

    world.extra["unrouted_complaint"] = complaint_drive(cast, category, Complaint.Status.REGISTERED)
    world.extra["answered_complaint"] = complaint_drive(cast, category, Complaint.Status.ANSWERED)
    # A request waiting for the custodian (the officer's, on a named case of dept_a).
    world.extra["pending_identity_request"] = complaint_services.identity_request_create(
        complaint=world.extra["answered_complaint"],
        actor=cast.officer,
        reason="标记待审批申请",
    )

    # Circulars: a draft, an internal published one and a public one.
    circulars = {}
    for name, publish, public in (
        ("draft", False, False),
        ("internal", True, False),
        ("public", True, True),
    ):
        circular = campaign_services.circular_create(
            campaign=campaign,
            kind="progress",
            title=f"标记通报-{name}",
            body="各单位整改进展如下。",
            actor=cast.officer,
            mentions=[(cast.dept_a, "positive"), (cast.dept_b, "negative")],
        )
        if publish:
            circular = campaign_services.circular_publish(
                circular=circular, actor=cast.officer, is_public=public
            )
        circulars[name] = circular
    objects["circular"] = circulars
    world.extra["circular"] = circulars
    # 为民办实事 projects (tests/authz/cases/projects.py).
    project_world(cast, objects, _file)

    # Assessments: last year published (public), this year computed, next year open.
    schemes: dict[str, AssessmentScheme] = {}
    for year, label in ((2025, "published"), (2026, "computed"), (2027, "open")):
        scheme = assessment_services.scheme_create_with_defaults(year=year, actor=cast.officer)
        scheme = assessment_services.scheme_open(scheme=scheme, actor=cast.officer)
        schemes[label] = scheme
    survey = assessment_services.survey_create(
        scheme=schemes["computed"],
        title="2026年度机关作风民主评议",
        units=[cast.dept_a, cast.dept_b],
        actor=cast.officer,
        categories=[("基层群众", Decimal("100"))],
    )
    assessment_services.survey_open(survey=survey, actor=cast.officer)
    rater = survey.categories.get()
    assessment_services.tokens_generate(survey=survey, category=rater, count=2, actor=cast.officer)
    first, spare = list(survey.tokens.order_by("pk"))
    option = survey.scale.order_by("pk").first()
    dimensions = list(survey.dimensions.values_list("pk", flat=True))
    assessment_services.survey_submit(
        survey_id=survey.pk,
        code=first.code,
        ratings={u.pk: dict.fromkeys(dimensions, option.pk) for u in (cast.dept_a, cast.dept_b)},
        comments={cast.dept_a.pk: "标记意见-a", cast.dept_b.pk: "标记意见-b"},
    )
    open_survey = assessment_services.survey_create(
        scheme=schemes["computed"],
        title="2026年度公开评议",
        units=[cast.dept_a],
        actor=cast.officer,
        open_mode=True,
    )
    assessment_services.survey_open(survey=open_survey, actor=cast.officer)
    for label in ("published", "computed"):
        assessment_services.scheme_compute(scheme_id=schemes[label].pk)
    schemes["published"] = assessment_services.scheme_publish(
        scheme=AssessmentScheme.objects.get(pk=schemes["published"].pk),
        actor=cast.officer,
        public=True,
    )
    schemes["computed"].refresh_from_db()
    assessment_services.evaluation_assign(
        scheme=schemes["open"], evaluator=cast.evaluator, units=[cast.dept_a], actor=cast.officer
    )
    for side, (unit, _head) in _heads(cast).items():
        objects["result"][side] = AssessmentResult.objects.get(
            scheme=schemes["published"], unit=unit
        )
        objects["unpublished_result"][side] = AssessmentResult.objects.get(
            scheme=schemes["computed"], unit=unit
        )
        objects["feedback"][side] = survey.responses.exclude(comment="").get(unit=unit)
    # 约谈提醒 opened by the published (final) results: dept_a's is held by in_charge.
    world.extra["talks"] = {
        side: ReminderTalk.objects.get(scheme=schemes["published"], unit=unit)
        for side, (unit, _head) in _heads(cast).items()
    }
    world.extra.update(
        schemes=schemes,
        survey=Survey.objects.get(pk=survey.pk),
        open_survey=open_survey,
        spare_code=spare.code,
        deliverable=deliverable,
    )
    # 回头看: a closed item per sibling, re-checked by the officer in the summary phase (the
    # campaign's last phase; its first day stands for "today" so the world does not age).
    summary_day = campaign.phases.order_by("order").last().start_date
    for side, (unit, head) in _heads(cast).items():
        closed = item_drive(
            cast, campaign, S.CLOSED, unit=unit, actor=head, problem=f"标记事项-已销号-{side}"
        )
        recheck = campaign_services.recheck_open(
            campaign=campaign, actor=cast.officer, scope="units", units=[unit], today=summary_day
        )
        objects.setdefault("recheck", {})[side] = recheck
        objects.setdefault("recheck_entry", {})[side] = recheck.entries.get(item=closed)
    world.extra["dept_a_item_count"] = RectificationItem.objects.filter(unit=cast.dept_a).count()
    # Each sibling's first responsible person: whose 作风档案 the cadre pages open.
    world.extra["cadre"] = {side: head.person for side, (_unit, head) in _heads(cast).items()}
    # A staff member who has not set up two-factor login yet.
    world.extra["officer_new"] = make_person_with_login(
        "吴新任",
        "officer_new",
        title="纪检监察室主任",
        is_staff=True,
        groups=[roles.INSPECTION_STAFF],
    )[1]
    # Digests: the county's (sent), one per sibling's subtree (sent), and a county draft.
    weekly = digests.period_before(kind=Digest.Kind.WEEKLY, today=datetime.date(2026, 3, 9))
    monthly = digests.period_before(kind=Digest.Kind.MONTHLY, today=datetime.date(2026, 3, 9))

    def sent(scope: Any) -> Digest:
        digest = digests.digest_compile(period=weekly, scope=scope)[0]
        return digests.digest_send(digest=digest, actor=cast.officer)

    world.extra["digest"] = sent(None)
    objects["digest"] = {side: sent(unit) for side, (unit, _head) in _heads(cast).items()}
    world.extra["digest_draft"] = digests.digest_compile(period=monthly)[0]
    world.objects = objects
    _export_objects(world)
    _supervisor_objects(world)
    dispatch_objects(world)
    return world


def _supervisor_objects(world: World) -> None:
    """Supervisors (tests/authz/cases/supervisors.py): the cast's supervisor watches dept_a;
    another watches dept_b; a third, appointed by the township officer, division_a. A
    problem report on each sibling, and a commendation on dept_a."""
    from campaign.services import supervisor_report_file
    from units.models import Supervisor
    from units.supervisors import supervisor_appoint

    cast = world.cast
    today = timezone.localdate()

    def appoint(actor: Any, username: str, name: str, unit: Any) -> Supervisor:
        return supervisor_appoint(
            actor=actor,
            username=username,
            password="Jiandu-2026-pass!",
            name=name,
            category=Supervisor.Category.EFFICIENCY,
            standing=Supervisor.Standing.OTHER,
            term_start=today - datetime.timedelta(days=10),
            term_end=today + datetime.timedelta(days=365),
            units=[unit],
        )

    other = appoint(cast.officer, "supervisor_b", "褚效能", cast.dept_b)
    township = appoint(cast.township_officer, "supervisor_t", "卫察访", cast.division_a)
    world.extra["roster"] = {"a": Supervisor.objects.get(user=cast.supervisor), "t": township}

    def report(user: Any, unit: Any, verdict: str = "problem") -> Any:
        return supervisor_report_file(
            actor=user,
            unit=unit,
            date=today,
            place="办事大厅",
            observation="窗口无人值守",
            verdict=verdict,
        )

    world.objects["supervisor_report"] = {
        "a": report(cast.supervisor, cast.dept_a),
        "b": report(other.user, cast.dept_b),
    }
    world.extra["review_report"] = report(cast.supervisor, cast.dept_a, "commend")


def _export_objects(world: World) -> None:
    """A finished background export per side: each head's rectification ledger (我的导出)."""
    from units import exports

    world.objects["export"] = {}
    for side, (_unit, head) in _heads(world.cast).items():
        job, _ = exports.export_request(
            user=head, kind="campaign.ledger_xlsx", params=f"campaign={world.campaign.pk}"
        )
        exports.export_build(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == job.Status.DONE, job.error
        world.objects["export"][side] = job
