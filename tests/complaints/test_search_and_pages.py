"""Search finds Chinese substrings through the pairs index; deep pages are the right rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import selectors, services
from complaints.models import Complaint

pytestmark = pytest.mark.django_db
S = Complaint.Status

TEXTS = [
    ("窗口工作人员态度恶劣", "到县市场监督管理局办理营业执照变更，工作人员态度恶劣，多次推诿。"),
    ("办事推诿扯皮", "多次往返仍未办结，要求补交材料却不说明依据。"),
    ("吃拿卡要", "审批时暗示好处费，Ｗi-Fi 密码也不给。"),
    ("Parking fee", "The clerk was rude (态 alone)."),
]


@pytest.fixture
def cases(cast):
    made = []
    for title, content in TEXTS:
        made.append(
            services.complaint_submit(
                channel=Complaint.Channel.HOTLINE,
                title=title,
                content=content,
                subject_person="王某" if "吃拿" in title else "",
                actor=cast.officer,
            )
        )
    return made


def _found(client, text: str) -> set[str]:
    response = client.get(reverse("complaints:list"), {"q": text, "status": ""})
    assert response.status_code == 200
    return {c.title for c in response.context["page"]}


@pytest.mark.parametrize(
    "text, titles",
    [
        ("态度", {"窗口工作人员态度恶劣"}),  # two characters: below a trigram's reach
        ("态", {"窗口工作人员态度恶劣", "Parking fee"}),  # one character
        ("态度恶劣", {"窗口工作人员态度恶劣"}),
        ("推诿", {"窗口工作人员态度恶劣", "办事推诿扯皮"}),  # in the details of one
        ("王某", {"吃拿卡要"}),  # the person complained about
        ("parking", {"Parking fee"}),  # any case
        ("RUDE", {"Parking fee"}),
        ("态度好", set()),  # every pair is there, the text is not
        ("恶劣态度", set()),
    ],
)
def test_search_finds_chinese_substrings(cast, cases, client_for, text, titles):
    assert _found(client_for(cast.officer), text) == titles


def test_search_finds_a_case_number_in_any_case(cast, cases, client_for):
    number = cases[1].number
    assert _found(client_for(cast.officer), number.lower()) == {"办事推诿扯皮"}
    assert _found(client_for(cast.officer), number[-4:]) >= {"办事推诿扯皮"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pairs index is PostgreSQL's")
def test_search_goes_through_the_pairs_index(cast, cases, client_for):
    with CaptureQueriesContext(connection) as ctx:
        _found(client_for(cast.officer), "态度")
    listed = [q["sql"] for q in ctx.captured_queries if "zf_complaint_grams" in q["sql"]]
    assert listed, "the search does not use the pairs index"
    assert all("@>" in sql for sql in listed)
    # The planner may use the index for what the page asks.
    qs = selectors.text_search(Complaint.objects.order_by(), "态度")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "complaint_search_grams" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pairs index is PostgreSQL's")
def test_the_pairs_of_a_query():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT zf_query_grams(%s), zf_query_grams(%s), zf_query_grams(%s)",
            ["态度恶劣", "态", "ab"],
        )
        many, one, latin = cursor.fetchone()
    assert sorted(many) == sorted(["态度", "度恶", "恶劣"])
    assert one == [] and latin == ["AB"]


# --- Deep pages ---------------------------------------------------------------------------


@pytest.fixture
def many(cast):
    """65 open cases: pages of 30 are 30, 30 and 5."""
    return [
        services.complaint_submit(
            channel=Complaint.Channel.HOTLINE,
            title=f"第{i}件",
            content="反映窗口服务问题",
            actor=cast.officer,
        )
        for i in range(65)
    ]


@pytest.mark.parametrize("url_name", ["complaints:list", "complaints:queue"])
def test_every_page_holds_the_right_rows_in_order(cast, many, client_for, url_name):
    client = client_for(cast.officer)
    expected = list(
        Complaint.objects.filter(status__in=Complaint.OPEN_STATUSES)
        .order_by("-received_at", "-pk")
        .values_list("pk", flat=True)
    )
    seen = []
    counts = []
    for number in (1, 2, 3):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(url_name), {"page": number})
        counts.append(len(ctx.captured_queries))
        page = response.context["page"]
        assert page.number == number and page.paginator.count == 65
        assert page.paginator.num_pages == 3
        seen += [c.pk for c in page]
    assert seen == expected
    assert len(set(counts)) == 1, counts  # page 3 costs what page 1 costs
    # Past the end: the last page; not a number: the first.
    assert client.get(reverse(url_name), {"page": 9}).context["page"].number == 3
    assert client.get(reverse(url_name), {"page": "x"}).context["page"].number == 1


def test_deep_pages_keep_the_filters_and_the_order(cast, many, client_for):
    client = client_for(cast.officer)
    response = client.get(reverse("complaints:list"), {"sort": "old", "page": 3, "q": "第"})
    assert [c.title for c in response.context["page"]] == [f"第{i}件" for i in range(60, 65)]
    html = response.content.decode()
    assert "sort=old" in html and "q=%E7%AC%AC" in html  # the links keep the filters


def test_the_ledger_pages(cast, many, client_for):
    client = client_for(cast.officer)
    response = client.get(reverse("complaints:ledger"), {"page": 2})
    page = response.context["page"]
    assert page.paginator.count == 65 and [c.title for c in page] == [
        f"第{i}件" for i in range(50, 65)
    ]


def test_a_count_past_the_limit_says_more_than(cast, many, client_for, monkeypatch):
    from units.paging import IdsFirstPaginator

    monkeypatch.setattr(IdsFirstPaginator, "count_limit", 40)
    client = client_for(cast.officer)
    response = client.get(reverse("complaints:list"), {"page": 2})
    page = response.context["page"]
    assert page.paginator.capped and page.paginator.shown_count == 40
    # The pages up to the limit are there, in order; the count stopped at 41.
    assert [c.title for c in page] == [f"第{i}件" for i in range(34, 23, -1)]
    assert page.paginator.num_pages == 2 and not page.has_next()
    html = response.content.decode()
    assert "more than 40 cases" in html or "共 40 件以上" in html
    ledger = client.get(reverse("complaints:ledger")).content.decode()
    assert "More than 40 open cases" in ledger or "未办结 40 件以上" in ledger
