"""The pages of an identity request: ask on the case page, decide on the custodian's page and
workspace, see (and be logged) until the approval expires. Allowed user, outsider 404,
read-only 403, wrong method, query counts."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from complaints import identity, services
from complaints.models import IdentityRequest, IdentityReveal
from tests.complaints.conftest import NAME
from tests.otp import verify_session

pytestmark = pytest.mark.django_db
S = IdentityRequest.Status


def detail(pk):
    return reverse("complaints:detail", args=[pk])


def ask_url(pk):
    return reverse("complaints:act", args=[pk, "identity_request"])


def act(request, action):
    return reverse("complaints:identity_request_act", args=[request.pk, action])


REQUESTS = reverse("complaints:identity_requests")


def own_client(user) -> Client:
    """A client of one's own (client_for shares one client: the last login wins)."""
    client = Client()
    client.force_login(user)
    verify_session(client, user)
    return client


def text(response) -> str:
    return response.content.decode()


def test_officer_asks_with_a_reason_and_waits(client_for, cast, make_complaint):
    complaint = make_complaint("assigned")
    client = client_for(cast.officer)
    page = text(client.get(detail(complaint.pk)))
    assert 'data-testid="identity-box"' in page and 'data-testid="identity-request"' in page
    assert NAME not in page and 'data-testid="reveal"' not in page

    empty = client.post(ask_url(complaint.pk), {"reason": "  "})
    assert empty.status_code == 400
    assert escape(_("State why you need to see the complainant's identity.")) in text(empty)
    assert not IdentityRequest.objects.exists()

    sent = client.post(ask_url(complaint.pk), {"reason": "回访需联系投诉人"})
    assert sent.status_code == 302 and sent["Location"] == detail(complaint.pk)
    request = IdentityRequest.objects.get()
    assert (request.requested_by, request.reason, request.status) == (
        cast.officer,
        "回访需联系投诉人",
        S.PENDING,
    )
    waiting = text(client.get(detail(complaint.pk)))
    assert 'data-testid="identity-request-state"' in waiting
    assert 'data-testid="identity-withdraw"' in waiting
    assert 'data-testid="identity-request"' not in waiting and 'data-testid="reveal"' not in waiting
    # Asking twice is refused with a message, not a second request.
    again = client.post(ask_url(complaint.pk), {"reason": "再次申请"})
    assert again.status_code == 400
    assert escape(_("Your request on this case is already waiting for approval.")) in text(again)
    # Not yet approved: the reveal is refused and nothing is logged or shown.
    refused = client.post(reverse("complaints:reveal", args=[complaint.pk]))
    assert refused.status_code == 403 and NAME not in text(refused)
    assert not IdentityReveal.objects.exists()


def test_custodian_approves_and_the_asker_sees_it_once_logged(
    client_for, cast, make_complaint, django_assert_max_num_queries
):
    complaint = make_complaint("assigned")
    request = services.identity_request_create(
        complaint=complaint, actor=cast.officer, reason="回访需联系投诉人"
    )
    # The asker sees their request on the page, without any approve button.
    officer = own_client(cast.officer)
    mine = officer.get(REQUESTS)
    assert mine.status_code == 200
    assert complaint.number in text(mine) and 'data-testid="approve"' not in text(mine)
    # …and approving it themselves is refused, with the reason.
    self_approval = officer.post(act(request, "approve"), {"comment": ""})
    assert self_approval.status_code == 403
    assert escape(
        _("You cannot approve your own request: another identity custodian must decide on it.")
    ) in text(self_approval)
    assert IdentityRequest.objects.get().status == S.PENDING

    custodian = own_client(cast.custodian)
    with django_assert_max_num_queries(14):
        page = custodian.get(REQUESTS)
    assert page.status_code == 200
    body = text(page)
    assert f'data-testid="identity-request-{request.pk}"' in body
    assert 'data-testid="approve"' in body and "回访需联系投诉人" in body and "王纪检" in body
    assert NAME not in body
    # Refusing needs a reason: 400, nothing decided.
    bare = custodian.post(act(request, "refuse"), {"comment": ""})
    assert bare.status_code == 400
    assert escape(_("Say why the request is not approved.")) in text(bare)
    assert IdentityRequest.objects.get().status == S.PENDING

    approved = custodian.post(act(request, "approve"), {"comment": "同意，限回访使用"})
    assert approved.status_code == 302 and approved["Location"] == REQUESTS
    request.refresh_from_db()
    assert request.status == S.APPROVED and request.decided_by == cast.custodian
    assert request.expires_at > timezone.now()
    # Decided once: a second decision is refused as a move that cannot be made.
    assert custodian.post(act(request, "refuse"), {"comment": "再议"}).status_code == 400

    case = text(officer.get(detail(complaint.pk)))
    assert 'data-testid="reveal"' in case and NAME not in case
    for _view in range(2):
        shown = officer.post(reverse("complaints:reveal", args=[complaint.pk]))
        assert shown.status_code == 200 and NAME in text(shown)
        assert shown["Cache-Control"] == "no-store"
    assert (
        list(IdentityReveal.objects.values_list("user", "request"))
        == [(cast.officer.pk, request.pk)] * 2
    )
    # The custodian approved; they do not see it themselves.
    assert custodian.post(reverse("complaints:reveal", args=[complaint.pk])).status_code == 403


