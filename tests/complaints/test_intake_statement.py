"""A new complaint and its first record (units.transitions.create_recorded): on PostgreSQL
one statement, writing what Model.save and record_transition would write."""

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from complaints import services
from complaints.identity import Identity
from complaints.models import Complaint, ComplaintTransition
from units.transitions import create_recorded

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"


def _row(model, pk):
    return model.objects.filter(pk=pk).values(*[f.attname for f in model._meta.concrete_fields])[0]


def test_a_public_complaint_and_its_first_record_are_written_together(cast, category):
    with CaptureQueriesContext(connection) as queries:
        complaint = services.complaint_submit(
            channel=Complaint.Channel.WEB,
            title="窗口态度差",
            content="办事时工作人员态度生硬。",
            category=category,
            subject_unit=cast.dept_a,
            identity=Identity(name="张三", phone="13800138000"),
        )
    inserts = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"].upper()]
    if POSTGRES:
        assert len(inserts) == 1, inserts  # the complaint and its record: one statement
    assert complaint._state.adding is False
    stored = Complaint.objects.get(pk=complaint.pk)
    assert stored.number == complaint.number and stored.number.endswith(f"{complaint.pk:06d}")
    assert stored.status == Complaint.Status.REGISTERED
    assert stored.has_identity and stored.subject_unit == cast.dept_a
    assert stored.updated_at is not None and stored.received_at is not None
    records = list(
        ComplaintTransition.objects.filter(complaint=complaint).values_list(
            "from_status", "to_status", "actor", "comment"
        )
    )
    assert records == [("", "registered", None, str(Complaint.Channel.WEB.label))]
    # the instance returned is saved: a later change is an UPDATE of that row
    complaint.subject_person = "李四"
    complaint.save(update_fields=["subject_person"])
    assert Complaint.objects.get(pk=complaint.pk).subject_person == "李四"
    assert Complaint.objects.count() == 1


def test_staff_intake_records_the_officer(cast, category):
    complaint = services.complaint_submit(
        channel=Complaint.Channel.HOTLINE,
        title="电话反映",
        content="来电反映办事拖延。",
        category=category,
        actor=cast.officer,
    )
    record = ComplaintTransition.objects.get(complaint=complaint)
    assert record.actor == cast.officer and record.from_status == ""
    assert Complaint.objects.get(pk=complaint.pk).registered_by == cast.officer


def test_the_row_is_the_row_save_writes(cast, category):
    """Every column, prepared as Model.save prepares it: the two ways store the same row."""
    fields = {
        "channel": Complaint.Channel.LETTER,
        "category": category,
        "subject_unit": cast.dept_b,
        "title": "来信",
        "content": "反映问题。",
        "urgent": True,
        "identity_token": "token",
        "has_identity": True,
        "received_at": "2026-11-30T09:00:00+08:00",
        "accept_deadline": "2026-12-03",
    }
    one = create_recorded(
        Complaint(number="TS2026-A", tracking_hash="a" * 64, **fields),
        to_status=Complaint.Status.REGISTERED,
        actor=cast.officer,
        comment="来信",
    )
    other = Complaint(number="TS2026-B", tracking_hash="b" * 64, **fields)
    other.save(force_insert=True)
    mine, theirs = _row(Complaint, one.pk), _row(Complaint, other.pk)
    differ = {
        name
        for name in mine
        if mine[name] != theirs[name]
        and name not in {"id", "number", "tracking_hash"}
        and not name.endswith("_at")
    }
    assert not differ, {name: (mine[name], theirs[name]) for name in differ}
    assert mine["updated_at"] and mine["received_at"]
    record = ComplaintTransition.objects.get(complaint=one)
    assert (record.actor, record.comment, record.to_status) == (cast.officer, "来信", "registered")
    assert record.created_at is not None


@pytest.mark.skipif(not POSTGRES, reason="one statement on PostgreSQL only")
def test_a_record_that_cannot_be_written_leaves_no_complaint(cast, category):
    with pytest.raises(DataError), transaction.atomic():
        create_recorded(
            Complaint(
                number="TS2026-C",
                tracking_hash="c" * 64,
                channel=Complaint.Channel.WEB,
                title="t",
                content="c",
                identity_token="",
                received_at="2026-11-30T09:00:00+08:00",
                accept_deadline="2026-12-03",
            ),
            to_status="x" * 500,  # longer than the record's column
            actor=None,
        )
    assert not Complaint.objects.filter(number="TS2026-C").exists()
    assert not ComplaintTransition.objects.exists()
