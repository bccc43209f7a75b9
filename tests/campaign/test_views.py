"""Campaign pages: allowed user, outsider 404, read-only 403, wrong method, query counts."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign import selectors, services
from campaign.models import RectificationItem

pytestmark = pytest.mark.django_db

S = RectificationItem.Status


def test_anonymous_is_sent_to_login(client, campaign, make_item):
    item = make_item()
    for url in (
        reverse("campaign:home"),
        reverse("campaign:campaign_detail", args=[campaign.pk]),
        reverse("campaign:ledger", args=[campaign.pk]),
        reverse("campaign:item_detail", args=[item.pk]),
        reverse("campaign:review_queue"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unit_head_ledger_shows_own_items_only(client_for, cast, campaign, make_item):
    mine = make_item(S.SUBMITTED, problem="本局窗口授权不到位")
    make_item(S.SUBMITTED, unit=cast.dept_b, actor=cast.head_b, problem="教育局首问责任落实不力")
    response = client_for(cast.head_a).get(reverse("campaign:ledger", args=[campaign.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "本局窗口授权不到位" in content and "教育局首问责任落实不力" not in content
    assert "整改台账" in content and "已提交" in content
    assert f'data-item="{mine.pk}"' in content


def test_sibling_and_outsider_get_404_on_items(client_for, cast, make_item):
    item = make_item(S.SUBMITTED)
    for user in (cast.head_b, cast.outsider, cast.evaluator):
        client = client_for(user)
        assert client.get(reverse("campaign:item_detail", args=[item.pk])).status_code == 404
        assert (
            client.post(reverse("campaign:item_action", args=[item.pk, "submit"])).status_code
            == 404
        )
        assert client.get(reverse("campaign:item_edit", args=[item.pk])).status_code == 404


def test_individual_items_404_for_readers(client_for, cast, make_item):
    item = make_item(S.SUBMITTED, level=RectificationItem.Level.INDIVIDUAL)
    assert (
        client_for(cast.head_a).get(reverse("campaign:item_detail", args=[item.pk])).status_code
        == 200
    )
    assert (
        client_for(cast.officer).get(reverse("campaign:item_detail", args=[item.pk])).status_code
        == 200
    )
    for reader in (cast.leader, cast.in_charge):
        assert (
            client_for(reader).get(reverse("campaign:item_detail", args=[item.pk])).status_code
            == 404
        )


def test_read_only_users_get_403_on_writes(client_for, cast, campaign, make_item):
    draft = make_item(S.DRAFT)
    submitted = make_item(S.SUBMITTED)
    for reader in (cast.leader, cast.in_charge):
        client = client_for(reader)
        assert client.get(reverse("campaign:item_detail", args=[draft.pk])).status_code == 200
        assert (
            client.post(reverse("campaign:item_action", args=[draft.pk, "submit"])).status_code
            == 403
        )
        assert (
            client.post(reverse("campaign:item_action", args=[submitted.pk, "accept"])).status_code
            == 403
        )
        assert client.get(reverse("campaign:item_edit", args=[draft.pk])).status_code == 403
        assert client.get(reverse("campaign:item_create", args=[campaign.pk])).status_code == 403
        assert (
            client.post(
                reverse("campaign:items_submit_list", args=[campaign.pk, cast.dept_a.pk])
            ).status_code
            == 403
        )
    # The unit head may not review its own list either.
    response = client_for(cast.head_a).post(
        reverse("campaign:item_action", args=[submitted.pk, "accept"])
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert (draft.status, submitted.status) == (S.DRAFT, S.SUBMITTED)


def test_wrong_methods(client_for, cast, campaign, make_item):
    item = make_item(S.DRAFT)
    client = client_for(cast.head_a)
    assert client.get(reverse("campaign:item_action", args=[item.pk, "submit"])).status_code == 405
    assert client.post(reverse("campaign:ledger", args=[campaign.pk])).status_code == 405
    assert client.post(reverse("campaign:campaign_detail", args=[campaign.pk])).status_code == 405
    assert (
        client.get(
            reverse("campaign:items_submit_list", args=[campaign.pk, cast.dept_a.pk])
        ).status_code
        == 405
    )
    assert client.post(reverse("campaign:item_action", args=[item.pk, "bogus"])).status_code == 404


def test_head_files_an_item_through_the_form(client_for, cast, campaign):
    client = client_for(cast.head_a)
    url = reverse("campaign:item_create", args=[campaign.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "unit": cast.dept_a.pk,
            "list_kind": "problem",
            "level": "unit",
            "source": "self_inspection",
            "problem": "审批流程欠科学",
            "measures": "梳理审批流程",
            "deadline": "2026-06-30",
        },
    )
    item = RectificationItem.objects.get(problem="审批流程欠科学")
    assert response.status_code == 302 and item.status == S.DRAFT and item.created_by == cast.head_a
    # A sibling unit is not a choice: the form refuses it and nothing is saved.
    response = client.post(
        url,
        {
            "unit": cast.dept_b.pk,
            "problem": "x",
            "deadline": "2026-06-30",
            "list_kind": "problem",
            "level": "unit",
            "source": "public",
        },
    )
    assert response.status_code == 200
    assert not RectificationItem.objects.filter(unit=cast.dept_b).exists()
    # Bad input: a clear message, nothing saved.
    response = client.post(
        url,
        {
            "unit": cast.dept_a.pk,
            "problem": "",
            "deadline": "",
            "list_kind": "problem",
            "level": "unit",
            "source": "public",
        },
    )
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()


def test_actions_and_messages(client_for, cast, make_item):
    item = make_item(S.SUBMITTED)
    officer = client_for(cast.officer)
    response = officer.post(
        reverse("campaign:item_action", args=[item.pk, "return"]), {"reason": ""}, follow=True
    )
    item.refresh_from_db()
    assert item.status == S.SUBMITTED and "理由" in response.content.decode()
    officer.post(reverse("campaign:item_action", args=[item.pk, "accept"]), {"comment": "同意"})
    item.refresh_from_db()
    assert item.status == S.ACCEPTED
    # An illegal move is a message (a 400 with the reason), not a 500.
    response = officer.post(reverse("campaign:item_action", args=[item.pk, "accept"]), follow=True)
    assert response.status_code == 400 and "不能从" in response.content.decode()


def _bulk_items(cast, campaign, count: int) -> None:
    today = timezone.localdate()
    statuses = [S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS, S.CLOSED, S.CLOSURE_REQUESTED]
    units = [cast.dept_a, cast.division_a, cast.dept_b, cast.township]
    RectificationItem.objects.bulk_create(
        [
            RectificationItem(
                campaign=campaign,
                unit=units[i % len(units)],
                problem=f"问题{i}",
                deadline=today + datetime.timedelta(days=(i % 20) - 10),
                status=statuses[i % len(statuses)],
                closed_at=timezone.now() if statuses[i % len(statuses)] == S.CLOSED else None,
                level="individual" if i % 7 == 0 else "unit",
            )
            for i in range(count)
        ]
    )


@pytest.mark.parametrize("who", ["officer", "head_a", "leader"])
def test_overview_and_ledger_query_counts_are_flat(
    who, client_for, cast, campaign, django_assert_max_num_queries
):
    client = client_for(getattr(cast, who))
    urls = [
        reverse("campaign:campaign_detail", args=[campaign.pk]),
        reverse("campaign:ledger", args=[campaign.pk]),
        reverse("campaign:ledger", args=[campaign.pk]) + "?light=red",
        reverse("campaign:overdue_board"),
        reverse("units:workspace"),
    ]
    if who == "officer":
        urls.append(reverse("campaign:review_queue"))
    _bulk_items(cast, campaign, 10)
    for url in urls:
        client.get(url)
    counts = {}
    for url in urls:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts[url] = len(ctx.captured_queries)
    _bulk_items(cast, campaign, 990)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200


def test_overview_figures(client_for, cast, campaign, make_item):
    make_item(S.CLOSED)
    make_item(S.IN_PROGRESS, deadline=datetime.date(2020, 1, 1))
    make_item(S.DRAFT)  # drafts are not counted
    make_item(S.SUBMITTED, unit=cast.dept_b, actor=cast.head_b)
    response = client_for(cast.officer).get(reverse("campaign:campaign_detail", args=[campaign.pk]))
    totals = response.context["totals"]
    assert (totals["items"], totals["closed"], totals["overdue"]) == (3, 1, 1)
    figures = {u.code: u for u in response.context["figures"]}
    a = figures["SLX-SCJ"]
    # 按期整改率 = closed on time ÷ (closed + overdue) = 1 ÷ (1 + 1): the overdue item counts.
    assert (a.items, a.closed, a.overdue, float(a.closure_rate), float(a.on_time_rate)) == (
        2,
        1,
        1,
        50.0,
        50.0,
    )
    b = figures["SLX-JYJ"]
    assert (b.items, b.closed, float(b.closure_rate), b.on_time_rate) == (1, 0, 0.0, None)
    assert list(figures) == ["SLX-SCJ", "SLX-JYJ"]  # ranked by closure rate
    content = response.content.decode()
    assert "整改率" in content and "50.0%" in content


def test_review_queue_is_for_inspection_staff(client_for, cast, make_item):
    make_item(S.SUBMITTED, problem="等待审核的问题")
    make_item(S.CLOSURE_REQUESTED, problem="申请销号的问题")
    response = client_for(cast.officer).get(reverse("campaign:review_queue"))
    content = response.content.decode()
    assert "等待审核的问题" in content and "申请销号的问题" in content
    assert client_for(cast.head_a).get(reverse("campaign:review_queue")).status_code == 403
    assert client_for(cast.leader).get(reverse("campaign:review_queue")).status_code == 403
    assert client_for(cast.outsider).get(reverse("campaign:review_queue")).status_code == 404
    assert client_for(cast.officer).post(reverse("campaign:review_queue")).status_code == 405


def test_overdue_board(client_for, cast, make_item):
    make_item(S.IN_PROGRESS, deadline=datetime.date(2020, 1, 1), problem="逾期未整改的问题")
    make_item(
        S.IN_PROGRESS,
        unit=cast.dept_b,
        actor=cast.head_b,
        deadline=datetime.date(2020, 1, 1),
        problem="乙局逾期",
    )
    content = client_for(cast.head_a).get(reverse("campaign:overdue_board")).content.decode()
    assert "逾期未整改的问题" in content and "乙局逾期" not in content
    assert client_for(cast.outsider).get(reverse("campaign:overdue_board")).status_code == 404


def test_workspace_panel_and_nav(client_for, cast, campaign, make_item):
    make_item(S.SUBMITTED)
    content = client_for(cast.officer).get(reverse("units:workspace")).content.decode()
    assert 'data-testid="campaign-panel"' in content and "审核" in content
    content = client_for(cast.head_a).get(reverse("units:workspace")).content.decode()
    assert 'data-testid="campaign-panel"' in content and "规定动作" in content


def test_print_ledger(client_for, cast, campaign, make_item):
    make_item(S.ACCEPTED, problem="打印用的问题")
    response = client_for(cast.head_a).get(
        reverse("campaign:ledger", args=[campaign.pk]) + "?print=1"
    )
    content = response.content.decode()
    assert response.status_code == 200 and "打印用的问题" in content and "@page" in content


def test_attachments_are_served_through_the_scoping(client_for, cast, make_item):
    from django.core.files.uploadedfile import SimpleUploadedFile

    personal = make_item(S.ACCEPTED, level=RectificationItem.Level.INDIVIDUAL)
    update = services.progress_post(
        item=personal,
        actor=cast.head_a,
        text="已整改",
        attachment=SimpleUploadedFile("个人整改说明.pdf", b"%PDF-1.4 personal"),
    )
    url = reverse("campaign:progress_attachment", args=[update.pk])
    response = client_for(cast.head_a).get(url)
    assert (
        response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 personal"
    )
    assert client_for(cast.officer).get(url).status_code == 200
    for user in (cast.head_b, cast.leader, cast.in_charge, cast.outsider):
        assert client_for(user).get(url).status_code == 404
    assert client_for(cast.head_a).post(url).status_code == 405


def test_printed_ledger_says_which_rows_it_holds_and_offers_the_others(
    client_for, cast, campaign, django_assert_max_num_queries
):
    _bulk_items(cast, campaign, 1005)
    client = client_for(cast.officer)
    url = reverse("campaign:ledger", args=[campaign.pk]) + "?print=1"
    content = client.get(url).content.decode()
    assert "第1–1000条，共1005条" in content
    assert content.count('data-item="') == 1000
    # The other pages are offered on screen only (hidden when printed).
    assert 'class="no-print' in content and "?print=1&amp;page=2" in content
    with django_assert_max_num_queries(20):
        content = client.get(url + "&page=2").content.decode()
    assert "第1001–1005条，共1005条" in content and content.count('data-item="') == 5
    assert "?print=1&amp;page=1" in content


def test_ledger_rows_escape_what_units_typed(client_for, cast, campaign, make_item):
    make_item(S.ACCEPTED, problem="<script>alert(1)</script>问题", measures="a & b")
    for query in ("", "?print=1"):
        content = (
            client_for(cast.head_a)
            .get(reverse("campaign:ledger", args=[campaign.pk]) + query)
            .content.decode()
        )
        assert "<script>alert(1)</script>问题" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;问题" in content and "a &amp; b" in content


def test_review_queue_shows_its_first_rows_and_counts_them_all(
    client_for, cast, make_item, monkeypatch
):

    monkeypatch.setattr(selectors, "REVIEW_QUEUE_ROWS", 2)
    for n in range(3):
        make_item(S.SUBMITTED, problem=f"等待审核{n}")
    make_item(S.CLOSURE_REQUESTED, problem="申请销号的问题")
    content = client_for(cast.officer).get(reverse("campaign:review_queue")).content.decode()
    assert 'data-testid="submitted-count">3<' in content
    assert 'data-testid="closure-count">1<' in content
    assert content.count("等待审核") == 2 and "申请销号的问题" in content
    # Said once, for the list that holds more than it shows.
    assert content.count('data-testid="queue-more"') == 1 and "仅显示前2条（共3条）" in content


def test_ledger_filed_and_closed_days_are_beijing_days(client_for, cast, campaign, make_item):
    """The digest's links (filed or closed from … until …) take whole local days."""
    late = make_item(RectificationItem.Status.CLOSED, problem="深夜录入的问题")
    early = make_item(RectificationItem.Status.ACCEPTED, problem="凌晨录入的问题")
    beijing = datetime.timezone(datetime.timedelta(hours=8))
    RectificationItem.objects.filter(pk=late.pk).update(
        created_at=datetime.datetime(2026, 12, 1, 23, 30, tzinfo=beijing),
        closed_at=datetime.datetime(2026, 12, 3, 23, 59, tzinfo=beijing),
    )
    RectificationItem.objects.filter(pk=early.pk).update(
        created_at=datetime.datetime(2026, 12, 2, 0, 10, tzinfo=beijing)
    )

    def problems(**filters) -> set[str]:
        items = selectors.ledger(user=cast.officer, campaign=campaign, filters=filters)
        return set(items.values_list("problem", flat=True))

    day = datetime.date
    assert problems(filed_from=day(2026, 12, 1), filed_to=day(2026, 12, 1)) == {"深夜录入的问题"}
    assert problems(filed_from=day(2026, 12, 2)) == {"凌晨录入的问题"}
    assert problems(closed_from=day(2026, 12, 3), closed_to=day(2026, 12, 3)) == {"深夜录入的问题"}
    assert problems(closed_to=day(2026, 12, 2)) == set()
