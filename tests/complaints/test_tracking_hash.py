"""Receipts stored as a keyed hash: the code is shown once and looked up by its hash."""

from __future__ import annotations

import importlib
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from complaints import tracking
from complaints.models import Complaint
from tests.complaints.test_public import _submit

pytestmark = pytest.mark.django_db

NOT_FOUND = "No complaint has this tracking code"
MIGRATION = importlib.import_module("complaints.migrations.0011_tracking_hash")


def _columns() -> list[str]:
    with connection.cursor() as cursor:
        return [
            col.name
            for col in connection.introspection.get_table_description(
                cursor, Complaint._meta.db_table
            )
        ]


def _row_values(pk: int) -> list[object]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM complaints_complaint WHERE id = %s", [pk])
        return list(cursor.fetchone())


def _track(client, code: str):
    return client.post(reverse("complaints:public_track"), {"code": code})


def _not_found(response) -> bool:
    content = response.content.decode()
    return response.status_code == 400 and (NOT_FOUND in content or "没有找到" in content)


def test_the_table_holds_no_clear_code(cast, make_complaint):
    complaint = make_complaint()
    code = complaint.tracking_code
    assert len(code) == 16
    assert "tracking_code" not in _columns() and "tracking_hash" in _columns()
    values = _row_values(complaint.pk)
    assert not any(isinstance(v, str) and code in v.upper() for v in values)
    stored = Complaint.objects.get(pk=complaint.pk)
    assert stored.tracking_hash == tracking.tracking_hash(code) and len(stored.tracking_hash) == 64
    assert stored.tracking_code == ""  # a loaded case has no code to give back
    # The temporary number given before the real one never carried the code either.
    assert code not in stored.number


def test_new_code_shown_once_then_found_by_its_hash_and_wrong_code_is_not_found(client, cast):
    response = _submit(client)
    page = client.get(response["Location"]).content.decode()
    shown = re.search(r'data-testid="tracking-code">([^<]+)<', page).group(1).strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", shown)
    complaint = Complaint.objects.get()
    assert complaint.tracking_hash == tracking.tracking_hash(shown)
    # Typed as read out: lower case, spaces, O for 0.
    typed = shown.lower().replace("-", " ").replace("0", "o")
    found = _track(client, typed)
    assert found.status_code == 200 and complaint.number in found.content.decode()
    # A wrong code (one character off) and an unknown one get the same answer.
    wrong = shown[:-1] + ("1" if shown[-1] != "1" else "2")
    assert _not_found(_track(client, wrong))
    assert _not_found(_track(client, "ABCD-EFGH-JKMN-PQRS"))
    assert _not_found(_track(client, "short"))


def test_rating_through_the_public_page_carries_the_typed_code(client, cast, make_complaint):
    complaint = make_complaint("return_visit")
    page = _track(client, complaint.tracking_code_display).content.decode()
    hidden = re.search(r'name="code" value="([^"]+)"', page).group(1)
    assert tracking.tracking_hash(hidden) == complaint.tracking_hash
    response = client.post(
        reverse("complaints:public_rate"), {"code": hidden, "satisfaction": "satisfied"}
    )
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED and complaint.satisfaction == "satisfied"
    wrong = client.post(
        reverse("complaints:public_rate"), {"code": "0" * 16, "satisfaction": "satisfied"}
    )
    assert wrong.status_code == 404


def test_merged_case_is_still_reachable_with_its_own_code(client, cast, make_complaint):
    complaint = make_complaint("merged")
    response = _track(client, complaint.tracking_code)
    assert response.status_code == 200
    content = response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.MERGED
    assert complaint.merged_into.number in content


def test_officer_finds_a_case_by_the_code_the_caller_reads_out(client_for, cast, make_complaint):
    complaint = make_complaint("assigned")
    make_complaint("assigned")
    officer = client_for(cast.officer)
    response = officer.get(reverse("complaints:list"), {"q": complaint.tracking_code_display})
    assert [c.number for c in response.context["page"]] == [complaint.number]
    # Part of a code finds nothing: only the whole code hashes to the stored value.
    partial = officer.get(reverse("complaints:list"), {"q": complaint.tracking_code[:12]})
    assert complaint.number not in [c.number for c in partial.context["page"]]


def test_staff_intake_tells_the_officer_the_code_once(client_for, cast, category):
    client = client_for(cast.officer)
    response = client.post(
        reverse("complaints:intake"),
        {
            "channel": "hotline",
            "title": "来电反映窗口推诿",
            "content": "来电反映城关镇办事窗口推诿。",
            "category": category.pk,
            "subject_unit": cast.township.pk,
        },
    )
    assert response.status_code == 302
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    code = re.search(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}", text).group(0)
    complaint = Complaint.objects.get()
    assert complaint.tracking_hash == tracking.tracking_hash(code)
    assert _track(client, code).status_code == 200


def test_hash_is_keyed_and_compared_in_constant_time(settings):
    code = tracking.tracking_code_new()
    settings.ZUOFENG_TRACKING_KEY = ""
    derived = tracking.tracking_hash(code)
    settings.ZUOFENG_TRACKING_KEY = "another-long-random-key-for-this-test"
    keyed = tracking.tracking_hash(code)
    assert derived != keyed and len(keyed) == 64
    assert tracking.tracking_code_matches(code.lower(), keyed)
    assert not tracking.tracking_code_matches(code, derived)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="rebuilds the old column with ALTER COLUMN"
)
def test_migration_hashes_an_existing_code_which_keeps_working(client, cast, make_complaint):
    """A row as it was before the migration (clear code, no hash) is hashed by it."""
    old_code = "7K3M9QXT2VBN8RWC"
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE {Complaint._meta.db_table} ADD COLUMN tracking_code varchar(16)"
        )
        cursor.execute(
            f"ALTER TABLE {Complaint._meta.db_table} ALTER COLUMN tracking_hash DROP NOT NULL"
        )
    complaint = make_complaint("accepted")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE complaints_complaint SET tracking_code = %s, tracking_hash = NULL "
            "WHERE id = %s",
            [old_code, complaint.pk],
        )
    # The models as the migration's RunPython sees them: the clear code and the new field.
    loader = MigrationLoader(connection)
    state = loader.project_state(("complaints", "0010_attachment_sharing"))
    migration = loader.get_migration("complaints", "0011_tracking_hash")
    migration.operations[0].state_forwards("complaints", state)
    MIGRATION.hash_existing_codes(state.apps, connection.schema_editor())
    assert Complaint.objects.get(pk=complaint.pk).tracking_hash == tracking.tracking_hash(old_code)
    # The migration then drops the clear column.
    assert any(
        getattr(op, "name", "") == "tracking_code" and type(op).__name__ == "RemoveField"
        for op in migration.operations
    )
    response = _track(client, "7k3m-9qxt-2vbn-8rwc")
    assert response.status_code == 200 and complaint.number in response.content.decode()
