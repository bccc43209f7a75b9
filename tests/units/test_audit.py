"""The audit trail: append-only tables (PostgreSQL triggers), the hash chain and
`audit_verify`, archiving under the retention, and deletions that would touch audit records.

The tables are found the way units.audit finds them, so a transition record or a tracked
model added later is tested here without a line changing. Tests that need the triggers skip
on SQLite with the reason; the chain works (and is tested) on both.
"""

from __future__ import annotations

import datetime
import decimal
import gzip
import json
import uuid

import pgtrigger
import pytest
from django.apps import apps
from django.contrib.admin.sites import site as admin_site
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.db import DatabaseError, connection, models, transaction
from django.test import RequestFactory
from django.utils import timezone
from simple_history.models import HistoricalChanges

from tests.factories import UserFactory
from tests.otp import verify_session
from units import audit, audit_chain, checks
from units.admin_base import KeepsAuditTrail
from units.models import AuditArchive, AuditSeal, SecurityEvent, TransitionRecord
from units.security_log import security_event
from units.tasks import seal_audit_records

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"
needs_postgres = pytest.mark.skipif(
    not POSTGRES,
    reason="append-only triggers exist on PostgreSQL only (SQLite: the trial setup, no triggers)",
)
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def _label(model: type[models.Model]) -> str:
    return model._meta.label


SEALED = [table.model for table in audit.sealed_tables()]
PROTECTED = audit.protected_models()


def fake_row(model: type[models.Model], **values) -> models.Model:
    """A row of any audit model, written past post_save (bulk_create), so not sealed.

    Foreign keys point at id 1 (Django's constraints are deferred; the `fake` fixture takes
    the rows away before they are checked). The values are chosen to test the canonical form: a datetime with
    microseconds in another time zone, a decimal with fewer places than its column, JSON
    with unsorted keys.
    """
    data = {}
    for field in model._meta.concrete_fields:
        if field.primary_key and isinstance(field, models.AutoField):
            continue
        if field.name in values:
            continue
        if isinstance(field, models.ForeignKey):
            data[field.attname] = None if field.null else 1
        elif isinstance(field, models.DateTimeField):
            data[field.attname] = datetime.datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=SHANGHAI)
        elif isinstance(field, models.DateField):
            data[field.attname] = datetime.date(2026, 3, 4)
        elif isinstance(field, models.DecimalField):
            data[field.attname] = decimal.Decimal("1.5")
        elif isinstance(field, models.JSONField):
            data[field.attname] = {"b": 1, "a": [1, 2.5, "中"]}
        elif isinstance(field, models.BooleanField):
            data[field.attname] = True
        elif isinstance(field, models.IntegerField | models.FloatField):
            data[field.attname] = 7
        elif isinstance(field, models.DurationField):
            data[field.attname] = datetime.timedelta(days=1, microseconds=5)
        elif isinstance(field, models.UUIDField):
            data[field.attname] = uuid.uuid4()
        elif isinstance(field, models.BinaryField):
            data[field.attname] = b"\x00\xff"
        elif isinstance(field, models.CharField | models.TextField | models.FileField):
            data[field.attname] = "审"[: field.max_length or 1]
        elif field.has_default():
            data[field.attname] = field.get_default()
        else:
            data[field.attname] = None
    data.update(values)
    (row,) = model._base_manager.bulk_create([model(**data)])
    if row.pk is None:  # SQLite before returning support: fetch it back
        row = model._base_manager.order_by("-pk").first()
    return row


@pytest.fixture
def fake():
    """fake_row, and the rows made taken away again before the test's constraints are
    checked (their foreign keys point at nothing)."""
    made: list[models.Model] = []

    def make(model: type[models.Model], **values) -> models.Model:
        row = fake_row(model, **values)
        made.append(row)
        return row

    yield make
    with pgtrigger.ignore(*audit.trigger_uris(*PROTECTED)):
        for row in made:
            type(row)._base_manager.filter(pk=row.pk).delete()


def _count(report: list[audit_chain.TableReport], kind: str) -> int:
    return sum(1 for r in report for f in r.findings if f.kind == kind)


def _findings(label: str) -> list[audit_chain.Finding]:
    return audit_chain.verify_table(audit.sealed_table(label)).findings


# --- Which tables ------------------------------------------------------------------------


def test_every_transition_record_history_and_log_is_an_audit_table():
    expected = {
        _label(model)
        for model in apps.get_models()
        if not model._meta.abstract
        and not model._meta.proxy
        and (issubclass(model, TransitionRecord) or issubclass(model, HistoricalChanges))
    }
    expected |= {"complaints.IdentityReveal", "units.SecurityEvent"}
    assert {_label(model) for model in SEALED} == expected
    assert {_label(m) for m in PROTECTED} == expected | {"units.AuditSeal", "units.AuditArchive"}
    # The ones the issue names, so that the discovery cannot quietly find nothing.
    assert {
        "units.UnitTransition",
        "campaign.RectificationTransition",
        "complaints.ComplaintTransition",
        "assessments.SchemeTransition",
        "campaign.HistoricalRectificationItem",
        "units.HistoricalPerson",
    } <= expected


