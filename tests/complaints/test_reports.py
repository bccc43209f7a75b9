"""Identity sweep, ledger and figures (flat queries), Excel export and hotline import."""

from __future__ import annotations

import datetime
import io
import random
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from complaints import services
from complaints.identity import Identity, decrypt
from complaints.models import Complaint, ComplaintCategory
from units.models import Notification

pytestmark = pytest.mark.django_db
NAME, PHONE, ID_NUMBER = "张秘密", "13912345678", "110101199001011234"


def _bytes(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _xlsx_text(data: bytes) -> str:
    wb = load_workbook(io.BytesIO(data))
    return " ".join(
        str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row
    )


def test_identity_sweep_over_everything_the_other_roles_reach(
    client_for, cast, make_complaint, django_capture_on_commit_callbacks
):
    """Drive a named complaint through every stage and look at every page each role can reach."""
    complaints = {s: make_complaint(s) for s in ("registered", "assigned", "answered", "closed")}
    overdue = make_complaint("assigned")
    Complaint.objects.filter(pk=overdue.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=3)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.complaints_escalation_sweep()
        services.complaint_review(
            complaint=complaints["answered"], actor=cast.officer, approve=False, note="重办"
        )
    secrets = (NAME, PHONE, ID_NUMBER, "zhangmimi", "203.0.113.9")
    pages = [
        reverse("units:workspace"),
        reverse("units:notification_list"),
        reverse("complaints:list"),
        reverse("complaints:list") + "?status=",
        reverse("complaints:mine"),
        reverse("complaints:ledger"),
        reverse("complaints:figures"),
        *[reverse("complaints:figures") + f"?by={by}" for by in ("category", "channel", "month")],
        reverse("complaints:export"),
        *[reverse("complaints:detail", args=[c.pk]) for c in [*complaints.values(), overdue]],
        *[reverse("complaints:attachment", args=[c.pk, 1]) for c in complaints.values()],
    ]
    reached = 0
    for user in (cast.head_a, cast.in_charge, cast.leader, cast.evaluator):
        client = client_for(user)
        for url in pages:
            response = client.get(url)
            if response.status_code != 200:
                assert response.status_code in (403, 404), (user, url, response.status_code)
                continue
            reached += 1
            body = _bytes(response)
            text = _xlsx_text(body) if url.endswith(".xlsx") else body.decode()
            for secret in secrets:
                assert secret not in text, (user.username, url, secret)
    assert reached > 20
    notices = Notification.objects.all()
    assert notices.exists()
    for n in notices:
        for secret in secrets:
            assert secret not in n.title + n.body + n.url


def test_ledger_lists_open_cases_with_age(client_for, cast, make_complaint):
    old = make_complaint("assigned")
    Complaint.objects.filter(pk=old.pk).update(
        received_at=timezone.now() - datetime.timedelta(days=40)
    )
    make_complaint("closed")
    response = client_for(cast.officer).get(reverse("complaints:ledger"))
    rows = response.context["rows"]
    assert [c.pk for c, _age in rows] == [old.pk]
    assert rows[0][1] == 40
    assert "未办结 1 件" in response.content.decode()


def _bulk(cast, n):
    """Complaints straight into the table: this test measures reading, not the workflow."""
    categories = list(ComplaintCategory.objects.all())
    statuses = list(Complaint.Status.values)
    rng = random.Random(n)
    now = timezone.now()
    Complaint.objects.bulk_create(
        [
            Complaint(
                number=f"B{n}-{i}",
                tracking_code=f"{n:04d}{i:012d}",
                channel=rng.choice(Complaint.Channel.values),
                status=(status := rng.choice(statuses)),
                category=rng.choice(categories),
                unit=rng.choice([cast.dept_a, cast.dept_b, cast.division_a]),
                subject_unit=cast.dept_a,
                title="批量",
                content="批量",
                received_at=now - datetime.timedelta(days=rng.randint(0, 300)),
                deadline=timezone.localdate() + datetime.timedelta(days=rng.randint(-20, 20)),
                verdict=rng.choice(["", *Complaint.Verdict.values]),
                satisfaction=rng.choice(["", *Complaint.Satisfaction.values]),
                closed_at=now if status == "closed" else None,
            )
            for i in range(n)
        ]
    )


@pytest.mark.parametrize("url_name", ["ledger", "figures", "list"])
def test_ledger_and_figures_queries_flat_10_vs_1000(
    client_for, cast, url_name, django_assert_num_queries
):
    client = client_for(cast.officer)
    url = reverse(f"complaints:{url_name}")
    _bulk(cast, 10)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    Complaint.objects.all().delete()
    _bulk(cast, 1000)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_figures_rates_computed_in_db(client_for, cast, make_complaint):
    make_complaint("closed")  # substantiated, satisfied
    make_complaint("rejected")
    make_complaint("closed", verdict="unsubstantiated")
    rows = (
        client_for(cast.leader).get(reverse("complaints:figures") + "?by=channel").context["rows"]
    )
    row = rows[0]
    assert row["total"] == 3
    assert row["acceptance_rate"] == Decimal("66.7")  # 2 of 3, rounded half up (units.rates)
    assert row["closure_rate"] == 100.0
    assert row["satisfaction_rate"] == 100.0
    assert row["substantiation_rate"] == 50.0
    assert row["label"] == "网络信箱"


def test_export_escapes_formulas_and_has_no_identity(client_for, cast, make_complaint):
    make_complaint(title='=HYPERLINK("http://evil")')
    response = client_for(cast.officer).get(reverse("complaints:export"))
    assert response.status_code == 200
    content = _bytes(response)  # streamed from a file: read once
    wb = load_workbook(io.BytesIO(content))
    ws = wb.active
    # A title row (unit, date), then the header, frozen; times are date cells.
    assert ws.cell(row=1, column=1).value.startswith(f"{cast.root.name}　投诉举报台账（导出日期：")
    assert ws.cell(row=2, column=1).value == "案件编号"
    assert ws.title == "投诉台账" and ws.freeze_panes == "A3"
    titles = [ws.cell(row=r, column=4).value for r in range(3, ws.max_row + 1)]
    assert titles == ['\'=HYPERLINK("http://evil")']
    assert isinstance(ws.cell(row=3, column=8).value, datetime.datetime)
    assert NAME not in _xlsx_text(content)
    assert client_for(cast.head_a).get(reverse("complaints:export")).status_code == 403


def _hotline_file(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "工单编号",
            "来电时间",
            "来电人",
            "联系电话",
            "诉求标题",
            "诉求内容",
            "被反映单位",
            "诉求类别",
            "是否紧急",
        ]
    )
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("hotline.xlsx", out.getvalue())