def test_custodian_is_never_offered_their_own_request(client_for, cast, make_complaint):
    complaint = make_complaint("assigned")
    client = client_for(cast.custodian)
    assert client.post(ask_url(complaint.pk), {"reason": "复核线索"}).status_code == 302
    request = IdentityRequest.objects.get()
    page = text(client.get(REQUESTS))
    assert complaint.number in page and 'data-testid="approve"' not in page
    assert f'data-testid="identity-request-{request.pk}"' not in page
    refused = client.post(act(request, "approve"), {"comment": ""})
    assert refused.status_code == 403
    assert escape(
        _("You cannot approve your own request: another identity custodian must decide on it.")
    ) in text(refused)
    assert IdentityRequest.objects.get().status == S.PENDING
    # Their workspace does not list it as waiting for them.
    workspace = text(client.get(reverse("units:workspace")))
    assert 'data-testid="identity-requests-panel"' in workspace
    assert complaint.number not in workspace


def test_after_expiry_the_page_says_so_and_offers_a_new_request(client_for, cast, make_complaint):
    complaint = make_complaint("assigned")
    request = services.identity_request_decide(
        request=services.identity_request_create(
            complaint=complaint, actor=cast.officer, reason="回访"
        ),
        actor=cast.custodian,
        approve=True,
    )
    IdentityRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    client = client_for(cast.officer)
    page = text(client.get(detail(complaint.pk)))
    assert _("Expired") in page
    assert 'data-testid="reveal"' not in page and 'data-testid="identity-request"' in page
    refused = client.post(reverse("complaints:reveal", args=[complaint.pk]))
    assert refused.status_code == 403 and NAME not in text(refused)
    assert client.post(ask_url(complaint.pk), {"reason": "再次回访"}).status_code == 302
    assert IdentityRequest.objects.filter(status=S.PENDING).count() == 1


def test_withdraw_from_the_case_page(client_for, cast, make_complaint):
    complaint = make_complaint("assigned")
    request = services.identity_request_create(
        complaint=complaint, actor=cast.officer, reason="回访"
    )
    assert client_for(cast.custodian).post(act(request, "withdraw")).status_code == 403
    response = client_for(cast.officer).post(act(request, "withdraw"))
    assert response.status_code == 302 and response["Location"] == detail(complaint.pk)
    request.refresh_from_db()
    assert request.status == S.WITHDRAWN


def test_anonymous_complaint_has_no_identity_box(client_for, cast, make_complaint):
    complaint = make_complaint("assigned", identity=identity.Identity(ip="198.51.100.7"))
    client = client_for(cast.officer)
    page = text(client.get(detail(complaint.pk)))
    assert 'data-testid="identity-box"' not in page and 'data-testid="reveal"' not in page
    assert client.post(ask_url(complaint.pk), {"reason": "核实"}).status_code == 403
    assert client.post(reverse("complaints:reveal", args=[complaint.pk])).status_code == 403
    assert not IdentityRequest.objects.exists() and not IdentityReveal.objects.exists()


def test_units_and_readers_never_get_the_identity_box(client_for, cast, make_complaint):
    complaint = make_complaint("assigned")
    for user in (cast.head_a, cast.in_charge, cast.leader):
        client = client_for(user)
        assert 'data-testid="identity-box"' not in text(client.get(detail(complaint.pk)))
        assert client.post(ask_url(complaint.pk), {"reason": "核实"}).status_code == 403
    assert not IdentityRequest.objects.exists()