def test_a_wrong_extra_audit_model_fails_the_system_check(settings):
    settings.ZUOFENG_AUDIT_EXTRA_MODELS = {"complaints.Nothing": "at", "units.Unit": "nowhen"}
    ids = {error.id for error in checks.check_audit_models()}
    assert ids == {"units.E102", "units.E103"}


# --- Append-only on PostgreSQL -------------------------------------------------------------


@needs_postgres
def test_the_triggers_are_installed_after_migrate_and_reinstalling_is_a_no_op():
    assert audit.trigger_problems() == []
    assert audit.install_triggers() == []


@needs_postgres
@pytest.mark.parametrize("model", PROTECTED, ids=_label)
def test_update_and_delete_are_refused_on_each_audit_table(model, fake):
    row = fake(model)
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    for sql in (
        f"UPDATE {table} SET {pk} = {pk} WHERE {pk} = %s",  # noqa: S608 (quoted names)
        f"DELETE FROM {table} WHERE {pk} = %s",  # noqa: S608
    ):
        with (
            pytest.raises(DatabaseError, match="pgtrigger: Cannot"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [row.pk])
    # The ORM meets the same refusal; inserting goes on as before.
    with pytest.raises(DatabaseError, match="pgtrigger"), transaction.atomic():
        model._base_manager.filter(pk=row.pk).delete()
    assert model._base_manager.filter(pk=row.pk).exists()


@needs_postgres
def test_a_disabled_trigger_is_reported_and_repaired_by_migrate():
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {SecurityEvent._meta.db_table} DISABLE TRIGGER USER")
    assert ("units.SecurityEvent", "disabled") in audit.trigger_problems()
    assert audit.install_triggers() == ["units.SecurityEvent"]
    assert audit.trigger_problems() == []


# --- Sealing and verifying ------------------------------------------------------------------


@pytest.mark.parametrize("model", SEALED, ids=_label)
def test_canonical_content_round_trips_for_every_audit_model(model, fake):
    """Sealed from what the database returns, re-read and re-hashed: identical."""
    row = fake(model)
    table = audit.sealed_table(_label(model))
    assert audit_chain.seal(table, [row.pk]) == 1
    assert audit_chain.seal(table, [row.pk]) == 0  # one link per record
    report = audit_chain.verify_table(table)
    assert report.findings == [] and report.checked == 1


def test_records_are_sealed_when_their_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = security_event(kind=SecurityEvent.Kind.LOGIN_FAILED, username="a")
        second = security_event(kind=SecurityEvent.Kind.LOGIN_FAILED, username="b")
        try:
            with transaction.atomic():
                security_event(kind=SecurityEvent.Kind.LOGIN_FAILED, username="gone")
                raise RuntimeError
        except RuntimeError:
            pass
    links = AuditSeal.objects.filter(table="units.SecurityEvent").order_by("seq")
    assert [link.row_id for link in links] == [first.pk, second.pk]
    assert [link.seq for link in links] == [1, 2]
    assert links[1].prev_chain == links[0].chain


def test_the_sweeper_seals_what_escaped_and_is_idempotent(cast):
    SecurityEvent.objects.bulk_create(
        [SecurityEvent(kind=SecurityEvent.Kind.LOGIN, username=f"u{i}") for i in range(3)]
    )
    first = seal_audit_records()
    assert first >= 3  # the cast's history too
    assert seal_audit_records() == 0
    assert AuditSeal.objects.filter(table="units.SecurityEvent").count() == 3
    assert all(report.findings == [] for report in audit_chain.verify())


def test_audit_verify_passes_on_a_normal_history(cast):
    call_command("audit_seal")
    call_command("audit_verify")  # raises CommandError on any finding


def _sealed_events(n: int = 3) -> list[SecurityEvent]:
    events = [
        security_event(kind=SecurityEvent.Kind.LOGIN_FAILED, username=f"u{i}") for i in range(n)
    ]
    audit_chain.seal(audit.sealed_table("units.SecurityEvent"), [e.pk for e in events])
    return events


def _kinds(label: str = "units.SecurityEvent") -> list[str]:
    return [finding.kind for finding in _findings(label)]


def test_a_record_changed_with_the_trigger_lifted_is_reported(capsys):
    events = _sealed_events()
    with pgtrigger.ignore("units.SecurityEvent:zf_append_only"):
        SecurityEvent.objects.filter(pk=events[1].pk).update(username="someone-else")
    assert _kinds() == ["changed"]
    with pytest.raises(CommandError, match=r"1 finding|1 处问题"):
        call_command("audit_verify")
    out = capsys.readouterr().out
    assert f"{events[1].pk}" in out and "units.SecurityEvent" in out


@needs_postgres
def test_a_record_changed_with_the_trigger_disabled_is_reported():
    events = _sealed_events()
    table = SecurityEvent._meta.db_table
    with connection.cursor() as cursor:
        # (Deferred foreign-key checks of the inserts must run before the table is altered.)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(f"UPDATE {table} SET detail = 'rewritten' WHERE id = %s", [events[0].pk])  # noqa: S608
    report = audit_chain.verify()
    assert _count(report, "changed") == 1
    assert _count(report, "trigger") == 1  # and the disabled trigger itself


def test_a_deleted_record_is_reported():
    events = _sealed_events()
    with pgtrigger.ignore("units.SecurityEvent:zf_append_only"):
        SecurityEvent.objects.filter(pk=events[2].pk).delete()
    assert _kinds() == ["missing"]


def test_a_tampered_link_is_reported():
    _sealed_events()
    link = AuditSeal.objects.get(table="units.SecurityEvent", seq=2)
    with pgtrigger.ignore("units.AuditSeal:zf_append_only"):
        AuditSeal.objects.filter(pk=link.pk).update(row_hash="0" * 64)
    # The record no longer matches the altered link, and the link no longer hashes right.
    assert sorted(_kinds()) == ["changed", "seal_altered"]


def test_a_removed_link_and_an_unsealed_record_are_reported():
    events = _sealed_events()
    with pgtrigger.ignore("units.AuditSeal:zf_append_only"):
        AuditSeal.objects.filter(table="units.SecurityEvent", seq=2).delete()
    kinds = _kinds()
    assert "seal_gap" in kinds
    # The record whose link went looks unsealed once the grace period has passed.
    with pgtrigger.ignore("units.SecurityEvent:zf_append_only"):
        SecurityEvent.objects.filter(pk=events[1].pk).update(
            at=timezone.now() - datetime.timedelta(hours=1)
        )
    assert "unsealed" in _kinds()


def test_a_record_inserted_behind_the_applications_back_is_reported_once_old(fake):
    fake(SecurityEvent, at=timezone.now() - datetime.timedelta(hours=2))
    assert _kinds() == ["unsealed"]
    fresh = fake(SecurityEvent, at=timezone.now())
    assert _kinds() == ["unsealed"]  # the fresh one is within the grace period
    assert fresh.pk


# --- Retention and archiving ----------------------------------------------------------------


def test_retention_below_180_days_is_refused(settings, tmp_path):
    settings.ZUOFENG_AUDIT_RETENTION_DAYS = 179
    assert [error.id for error in checks.check_audit_retention()] == ["units.E101"]
    with pytest.raises(SystemCheckError, match=r"units\.E101"):
        call_command("check")
    with pytest.raises(CommandError, match="180"):
        call_command("audit_archive", str(tmp_path / "never-written.jsonl.gz"))
    settings.ZUOFENG_AUDIT_RETENTION_DAYS = 180
    assert checks.check_audit_retention() == []


def test_archive_moves_old_records_to_a_file_and_the_chain_still_verifies(tmp_path, settings):
    settings.ZUOFENG_AUDIT_RETENTION_DAYS = 180
    old = timezone.now() - datetime.timedelta(days=200)
    olds = [fake_row(SecurityEvent, at=old, username=f"old{i}") for i in range(3)]
    recent = fake_row(SecurityEvent, at=timezone.now(), username="recent")
    audit_chain.seal_all()
    path = tmp_path / "audit.jsonl.gz"
    call_command("audit_archive", str(path))

    assert not SecurityEvent.objects.filter(pk__in=[e.pk for e in olds]).exists()
    assert SecurityEvent.objects.filter(pk=recent.pk).exists()
    mark = AuditArchive.objects.get(table="units.SecurityEvent")
    assert (mark.rows, mark.through_seq) == (3, 3)
    # The file holds every archived record with its link, re-hashable without the database.
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        lines = [json.loads(line) for line in handle]
    records = [line["record"] for line in lines if "record" in line]
    archived = {r["fields"]["username"] for r in records if r["table"] == "units.SecurityEvent"}
    assert archived == {"old0", "old1", "old2"}
    assert audit_chain.verify_archive_file(path) == (len(records), [])
    call_command("audit_verify", "--archive", str(path))
    # The chain goes on from where the archive ended; nothing is reported.
    security_event(kind=SecurityEvent.Kind.LOGIN, username="after")
    audit_chain.seal_all()
    call_command("audit_verify")
    assert AuditSeal.objects.filter(table="units.SecurityEvent").order_by("seq").first().seq == 4
    # The archive is in the security log too.
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.AUDIT_ARCHIVED).exists()


