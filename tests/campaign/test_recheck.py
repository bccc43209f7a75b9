"""整改回头看: opening re-checks in the summary phase, the seeded sample, 巩固 and 反弹, and
where relapses show: the unit's figures, the circular draft and the next scoring."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import AdjustmentLine, AdjustmentRule, AssessmentResult, Indicator
from campaign import recheck_selectors, selectors, services
from campaign.models import (
    Circular,
    Phase,
    Recheck,
    RecheckEntry,
    RecheckEntryTransition,
    RectificationItem,
    RectificationTransition,
)
from units.workdays import add_working_days

pytestmark = pytest.mark.django_db

S = RectificationItem.Status
E = RecheckEntry.Status


def _summary_phase(campaign) -> Phase:
    return campaign.phases.order_by("order").last()


@pytest.fixture
def summary_campaign(campaign):
    """The cast's campaign with today inside its summary phase (问题处理与总结阶段)."""
    today = timezone.localdate()
    Phase.objects.filter(pk=_summary_phase(campaign).pk).update(
        start_date=today - datetime.timedelta(days=5), end_date=today + datetime.timedelta(days=30)
    )
    return campaign


@pytest.fixture
def closed_items(cast, summary_campaign, make_item):
    """Six closed items: four of dept_a, two of dept_b."""
    a = [make_item(S.CLOSED, problem=f"窗口授权不到位-{n}") for n in range(4)]
    b = [
        make_item(S.CLOSED, unit=cast.dept_b, actor=cast.head_b, problem=f"首问责任落实不力-{n}")
        for n in range(2)
    ]
    return a + b


def _open(cast, campaign, **kwargs):
    kwargs.setdefault("scope", Recheck.Scope.ALL)
    return services.recheck_open(campaign=campaign, actor=cast.officer, **kwargs)


def _drawn(recheck) -> list[int]:
    return sorted(recheck.entries.values_list("item_id", flat=True))


def _confirm_all(cast, recheck) -> None:
    for entry in recheck.entries.all():
        services.recheck_entry_confirm(entry=entry, actor=cast.officer, note="巩固")


def _nothing_saved():
    assert not Recheck.objects.exists()
    assert not RecheckEntry.objects.exists()


# --- Opening ------------------------------------------------------------------------------


def test_all_closed_items_of_the_campaign(cast, summary_campaign, closed_items, make_item):
    make_item(S.IN_PROGRESS)  # not closed: not re-checked
    recheck = _open(cast, summary_campaign, note="总结阶段回头看")
    assert _drawn(recheck) == sorted(item.pk for item in closed_items)
    assert recheck.population == 6 and recheck.seed == "" and recheck.sample_size is None
    assert set(recheck.entries.values_list("status", flat=True)) == {E.PENDING}
    # Each entry starts with its record ("" → pending, by the officer).
    records = RecheckEntryTransition.objects.filter(entry__recheck=recheck)
    assert records.count() == 6
    assert {(r.from_status, r.to_status, r.actor_id) for r in records} == {
        ("", E.PENDING, cast.officer.pk)
    }


def test_items_of_chosen_units(cast, summary_campaign, closed_items):
    recheck = _open(cast, summary_campaign, scope=Recheck.Scope.UNITS, units=[cast.dept_b])
    assert _drawn(recheck) == sorted(item.pk for item in closed_items[4:])
    assert list(recheck.units.all()) == [cast.dept_b]


def test_an_item_held_by_an_unfinished_recheck_is_not_drawn_again(
    cast, summary_campaign, closed_items
):
    _open(cast, summary_campaign, scope=Recheck.Scope.UNITS, units=[cast.dept_b])
    second = _open(cast, summary_campaign)
    assert _drawn(second) == sorted(item.pk for item in closed_items[:4])


def test_the_sample_is_reproducible_from_its_seed(cast, summary_campaign, make_item):
    for n in range(30):
        make_item(S.CLOSED, problem=f"抽查事项-{n}")
    first = _open(
        cast, summary_campaign, scope=Recheck.Scope.SAMPLE, sample_size=5, seed="2026回头看"
    )
    assert len(_drawn(first)) == 5 and first.seed == "2026回头看" and first.population == 30
    # The same seed over the same items: the same sample (drawn again once the first is done).
    _confirm_all(cast, first)
    # The draw is the database's ORDER BY md5(seed || id), whatever else is in the table.
    population = recheck_selectors.recheck_population(user=cast.officer, campaign=summary_campaign)
    again = _open(
        cast, summary_campaign, scope=Recheck.Scope.SAMPLE, sample_size=5, seed="2026回头看"
    )
    assert _drawn(again) == _drawn(first)
    _confirm_all(cast, again)
    assert sorted(
        recheck_selectors.draw_sample(population=population, seed="2026回头看", size=5)
    ) == (_drawn(first))
    # Other seeds draw other samples (out of 142 506 possible, nearly always different).
    others = {
        tuple(sorted(recheck_selectors.draw_sample(population=population, seed=s, size=5)))
        for s in ("a", "b", "c", "d")
    }
    assert len(others - {tuple(_drawn(first))}) >= 3


