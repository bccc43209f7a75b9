"""A unit's status moves through units.transitions.transition: checked, recorded, locked."""

import pytest
from django.core.exceptions import ValidationError

from units import services
from units.models import Unit, UnitTransition
from units.transitions import InvalidTransition

pytestmark = pytest.mark.django_db


def test_archive_and_restore_are_recorded_with_actor_and_comment(cast):
    archived = services.unit_archive(unit=cast.township, actor=cast.officer, comment="撤并")
    assert archived.status == Unit.Status.ARCHIVED
    restored = services.unit_restore(unit=cast.township, actor=cast.officer)
    assert restored.status == Unit.Status.ACTIVE
    moves = list(
        UnitTransition.objects.filter(unit=cast.township).values_list(
            "from_status", "to_status", "actor", "comment"
        )
    )
    assert moves == [
        ("active", "archived", cast.officer.pk, "撤并"),
        ("archived", "active", cast.officer.pk, ""),
    ]


def test_a_move_outside_the_map_is_refused_and_not_recorded(cast):
    services.unit_archive(unit=cast.township, actor=None)
    with pytest.raises(InvalidTransition):
        services.unit_archive(unit=cast.township, actor=None)
    with pytest.raises(InvalidTransition):
        services.unit_restore(unit=cast.dept_b, actor=None)
    assert UnitTransition.objects.filter(unit=cast.township).count() == 1
    assert not UnitTransition.objects.filter(unit=cast.dept_b).exists()


def test_a_unit_with_active_sub_units_is_not_archived(cast):
    with pytest.raises(ValidationError):
        services.unit_archive(unit=cast.dept_a, actor=cast.officer)
    cast.dept_a.refresh_from_db()
    assert cast.dept_a.status == Unit.Status.ACTIVE
    assert not UnitTransition.objects.filter(unit=cast.dept_a).exists()


def test_a_sub_unit_is_not_restored_under_an_archived_parent(cast):
    services.unit_archive(unit=cast.division_a, actor=None)
    services.unit_archive(unit=cast.dept_a, actor=None)
    with pytest.raises(ValidationError):
        services.unit_restore(unit=cast.division_a, actor=None)
    services.unit_restore(unit=cast.dept_a, actor=None)
    assert services.unit_restore(unit=cast.division_a, actor=None).is_active
