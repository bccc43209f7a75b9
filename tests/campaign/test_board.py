"""The 督办 board: overdue items and complaints together, most overdue first, in working days,
paged and filtered; 督办 / 催办 from the board and from each page, recorded and notified once
a day, for the officers who hold the work."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from campaign import services
from campaign.models import RectificationItem, Reminder
from complaints import services as complaint_services
from complaints.models import Complaint, ComplaintTransition
from tests.complaints.conftest import complaint_drive
from units.models import Notification
from units.workdays import working_days_between

pytestmark = pytest.mark.django_db
S = RectificationItem.Status
BOARD = "campaign:overdue_board"


@pytest.fixture
def category(db):
    from complaints.models import ComplaintCategory

    return ComplaintCategory.objects.get(name="服务态度")


def _days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def _overdue_complaint(cast, category, days: int, unit=None, title="窗口办事推诿扯皮") -> Complaint:
    complaint = complaint_drive(cast, category, Complaint.Status.ASSIGNED, unit=unit, title=title)
    Complaint.objects.filter(pk=complaint.pk).update(deadline=_days_ago(days))
    complaint.refresh_from_db()
    return complaint


def _rows(response) -> list[tuple[str, int]]:
    return [(row["row_kind"], row["row_id"]) for row in response.context["page"]]


def _act(client, kind: str, pk: int, action: str, **extra):
    data = {"kind": kind, "row_id": pk, "action": action, "text": "", **extra}
    return client.post(reverse("campaign:overdue_board_act"), data)


def test_board_lists_overdue_items_and_complaints_most_overdue_first(
    client_for, cast, make_item, category
):
    old_item = make_item(S.ACCEPTED, deadline=_days_ago(20), problem="窗口授权不到位")
    complaint = _overdue_complaint(cast, category, 5)
    recent_item = make_item(S.IN_PROGRESS, deadline=_days_ago(1))
    make_item(S.ACCEPTED)  # not due yet
    make_item(S.DRAFT, deadline=_days_ago(30))  # a draft is the unit's scratch pad
    not_due = complaint_drive(cast, category, Complaint.Status.ASSIGNED)
    response = client_for(cast.officer).get(reverse(BOARD))
    assert response.status_code == 200
    assert _rows(response) == [
        ("item", old_item.pk),
        ("complaint", complaint.pk),
        ("item", recent_item.pk),
    ]
    rows = list(response.context["page"])
    today = timezone.localdate()
    assert [row["working_days"] for row in rows] == [
        working_days_between(row["row_deadline"], today) for row in rows
    ]
    assert rows[0]["working_days"] >= rows[1]["working_days"] >= rows[2]["working_days"]
    content = response.content.decode()
    assert "逾期工作日" in content or "Working days overdue" in content
    assert complaint.number in content and not_due.number not in content
    assert 'data-testid="overdue-count">3<' in content


def test_board_filters_by_kind_unit_supervision_and_text(client_for, cast, make_item, category):
    item_a = make_item(S.ACCEPTED, deadline=_days_ago(9))
    item_b = make_item(
        S.ACCEPTED, deadline=_days_ago(8), unit=cast.dept_b, actor=cast.head_b, problem="教育局事项"
    )
    complaint = _overdue_complaint(cast, category, 4, title="办证大厅脱岗")
    client = client_for(cast.officer)
    url = reverse(BOARD)
    assert _rows(client.get(url, {"kind": "complaint"})) == [("complaint", complaint.pk)]
    assert _rows(client.get(url, {"kind": "item"})) == [("item", item_a.pk), ("item", item_b.pk)]
    assert _rows(client.get(url, {"unit": cast.dept_b.pk})) == [("item", item_b.pk)]
    assert _rows(client.get(url, {"q": "脱岗"})) == [("complaint", complaint.pk)]
    assert _rows(client.get(url, {"q": complaint.number})) == [("complaint", complaint.pk)]
    services.item_supervise(item=item_a, actor=cast.officer)
    complaint_services.complaint_supervise(complaint=complaint, actor=cast.officer)
    supervised = client.get(url, {"supervised": "yes"})
    assert _rows(supervised) == [("item", item_a.pk), ("complaint", complaint.pk)]
    assert _rows(client.get(url, {"supervised": "no"})) == [("item", item_b.pk)]
    assert (
        "督办中" in supervised.content.decode()
        or "Under supervision" in supervised.content.decode()
    )


def test_board_search_reads_number_and_subject_of_each_kind(client_for, cast, make_item, category):
    """Words of two characters go through the pairs indexes of open items and open cases
    (on PostgreSQL); one character, digits and mixed case as plainly; a case's details or a
    listing reason are not its subject; a closed item or case is on no board."""
    item = make_item(S.ACCEPTED, deadline=_days_ago(6), problem="窗口人员Ab推诿扯皮问题")
    closed = make_item(S.ACCEPTED, deadline=_days_ago(6), problem="推诿已整改")
    RectificationItem.objects.filter(pk=closed.pk).update(status=S.CLOSED)
    complaint = _overdue_complaint(cast, category, 3, title="办证大厅脱岗")
    Complaint.objects.filter(pk=complaint.pk).update(content="窗口推诿，营业执照迟迟不办")
    client = client_for(cast.officer)
    url = reverse(BOARD)

    def found(text: str) -> set[tuple[str, int]]:
        return set(_rows(client.get(url, {"q": text})))

    assert found("推诿") == {("item", item.pk)}  # the case says it in its details only
    assert found("推诿扯皮") == {("item", item.pk)}
    assert found("诿") == {("item", item.pk)}
    assert found("aB推") == {("item", item.pk)}
    assert found("脱岗") == found("大厅脱") == {("complaint", complaint.pk)}
    assert found(complaint.number.lower()) == {("complaint", complaint.pk)}
    assert ("item", item.pk) in found(str(item.pk))
    assert found("营业执照") == found("不存在的词") == set()
    complaint_services.complaint_list_supervision(
        complaint=complaint, actor=cast.officer, reason="群众反映强烈"
    )
    assert found("群众反映") == set() and found("脱岗") == {("complaint", complaint.pk)}


def test_board_is_paged_and_keeps_its_filters(client_for, cast, make_item, monkeypatch):
    from campaign.views import board

    monkeypatch.setattr(board, "PAGE_SIZE", 2)
    items = [make_item(S.ACCEPTED, deadline=_days_ago(10 - n)) for n in range(5)]
    client = client_for(cast.officer)
    first = client.get(reverse(BOARD), {"kind": "item"})
    assert _rows(first) == [("item", items[0].pk), ("item", items[1].pk)]
    assert "kind=item&amp;" in first.content.decode()
    third = client.get(reverse(BOARD), {"kind": "item", "page": 3})
    assert _rows(third) == [("item", items[4].pk)]


def test_board_query_count_is_flat(
    client_for, cast, make_item, category, django_assert_max_num_queries
):
    make_item(S.ACCEPTED, deadline=_days_ago(3))
    _overdue_complaint(cast, category, 2)
    client = client_for(cast.officer)
    client.get(reverse(BOARD))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse(BOARD), {"unit": cast.dept_a.pk})
    for n in range(8):
        make_item(S.ACCEPTED, deadline=_days_ago(4 + n))
        _overdue_complaint(cast, category, 3 + n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(BOARD), {"unit": cast.dept_a.pk})
    assert response.context["page"].paginator.count == 18


def test_supervise_an_item_from_the_board_once_a_day(client_for, cast, make_item):
    item = make_item(S.ACCEPTED, deadline=_days_ago(6))
    client = client_for(cast.officer)
    response = _act(
        client, "item", item.pk, "supervise", text="请于三日内报送整改进展", back="kind=item"
    )
    assert response.status_code == 302 and response["Location"].endswith("?kind=item")
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.unit, reminder.sent_by) == (
        "supervise",
        cast.dept_a,
        cast.officer,
    )
    assert reminder.subject == item and reminder.text == "请于三日内报送整改进展"
    notice = Notification.objects.get(
        recipient=cast.head_a, object_key=f"campaign.reminder:{reminder.pk}"
    )
    assert notice.kind == Notification.Kind.REMINDER and "请于三日内报送整改进展" in notice.body
    # The same day again: nothing new, and the officer is told why.
    again = _act(client, "item", item.pk, "supervise")
    assert again.status_code == 302
    assert Reminder.objects.count() == 1
    page = client.get(again["Location"]).content.decode()
    assert "今天" in page or "today" in page
    # 催办 is another kind: it goes out the same day.
    assert _act(client, "item", item.pk, "urge").status_code == 302
    assert Reminder.objects.filter(kind="urge").count() == 1
    # Recorded on the item's page, for the unit too.
    detail = client_for(cast.head_a).get(reverse("campaign:item_detail", args=[item.pk]))
    assert 'data-testid="reminders"' in detail.content.decode()
    assert len(detail.context["reminders"]) == 2


def test_the_next_day_it_may_go_again(cast, make_item):
    item = make_item(S.ACCEPTED, deadline=_days_ago(6))
    first = services.item_urge(item=item, actor=cast.officer)
    Reminder.objects.filter(pk=first.pk).update(day=_days_ago(1))
    services.item_urge(item=item, actor=cast.officer)
    assert Reminder.objects.filter(kind="urge").count() == 2


def test_supervise_and_urge_a_complaint(client_for, cast, category):
    complaint = _overdue_complaint(cast, category, 3)
    client = client_for(cast.officer)
    assert _act(client, "complaint", complaint.pk, "supervise", text="限期办结").status_code == 302
    complaint.refresh_from_db()
    assert complaint.supervision == Complaint.Supervision.SUPERVISED and complaint.supervised_at
    assert ComplaintTransition.objects.filter(complaint=complaint, actor=cast.officer).exists()
    reminder = Reminder.objects.get(kind="supervise")
    assert reminder.subject_type == ContentType.objects.get_for_model(Complaint)
    # The unit's heads and its leader in charge hear of a 督办; never who complained.
    notified = set(
        Notification.objects.filter(object_key=f"campaign.reminder:{reminder.pk}").values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == {"head_a", "in_charge"}
    assert _act(client, "complaint", complaint.pk, "urge").status_code == 302
    urge = Reminder.objects.get(kind="urge")
    assert set(
        Notification.objects.filter(object_key=f"campaign.reminder:{urge.pk}").values_list(
            "recipient__username", flat=True
        )
    ) == {"head_a"}
    detail = client.get(reverse("complaints:detail", args=[complaint.pk]))
    assert len(detail.context["reminders"]) == 2
    assert 'data-testid="push-form"' in detail.content.decode()


def test_push_from_the_item_and_complaint_pages(client_for, cast, make_item, category):
    item = make_item(S.IN_PROGRESS)
    complaint = _overdue_complaint(cast, category, 1)
    officer = client_for(cast.officer)
    url = reverse("campaign:item_action", args=[item.pk, "urge"])
    assert officer.post(url, {"text": "请加快进度"}).status_code == 302
    refused = officer.post(url, {"text": ""})
    assert refused.status_code == 400 and Reminder.objects.count() == 1
    act = reverse("complaints:act", args=[complaint.pk, "supervise"])
    assert officer.post(act, {"text": ""}).status_code == 302
    assert officer.post(act, {"text": ""}).status_code == 400
    head = client_for(cast.head_a)
    assert head.post(url, {"text": "x"}).status_code == 403
    assert head.post(act, {"text": "x"}).status_code == 403
    assert Reminder.objects.count() == 2


def test_only_officers_holding_the_work_push_it(client_for, cast, make_item, category):
    item_a = make_item(S.ACCEPTED, deadline=_days_ago(6))
    item_b = make_item(S.ACCEPTED, deadline=_days_ago(6), unit=cast.dept_b, actor=cast.head_b)
    complaint = _overdue_complaint(cast, category, 2)
    leader = client_for(cast.leader)
    board = leader.get(reverse(BOARD))
    assert len(board.context["page"]) == 3
    assert not any(row["can_push"] for row in board.context["page"])
    assert 'data-testid="supervise"' not in board.content.decode()
    assert _act(leader, "item", item_a.pk, "urge").status_code == 403
    assert _act(leader, "complaint", complaint.pk, "supervise").status_code == 403
    # A township officer holds dept_a's subtree: its rows, never dept_b's.
    township = client_for(cast.township_officer)
    rows = {
        (r["row_kind"], r["row_id"]): r["can_push"]
        for r in township.get(reverse(BOARD)).context["page"]
    }
    assert rows == {("item", item_a.pk): True, ("complaint", complaint.pk): True}
    assert _act(township, "item", item_b.pk, "urge").status_code == 404
    assert _act(township, "item", item_a.pk, "urge").status_code == 302
    head = client_for(cast.head_a)
    assert _act(head, "item", item_a.pk, "supervise").status_code == 403
    assert (
        client_for(cast.head_b)
        .post(
            reverse("campaign:overdue_board_act"),
            {"kind": "complaint", "row_id": complaint.pk, "action": "urge"},
        )
        .status_code
        == 404
    )
    assert Reminder.objects.count() == 1


def test_work_waiting_on_staff_is_not_pushed(client_for, cast, make_item, category):
    item = make_item(S.CLOSURE_REQUESTED, deadline=_days_ago(3))
    board = client_for(cast.officer).get(reverse(BOARD))
    assert [row["can_push"] for row in board.context["page"]] == [False]
    response = _act(client_for(cast.officer), "item", item.pk, "urge")
    assert response.status_code == 302 and not Reminder.objects.exists()
    with pytest.raises(ValidationError):
        services.item_urge(item=item, actor=cast.officer)


def test_bad_board_input_saves_nothing(client_for, cast, make_item):
    item = make_item(S.ACCEPTED, deadline=_days_ago(6))
    client = client_for(cast.officer)
    response = client.post(
        reverse("campaign:overdue_board_act"),
        {"kind": "item", "row_id": item.pk, "action": "delete", "back": "//evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == reverse(BOARD)
    assert _act(client, "nonsense", item.pk, "urge").status_code == 404
    long_text = _act(client, "item", item.pk, "urge", text="长" * 600)
    assert long_text.status_code == 302 and not Reminder.objects.exists()
    assert client.get(reverse("campaign:overdue_board_act")).status_code == 405
