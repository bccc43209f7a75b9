"""Complainant identity: encrypted at rest; shown only on a second officer's approval, for a
limited time, to the officer who asked; every request, decision and view logged.

officer asks, custodian (a second officer holding the custodian role) decides. The one-step
reveal with a reason (ZUOFENG_IDENTITY_NEEDS_APPROVAL off) is tested at the end.
"""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import identity, permissions, selectors, services
from complaints.models import Complaint, IdentityRequest, IdentityRequestTransition, IdentityReveal
from tests.factories import make_person_with_login
from units import roles
from units import services as unit_services
from units.models import Notification, SecurityEvent
from units.transitions import InvalidTransition

pytestmark = pytest.mark.django_db

NAME, PHONE, ID_NUMBER = "张秘密", "13912345678", "110101199001011234"
S = IdentityRequest.Status


def ask(complaint, user, reason="回访需联系投诉人核实情况"):
    return services.identity_request_create(complaint=complaint, actor=user, reason=reason)


def approve(request, user, comment=""):
    return services.identity_request_decide(
        request=request, actor=user, approve=True, comment=comment
    )


def expire(request) -> None:
    """The time limit passes (the row's expiry moved back, as the clock would)."""
    IdentityRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )


@pytest.fixture
def spy():
    """Every decryption of an identity, counted (the real one still runs)."""
    with mock.patch("complaints.identity.decrypt", wraps=identity.decrypt) as decrypt:
        yield decrypt


def test_raw_database_row_holds_no_plaintext_identity(make_complaint):
    complaint = make_complaint()
    table = Complaint._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [complaint.pk])  # noqa: S608
        row = " ".join(str(value) for value in cursor.fetchone())
    for secret in (NAME, PHONE, ID_NUMBER, "zhangmimi", "203.0.113.9"):
        assert secret not in row
    assert complaint.has_identity


def test_anonymous_complaint_stores_only_the_encrypted_ip(make_complaint):
    complaint = make_complaint(identity=identity.Identity(ip="198.51.100.7"))
    assert not complaint.has_identity
    assert "198.51.100.7" not in complaint.identity_token
    assert identity.decrypt(complaint.identity_token).ip == "198.51.100.7"


def test_anonymous_complaint_offers_no_request_and_no_reveal(cast, make_complaint, settings):
    complaint = make_complaint("assigned", identity=identity.Identity(ip="198.51.100.7"))
    assert not permissions.can_view_identity(cast.officer, complaint)
    assert not permissions.can_request_identity(cast.officer, complaint)
    with pytest.raises(PermissionDenied):
        ask(complaint, cast.officer)
    with pytest.raises(PermissionDenied):
        services.complaint_identity_reveal(complaint=complaint, actor=cast.officer)
    settings.ZUOFENG_IDENTITY_NEEDS_APPROVAL = False
    with pytest.raises(PermissionDenied):
        services.complaint_identity_reveal(complaint=complaint, actor=cast.officer, reason="核实")
    assert not IdentityRequest.objects.exists() and not IdentityReveal.objects.exists()