def test_archive_refuses_to_overwrite_and_refuses_a_tampered_record(tmp_path, settings):
    settings.ZUOFENG_AUDIT_RETENTION_DAYS = 180
    old = timezone.now() - datetime.timedelta(days=200)
    event = fake_row(SecurityEvent, at=old)
    audit_chain.seal_all()
    existing = tmp_path / "exists.jsonl.gz"
    existing.write_bytes(b"")
    with pytest.raises(CommandError, match=r"exists|已存在"):
        call_command("audit_archive", str(existing))
    with pgtrigger.ignore("units.SecurityEvent:zf_append_only"):
        SecurityEvent.objects.filter(pk=event.pk).update(detail="rewritten")
    target = tmp_path / "new.jsonl.gz"
    with pytest.raises(CommandError, match=r"changed|改动"):
        call_command("audit_archive", str(target))
    assert not target.exists() and SecurityEvent.objects.filter(pk=event.pk).exists()
    assert not AuditArchive.objects.exists()


def test_a_doctored_archive_file_is_reported(tmp_path, settings):
    settings.ZUOFENG_AUDIT_RETENTION_DAYS = 180
    fake_row(SecurityEvent, at=timezone.now() - datetime.timedelta(days=200), username="x")
    path = tmp_path / "a.jsonl.gz"
    call_command("audit_archive", str(path))
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        text = handle.read()
    doctored = tmp_path / "b.jsonl.gz"
    with gzip.open(doctored, "wt", encoding="utf-8") as handle:
        handle.write(text.replace('"username": "x"', '"username": "y"'))
    _records, problems = audit_chain.verify_archive_file(doctored)
    assert any("does not match" in p or "不一致" in p for p in problems)
    with pytest.raises(CommandError):
        call_command("audit_verify", "--archive", str(doctored))


