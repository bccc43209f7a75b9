"""The supervisors' roster, their 察访 reports, their survey votes and 视察点评 in scoring.

The cast's supervisor (冯监督, 特邀监督员 and 人大代表) watches dept_a, appointed by the
officer for 2026–2030 (tests/conftest.py).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import (
    AdjustmentLine,
    AdjustmentRule,
    AssessmentResult,
    Indicator,
    RaterToken,
    SurveyResponse,
)
from campaign.models import Finding, RectificationItem, SupervisorReport, SupervisorReportTransition
from campaign.services import supervisor_reports as report_services
from tests.authz.matrix import xlsx_text
from tests.campaign.conftest import campaign_start
from tests.factories import PASSWORD
from units import roles
from units.models import Notification, Supervisor
from units.supervisors import supervisor_appoint, supervisor_update
from units.transitions import InvalidTransition

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
STRONG = "Jiandu-2026-pass!"


def _appoint(cast, **overrides):
    data = {
        "actor": cast.officer,
        "username": "chafang1",
        "password": STRONG,
        "name": "陈察访",
        "category": Supervisor.Category.VISITOR,
        "standing": Supervisor.Standing.CPPCC_MEMBER,
        "term_start": TODAY - datetime.timedelta(days=30),
        "term_end": TODAY + datetime.timedelta(days=300),
        "units": [cast.dept_b],
    }
    data.update(overrides)
    return supervisor_appoint(**data)


def _file(cast, verdict=SupervisorReport.Verdict.PROBLEM, unit=None, user=None):
    return report_services.supervisor_report_file(
        actor=user or cast.supervisor,
        unit=unit or cast.dept_a,
        date=TODAY,
        place="政务服务中心市场监管窗口",
        observation="窗口工作人员上班时间玩手机，群众排队无人办理。",
        verdict=verdict,
    )


# --- The roster -----------------------------------------------------------------------------


def test_officer_appoints_a_supervisor_who_signs_in_to_their_workspace(cast, client):
    supervisor = _appoint(cast)
    assert supervisor.user.groups.filter(name=roles.SUPERVISOR).exists()
    assert supervisor.jurisdiction == cast.root
    assert list(supervisor.units.all()) == [cast.dept_b]
    signed_in = client.post(reverse("login"), {"username": "chafang1", "password": STRONG})
    assert signed_in.status_code == 302
    page = client.get(reverse("units:workspace"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="supervisor-panel"' in body
    assert cast.dept_b.name in body and cast.dept_a.name not in body
    assert reverse("campaign:supervisor_report_create", args=[cast.dept_b.pk]) in body
    # The supervisor's navigation: their reports, no campaign, ledger or unit pages.
    assert reverse("campaign:supervisor_report_list") in body
    assert reverse("campaign:campaign_list") not in body
    assert f'href="{reverse("units:unit_list")}"' not in body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "  "}, "name", "请填写监督员姓名。"),
        ({"category": "boss"}, "category", "请选择监督员类别。"),
        (
            {"term_end": TODAY - datetime.timedelta(days=60)},
            "term_end",
            "任期结束日期不能早于开始日期",
        ),
        ({"units": []}, "units", "请至少选择一个联系监督单位。"),
        ({"username": "officer"}, "username", "该用户名已被使用。"),
        ({"password": "123"}, "password", ""),
    ],
)
def test_bad_roster_input_is_refused_and_nothing_saved(cast, overrides, field, message):
    before = Supervisor.objects.count()
    with pytest.raises(ValidationError) as refused:
        _appoint(cast, **overrides)
    assert field in refused.value.error_dict
    assert message in " ".join(refused.value.messages)
    assert Supervisor.objects.count() == before


def test_units_outside_the_jurisdiction_are_refused(cast):
    # The township officer's jurisdiction is dept_a's subtree: dept_b is outside it.
    with pytest.raises(ValidationError) as refused:
        _appoint(cast, actor=cast.township_officer, units=[cast.dept_b])
    assert "units" in refused.value.error_dict
    supervisor = _appoint(cast, actor=cast.township_officer, units=[cast.division_a])
    assert supervisor.jurisdiction == cast.dept_a
    # …and the county officer sees them on the roster too, the township officer only theirs.
    assert Supervisor.objects.visible_to(cast.township_officer).get() == supervisor


@pytest.mark.parametrize("who", ["leader", "head_a", "in_charge", "evaluator", "supervisor"])
def test_only_inspection_staff_keep_the_roster(cast, who):
    with pytest.raises(PermissionDenied):
        _appoint(cast, actor=getattr(cast, who))


def test_roster_pages_in_chinese_refuse_bad_input(cast, client_for):
    client = client_for(cast.officer)
    url = reverse("units:supervisor_create")
    response = client.post(
        url,
        {
            "username": "chafang2",
            "password": STRONG,
            "name": "陈察访",
            "category": "visitor",
            "standing": "other",
            "term_start": "2026-06-01",
            "term_end": "2026-01-01",
            "units": [cast.dept_b.pk],
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert not Supervisor.objects.filter(user__username="chafang2").exists()


def test_officer_changes_a_term_and_the_list_reads_flat(
    cast, client_for, django_assert_max_num_queries
):
    supervisor = _appoint(cast)
    for n in range(5):
        _appoint(cast, username=f"more{n}", name=f"监督员{n}")
    supervisor_update(
        supervisor=supervisor,
        actor=cast.officer,
        name=supervisor.name,
        category=Supervisor.Category.EFFICIENCY,
        standing=supervisor.standing,
        term_start=supervisor.term_start,
        term_end=TODAY - datetime.timedelta(days=1),
        units=[cast.dept_a, cast.dept_b],
    )
    supervisor.refresh_from_db()
    assert supervisor.category == "efficiency" and not supervisor.serving_on()
    client = client_for(cast.officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("units:supervisor_list"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/supervisors/') >= 0
    assert "陈察访" in response.content.decode() and "监督员4" in response.content.decode()


# --- Reports --------------------------------------------------------------------------------


def test_a_supervisor_files_a_report_through_the_page(
    cast, client_for, django_capture_on_commit_callbacks
):
    client = client_for(cast.supervisor)
    url = reverse("campaign:supervisor_report_create", args=[cast.dept_a.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "date": TODAY.isoformat(),
                "place": "办事大厅",
                "observation": "叫号系统停用，群众无序排队。",
                "verdict": "problem",
            },
        )
    report = SupervisorReport.objects.get()
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    assert report.supervisor.user == cast.supervisor and report.status == "submitted"
    record = SupervisorReportTransition.objects.get(report=report)
    assert (record.from_status, record.to_status, record.actor) == (
        "",
        "submitted",
        cast.supervisor,
    )
    # The officers with jurisdiction over dept_a are told; the unit is not.
    notified = set(
        Notification.objects.filter(url=report.get_absolute_url()).values_list(
            "recipient__username", flat=True
        )
    )
    assert {"officer", "township_officer"} <= notified and "head_a" not in notified
    # A unit the supervisor does not watch does not exist for them.
    other = reverse("campaign:supervisor_report_create", args=[cast.dept_b.pk])
    assert client.get(other).status_code == 404


def test_bad_report_input_is_refused(cast, client_for):
    client = client_for(cast.supervisor)
    url = reverse("campaign:supervisor_report_create", args=[cast.dept_a.pk])
    # Today as the service sees it now, not when the module was imported: a run that
    # crosses midnight (Beijing time) made the import-time tomorrow today.
    today = timezone.localdate()
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        url, {"date": tomorrow, "place": "大厅", "observation": "  ", "verdict": "problem"}
    )
    assert response.status_code == 400 and not SupervisorReport.objects.exists()
    with pytest.raises(ValidationError) as refused:
        report_services.supervisor_report_file(
            actor=cast.supervisor,
            unit=cast.dept_a,
            date=today + datetime.timedelta(days=1),
            place="大厅",
            observation="看到的情况",
            verdict="problem",
        )
    assert "date" in refused.value.error_dict


def test_a_term_ended_cannot_file(cast, client_for):
    supervisor = Supervisor.objects.get(user=cast.supervisor)
    Supervisor.objects.filter(pk=supervisor.pk).update(term_end=TODAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        _file(cast)
    assert "已不能报送察访报告" in " ".join(refused.value.messages)
    client = client_for(cast.supervisor)
    page = client.get(reverse("units:workspace")).content.decode()
    assert 'data-testid="term-ended"' in page
    assert reverse("campaign:supervisor_report_create", args=[cast.dept_a.pk]) not in page
    response = client.post(
        reverse("campaign:supervisor_report_create", args=[cast.dept_a.pk]),
        {"date": TODAY.isoformat(), "place": "大厅", "observation": "情况", "verdict": "problem"},
    )
    assert response.status_code == 400 and not SupervisorReport.objects.exists()


def test_nobody_else_files(cast):
    for who in ("officer", "head_a", "leader"):
        with pytest.raises(PermissionDenied):
            _file(cast, user=getattr(cast, who))


def test_officer_turns_a_problem_into_a_finding(
    cast, client_for, django_capture_on_commit_callbacks
):
    campaign = campaign_start(cast)
    report = _file(cast)
    client = client_for(cast.officer)
    page = client.get(report.get_absolute_url())
    assert page.status_code == 200 and 'data-testid="convert-form"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("campaign:supervisor_report_act", args=[report.pk, "convert"]),
            {
                "campaign": campaign.pk,
                "severity": "major",
                "description": "窗口工作人员上班时间玩手机",
                "deadline": (TODAY + datetime.timedelta(days=20)).isoformat(),
            },
        )
    assert response.status_code == 302
    report.refresh_from_db()
    finding = Finding.objects.get()
    assert report.status == "converted" and report.finding == finding
    assert finding.supervisor_report == report
    assert finding.unit == cast.dept_a and finding.severity == "major"
    assert finding.inspection.kind == "patrol" and finding.inspection.campaign == campaign
    # The finding is fed back as any finding is: a rectification item for the unit.
    item = RectificationItem.objects.get(finding=finding)
    assert item.unit == cast.dept_a and item.source == RectificationItem.Source.INSPECTION
    record = report.transitions.order_by("pk").last()
    assert (record.from_status, record.to_status, record.actor) == (
        "submitted",
        "converted",
        cast.officer,
    )
    # The supervisor sees the outcome on their report.
    assert Notification.objects.filter(recipient=cast.supervisor, url=report.get_absolute_url())
    mine = client_for(cast.supervisor).get(report.get_absolute_url()).content.decode()
    assert 'data-testid="finding"' in mine and 'data-testid="convert-form"' not in mine
    # Decided once: a second move is refused.
    with pytest.raises(InvalidTransition):
        report_services.supervisor_report_dismiss(report=report, actor=cast.officer, reason="重复")


def test_dismissal_needs_a_reason_and_the_supervisor_reads_it(cast, client_for):
    report = _file(cast)
    client = client_for(cast.officer)
    url = reverse("campaign:supervisor_report_act", args=[report.pk, "dismiss"])
    assert client.post(url, {"reason": " "}).status_code == 400
    assert client.post(url, {"reason": "经核实，该窗口当日暂停服务"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "dismissed"
    page = client_for(cast.supervisor).get(report.get_absolute_url()).content.decode()
    assert "经核实，该窗口当日暂停服务" in page


def test_moves_that_do_not_fit_the_verdict_are_refused(cast):
    campaign = campaign_start(cast)
    review = _file(cast, verdict=SupervisorReport.Verdict.COMMEND)
    problem = _file(cast)
    with pytest.raises(InvalidTransition):
        report_services.supervisor_report_convert(
            report=review,
            actor=cast.officer,
            campaign=campaign,
            severity="minor",
            description="x",
            deadline=TODAY,
        )
    with pytest.raises(InvalidTransition):
        report_services.supervisor_report_confirm(report=problem, actor=cast.officer)
    assert not Finding.objects.exists()
    # Only the officers of the unit decide; the supervisor and the unit head may not.
    for who in ("supervisor", "head_a", "leader"):
        with pytest.raises(PermissionDenied):
            report_services.supervisor_report_confirm(report=review, actor=getattr(cast, who))


def test_who_sees_which_reports(cast, client_for, django_assert_max_num_queries):
    other = _appoint(cast, units=[cast.dept_b])
    mine = [_file(cast) for _ in range(3)]
    theirs = _file(cast, unit=cast.dept_b, user=other.user)
    listing = reverse("campaign:supervisor_report_list")
    client = client_for(cast.supervisor)
    with django_assert_max_num_queries(12):
        page = client.get(listing)
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == 3
    assert client.get(theirs.get_absolute_url()).status_code == 404
    # The township officer (dept_a's subtree) sees dept_a's reports only; the county all.
    client = client_for(cast.township_officer)
    ids = {r.pk for r in client.get(listing).context["page"].object_list}
    assert ids == {r.pk for r in mine}
    client = client_for(cast.officer)
    with django_assert_max_num_queries(12):
        page = client.get(listing)
    assert len(page.context["page"].object_list) == 4
    # Unit heads, leaders and outsiders: no such page, no such report.
    for who in ("head_a", "leader", "outsider", "evaluator"):
        client = client_for(getattr(cast, who))
        assert client.get(listing).status_code == 404
        assert client.get(mine[0].get_absolute_url()).status_code == 404


# --- The survey -------------------------------------------------------------------------------


def test_a_supervisors_vote_counts_in_the_supervisors_category(cast, client_for):
    scheme = assessment_services.scheme_create(year=2026, name="2026年度考核", actor=cast.officer)
    survey = assessment_services.survey_create(
        scheme=scheme,
        title="2026年度民主评议",
        units=[cast.dept_a, cast.dept_b],
        actor=cast.officer,
    )
    survey = assessment_services.survey_open(survey=survey, actor=cast.officer)
    category = survey.categories.get(for_supervisors=True)
    ended = _appoint(cast, username="ended", term_end=TODAY - datetime.timedelta(days=1))
    ended.term_start = TODAY - datetime.timedelta(days=400)
    assert assessment_services.supervisor_codes_issue(survey=survey, actor=cast.officer) == 1
    # Twice is once: nobody gets a second code; the supervisor whose term ended gets none.
    assert assessment_services.supervisor_codes_issue(survey=survey, actor=cast.officer) == 0
    with pytest.raises(PermissionDenied):
        assessment_services.supervisor_codes_issue(survey=survey, actor=cast.head_a)
    token = RaterToken.objects.get(supervisor_code__supervisor__user=cast.supervisor)
    assert token.category == category
    # Not on the code slips the officer prints for the other raters.
    sheet = client_for(cast.officer).get(
        reverse("assessments:survey_tokens_export", args=[survey.pk])
    )
    assert sheet.status_code == 200 and token.code not in xlsx_text(
        b"".join(sheet.streaming_content) if sheet.streaming else sheet.content
    )
    client = client_for(cast.supervisor)
    page = client.get(reverse("units:workspace")).content.decode()
    vote_url = reverse("assessments:survey_vote", args=[survey.pk, token.code])
    assert vote_url in page
    option = survey.scale.get(label="满意").pk
    ratings = {cast.dept_a.pk: {d.pk: option for d in survey.dimensions.all()}}
    assessment_services.survey_submit(survey_id=survey.pk, code=token.code, ratings=ratings)
    response = SurveyResponse.objects.get()
    assert response.category == category and response.unit == cast.dept_a
    assert response.token_id is None  # anonymised: the vote is not linked to the code
    # Used: the workspace no longer offers it.
    assert vote_url not in client.get(reverse("units:workspace")).content.decode()


# --- 视察点评 in the assessment ---------------------------------------------------------------


def test_confirmed_reviews_add_and_deduct_in_a_scoring_run(cast):
    year = TODAY.year
    scheme = assessment_services.scheme_create(year=year, name="年度考核", actor=cast.officer)
    Indicator.objects.create(scheme=scheme, component="special", name="重点工作", max_points=100)
    Indicator.objects.create(
        scheme=scheme, component="organisational", name="活动成果", max_points=100
    )
    scheme = assessment_services.scheme_open(scheme=scheme, actor=cast.officer)
    kind = AdjustmentRule.Kind.SUPERVISOR_REVIEW
    praise = AdjustmentRule.objects.create(
        scheme=scheme,
        name="监督员表扬",
        kind=kind,
        parameter="commend",
        points=Decimal("1"),
        sign=AdjustmentRule.Sign.ADD,
    )
    blame = AdjustmentRule.objects.create(
        scheme=scheme,
        name="监督员批评",
        kind=kind,
        parameter="criticise",
        points=Decimal("2"),
        sign=AdjustmentRule.Sign.DEDUCT,
    )
    other = _appoint(cast, units=[cast.dept_b])
    commended = _file(cast, verdict="commend")
    report_services.supervisor_report_confirm(report=commended, actor=cast.officer, note="属实")
    criticised = _file(cast, unit=cast.dept_b, user=other.user, verdict="criticise")
    report_services.supervisor_report_confirm(report=criticised, actor=cast.officer)
    # Neither an unconfirmed nor a dismissed review counts.
    _file(cast, verdict="criticise")
    dismissed = _file(cast, verdict="criticise")
    report_services.supervisor_report_dismiss(report=dismissed, actor=cast.officer, reason="不实")

    assessment_services.scheme_compute(scheme_id=scheme.pk)

    lines = AdjustmentLine.objects.filter(scheme=scheme)
    assert [(line.rule, line.unit, line.evidence) for line in lines.filter(rule=praise)] == [
        (praise, cast.dept_a, commended)
    ]
    assert [(line.unit, line.evidence) for line in lines.filter(rule=blame)] == [
        (cast.dept_b, criticised)
    ]
    a = AssessmentResult.objects.get(scheme=scheme, unit=cast.dept_a)
    b = AssessmentResult.objects.get(scheme=scheme, unit=cast.dept_b)
    assert a.adjustments == Decimal("1.00") and b.adjustments == Decimal("-2.00")


def test_the_tone_parameter_is_checked(cast):
    from assessments import rule_kinds

    kind = AdjustmentRule.Kind.SUPERVISOR_REVIEW
    assert rule_kinds.clean_parameter(kind=kind, value="commend") == "commend"
    with pytest.raises(ValidationError):
        rule_kinds.clean_parameter(kind=kind, value="serious")
    assert PASSWORD  # the cast's supervisor signs in with the shared test password
