"""Search and filters on the complaint lists: the intake queue, all complaints, the unit's
list and the ledger. Filters narrow what the scoped selector gives (never widen it), stay in
the query string across pages, never reach who complained, and cost a flat number of queries.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import services
from complaints.models import Complaint, ComplaintCategory
from tests.complaints.conftest import NAME

pytestmark = pytest.mark.django_db


def _numbers(response) -> list[str]:
    return [c.number for c in response.context["page"]]


def _submit(cast, category, title: str, **kwargs) -> Complaint:
    return services.complaint_submit(
        channel=kwargs.pop("channel", Complaint.Channel.WEB),
        title=title,
        content=kwargs.pop("content", "窗口工作人员态度生硬。"),
        category=category,
        subject_unit=kwargs.pop("subject_unit", cast.dept_a),
        actor=kwargs.pop("actor", None),
        **kwargs,
    )


def test_a_new_complaint_is_on_the_first_page_of_the_intake_queue(client_for, cast, category):
    old = timezone.now() - datetime.timedelta(days=20)
    for n in range(31):
        complaint = _submit(cast, category, f"旧投诉{n}")
        Complaint.objects.filter(pk=complaint.pk).update(
            received_at=old + datetime.timedelta(hours=n)
        )
    newest = _submit(cast, category, "今天上午的新投诉")
    response = client_for(cast.officer).get(reverse("complaints:queue"))
    assert response.status_code == 200
    numbers = _numbers(response)
    assert numbers[0] == newest.number and len(numbers) == 30
    assert response.context["page"].paginator.num_pages == 2
    # The oldest, acceptance deadline first, on request.
    by_deadline = client_for(cast.officer).get(reverse("complaints:queue"), {"sort": "accept"})
    assert _numbers(by_deadline)[0] != newest.number


def test_queue_filters_by_status_channel_category_unit_and_received_date(
    client_for, cast, category, make_complaint
):
    other = ComplaintCategory.objects.exclude(pk=category.pk).first()
    registered = _submit(cast, category, "登记件")
    hotline = _submit(cast, other, "热线件", channel=Complaint.Channel.HOTLINE, actor=cast.officer)
    about_b = _submit(cast, category, "教育局件", subject_unit=cast.dept_b)
    accepted = make_complaint("accepted")
    Complaint.objects.filter(pk=registered.pk).update(
        received_at=timezone.now() - datetime.timedelta(days=40)
    )
    client = client_for(cast.officer)
    url = reverse("complaints:queue")

    def numbers(**query) -> set[str]:
        response = client.get(url, query)
        assert response.status_code == 200
        return set(_numbers(response))

    assert numbers(status="accepted") == {accepted.number}
    assert numbers(channel="hotline") == {hotline.number}
    assert numbers(category=other.pk) == {hotline.number}
    assert about_b.number in numbers(subject_unit=cast.dept_b.pk)
    assert numbers(subject_unit=cast.dept_b.pk) == {about_b.number}
    cutoff = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert numbers(received_to=cutoff) == {registered.number}
    assert registered.number not in numbers(received_from=cutoff)
    # Statuses outside the queue are not offered: the form says so, in Chinese.
    refused = client.get(url, {"status": "closed"})
    assert "closed" not in dict(refused.context["filter"].form.fields["status"].choices)
    assert refused.context["filter"].form.errors["status"]


def test_list_filters_by_light_and_handling_unit(client_for, cast, make_complaint):
    today = timezone.localdate()
    red = make_complaint("assigned")
    yellow = make_complaint("assigned")
    green = make_complaint("assigned")
    in_b = make_complaint("assigned", unit=cast.dept_b)
    Complaint.objects.filter(pk=red.pk).update(deadline=today - datetime.timedelta(days=3))
    Complaint.objects.filter(pk=yellow.pk).update(deadline=today)
    Complaint.objects.filter(pk=green.pk).update(deadline=today + datetime.timedelta(days=60))
    Complaint.objects.filter(pk=in_b.pk).update(deadline=today - datetime.timedelta(days=1))
    client = client_for(cast.officer)
    url = reverse("complaints:list")
    assert set(_numbers(client.get(url, {"light": "red"}))) == {red.number, in_b.number}
    assert set(_numbers(client.get(url, {"light": "yellow"}))) == {yellow.number}
    both = client.get(url, {"light": "red", "unit": cast.dept_a.pk})
    assert set(_numbers(both)) == {red.number}
    # The unit filter covers the unit's subtree and the list's rows keep their lights.
    assert [c.light_value for c in both.context["page"]] == ["red"]


def test_text_search_reaches_the_case_never_the_complainant(client_for, cast, make_complaint):
    complaint = make_complaint("assigned", title="暗访发现窗口脱岗")
    other = make_complaint("assigned", title="收费不规范")
    officer = client_for(cast.officer)
    url = reverse("complaints:list")
    assert _numbers(officer.get(url, {"q": "脱岗"})) == [complaint.number]
    assert _numbers(officer.get(url, {"q": complaint.number})) == [complaint.number]
    assert complaint.number in _numbers(officer.get(url, {"q": "营业执照"}))  # the details
    assert _numbers(officer.get(url, {"q": complaint.tracking_code_display})) == [complaint.number]
    # Who complained is encrypted and never searched; the unit cannot look a code up.
    assert _numbers(officer.get(url, {"q": NAME})) == []
    head = client_for(cast.head_a)
    assert _numbers(head.get(reverse("complaints:mine"), {"q": complaint.tracking_code})) == []
    assert set(_numbers(head.get(reverse("complaints:mine"), {"q": "收费"}))) == {other.number}


def test_filters_are_kept_across_pages(client_for, cast, category):
    for n in range(32):
        _submit(cast, category, f"热线{n}", channel=Complaint.Channel.HOTLINE, actor=cast.officer)
    _submit(cast, category, "网上件")
    client = client_for(cast.officer)
    first = client.get(reverse("complaints:list"), {"channel": "hotline", "status": "open"})
    content = first.content.decode()
    assert first.context["page"].paginator.count == 32
    assert "channel=hotline&amp;" in content and "page=2" in content
    second = client.get(
        reverse("complaints:list"), {"channel": "hotline", "status": "open", "page": 2}
    )
    assert len(second.context["page"]) == 2
    assert all(c.channel == "hotline" for c in second.context["page"])
    assert 'data-testid="filters"' in content and "受理渠道" in content


def test_unit_list_filters_reach_closed_cases_of_its_own_units_only(
    client_for, cast, make_complaint
):
    open_case = make_complaint("assigned")
    closed = make_complaint("closed")
    theirs = make_complaint("assigned", unit=cast.dept_b)
    head = client_for(cast.head_a)
    url = reverse("complaints:mine")
    default = head.get(url)
    assert set(_numbers(default)) == {open_case.number}
    assert "subject_unit" not in default.context["filter"].form.fields
    assert set(_numbers(head.get(url, {"status": ""}))) == {open_case.number, closed.number}
    assert set(_numbers(head.get(url, {"status": "closed"}))) == {closed.number}
    # Choosing another unit narrows nothing open to it: the sibling's case never shows.
    forged = head.get(url, {"unit": cast.dept_b.pk, "status": ""})
    assert theirs.number not in _numbers(forged)
    assert forged.context["filter"].form.errors["unit"]


def test_ledger_filters(client_for, cast, make_complaint):
    in_a = make_complaint("assigned")
    in_b = make_complaint("assigned", unit=cast.dept_b)
    client = client_for(cast.officer)
    response = client.get(reverse("complaints:ledger"), {"unit": cast.dept_b.pk})
    assert [c.number for c, _age in response.context["rows"]] == [in_b.number]
    assert in_a.number not in response.content.decode()


def test_bad_filter_input_is_explained_and_ignored(client_for, cast, make_complaint):
    complaint = make_complaint("assigned")
    response = client_for(cast.officer).get(
        reverse("complaints:list"), {"received_from": "2026-13-45", "status": "open"}
    )
    assert response.status_code == 200
    assert "有效的日期" in response.content.decode()
    assert complaint.number in _numbers(response)


@pytest.mark.parametrize("name", ["complaints:list", "complaints:queue", "complaints:ledger"])
def test_officer_list_query_count_does_not_grow_with_the_page(
    client_for, cast, category, make_complaint, django_assert_max_num_queries, name
):
    make_complaint("assigned")
    _submit(cast, category, "登记件")
    client = client_for(cast.officer)
    query = {"q": "窗口", "light": "", "channel": "web", "unit": cast.dept_a.pk}
    client.get(reverse(name), query)
    with django_assert_max_num_queries(16) as few:
        client.get(reverse(name))
    with django_assert_max_num_queries(18):
        client.get(reverse(name), query)
    for _ in range(12):
        make_complaint("assigned")
        _submit(cast, category, "登记件")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(name))
    assert response.context["page"].paginator.count >= 13


def test_unit_list_query_count_does_not_grow_with_the_page(
    client_for, cast, make_complaint, django_assert_max_num_queries
):
    make_complaint("assigned")
    client = client_for(cast.head_a)
    client.get(reverse("complaints:mine"))
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("complaints:mine"), {"q": "窗口", "status": ""})
    for _ in range(12):
        make_complaint("assigned")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("complaints:mine"), {"q": "窗口", "status": ""})
    assert len(response.context["page"]) == 13


def test_received_and_closed_days_are_beijing_days_to_the_minute(
    client_for, cast, category, make_complaint
):
    """A day filter takes the whole local day: a case received at 23:30 on 1 December is
    received on the 1st (it is 15:30 UTC), one at 00:10 on the 2nd on the 2nd."""
    late = _submit(cast, category, "深夜件")
    early = _submit(cast, category, "凌晨件")
    closed = make_complaint("closed")
    beijing = datetime.timezone(datetime.timedelta(hours=8))
    at = {
        late.pk: datetime.datetime(2026, 12, 1, 23, 30, tzinfo=beijing),
        early.pk: datetime.datetime(2026, 12, 2, 0, 10, tzinfo=beijing),
    }
    for pk, when in at.items():
        Complaint.objects.filter(pk=pk).update(received_at=when)
    Complaint.objects.filter(pk=closed.pk).update(
        closed_at=datetime.datetime(2026, 12, 2, 23, 59, 30, tzinfo=beijing)
    )
    client = client_for(cast.officer)

    def numbers(**query) -> set[str]:
        response = client.get(reverse("complaints:list"), {"status": "", **query})
        assert response.status_code == 200
        return set(_numbers(response))

    assert numbers(received_from="2026-12-01", received_to="2026-12-01") == {late.number}
    assert numbers(received_from="2026-12-02", received_to="2026-12-02") == {early.number}
    assert {late.number, early.number} <= numbers(received_to="2026-12-02")
    assert numbers(closed_from="2026-12-02", closed_to="2026-12-02") == {closed.number}
    assert numbers(closed_to="2026-12-01") == set()
    assert numbers(closed_from="2026-12-03") == set()
