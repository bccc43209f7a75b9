"""Results act on their own (seed 002): the 通报表扬 draft and the 约谈提醒, exactly once.

The hand-built county (tests/assessments/county.py) commends U8, U12 and U4 (top two of a
group within the grades allowed, top three overall) and puts U11 and U5 in the bottom two.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import scoring, services
from assessments.models import (
    AssessmentResult,
    AssessmentScheme,
    CommendationDraft,
    RecognitionRule,
    ReminderTalk,
    TalkTransition,
)
from campaign import services as campaign_services
from campaign.models import Circular
from tests.assessments.county import build_county
from units import services as unit_services
from units.models import Notification, Responsibility, Unit
from units.transitions import InvalidTransition

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def final(monkeypatch):
    """Scoring after the year: facts judged over the whole of 2026 (results final)."""
    monkeypatch.setattr(
        scoring, "fact_cutoff", lambda year, today=None: datetime.date(year + 1, 1, 1)
    )


@pytest.fixture
def county(cast):
    built = build_county(cast.officer)
    units = built["units"]
    # U5's leader in charge is the cast's 孙副县长; U11 has none on record.
    unit_services.responsibility_assign(
        person=cast.in_charge.person,
        unit=units["U5"],
        role=Responsibility.Role.LEADER_IN_CHARGE,
        start_date=datetime.date(2026, 1, 1),
    )
    campaign = campaign_services.campaign_create(
        name="2026年作风建设年活动",
        year=2026,
        scope=Unit.objects.get(code="T"),
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        actor=cast.officer,
    )
    built["campaign"] = campaign_services.campaign_activate(campaign=campaign, actor=cast.officer)
    return built


def _compute(scheme):
    services.scheme_compute(scheme_id=scheme.pk)
    return AssessmentScheme.objects.get(pk=scheme.pk)


def _names(units, *codes):
    return {units[c].pk for c in codes}


def test_final_results_draft_the_commendation_with_the_right_units(county, final):
    scheme = _compute(county["scheme"])
    units = county["units"]
    draft = CommendationDraft.objects.get(scheme=scheme)
    circular = draft.circular
    assert circular.status == Circular.Status.DRAFT
    assert circular.kind == Circular.Kind.COMMENDATION
    assert circular.campaign == county["campaign"]
    mentions = {m.unit_id: m.tone for m in circular.mentions.all()}
    assert set(mentions) == _names(units, "U8", "U12", "U4")
    assert set(mentions.values()) == {"positive"}
    # The body names each unit with its ranks and total, in Chinese.
    for code, text in (("U8", "97.60"), ("U12", "94.30"), ("U4", "92.20")):
        assert units[code].name in circular.body
        assert text in circular.body
    assert circular.title == _(
        "Circular commending the units with the best results in the %(year)s assessment"
    ) % {"year": 2026}
    assert "单位U5" not in circular.body


def test_final_results_open_talks_for_the_bottom_units_with_their_leaders(county, final, cast):
    scheme = _compute(county["scheme"])
    units = county["units"]
    talks = {t.unit_id: t for t in ReminderTalk.objects.filter(scheme=scheme)}
    assert set(talks) == _names(units, "U11", "U5")
    assert talks[units["U5"].pk].leader == cast.in_charge.person
    assert talks[units["U11"].pk].leader is None
    assert all(t.status == ReminderTalk.Status.OPEN for t in talks.values())
    # Opened with a record; not yet the leader's (results unpublished): no deadline, no notice.
    assert (
        TalkTransition.objects.filter(talk__scheme=scheme, from_status="", to_status="open").count()
        == 2
    )
    assert all(t.deadline is None for t in talks.values())
    assert not Notification.objects.filter(object_key__startswith="assessments.talk:").exists()


def test_provisional_results_do_nothing(county):
    # Computed on 2026-12-05 or so: the year runs, deadlines still to come are not counted.
    scheme = _compute(county["scheme"])
    assert scheme.is_provisional
    assert AssessmentResult.objects.filter(scheme=scheme, talk=True).count() == 2
    assert not CommendationDraft.objects.filter(scheme=scheme).exists()
    assert not ReminderTalk.objects.filter(scheme=scheme).exists()


def test_three_runs_leave_one_draft_and_one_talk_per_unit(county, final, cast):
    scheme = county["scheme"]
    for _run in range(3):
        scheme = _compute(scheme)
    assert Circular.objects.filter(kind=Circular.Kind.COMMENDATION).count() == 1
    assert CommendationDraft.objects.count() == 1
    assert ReminderTalk.objects.filter(scheme=scheme).count() == 2
    assert TalkTransition.objects.filter(talk__scheme=scheme).count() == 2
    # A circular with the same results is left as the officer edited it.
    circular = CommendationDraft.objects.get(scheme=scheme).circular
    campaign_services.circular_update(
        circular=circular, actor=cast.officer, title=circular.title, body="编辑后的正文"
    )
    _compute(scheme)
    circular.refresh_from_db()
    assert circular.body == "编辑后的正文"


def test_rerun_refreshes_the_draft_and_cancels_talks_of_units_out_of_the_bottom(county, final):
    scheme = _compute(county["scheme"])
    units = county["units"]
    circular = CommendationDraft.objects.get(scheme=scheme).circular
    # The rules change: only the top one overall is commended, only the last one talked to.
    scheme.recognition_rules.all().delete()
    RecognitionRule.objects.create(scheme=scheme, kind="commend", scope="overall", count=1)
    RecognitionRule.objects.create(scheme=scheme, kind="talk", scope="overall", count=1)
    scheme = _compute(scheme)
    circular.refresh_from_db()
    assert {m.unit_id for m in circular.mentions.all()} == _names(units, "U8")
    assert units["U4"].name not in circular.body
    assert Circular.objects.filter(kind=Circular.Kind.COMMENDATION).count() == 1
    talks = {t.unit_id: t for t in ReminderTalk.objects.filter(scheme=scheme)}
    assert talks[units["U5"].pk].status == ReminderTalk.Status.OPEN
    u11 = talks[units["U11"].pk]
    assert u11.status == ReminderTalk.Status.CANCELLED
    assert u11.transitions.filter(from_status="open", to_status="cancelled").exists()
    # Back to the bottom two: the same talk is reopened, with its record, not a new one.
    scheme.recognition_rules.filter(kind="talk").update(count=2)
    scheme = _compute(scheme)
    u11.refresh_from_db()
    assert u11.status == ReminderTalk.Status.OPEN
    assert list(u11.transitions.values_list("to_status", flat=True)) == [
        "open",
        "cancelled",
        "open",
    ]
    assert ReminderTalk.objects.filter(scheme=scheme).count() == 2


def test_a_published_circular_is_not_touched_nor_followed_by_another(county, final, cast):
    scheme = _compute(county["scheme"])
    circular = CommendationDraft.objects.get(scheme=scheme).circular
    campaign_services.circular_publish(circular=circular, actor=cast.officer)
    scheme.recognition_rules.filter(kind="commend", scope="overall").update(count=1)
    scheme.recognition_rules.filter(kind="commend", scope="group").update(count=1)
    scheme = _compute(scheme)
    circular.refresh_from_db()
    assert circular.status == Circular.Status.PUBLISHED
    assert circular.mentions.count() == 3
    assert Circular.objects.filter(kind=Circular.Kind.COMMENDATION).count() == 1


def test_publishing_hands_the_talks_to_the_leaders(county, final, cast):
    scheme = _compute(county["scheme"])
    published = services.scheme_publish(scheme=scheme, actor=cast.officer, public=False)
    talk = ReminderTalk.objects.get(scheme=published, unit=county["units"]["U5"])
    assert talk.deadline is not None and talk.deadline > timezone.localdate()
    notice = Notification.objects.get(object_key=f"assessments.talk:{talk.pk}")
    assert notice.recipient == cast.in_charge
    assert ReminderTalk.objects.filter(scheme=published).count() == 2


def _published_talk(county, cast):
    scheme = _compute(county["scheme"])
    services.scheme_publish(scheme=scheme, actor=cast.officer, public=False)
    return ReminderTalk.objects.get(scheme=scheme, unit=county["units"]["U5"])


RECORD = {
    "place": "县政府三楼会议室",
    "attendees": "孙副县长、单位U5主要负责人",
    "content": "指出考核排名靠后的原因，要求限期整改。",
    "commitments": "一个月内完成整改并书面报告。",
}


def test_leader_records_the_talk(county, final, cast, client_for):
    talk = _published_talk(county, cast)
    client = client_for(cast.in_charge)
    page = client.get(reverse("assessments:my_talks"))
    assert page.status_code == 200 and county["units"]["U5"].name in page.content.decode()
    response = client.post(
        reverse("assessments:talk_record", args=[talk.pk]),
        {"talk_date": timezone.localdate().isoformat(), **RECORD},
    )
    assert response.status_code == 302
    talk.refresh_from_db()
    assert talk.status == ReminderTalk.Status.DONE
    assert talk.place == RECORD["place"] and talk.recorded_by == cast.in_charge
    assert talk.transitions.filter(to_status="done", actor=cast.in_charge).exists()
    # Once held, a recompute can never cancel it (and it is never recorded twice).
    with pytest.raises(InvalidTransition):
        services.talk_record(
            talk=talk, actor=cast.in_charge, talk_date=timezone.localdate(), **RECORD
        )


@pytest.mark.parametrize(
    "change, message",
    [
        ({"place": "  "}, "这个字段是必填项"),
        ({"talk_date": "2099-01-01"}, "FUTURE"),
        ({"commitments": ""}, "这个字段是必填项"),
    ],
)
def test_bad_record_is_refused_in_chinese_with_nothing_saved(
    county, final, cast, client_for, change, message
):
    talk = _published_talk(county, cast)
    client = client_for(cast.in_charge)
    data = {"talk_date": timezone.localdate().isoformat(), **RECORD, **change}
    response = client.post(reverse("assessments:talk_record", args=[talk.pk]), data)
    assert response.status_code == 400
    if message == "FUTURE":
        message = _("The talk cannot be recorded before the day it is held.")
    assert message in response.content.decode()
    talk.refresh_from_db()
    assert talk.status == ReminderTalk.Status.OPEN and talk.place == ""
    assert not talk.transitions.filter(to_status="done").exists()


def test_record_before_publication_is_refused(county, final, cast):
    scheme = _compute(county["scheme"])
    talk = ReminderTalk.objects.get(scheme=scheme, unit=county["units"]["U5"])
    with pytest.raises(ValidationError):
        services.talk_record(
            talk=talk, actor=cast.officer, talk_date=timezone.localdate(), **RECORD
        )
    talk.refresh_from_db()
    assert talk.status == ReminderTalk.Status.OPEN


def test_leader_sees_only_own_published_talks(county, final, cast, client_for):
    scheme = _compute(county["scheme"])
    talk = ReminderTalk.objects.get(scheme=scheme, unit=county["units"]["U5"])
    other = ReminderTalk.objects.get(scheme=scheme, unit=county["units"]["U11"])
    client = client_for(cast.in_charge)
    # Unpublished: not the leader's yet.
    assert client.get(reverse("assessments:talk_detail", args=[talk.pk])).status_code == 404
    services.scheme_publish(scheme=scheme, actor=cast.officer, public=False)
    assert client.get(reverse("assessments:talk_detail", args=[talk.pk])).status_code == 200
    assert client.get(reverse("assessments:talk_detail", args=[other.pk])).status_code == 404
    client_for(cast.head_a)
    assert client.get(reverse("assessments:talk_detail", args=[talk.pk])).status_code == 404


def test_scheme_page_links_to_the_circular_and_the_talks(county, final, cast, client_for):
    scheme = _compute(county["scheme"])
    client = client_for(cast.officer)
    body = client.get(reverse("assessments:scheme_detail", args=[scheme.pk])).content.decode()
    circular = CommendationDraft.objects.get(scheme=scheme).circular
    assert circular.get_absolute_url() in body
    assert reverse("assessments:scheme_talks", args=[scheme.pk]) in body


def test_talk_list_query_count_is_flat(
    county, final, cast, client_for, django_assert_max_num_queries
):
    scheme = _compute(county["scheme"])
    client = client_for(cast.officer)
    url = reverse("assessments:scheme_talks", args=[scheme.pk])
    with django_assert_max_num_queries(14) as few:
        assert client.get(url).status_code == 200
    # Many more bottom units: the same number of queries.
    scheme.recognition_rules.filter(kind="talk").update(count=10)
    _compute(scheme)
    many = ReminderTalk.objects.filter(scheme=scheme).count()
    # Ten places from the bottom (ties share a place).
    assert many == AssessmentResult.objects.filter(scheme=scheme, talk=True).count() >= 10
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('data-testid="talk-row"') == many


def test_an_overdue_talk_is_escalated_on_the_supervision_board(county, final, cast, client_for):
    talk = _published_talk(county, cast)
    board = reverse("campaign:overdue_board")
    client = client_for(cast.officer)
    assert f"/assessments/talks/{talk.pk}/" not in client.get(board).content.decode()
    ReminderTalk.objects.filter(pk=talk.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=3)
    )
    page = client.get(board).content.decode()
    assert f"/assessments/talks/{talk.pk}/" in page
    # Held: off the board.
    services.talk_record(talk=talk, actor=cast.in_charge, talk_date=timezone.localdate(), **RECORD)
    assert f"/assessments/talks/{talk.pk}/" not in client.get(board).content.decode()