def test_a_sample_without_a_seed_gets_one_stored(cast, summary_campaign, closed_items):
    recheck = _open(cast, summary_campaign, scope=Recheck.Scope.SAMPLE, sample_size=2)
    assert len(recheck.seed) == 16 and len(_drawn(recheck)) == 2
    population = recheck_selectors.recheck_population(user=cast.officer, campaign=summary_campaign)
    drawn = recheck_selectors.draw_sample(
        population=population.model.objects.filter(pk__in=[i.pk for i in closed_items]),
        seed=recheck.seed,
        size=2,
    )
    assert sorted(drawn) == _drawn(recheck)


@pytest.mark.parametrize(
    ("kwargs", "field", "text"),
    [
        ({"scope": "sample", "sample_size": 0}, "sample_size", "至少为1"),
        ({"scope": "sample", "sample_size": None}, "sample_size", "至少为1"),
        ({"scope": "sample", "sample_size": 7}, "sample_size", "大于"),
        ({"scope": "units", "units": []}, "units", "单位"),
        ({"scope": "everything"}, "scope", ""),
    ],
)
def test_bad_input_is_refused_in_chinese_with_nothing_saved(
    cast, summary_campaign, closed_items, kwargs, field, text
):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        _open(cast, summary_campaign, **kwargs)
    assert field in caught.value.message_dict
    message = " ".join(caught.value.message_dict[field])
    assert text in message
    _nothing_saved()


def test_outside_the_summary_phase_is_refused(cast, campaign, make_item):
    from django.utils import translation

    make_item(S.CLOSED)
    today = timezone.localdate()
    Phase.objects.filter(pk=_summary_phase(campaign).pk).update(
        start_date=today + datetime.timedelta(days=10), end_date=today + datetime.timedelta(days=40)
    )
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        _open(cast, campaign)
    assert "总结阶段" in " ".join(caught.value.messages)
    _nothing_saved()
    # The same day inside the phase is accepted (the service reads the phase, not the clock).
    assert _open(cast, campaign, today=today + datetime.timedelta(days=10)).entries.count() == 1


def test_nothing_to_recheck_and_outside_jurisdiction(cast, summary_campaign, make_item):
    with pytest.raises(ValidationError):
        _open(cast, summary_campaign)  # no closed item at all
    mine = make_item(S.CLOSED)
    theirs = make_item(S.CLOSED, unit=cast.dept_b, actor=cast.head_b)
    # A unit head is no inspection staff; the subtree officer oversees dept_a only.
    with pytest.raises(PermissionDenied):
        services.recheck_open(campaign=summary_campaign, actor=cast.head_a, scope="all")
    with pytest.raises(ValidationError) as caught:
        services.recheck_open(
            campaign=summary_campaign,
            actor=cast.township_officer,
            scope="units",
            units=[cast.dept_a, cast.dept_b],
        )
    assert "units" in caught.value.message_dict
    _nothing_saved()
    # Everything in their jurisdiction: dept_a's closed item, not dept_b's.
    recheck = services.recheck_open(
        campaign=summary_campaign, actor=cast.township_officer, scope="all"
    )
    assert _drawn(recheck) == [mine.pk] and theirs.pk not in _drawn(recheck)


# --- 巩固 and 反弹 ------------------------------------------------------------------------


@pytest.fixture
def entry(cast, summary_campaign, make_item):
    item = make_item(S.CLOSED, problem="窗口授权不到位，即办件不能立即办理")
    recheck = _open(cast, summary_campaign)
    return recheck.entries.get(item=item)


def test_confirm(cast, entry):
    confirmed = services.recheck_entry_confirm(entry=entry, actor=cast.officer, note="现场核查巩固")
    assert confirmed.status == E.CONFIRMED and confirmed.note == "现场核查巩固"
    assert confirmed.decided_by == cast.officer and confirmed.decided_at is not None
    assert RectificationItem.objects.get(pk=entry.item_id).status == S.CLOSED
    record = entry.transitions.latest("pk")
    assert (record.from_status, record.to_status, record.actor) == (
        E.PENDING,
        E.CONFIRMED,
        cast.officer,
    )
    # Decided once: a second decision is an illegal move.
    from units.transitions import InvalidTransition

    with pytest.raises(InvalidTransition):
        services.recheck_entry_relapse(entry=entry, actor=cast.officer, reason="x", working_days=5)
    with pytest.raises(ValidationError):
        services.recheck_entry_confirm(entry=entry, actor=cast.officer, note="  ")