def test_hotline_import_preview_then_all_or_nothing(client_for, cast):
    client = client_for(cast.officer)
    good = [
        [
            "GD001",
            "2026-11-02 09:15",
            "赵来电",
            "13600000001",
            "办证慢",
            "营业执照办理超时",
            "SLX-SCJ",
            "办事效率",
            "是",
        ],
        [
            "GD002",
            datetime.datetime(2026, 11, 3, 14, 0),
            "",
            "",
            "态度差",
            "窗口人员态度生硬",
            "县教育局",
            "服务态度",
            "",
        ],
    ]
    preview = client.post(reverse("complaints:import"), {"file": _hotline_file(good)})
    assert preview.status_code == 200 and not Complaint.objects.exists()
    assert "确认导入" in preview.content.decode()
    bad = [*good, ["GD003", "不是日期", "", "", "", "内容", "不存在的局", "乱写", ""]]
    response = client.post(
        reverse("complaints:import"), {"file": _hotline_file(bad), "confirm": "1"}
    )
    assert response.status_code == 400 and not Complaint.objects.exists()
    content = response.content.decode()
    assert (
        "不是有效的日期时间" in content
        and "未知单位：不存在的局" in content
        and "诉求标题不能为空" in content
    )
    done = client.post(reverse("complaints:import"), {"file": _hotline_file(good), "confirm": "1"})
    assert done.status_code == 200 and "已导入 2 件投诉" in done.content.decode()
    first = Complaint.objects.get(title="办证慢")
    assert first.channel == "hotline" and first.urgent and first.subject_unit == cast.dept_a
    assert decrypt(first.identity_token) == Identity(name="赵来电", phone="13600000001")
    again = client.post(reverse("complaints:import"), {"file": _hotline_file(good), "confirm": "1"})
    assert again.status_code == 400 and "已导入过" in again.content.decode()
    assert Complaint.objects.count() == 2
    junk = client.post(
        reverse("complaints:import"), {"file": SimpleUploadedFile("x.xlsx", b"not excel")}
    )
    # Read as text (it could be a CSV), it names none of the columns: refused, saying which.
    assert junk.status_code == 400 and 'data-testid="import-errors"' in junk.content.decode()
    assert "来电时间" in junk.content.decode()


def test_hotline_preview_lists_the_rows_and_a_second_confirm_files_nothing(client_for, cast):
    client = client_for(cast.officer)
    url = reverse("complaints:import")
    rows = [[f"GD1{n:02}", "2026年11月2日 9时15分", "", "", f"标题{n}", "内容", "", "", ""]
            for n in range(60)]  # fmt: skip
    preview = client.post(url, {"file": _hotline_file(rows)})
    assert preview.status_code == 200 and not Complaint.objects.exists()
    page = preview.content.decode()
    assert page.count('data-testid="preview-row"') == 50 and ">2</th>" in page  # Excel row 2
    token = preview.context["token"]
    second = client.get(url, {"token": token, "page": 2}).content.decode()
    assert second.count('data-testid="preview-row"') == 10 and ">61</th>" in second
    first = client.post(url, {"token": token})
    assert first.status_code == 302 and Complaint.objects.count() == 60
    assert Complaint.objects.filter(received_at__hour=9).count() == 60
    again = client.post(url, {"token": token}, follow=True)
    assert again.status_code == 200 and Complaint.objects.count() == 60
    assert again.redirect_chain[-1][0] == reverse("complaints:ledger")
    assert client_for(cast.officer).post(url, {"token": "0" * 32}).status_code == 404
