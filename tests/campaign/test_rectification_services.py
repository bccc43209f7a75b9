"""The rectification state machine: every legal and illegal move, the record, permissions."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from guardian.shortcuts import assign_perm

from campaign import selectors, services
from campaign.models import ExtensionRequest, RectificationItem, RectificationTransition
from tests.factories import UserFactory
from units.models import Notification
from units.transitions import InvalidTransition

pytestmark = pytest.mark.django_db

S = RectificationItem.Status
ALL_STATES = [s.value for s in S]


def _do(service: str, item, cast):
    """Call one transition service the way its rightful actor would."""
    if service == "submit":
        return services.item_submit(item=item, actor=cast.head_a)
    if service == "accept":
        return services.item_accept(item=item, actor=cast.officer, comment="符合要求")
    if service == "return":
        return services.item_return(item=item, actor=cast.officer, reason="措施不具体")
    if service == "start":
        return services.item_start(item=item, actor=cast.head_a)
    if service == "request_closure":
        return services.item_request_closure(item=item, actor=cast.head_a, evidence="已整改到位")
    if service == "close":
        return services.item_close(item=item, actor=cast.officer, verification_note="现场核查")
    if service == "reject_closure":
        return services.item_reject_closure(item=item, actor=cast.officer, reason="佐证不足")
    raise AssertionError(service)


SERVICES = {
    "submit": S.SUBMITTED,
    "accept": S.ACCEPTED,
    "return": S.RETURNED,
    "start": S.IN_PROGRESS,
    "request_closure": S.CLOSURE_REQUESTED,
    "close": S.CLOSED,
    "reject_closure": S.IN_PROGRESS,
}
LEGAL = {
    (S.DRAFT, "submit"),
    (S.RETURNED, "submit"),
    (S.SUBMITTED, "accept"),
    (S.SUBMITTED, "return"),
    (S.ACCEPTED, "start"),
    (S.IN_PROGRESS, "request_closure"),
    (S.CLOSURE_REQUESTED, "close"),
    (S.CLOSURE_REQUESTED, "reject_closure"),
}
CASES = [(state, service) for state in ALL_STATES for service in SERVICES]


# Moves made by services outside this table: a re-check (回头看) reopens a closed item
# (campaign.services.rechecks; tests/campaign/test_recheck.py).
LEGAL_ELSEWHERE = {(S.CLOSED, S.IN_PROGRESS)}


def test_the_legal_table_matches_the_model_map():
    from_map = {(a, b) for a, targets in RectificationItem.TRANSITIONS.items() for b in targets}
    legal = {(state, SERVICES[service]) for state, service in LEGAL}
    assert legal | LEGAL_ELSEWHERE == from_map


@pytest.mark.parametrize(("state", "service"), CASES)
def test_every_move(state, service, cast, make_item, django_capture_on_commit_callbacks):
    item = make_item(state)
    records_before = RectificationTransition.objects.filter(item=item).count()
    if (state, service) in LEGAL:
        with django_capture_on_commit_callbacks(execute=True):
            moved = _do(service, item, cast)
        item.refresh_from_db()
        assert item.status == SERVICES[service] == moved.status
        record = RectificationTransition.objects.filter(item=item).latest("pk")
        assert (record.from_status, record.to_status) == (state, SERVICES[service])
        expected_actor = (
            cast.head_a if service in ("submit", "start", "request_closure") else cast.officer
        )
        assert record.actor == expected_actor
        if service in ("return", "reject_closure"):
            assert record.comment and item.return_reason == record.comment
        if service == "close":
            assert item.closed_at is not None and item.closed_by == cast.officer
            assert item.verification_note == "现场核查"
    else:
        with pytest.raises(InvalidTransition):
            _do(service, item, cast)
        item.refresh_from_db()
        assert item.status == state
        assert RectificationTransition.objects.filter(item=item).count() == records_before


def test_creation_is_recorded_and_history_reads_in_order(cast, make_item):
    item = make_item(S.CLOSED)
    moves = list(item.transitions.values_list("from_status", "to_status"))
    assert moves == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "closure_requested"),
        ("closure_requested", "closed"),
    ]


def test_reasons_and_evidence_are_required(cast, make_item):
    submitted = make_item(S.SUBMITTED)
    with pytest.raises(ValidationError):
        services.item_return(item=submitted, actor=cast.officer, reason="  ")
    in_progress = make_item(S.IN_PROGRESS)
    with pytest.raises(ValidationError):
        services.item_request_closure(item=in_progress, actor=cast.head_a, evidence="")
    requested = make_item(S.CLOSURE_REQUESTED)
    with pytest.raises(ValidationError):
        services.item_close(item=requested, actor=cast.officer, verification_note="")
    with pytest.raises(ValidationError):
        services.item_reject_closure(item=requested, actor=cast.officer, reason="")
    for item in (submitted, in_progress, requested):
        status = item.status
        item.refresh_from_db()
        assert item.status == status


@pytest.mark.parametrize("who", ["head_b", "in_charge", "leader", "evaluator", "outsider"])
def test_only_the_units_own_head_acts(who, cast, make_item):
    user = getattr(cast, who)
    draft = make_item(S.DRAFT)
    with pytest.raises(PermissionDenied):
        services.item_submit(item=draft, actor=user)
    with pytest.raises(PermissionDenied):
        services.item_update(item=draft, actor=user, problem="改")
    with pytest.raises(PermissionDenied):
        services.item_create(
            campaign=draft.campaign,
            unit=cast.dept_a,
            actor=user,
            problem="x",
            deadline=datetime.date(2026, 6, 1),
        )
    accepted = make_item(S.ACCEPTED)
    with pytest.raises(PermissionDenied):
        services.progress_post(item=accepted, actor=user, text="进展")
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_unit_heads_cannot_review_even_their_own_items(cast, make_item):
    submitted = make_item(S.SUBMITTED)
    for user in (cast.head_a, cast.head_b, cast.leader, cast.in_charge):
        with pytest.raises(PermissionDenied):
            services.item_accept(item=submitted, actor=user)
    requested = make_item(S.CLOSURE_REQUESTED)
    with pytest.raises(PermissionDenied):
        services.item_close(item=requested, actor=cast.head_a, verification_note="自己核查")


def test_head_acts_for_sub_units(cast, campaign):
    item = services.item_create(
        campaign=campaign,
        unit=cast.division_a,
        actor=cast.head_a,
        problem="办公室首问责任落实不力",
        deadline=datetime.date(2026, 5, 1),
    )
    assert services.item_submit(item=item, actor=cast.head_a).status == S.SUBMITTED


def test_editing_only_in_draft_or_returned(cast, make_item):
    draft = make_item(S.DRAFT)
    services.item_update(item=draft, actor=cast.head_a, measures="授权窗口即办")
    draft.refresh_from_db()
    assert draft.measures == "授权窗口即办"
    returned = make_item(S.RETURNED)
    services.item_update(item=returned, actor=cast.head_a, measures="细化措施")
    for state in (S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS, S.CLOSED):
        item = make_item(state)
        with pytest.raises(ValidationError):
            services.item_update(item=item, actor=cast.head_a, measures="改")


def test_submit_list_submits_drafts_and_returned(cast, campaign, make_item):
    make_item(S.DRAFT)
    make_item(S.RETURNED)
    make_item(S.ACCEPTED)
    make_item(S.DRAFT, unit=cast.dept_b, actor=cast.head_b)
    assert services.items_submit_list(campaign=campaign, unit=cast.dept_a, actor=cast.head_a) == 2
    assert RectificationItem.objects.filter(unit=cast.dept_a, status=S.SUBMITTED).count() == 2
    assert RectificationItem.objects.get(unit=cast.dept_b).status == S.DRAFT
    with pytest.raises(ValidationError):
        services.items_submit_list(campaign=campaign, unit=cast.dept_a, actor=cast.head_a)
    with pytest.raises(PermissionDenied):
        services.items_submit_list(campaign=campaign, unit=cast.dept_b, actor=cast.head_a)


def test_first_progress_starts_the_work_and_keeps_the_attachment(cast, make_item):
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = make_item(S.ACCEPTED)
    update = services.progress_post(
        item=item,
        actor=cast.head_a,
        text="已向窗口授权",
        attachment=SimpleUploadedFile("授权文件.pdf", b"%PDF-1.4 test"),
    )
    item.refresh_from_db()
    assert item.status == S.IN_PROGRESS
    assert update.attachment.name.endswith(".pdf")
    services.progress_post(item=item, actor=cast.head_a, text="第二次进展")
    assert item.progress_updates.count() == 2
    assert list(item.transitions.values_list("to_status", flat=True))[-1] == S.IN_PROGRESS
    with pytest.raises(ValidationError):
        services.progress_post(item=make_item(S.DRAFT), actor=cast.head_a, text="x")


def test_long_term_items_stay_open(cast, make_item):
    item = make_item(S.IN_PROGRESS, long_term=True)
    with pytest.raises(ValidationError):
        services.item_request_closure(item=item, actor=cast.head_a, evidence="长期坚持")
    item.refresh_from_db()
    assert item.status == S.IN_PROGRESS
    # Long-term items are never overdue.
    item.deadline = datetime.date(2020, 1, 1)
    item.save(update_fields=["deadline"])
    assert not RectificationItem.objects.overdue().filter(pk=item.pk).exists()


def test_extension_request_approve_keeps_the_old_deadline(cast, make_item):
    item = make_item(S.IN_PROGRESS)
    old = item.deadline
    request = services.extension_request(
        item=item,
        actor=cast.head_a,
        requested_deadline=old + datetime.timedelta(days=30),
        reason="需跨部门协调",
    )
    with pytest.raises(ValidationError):
        services.extension_request(
            item=item,
            actor=cast.head_a,
            requested_deadline=old + datetime.timedelta(days=40),
            reason="再次",
        )
    with pytest.raises(PermissionDenied):
        services.extension_approve(request=request, actor=cast.head_a)
    services.extension_approve(request=request, actor=cast.officer, note="同意")
    item.refresh_from_db()
    request.refresh_from_db()
    assert item.deadline == old + datetime.timedelta(days=30)
    assert request.old_deadline == old and request.status == ExtensionRequest.Status.APPROVED
    assert item.history.filter(deadline=old).exists()
    with pytest.raises(InvalidTransition):
        services.extension_refuse(request=request, actor=cast.officer, note="晚了")


def test_extension_refused_and_bad_requests(cast, make_item):
    item = make_item(S.ACCEPTED)
    with pytest.raises(ValidationError):
        services.extension_request(
            item=item, actor=cast.head_a, requested_deadline=item.deadline, reason="x"
        )
    with pytest.raises(ValidationError):
        services.extension_request(
            item=make_item(S.DRAFT),
            actor=cast.head_a,
            requested_deadline=item.deadline + datetime.timedelta(days=30),
            reason="x",
        )
    with pytest.raises(PermissionDenied):
        services.extension_request(
            item=item,
            actor=cast.head_b,
            requested_deadline=item.deadline + datetime.timedelta(days=30),
            reason="x",
        )
    request = services.extension_request(
        item=item,
        actor=cast.head_a,
        requested_deadline=item.deadline + datetime.timedelta(days=30),
        reason="x",
    )
    with pytest.raises(ValidationError):
        services.extension_refuse(request=request, actor=cast.officer, note="")
    services.extension_refuse(request=request, actor=cast.officer, note="理由不充分")
    item.refresh_from_db()
    assert item.deadline == request.old_deadline


def test_notifications_go_to_the_unit_head_after_commit(
    cast, make_item, django_capture_on_commit_callbacks
):
    item = make_item(S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.item_return(item=item, actor=cast.officer, reason="措施不具体")
    assert not Notification.objects.filter(recipient=cast.head_a, kind="returned").exists()
    for callback in callbacks:
        callback()
    notice = Notification.objects.get(recipient=cast.head_a, kind="returned")
    assert "退回" in notice.title and notice.url.endswith(f"/items/{item.pk}/")


# --- Scoping ---------------------------------------------------------------------------


def test_sibling_heads_never_see_each_others_items(cast, make_item):
    mine = make_item(S.SUBMITTED)
    theirs = make_item(S.SUBMITTED, unit=cast.dept_b, actor=cast.head_b)
    assert set(selectors.items_visible_to(user=cast.head_a)) == {mine}
    assert set(selectors.items_visible_to(user=cast.head_b)) == {theirs}
    assert set(selectors.items_visible_to(user=cast.officer)) == {mine, theirs}
    assert set(selectors.items_visible_to(user=cast.leader)) == {mine, theirs}
    assert set(selectors.items_visible_to(user=cast.in_charge)) == {mine}
    assert not selectors.items_visible_to(user=cast.outsider).exists()
    assert not selectors.items_visible_to(user=cast.evaluator).exists()


def test_individual_items_only_for_the_units_head_and_inspection_staff(cast, make_item):
    personal = make_item(S.SUBMITTED, level=RectificationItem.Level.INDIVIDUAL)
    team = make_item(S.SUBMITTED, level=RectificationItem.Level.LEADERSHIP)
    clerk = UserFactory(username="clerk_a")
    assign_perm("units.view_unit", clerk, cast.dept_a)
    assert personal in selectors.items_visible_to(user=cast.head_a)
    assert personal in selectors.items_visible_to(user=cast.officer)
    for reader in (cast.leader, cast.in_charge, clerk, cast.head_b):
        visible = set(selectors.items_visible_to(user=reader))
        assert personal not in visible
    assert team in selectors.items_visible_to(user=cast.in_charge)
    assert team in selectors.items_visible_to(user=clerk)
