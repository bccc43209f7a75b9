"""One jurisdiction: an officer confined to a subtree sees, handles and reveals only its cases.

The cast's township_officer oversees dept_a's subtree (manage.py create_subtree_officer);
dept_b is the sibling outside it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from complaints import permissions, selectors, services
from complaints.models import Complaint, IdentityReveal
from tests.factories import UserFactory
from units import roles
from units import services as unit_services

pytestmark = pytest.mark.django_db


def test_township_officer_sees_only_the_subtrees_complaints(cast, make_complaint):
    inside = make_complaint("assigned")
    outside = make_complaint("assigned", unit=cast.dept_b)
    intake_inside = make_complaint()  # registered, not routed: subject unit dept_a
    intake_outside = make_complaint(unit=cast.dept_b)
    intake_nowhere = services.complaint_submit(
        channel=Complaint.Channel.WEB, title="未指明单位", content="反映某部门作风问题。"
    )
    visible = set(selectors.complaints_visible_to(user=cast.township_officer))
    assert visible == {inside, intake_inside}
    assert {intake_outside, intake_nowhere, outside} <= set(
        selectors.complaints_visible_to(user=cast.officer)
    )


def test_reveal_inside_the_subtree_is_allowed_and_logged(cast, make_complaint, client_for):
    complaint = make_complaint("assigned")
    assert permissions.can_view_identity(cast.township_officer, complaint)
    client = client_for(cast.township_officer)
    response = client.post(
        reverse("complaints:act", args=[complaint.pk, "identity_request"]), {"reason": "核实"}
    )
    assert response.status_code == 302
    services.identity_request_decide(
        request=complaint.identity_requests.get(), actor=cast.custodian, approve=True
    )
    response = client.post(reverse("complaints:reveal", args=[complaint.pk]))
    assert response.status_code == 200
    log = IdentityReveal.objects.get()
    assert (log.user, log.complaint) == (cast.township_officer, complaint)


def test_reveal_outside_the_subtree_is_refused(cast, make_complaint, client_for):
    outside = make_complaint("assigned", unit=cast.dept_b)
    assert not permissions.can_view_identity(cast.township_officer, outside)
    with pytest.raises(PermissionDenied):
        services.complaint_identity_reveal(
            complaint=outside, actor=cast.township_officer, reason="核实"
        )
    client = client_for(cast.township_officer)
    response = client.post(reverse("complaints:reveal", args=[outside.pk]), {"reason": "核实"})
    assert response.status_code == 404  # a case outside the jurisdiction does not exist for them
    assert client.get(reverse("complaints:detail", args=[outside.pk])).status_code == 404
    assert IdentityReveal.objects.count() == 0


def test_reveal_needs_both_units_in_the_jurisdiction(cast, make_complaint, client_for):
    """Routed into the subtree but complaining about a unit outside it: seen, not revealed."""
    complaint = make_complaint("accepted", unit=cast.dept_b)
    complaint = services.complaint_assign(complaint=complaint, unit=cast.dept_a, actor=cast.officer)
    assert complaint in selectors.complaints_visible_to(user=cast.township_officer)
    assert not permissions.can_view_identity(cast.township_officer, complaint)
    assert not permissions.can_handle_complaint(cast.township_officer, complaint)
    client = client_for(cast.township_officer)
    response = client.post(reverse("complaints:reveal", args=[complaint.pk]), {"reason": "核实"})
    assert response.status_code == 403
    assert IdentityReveal.objects.count() == 0


def test_the_old_readme_recipe_no_longer_leaks(cast, make_complaint, client_for):
    """The issue's set-up: a copy of 纪检监察人员 without the two *_all_units permissions (so
    still holding complaints.view_all_complaints), with oversight on the township."""
    source = Group.objects.get(name=roles.INSPECTION_STAFF)
    copy = Group.objects.create(name="乡镇纪检（手工复制）")
    copy.permissions.set(source.permissions.exclude(codename__endswith="_all_units"))
    assert copy.permissions.filter(codename="view_all_complaints").exists()
    user = UserFactory(username="copied_group_officer", is_staff=True)
    user.groups.add(copy)
    unit_services.staff_jurisdiction_grant(user=user, unit=cast.township)
    in_township = make_complaint("assigned", unit=cast.township)
    elsewhere = [make_complaint("assigned"), make_complaint("assigned", unit=cast.dept_b)]
    assert list(selectors.complaints_visible_to(user=user)) == [in_township]
    assert permissions.can_view_identity(user, in_township)
    client = client_for(user)
    for complaint in elsewhere:
        assert not permissions.can_view_identity(user, complaint)
        assert not permissions.can_view_attachments(user, complaint)
        response = client.post(reverse("complaints:reveal", args=[complaint.pk]), {"reason": "查"})
        assert response.status_code == 404
    assert IdentityReveal.objects.count() == 0


def test_view_all_complaints_alone_widens_nothing(cast, make_complaint):
    """The reading ability is no jurisdiction: without a unit, nothing."""
    user = UserFactory(username="reader")
    user.user_permissions.add(Permission.objects.get(codename="view_all_complaints"))
    make_complaint("assigned")
    assert not selectors.complaints_visible_to(user=user).exists()


def test_township_officer_figures_cover_their_subtree(cast, make_complaint, client_for):
    make_complaint("closed")
    make_complaint("closed", unit=cast.dept_b)
    make_complaint("assigned", unit=cast.dept_b)

    def total(user) -> int:
        response = client_for(user).get(reverse("complaints:figures") + "?by=channel")
        assert response.status_code == 200
        return sum(row["total"] for row in response.context["rows"])

    assert total(cast.township_officer) == 1
    assert total(cast.officer) == 3
    assert total(cast.evaluator) == 3  # the county's scorer keeps the county's figures


def test_township_officer_handles_inside_and_is_refused_outside(cast, make_complaint):
    inside = make_complaint()
    services.complaint_accept(complaint=inside, actor=cast.township_officer)
    outside = make_complaint(unit=cast.dept_b)
    with pytest.raises(PermissionDenied):
        services.complaint_accept(complaint=outside, actor=cast.township_officer)
    inside.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.complaint_assign(complaint=inside, unit=cast.dept_b, actor=cast.township_officer)


def test_admin_shows_the_subtree_officer_only_their_cases(cast, client_for, make_complaint):
    inside = make_complaint("assigned")
    outside = make_complaint("assigned", unit=cast.dept_b)
    client = client_for(cast.township_officer)
    response = client.get(reverse("admin:complaints_complaint_changelist"))
    assert response.status_code == 200
    listed = set(response.context["cl"].queryset)
    assert inside in listed and outside not in listed
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
