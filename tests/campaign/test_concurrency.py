"""Row locks: two staff closing the same item at once close it once (PostgreSQL only)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from campaign import services
from campaign.models import RectificationItem, RectificationTransition
from tests.campaign.roles_restore import ensure_roles
from units.transitions import InvalidTransition

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks"),
]


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    ensure_roles()


@pytest.fixture(autouse=True)
def _officer_rights(cast):
    # These tests are about row locks, not roles; after another transactional test the
    # restored database may lack the role groups' permissions (see the report), so the
    # officer gets them directly.
    type(cast.officer).objects.filter(pk=cast.officer.pk).update(is_superuser=True)
    cast.officer.refresh_from_db()


def test_concurrent_closures_close_once(cast, make_item):
    item = make_item(RectificationItem.Status.CLOSURE_REQUESTED)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def close(note: str) -> None:
        try:
            barrier.wait()
            services.item_close(item=item, actor=cast.officer, verification_note=note)
            outcomes.append("closed")
        except InvalidTransition:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=close, args=(f"核查{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["closed", "refused"]
    assert RectificationTransition.objects.filter(item=item, to_status="closed").count() == 1


def test_concurrent_circulars_get_distinct_numbers(cast, campaign):
    barrier = threading.Barrier(3)
    numbers: list[int] = []

    def draft(n: int) -> None:
        try:
            barrier.wait()
            circular = services.circular_create(
                campaign=campaign, kind="briefing", title=f"简报{n}", body="x", actor=cast.officer
            )
            numbers.append(circular.number)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=draft, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == [1, 2, 3]
