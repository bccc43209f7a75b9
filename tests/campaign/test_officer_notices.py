"""Officers are told when a unit answers a complaint, asks for closure (销号申请) or hands in
material: the inspection staff with jurisdiction over the unit, nobody else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from campaign import services
from campaign.models import RectificationItem
from complaints.models import Complaint
from tests.complaints.conftest import complaint_drive
from tests.factories import UserFactory
from units import roles
from units.models import Notification
from units.selectors import overseers_of

pytestmark = pytest.mark.django_db
S = RectificationItem.Status


@pytest.fixture
def category(db):
    from complaints.models import ComplaintCategory

    return ComplaintCategory.objects.get(name="服务态度")


# Everyone in the cast who is not inspection staff: none of them is ever told.
NOT_STAFF = {"leader", "head_a", "head_b", "in_charge", "evaluator", "outsider"}


def _told(prefix: str) -> set[str]:
    return set(
        Notification.objects.filter(object_key__startswith=prefix).values_list(
            "recipient__username", flat=True
        )
    )


def _staff(names: set[str], *, inside: set[str], outside: set[str] = frozenset()) -> bool:
    """`inside` were told, `outside` and everyone who is not staff were not (the cast may
    hold more county-wide staff than these)."""
    return names >= inside and not names & (NOT_STAFF | outside)


def test_overseers_of_a_unit(cast):
    def names(unit) -> set[str]:
        return set(overseers_of(unit=unit).values_list("username", flat=True))

    assert _staff(names(cast.dept_a), inside={"officer", "township_officer"})
    assert _staff(names(cast.division_a), inside={"officer", "township_officer"})
    assert _staff(names(cast.dept_b), inside={"officer"}, outside={"township_officer"})
    # Administering the system is no jurisdiction; an inactive account hears nothing.
    UserFactory(username="admin", is_superuser=True)
    cast.township_officer.is_active = False
    cast.township_officer.save(update_fields=["is_active"])
    assert _staff(names(cast.dept_a), inside={"officer"}, outside={"admin", "township_officer"})


def test_overseers_through_a_group_grant_and_a_permission(cast):
    from guardian.shortcuts import assign_perm

    group = Group.objects.create(name="第二纪检组")
    assign_perm("units.oversee_unit", group, cast.dept_b)
    member = UserFactory(username="member")
    member.groups.add(group, Group.objects.get(name=roles.SUBTREE_INSPECTION_STAFF))
    names = set(overseers_of(unit=cast.dept_b).values_list("username", flat=True))
    assert _staff(names, inside={"officer", "member"}, outside={"township_officer"})
    assert "member" not in set(overseers_of(unit=cast.dept_a).values_list("username", flat=True))
    handlers = overseers_of(unit=cast.dept_b, permission="complaints.handle_complaint")
    assert _staff(set(handlers.values_list("username", flat=True)), inside={"officer", "member"})
    assert not overseers_of(unit=cast.dept_b, permission="assessments.nothing_like_this").exists()


def test_one_pass_lookup_names_the_same_overseers_for_every_unit(
    cast, django_assert_max_num_queries
):
    """`Overseers` (the sweep's lookup) is `overseers_of` for every unit of the tree, for
    grants to people and to groups at several depths, an inactive officer and a permission."""
    from guardian.shortcuts import assign_perm

    from units.models import Unit
    from units.selectors import Overseers

    group = Group.objects.create(name="第二纪检组")
    assign_perm("units.oversee_unit", group, cast.dept_b)
    member = UserFactory(username="member")
    member.groups.add(group, Group.objects.get(name=roles.SUBTREE_INSPECTION_STAFF))
    deep = UserFactory(username="deep_officer")
    deep.groups.add(Group.objects.get(name=roles.SUBTREE_INSPECTION_STAFF))
    assign_perm("units.oversee_unit", deep, cast.division_a)
    gone = UserFactory(username="gone_officer", is_active=False)
    assign_perm("units.oversee_unit", gone, cast.dept_a)
    units = list(Unit.objects.order_by("path"))
    assert len(units) >= 5
    for permission in ("", "complaints.handle_complaint"):
        lookup = Overseers(permission=permission)
        keys = {lookup.key(unit) for unit in units}
        # The granted units once, then the staff once per distinct set of granted ancestors.
        with django_assert_max_num_queries(1 + len(keys)):
            answers = {unit.pk: lookup.of(unit) for unit in units}
        for unit in units:
            assert answers[unit.pk] == list(overseers_of(unit=unit, permission=permission)), unit
    # A case's staff hold both its units: the sweep's lists equal the one-case query's.
    from complaints.services.notices import staff_recipients

    lookup = Overseers(permission="complaints.handle_complaint")
    for unit in units:
        for subject in (None, *units):
            case = Complaint(unit=unit, subject_unit=subject)
            assert staff_recipients(case, overseers=lookup) == staff_recipients(case)
    names = {u.username for u in Overseers().of(cast.division_a)}
    assert {"deep_officer", "officer"} <= names and "gone_officer" not in names
    assert "member" in {u.username for u in Overseers().of(cast.dept_b)}
    assert "deep_officer" not in {u.username for u in Overseers().of(cast.dept_a)}


def test_officers_hear_of_an_answer(cast, category):
    complaint = complaint_drive(cast, category, Complaint.Status.ANSWERED)
    assert _staff(
        _told(f"complaint:{complaint.pk}:answered"), inside={"officer", "township_officer"}
    )
    notice = Notification.objects.get(
        recipient=cast.officer, object_key__startswith=f"complaint:{complaint.pk}:answered"
    )
    assert complaint.number in notice.title and notice.url == complaint.get_absolute_url()
    assert "张秘密" not in notice.title + notice.body  # never who complained
    other = complaint_drive(cast, category, Complaint.Status.ANSWERED, unit=cast.dept_b)
    assert _staff(
        _told(f"complaint:{other.pk}:answered"), inside={"officer"}, outside={"township_officer"}
    )


def test_a_second_answer_after_sending_back_is_told_again(cast, category):
    complaint = complaint_drive(cast, category, Complaint.Status.SENT_BACK)
    from complaints import services as complaint_services

    complaint_services.complaint_answer(
        complaint=complaint,
        actor=cast.head_a,
        facts="补充核查。",
        verdict=Complaint.Verdict.PARTLY,
        measures="已整改。",
        public_reply="已补充核查。",
    )
    assert (
        Notification.objects.filter(
            recipient=cast.officer, object_key__startswith=f"complaint:{complaint.pk}:answered"
        ).count()
        == 2
    )


def test_officers_hear_of_a_closure_request(client_for, cast, make_item):
    item = make_item(S.IN_PROGRESS)
    response = client_for(cast.head_a).post(
        reverse("campaign:item_action", args=[item.pk, "request_closure"]),
        {"evidence": "已完成窗口授权并公示"},
    )
    assert response.status_code == 302
    assert _staff(
        _told(f"campaign.item:{item.pk}:closure_requested"),
        inside={"officer", "township_officer"},
    )
    notice = Notification.objects.get(
        recipient=cast.officer, object_key__startswith=f"campaign.item:{item.pk}:closure_requested"
    )
    assert notice.url == reverse("campaign:item_detail", args=[item.pk])
    assert "已完成窗口授权并公示" in notice.body
    # The unit is not told of its own request.
    assert not Notification.objects.filter(
        recipient=cast.head_a, object_key__contains="closure_requested"
    ).exists()


def test_officers_hear_of_material_handed_in(cast, campaign):
    deliverable = campaign.deliverables.order_by("due_date", "pk").first()
    submission = services.submission_submit(
        deliverable=deliverable, unit=cast.dept_b, actor=cast.head_b, text="实施方案"
    )
    assert _staff(
        _told(f"campaign.submission:{submission.pk}:submitted"),
        inside={"officer"},
        outside={"township_officer"},
    )
    notice = Notification.objects.get(
        recipient=cast.officer, object_key__startswith="campaign.submission:"
    )
    assert notice.url == reverse("campaign:deliverable_detail", args=[deliverable.pk])
    assert cast.dept_b.name in notice.title