# --- Deleting what audit records point at --------------------------------------------------


def test_deleting_an_account_with_history_is_refused_in_the_admin(client, cast):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    verify_session(client, root)
    # head_a has history rows (their Person) written by... the cast: blame them for one.
    victim = UserFactory(username="victim")
    person = cast.head_a.person
    person.title = "副局长"
    person._history_user = victim
    person.save()
    assert audit.audit_records_in_the_way([victim])
    page = client.get(f"/admin/auth/user/{victim.pk}/delete/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "cannot be deleted" in body or "不能删除" in body
    response = client.post(f"/admin/auth/user/{victim.pk}/delete/", {"post": "yes"})
    assert response.status_code in (200, 403)
    assert type(victim).objects.filter(pk=victim.pk).exists()


def _reaches_audit(model, seen=None) -> bool:
    seen = seen if seen is not None else set()
    if model in seen:
        return False
    seen.add(model)
    protected = set(PROTECTED)
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        effect = getattr(rel.on_delete, "__name__", "")
        if rel.related_model in protected and effect != "PROTECT" and effect != "DO_NOTHING":
            return True
        if effect == "CASCADE" and _reaches_audit(rel.related_model, seen):
            return True
    return False


def test_every_admin_that_can_delete_into_audit_records_refuses_first():
    """An admin deleting objects audit records point at must refuse (KeepsAuditTrail), or
    not offer deleting at all: otherwise the trigger turns the delete into a server error."""
    request = RequestFactory().get("/")
    request.user = UserFactory.build(is_superuser=True, is_staff=True, is_active=True)
    unguarded = [
        f"{_label(model)} ({type(model_admin).__name__})"
        for model, model_admin in admin_site._registry.items()
        if _reaches_audit(model)
        and model_admin.has_delete_permission(request)
        and not isinstance(model_admin, KeepsAuditTrail)
    ]
    assert unguarded == []


def test_archive_can_be_limited_to_some_tables(tmp_path, settings, fake):
    settings.ZUOFENG_AUDIT_RETENTION_DAYS = 180
    old = timezone.now() - datetime.timedelta(days=200)
    event = fake_row(SecurityEvent, at=old)
    transition = fake(audit.sealed_table("units.UnitTransition").model, created_at=old)
    with pytest.raises(CommandError, match=r"units\.Nothing"):
        call_command("audit_archive", str(tmp_path / "x.gz"), "--table", "units.Nothing")
    call_command("audit_archive", str(tmp_path / "a.gz"), "--table", "units.SecurityEvent")
    assert not SecurityEvent.objects.filter(pk=event.pk).exists()
    assert type(transition).objects.filter(pk=transition.pk).exists()
    assert list(AuditArchive.objects.values_list("table", flat=True)) == ["units.SecurityEvent"]