def test_ask_approve_see_and_every_view_logged(
    cast, make_complaint, spy, django_capture_on_commit_callbacks
):
    complaint = make_complaint("assigned")
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(complaint, cast.officer)
    assert request.status == S.PENDING and request.expires_at is None
    # Asked, not yet approved: nothing decrypted, nothing shown, no view logged.
    with pytest.raises(PermissionDenied):
        services.complaint_identity_reveal(complaint=complaint, actor=cast.officer)
    assert spy.call_count == 0 and not IdentityReveal.objects.exists()
    # The custodian is told (case number and asker; never who complained).
    notice = Notification.objects.get(recipient=cast.custodian)
    assert complaint.number in notice.title and "王纪检" in notice.body
    assert NAME not in notice.title + notice.body
    assert not Notification.objects.filter(recipient=cast.officer).exclude(
        object_key__startswith="complaint:"
    )

    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        decided = approve(request, cast.custodian, comment="同意，限回访使用")
    assert decided.status == S.APPROVED and decided.decided_by == cast.custodian
    assert decided.decided_at >= before and decided.decision_comment == "同意，限回访使用"
    hours = (decided.expires_at - decided.decided_at).total_seconds() / 3600
    assert hours == pytest.approx(24)
    assert spy.call_count == 0  # approving decrypts nothing either
    told = Notification.objects.get(recipient=cast.officer, object_key__startswith="identity")
    assert complaint.number in told.title and told.url == complaint.get_absolute_url()

    for _view in range(2):
        shown = services.complaint_identity_reveal(complaint=complaint, actor=cast.officer)
        assert (shown.name, shown.phone, shown.id_number) == (NAME, PHONE, ID_NUMBER)
    assert spy.call_count == 2
    views = list(IdentityReveal.objects.order_by("pk"))
    assert len(views) == 2
    for view in views:
        assert (view.user, view.complaint, view.request) == (cast.officer, complaint, decided)
        assert view.reason == request.reason
    # The history of the request: asked, approved, each with its actor.
    moves = list(
        IdentityRequestTransition.objects.filter(request=request).values_list(
            "from_status", "to_status", "actor"
        )
    )
    assert moves == [("", S.PENDING, cast.officer.pk), (S.PENDING, S.APPROVED, cast.custodian.pk)]
    # …and in the security log: who asked, who decided (never who complained).
    events = list(SecurityEvent.objects.order_by("pk").values_list("kind", "user", "detail"))
    assert [(kind, user) for kind, user, _detail in events] == [
        (SecurityEvent.Kind.IDENTITY_REQUEST, cast.officer.pk),
        (SecurityEvent.Kind.IDENTITY_DECISION, cast.custodian.pk),
    ]
    assert all(complaint.number in detail and NAME not in detail for *_, detail in events)


def test_only_the_asker_sees_it(cast, make_complaint, spy):
    complaint = make_complaint("assigned")
    approve(ask(complaint, cast.officer), cast.custodian)
    other = make_person_with_login(
        "冯纪检", "officer2", is_staff=True, groups=[roles.INSPECTION_STAFF]
    )[1]
    for user in (other, cast.custodian):
        with pytest.raises(PermissionDenied):
            services.complaint_identity_reveal(complaint=complaint, actor=user)
    assert spy.call_count == 0 and not IdentityReveal.objects.exists()


def test_reason_is_required_and_nothing_is_saved(cast, make_complaint):
    complaint = make_complaint("assigned")
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as raised:
            ask(complaint, cast.officer, reason=reason)
        assert raised.value.message_dict["reason"] == [
            _("State why you need to see the complainant's identity.")
        ]
    assert not IdentityRequest.objects.exists()
    assert not IdentityRequestTransition.objects.exists()


def test_one_open_request_per_officer_and_case(cast, make_complaint):
    complaint = make_complaint("assigned")
    first = ask(complaint, cast.officer)
    with pytest.raises(ValidationError):
        ask(complaint, cast.officer, reason="再次申请")
    approve(first, cast.custodian)
    with pytest.raises(ValidationError):  # still valid: nothing to ask
        ask(complaint, cast.officer, reason="再次申请")
    # Another officer asks on their own account; another case is another request.
    assert ask(complaint, cast.township_officer).status == S.PENDING
    assert ask(make_complaint("assigned"), cast.officer).status == S.PENDING
    assert IdentityRequest.objects.count() == 3


def test_refusal_needs_a_reason_and_shows_nothing(cast, make_complaint, spy):
    complaint = make_complaint("assigned")
    request = ask(complaint, cast.officer)
    with pytest.raises(ValidationError) as raised:
        services.identity_request_decide(
            request=request, actor=cast.custodian, approve=False, comment=" "
        )
    assert "comment" in raised.value.message_dict
    assert IdentityRequest.objects.get().status == S.PENDING
    refused = services.identity_request_decide(
        request=request, actor=cast.custodian, approve=False, comment="理由不充分"
    )
    assert refused.status == S.REFUSED and refused.expires_at is None
    with pytest.raises(PermissionDenied):
        services.complaint_identity_reveal(complaint=complaint, actor=cast.officer)
    assert spy.call_count == 0
    # Decided once: neither approved later nor decided again.
    with pytest.raises(InvalidTransition):
        approve(refused, cast.custodian)
    # Refused, the officer may ask again with a better reason.
    assert ask(complaint, cast.officer, reason="投诉人要求当面答复").status == S.PENDING