def test_relapse_reopens_the_item_with_its_record_and_a_deadline(
    cast, entry, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        relapsed = services.recheck_entry_relapse(
            entry=entry, actor=cast.officer, reason="窗口再次出现推诿", working_days=10
        )
    deadline = add_working_days(today, 10)
    assert relapsed.status == E.RELAPSED and relapsed.new_deadline == deadline
    item = RectificationItem.objects.get(pk=entry.item_id)
    assert item.status == S.IN_PROGRESS and item.deadline == deadline
    assert item.closed_at is None and item.return_reason == "窗口再次出现推诿"
    record = RectificationTransition.objects.filter(item=item).latest("pk")
    assert (record.from_status, record.to_status, record.actor) == (
        S.CLOSED,
        S.IN_PROGRESS,
        cast.officer,
    )
    assert "窗口再次出现推诿" in record.comment
    # The unit is told, and works the item off again the usual way.
    from units.models import Notification

    assert Notification.objects.filter(
        recipient=cast.head_a, object_key__startswith=f"campaign.item:{item.pk}:relapsed"
    ).exists()
    services.progress_post(item=item, actor=cast.head_a, text="重新整改")


@pytest.mark.parametrize(
    ("actor", "error"), [("head_a", PermissionDenied), ("leader", PermissionDenied)]
)
def test_only_overseeing_staff_decide(cast, entry, actor, error):
    with pytest.raises(error):
        services.recheck_entry_relapse(
            entry=entry, actor=getattr(cast, actor), reason="x", working_days=5
        )
    assert RecheckEntry.objects.get(pk=entry.pk).status == E.PENDING
    assert RectificationItem.objects.get(pk=entry.item_id).status == S.CLOSED


@pytest.mark.parametrize(("reason", "days"), [("", 5), ("反弹", 0), ("反弹", 251)])
def test_relapse_bad_input_changes_nothing(cast, entry, reason, days):
    with pytest.raises(ValidationError):
        services.recheck_entry_relapse(
            entry=entry, actor=cast.officer, reason=reason, working_days=days
        )
    assert RecheckEntry.objects.get(pk=entry.pk).status == E.PENDING
    assert RectificationItem.objects.get(pk=entry.item_id).status == S.CLOSED


# --- Where relapses show ------------------------------------------------------------------


def _relapse(cast, entry, reason="窗口再次出现推诿"):
    return services.recheck_entry_relapse(
        entry=entry, actor=cast.officer, reason=reason, working_days=10
    )


def test_the_units_figures_count_relapses(cast, summary_campaign, entry, make_item):
    _relapse(cast, entry)
    figures = {
        u.pk: u for u in selectors.unit_figures(user=cast.officer, campaign=summary_campaign)
    }
    assert figures[cast.dept_a.pk].relapsed == 1
    totals = selectors.campaign_totals(user=cast.officer, campaign=summary_campaign)
    assert totals["relapsed"] == 1
    # A unit head reads the same figure for their unit.
    mine = selectors.unit_figures(user=cast.head_a, campaign=summary_campaign)
    assert [u.relapsed for u in mine if u.pk == cast.dept_a.pk] == [1]


def test_the_circular_draft_names_relapsed_items(cast, summary_campaign, entry):
    from django.utils import translation

    _relapse(cast, entry)
    with translation.override("zh-hans"):
        circular = services.circular_draft_progress(campaign=summary_campaign, actor=cast.officer)
    assert circular.kind == Circular.Kind.PROGRESS
    assert "窗口授权不到位，即办件不能立即办理" in circular.body
    assert cast.dept_a.name in circular.body
    new_deadline = RecheckEntry.objects.get(pk=entry.pk).new_deadline
    assert new_deadline.isoformat() in circular.body


def test_the_next_scoring_deducts_for_a_relapse(cast, entry):
    _relapse(cast, entry)
    year = timezone.localdate().year
    scheme = assessment_services.scheme_create(
        year=year, name=f"{year}年度考核", actor=cast.officer
    )
    Indicator.objects.create(scheme=scheme, component="special", name="重点工作", max_points=100)
    Indicator.objects.create(
        scheme=scheme, component="organisational", name="活动成果", max_points=100
    )
    scheme = assessment_services.scheme_open(scheme=scheme, actor=cast.officer)
    rule = AdjustmentRule.objects.create(
        scheme=scheme,
        name="整改事项反弹",
        kind=AdjustmentRule.Kind.ITEM_RELAPSED,
        points=Decimal("2"),
        sign=-1,
    )
    assessment_services.scheme_compute(scheme_id=scheme.pk)
    lines = list(AdjustmentLine.objects.filter(scheme=scheme, rule=rule))
    assert [(line.unit_id, line.evidence_id, line.points) for line in lines] == [
        (cast.dept_a.pk, entry.item_id, Decimal("-2.00"))
    ]
    assert lines[0].evidence_date == timezone.localdate()
    a = AssessmentResult.objects.get(scheme=scheme, unit=cast.dept_a)
    b = AssessmentResult.objects.get(scheme=scheme, unit=cast.dept_b)
    assert a.adjustments == Decimal("-2.00") and b.adjustments == Decimal("0.00")


# --- Pages --------------------------------------------------------------------------------


def test_pages_open_confirm_and_relapse(client_for, cast, summary_campaign, closed_items):
    officer = client_for(cast.officer)
    campaign_page = officer.get(reverse("campaign:campaign_detail", args=[summary_campaign.pk]))
    assert reverse("campaign:recheck_list", args=[summary_campaign.pk]) in (
        campaign_page.content.decode()
    )
    response = officer.post(
        reverse("campaign:recheck_open", args=[summary_campaign.pk]),
        {"scope": "sample", "sample_size": "3", "seed": "抽签-1"},
    )
    recheck = Recheck.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "campaign:recheck_detail", args=[recheck.pk]
    )
    entries = list(recheck.entries.order_by("pk"))
    assert len(entries) == 3
    url = reverse("campaign:recheck_entry_action", args=[entries[0].pk, "confirm"])
    assert officer.post(url, {"note": "巩固"}).status_code == 302
    url = reverse("campaign:recheck_entry_action", args=[entries[1].pk, "relapse"])
    assert officer.post(url, {"reason": "反弹", "working_days": "5"}).status_code == 302
    # Bad input: a 400 with the reason, nothing changed.
    url = reverse("campaign:recheck_entry_action", args=[entries[2].pk, "relapse"])
    refused = officer.post(url, {"reason": "反弹", "working_days": "0"})
    assert refused.status_code == 400
    assert RecheckEntry.objects.get(pk=entries[2].pk).status == E.PENDING
    page = officer.get(reverse("campaign:recheck_detail", args=[recheck.pk])).content.decode()
    assert (
        "抽签-1" in page and 'data-status="relapsed"' in page and 'data-status="confirmed"' in page
    )
    item_page = officer.get(reverse("campaign:item_detail", args=[entries[1].item_id]))
    assert 'data-testid="item-rechecks"' in item_page.content.decode()
    listing = officer.get(reverse("campaign:recheck_list", args=[summary_campaign.pk]))
    assert f'data-recheck="{recheck.pk}"' in listing.content.decode()