def test_request_pages_refuse_others_and_wrong_methods(client, client_for, cast, make_complaint):
    complaint = make_complaint("assigned")
    request = services.identity_request_create(
        complaint=complaint, actor=cast.officer, reason="回访"
    )
    for user in (cast.head_a, cast.leader, cast.in_charge, cast.evaluator, cast.outsider):
        other = client_for(user)
        assert other.get(REQUESTS).status_code == 403
        # Someone else's request does not exist for them.
        assert other.post(act(request, "approve"), {"comment": ""}).status_code == 404
    officer = client_for(cast.officer)
    assert officer.get(act(request, "approve")).status_code == 405
    assert officer.post(REQUESTS).status_code == 405
    assert officer.post(act(request, "nonsense")).status_code == 404
    client.logout()
    assert client.get(REQUESTS).status_code == 302
    assert IdentityRequest.objects.get().status == S.PENDING


def test_custodian_workspace_lists_pending_requests(
    client_for, cast, make_complaint, django_assert_max_num_queries
):
    client = client_for(cast.custodian)
    empty = text(client.get(reverse("units:workspace")))
    assert 'data-testid="identity-requests-panel"' in empty
    complaints = [make_complaint("assigned", title=f"窗口推诿{n}") for n in range(7)]
    for complaint in complaints:
        services.identity_request_create(complaint=complaint, actor=cast.officer, reason="回访")
    client.get(reverse("units:workspace"))  # warm the per-day caches
    with django_assert_max_num_queries(30):
        workspace = text(client.get(reverse("units:workspace")))
    assert 'data-testid="identity-requests-panel"' in workspace
    assert complaints[0].number in workspace  # the oldest first
    assert ">7<" in workspace.replace(" ", "")  # the count, not just the five shown
    # An officer who is no custodian has no such panel.
    officer = text(client_for(cast.officer).get(reverse("units:workspace")))
    assert 'data-testid="identity-requests-panel"' not in officer


def test_reveal_log_shows_asker_approver_times_expiry_and_views(
    client_for, cast, make_complaint, django_assert_max_num_queries
):
    complaints = [make_complaint("assigned", title=f"窗口推诿{n}") for n in range(4)]
    for complaint in complaints:
        request = services.identity_request_decide(
            request=services.identity_request_create(
                complaint=complaint, actor=cast.officer, reason=f"回访{complaint.pk}"
            ),
            actor=cast.custodian,
            approve=True,
            comment="同意",
        )
        services.complaint_identity_reveal(complaint=complaint, actor=cast.officer)
    client = client_for(cast.officer)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("complaints:reveal_log"))
    page = text(response)
    assert (
        'data-testid="identity-requests-log"' in page and 'data-testid="identity-views-log"' in page
    )
    for complaint in complaints:
        assert complaint.number in page and f"回访{complaint.pk}" in page
    assert "郑保管" in page and "王纪检" in page  # approver, asker
    local = timezone.localtime(request.expires_at).strftime("%Y-%m-%d %H:%M")
    assert local in page
    assert client_for(cast.custodian).get(reverse("complaints:reveal_log")).status_code == 200
    assert client_for(cast.leader).get(reverse("complaints:reveal_log")).status_code == 403
    assert NAME not in page


def test_admin_shows_requests_with_their_views(client_for, cast, make_complaint):
    complaint = make_complaint("assigned")
    request = services.identity_request_decide(
        request=services.identity_request_create(
            complaint=complaint, actor=cast.officer, reason="回访"
        ),
        actor=cast.custodian,
        approve=True,
    )
    services.complaint_identity_reveal(complaint=complaint, actor=cast.officer)
    client = client_for(cast.officer)
    listing = client.get(reverse("admin:complaints_identityrequest_changelist"))
    assert listing.status_code == 200 and complaint.number in text(listing)
    change = client.get(reverse("admin:complaints_identityrequest_change", args=[request.pk]))
    assert change.status_code == 200 and "郑保管" in text(change)
    views = client.get(reverse("admin:complaints_identityreveal_changelist"))
    assert views.status_code == 200 and "郑保管" in text(views)
    assert NAME not in text(change) + text(views)
    # Read-only: no one adds or changes a request in the admin.
    assert client.get(reverse("admin:complaints_identityrequest_add")).status_code == 403