def test_nobody_approves_their_own_request(cast, make_complaint):
    complaint = make_complaint("assigned")
    own = ask(complaint, cast.custodian)
    with pytest.raises(PermissionDenied) as raised:
        approve(own, cast.custodian)
    assert str(raised.value) == _(
        "You cannot approve your own request: another identity custodian must decide on it."
    )
    with pytest.raises(PermissionDenied):
        services.identity_request_decide(
            request=own, actor=cast.custodian, approve=False, comment="撤销"
        )
    assert IdentityRequest.objects.get().status == S.PENDING
    assert not permissions.can_decide_identity_request(cast.custodian, own)
    assert own not in selectors.identity_requests_to_decide(user=cast.custodian)
    # Nor is a custodian told of their own request.
    assert cast.custodian not in services.identity_custodians_for(
        complaint=complaint, exclude=cast.custodian
    )


def test_only_custodians_decide(cast, make_complaint):
    complaint = make_complaint("assigned")
    request = ask(complaint, cast.custodian)
    for user in (cast.officer, cast.township_officer, cast.leader, cast.head_a, cast.outsider):
        assert not permissions.can_decide_identity_request(user, request)
        with pytest.raises(PermissionDenied):
            approve(request, user)
    # The officer (no custodian role) approving the custodian's request: refused, and so is
    # every other move on someone else's request.
    with pytest.raises(PermissionDenied):
        services.identity_request_withdraw(request=request, actor=cast.officer)
    assert IdentityRequest.objects.get().status == S.PENDING


def test_jurisdiction_bounds_asking_and_deciding(cast, make_complaint):
    inside = make_complaint("assigned")  # dept_a: the township officer's subtree
    outside = make_complaint("assigned", unit=cast.dept_b)
    with pytest.raises(PermissionDenied):
        ask(outside, cast.township_officer)
    request = ask(inside, cast.township_officer)
    # A custodian confined to dept_b's subtree decides nothing about dept_a's cases.
    local = unit_services.subtree_officer_setup(
        username="local_custodian", unit=cast.dept_b, name="褚保管", email="l@example.gov.cn"
    )[0]
    local.groups.add(Group.objects.get(name=permissions.CUSTODIANS))
    local = type(local).objects.get(pk=local.pk)  # permissions cached before the group
    assert not permissions.can_decide_identity_request(local, request)
    with pytest.raises(PermissionDenied):
        approve(request, local)
    assert local not in services.identity_custodians_for(complaint=inside)
    assert not selectors.identity_requests_to_decide(user=local).exists()
    outside_request = ask(outside, cast.officer)
    assert list(selectors.identity_requests_to_decide(user=local)) == [outside_request]
    assert approve(outside_request, local).status == S.APPROVED
    # The county's custodian holds both.
    assert set(selectors.identity_requests_to_decide(user=cast.custodian)) == {request}
    assert set(services.identity_custodians_for(complaint=outside)) == {cast.custodian, local}


def test_the_unit_complained_about_can_never_ask_nor_decide(cast, make_complaint):
    complaint = make_complaint("assigned")  # about, and handled by, dept_a
    # head_a given every ability of the inspection office, the custodian role included.
    cast.head_a.groups.add(
        Group.objects.get(name=roles.INSPECTION_STAFF),
        Group.objects.get(name=permissions.CUSTODIANS),
    )
    head_a = type(cast.head_a).objects.get(pk=cast.head_a.pk)
    assert head_a.has_perm(permissions.VIEW_IDENTITY) and permissions.is_identity_custodian(head_a)
    assert permissions.within_jurisdiction(head_a, complaint)
    assert not permissions.can_view_identity(head_a, complaint)
    with pytest.raises(PermissionDenied):
        ask(complaint, head_a)
    request = ask(complaint, cast.officer)
    assert not permissions.can_decide_identity_request(head_a, request)
    with pytest.raises(PermissionDenied):
        approve(request, head_a)
    assert not selectors.identity_requests_to_decide(user=head_a).exists()
    assert head_a not in services.identity_custodians_for(complaint=complaint)
    for user in (cast.head_b, cast.in_charge, cast.leader, cast.evaluator, cast.outsider):
        with pytest.raises(PermissionDenied):
            ask(complaint, user)
    assert IdentityRequest.objects.count() == 1