def test_opening_page_refuses_outside_the_summary_phase(client_for, cast, campaign, make_item):
    make_item(S.CLOSED)
    today = timezone.localdate()
    Phase.objects.filter(pk=_summary_phase(campaign).pk).update(
        start_date=today + datetime.timedelta(days=10), end_date=today + datetime.timedelta(days=40)
    )
    response = client_for(cast.officer).post(
        reverse("campaign:recheck_open", args=[campaign.pk]),
        {"scope": "all"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert not Recheck.objects.exists()


def test_sibling_sees_only_their_own_entries(client_for, cast, summary_campaign, closed_items):
    recheck = _open(cast, summary_campaign)
    page = client_for(cast.head_b).get(reverse("campaign:recheck_detail", args=[recheck.pk]))
    content = page.content.decode()
    assert "首问责任落实不力" in content and "窗口授权不到位" not in content
    assert "btn-outline-danger" not in content  # a unit head decides nothing


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_and_detail_query_counts_stay_flat(client_for, cast, summary_campaign, make_item):
    officer = client_for(cast.officer)
    for n in range(3):
        make_item(S.CLOSED, problem=f"事项-{n}")
    first = _open(cast, summary_campaign)
    list_url = reverse("campaign:recheck_list", args=[summary_campaign.pk])
    detail_url = reverse("campaign:recheck_detail", args=[first.pk])
    few_list, few_detail = _queries(officer, list_url), _queries(officer, detail_url)
    for n in range(12):
        make_item(S.CLOSED, unit=cast.dept_b, actor=cast.head_b, problem=f"更多事项-{n}")
    _confirm_all(cast, first)
    second = _open(cast, summary_campaign)
    _relapse(cast, second.entries.first())
    assert _queries(officer, list_url) == few_list
    assert _queries(officer, reverse("campaign:recheck_detail", args=[second.pk])) == few_detail
    assert few_list <= 12 and few_detail <= 14
