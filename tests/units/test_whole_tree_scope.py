"""A grant on every top-level unit (a province's unit head) covers the whole tree.

The scoping rule answers it with "has a unit" instead of a prefix scan of every unit: the
same rows as the prefix, never the rows without a unit (intake not yet routed) that only a
global permission reaches, and no query more.
"""

from __future__ import annotations

import pytest
from django.db.models import Q

from complaints.models import Complaint, ComplaintCategory
from complaints.selectors import complaints_visible_to
from tests.complaints.conftest import complaint_drive
from tests.factories import make_person_with_login, make_unit
from units import services
from units.models import Responsibility, Unit, unit_scope_q, user_sees_all_units
from units.permissions import can_oversee_all_units
from units.selectors import ACT, units_actable_by, units_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def root_head(cast):
    person, user = make_person_with_login("冯县长", "root_head", title="县长")
    services.responsibility_assign(
        person=person, unit=cast.root, role=Responsibility.Role.FIRST_RESPONSIBLE
    )
    user.refresh_from_db()
    return user


def test_the_whole_tree_is_every_unit_but_not_a_global_permission(cast, root_head):
    scope = unit_scope_q(user=root_head)
    assert scope != Q()  # "everything" stays the global permissions' answer
    assert not user_sees_all_units(user=root_head)
    assert not can_oversee_all_units(root_head)
    everything = set(Unit.objects.filter(path__startswith=cast.root.path))
    assert set(units_visible_to(user=root_head)) == everything == set(Unit.objects.all())
    assert set(units_actable_by(user=root_head)) == everything
    # A unit head of one subtree keeps the prefix.
    assert unit_scope_q(user=cast.head_a) == Q(path__startswith=cast.dept_a.path)


def test_the_whole_tree_needs_no_join_and_no_extra_query(
    cast, root_head, django_assert_num_queries
):
    with django_assert_num_queries(1):
        whole = unit_scope_q(user=root_head, codename=ACT, prefix="unit__")
    with django_assert_num_queries(1):
        unit_scope_q(user=cast.head_a, codename=ACT, prefix="unit__")
    sql = str(Complaint.objects.filter(whole).query)
    assert "units_unit" not in sql and '"unit_id" IS NOT NULL' in sql


def test_rows_without_a_unit_stay_outside_the_whole_tree(cast, root_head):
    category = ComplaintCategory.objects.get(name="服务态度")
    routed = complaint_drive(cast, category, Complaint.Status.ASSIGNED)
    unrouted = complaint_drive(cast, category, Complaint.Status.REGISTERED)
    assert unrouted.unit_id is None
    by_prefix = set(Complaint.objects.filter(unit__path__startswith=cast.root.path))
    seen = set(complaints_visible_to(user=root_head))
    assert seen == by_prefix and routed in seen and unrouted not in seen
    assert unrouted in set(complaints_visible_to(user=cast.officer))


def test_a_second_top_level_unit_ends_the_whole_tree(cast, root_head):
    other = make_unit("邻县", kind=Unit.Kind.COUNTY, code="LX")
    below = make_unit("邻县教育局", parent=other, code="LX-JYJ")
    assert unit_scope_q(user=root_head) == Q(path__startswith=cast.root.path)
    seen = set(units_visible_to(user=root_head))
    assert other not in seen and below not in seen
    assert seen == set(Unit.objects.filter(path__startswith=cast.root.path))