def test_after_expiry_the_asker_no_longer_sees_it_and_may_ask_again(cast, make_complaint, spy):
    complaint = make_complaint("assigned")
    request = approve(ask(complaint, cast.officer), cast.custodian)
    services.complaint_identity_reveal(complaint=complaint, actor=cast.officer)
    expire(request)
    request.refresh_from_db()
    assert request.is_expired and not request.is_valid()
    assert request.state_label == _("Expired")
    with pytest.raises(PermissionDenied):
        services.complaint_identity_reveal(complaint=complaint, actor=cast.officer)
    assert spy.call_count == 1 and IdentityReveal.objects.count() == 1
    again = ask(complaint, cast.officer, reason="补充调查需再次联系")
    assert again.status == S.PENDING


def test_reveal_hours_come_from_the_setting(cast, make_complaint, settings):
    settings.ZUOFENG_IDENTITY_REVEAL_HOURS = 2
    request = approve(ask(make_complaint("assigned"), cast.officer), cast.custodian)
    assert request.expires_at - request.decided_at == datetime.timedelta(hours=2)


def test_withdraw_only_by_the_asker_and_only_while_pending(cast, make_complaint):
    complaint = make_complaint("assigned")
    request = ask(complaint, cast.officer)
    with pytest.raises(PermissionDenied):
        services.identity_request_withdraw(request=request, actor=cast.custodian)
    withdrawn = services.identity_request_withdraw(request=request, actor=cast.officer)
    assert withdrawn.status == S.WITHDRAWN
    with pytest.raises(InvalidTransition):
        approve(withdrawn, cast.custodian)
    approved = approve(ask(complaint, cast.officer), cast.custodian)
    with pytest.raises(InvalidTransition):
        services.identity_request_withdraw(request=approved, actor=cast.officer)


def test_approval_needs_an_asker_who_may_still_see(cast, make_complaint):
    complaint = make_complaint("assigned")
    request = ask(complaint, cast.officer)
    cast.officer.groups.clear()
    with pytest.raises(ValidationError):
        approve(request, cast.custodian)
    assert IdentityRequest.objects.get().status == S.PENDING


def test_lost_ability_ends_the_approval_early(cast, make_complaint):
    complaint = make_complaint("assigned")
    approve(ask(complaint, cast.officer), cast.custodian)
    cast.officer.groups.clear()
    officer = type(cast.officer).objects.get(pk=cast.officer.pk)
    with pytest.raises(PermissionDenied):
        services.complaint_identity_reveal(complaint=complaint, actor=officer)


# --- One-step mode (ZUOFENG_IDENTITY_NEEDS_APPROVAL off: a small office) --------------------


def test_one_step_reveal_needs_the_permission_a_reason_and_is_logged(
    cast, make_complaint, settings
):
    settings.ZUOFENG_IDENTITY_NEEDS_APPROVAL = False
    complaint = make_complaint("assigned")
    for user in (cast.head_a, cast.in_charge, cast.leader, cast.evaluator, cast.head_b):
        with pytest.raises(PermissionDenied):
            services.complaint_identity_reveal(complaint=complaint, actor=user, reason="核实")
    with pytest.raises(ValidationError):
        services.complaint_identity_reveal(complaint=complaint, actor=cast.officer, reason=" ")
    assert IdentityReveal.objects.count() == 0
    shown = services.complaint_identity_reveal(
        complaint=complaint, actor=cast.officer, reason="回访需联系投诉人"
    )
    assert (shown.name, shown.phone, shown.id_number) == (NAME, PHONE, ID_NUMBER)
    log = IdentityReveal.objects.get()
    assert (log.user, log.complaint, log.reason, log.request) == (
        cast.officer,
        complaint,
        "回访需联系投诉人",
        None,
    )
    # No requests in this mode.
    assert not permissions.can_request_identity(cast.officer, complaint)
    with pytest.raises(ValidationError):
        ask(complaint, cast.officer)


def test_key_rotation_old_tokens_still_read_and_rotate(monkeypatch, make_complaint):
    old_key = Fernet.generate_key().decode()
    monkeypatch.setenv("ZUOFENG_IDENTITY_KEYS", old_key)
    token = identity.encrypt(identity.Identity(name=NAME))
    new_key = Fernet.generate_key().decode()
    monkeypatch.setenv("ZUOFENG_IDENTITY_KEYS", f"{new_key},{old_key}")
    assert identity.decrypt(token).name == NAME
    rotated = identity.rotate(token)
    monkeypatch.setenv("ZUOFENG_IDENTITY_KEYS", new_key)
    assert identity.decrypt(rotated).name == NAME
    with pytest.raises(ValueError):
        identity.decrypt(token)
