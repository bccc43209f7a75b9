"""In a real browser: officer A asks to see a complainant's identity, cannot approve it
themselves, custodian B approves from the workspace, A sees it, the time limit passes and A no
longer does; the access log shows the request, the approval and the view."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import permissions
from complaints.models import IdentityRequest, IdentityReveal
from tests.complaints.conftest import ID_NUMBER, NAME, PHONE
from tests.otp import browser_login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REASON = "投诉人对办理结果有异议，回访需当面核实情况"
# A request forged in the browser: the page offers the officer no approve button.
FORGE = """(args) => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = args.url;
  for (const [name, value] of Object.entries(args.data)) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}"""


def shot(page, output_dir, name: str) -> None:
    page.screenshot(path=str(output_dir / f"{name}.png"), full_page=True)


def test_identity_seen_only_on_a_second_officers_approval_and_only_in_time(
    live_server, cast, page, output_dir, make_complaint
):
    complaint = make_complaint("assigned")
    assert permissions.is_identity_custodian(cast.custodian)
    assert not permissions.is_identity_custodian(cast.officer)
    base = live_server.url
    case_url = base + complaint.get_absolute_url()

    # 1. Officer A (王纪检) asks, with a reason; the identity is not shown.
    browser_login(page, base, "officer")
    page.goto(case_url)
    box = page.get_by_test_id("identity-box")
    page.locator("#identity_request_reason").fill(REASON)
    box.scroll_into_view_if_needed()
    shot(page, output_dir, "01-officer-asks")
    page.get_by_test_id("identity-request").click()
    page.get_by_test_id("identity-request-state").wait_for()
    request = IdentityRequest.objects.get()
    assert (request.requested_by, request.reason, request.status) == (
        cast.officer,
        REASON,
        IdentityRequest.Status.PENDING,
    )
    assert NAME not in page.content() and page.get_by_test_id("reveal").count() == 0
    shot(page, output_dir, "02-officer-waits")

    # 2. A cannot approve: no approve button on the requests page, and a forged approval is
    # refused with the reason.
    page.goto(base + reverse("complaints:identity_requests"))
    page.get_by_test_id("identity-mine").wait_for()
    assert REASON in page.get_by_test_id("identity-mine").inner_text()
    assert page.get_by_test_id("approve").count() == 0
    shot(page, output_dir, "03-officer-own-requests-no-approve")
    token = page.locator("input[name=csrfmiddlewaretoken]").first
    if token.count() == 0:  # the requests page has no form for them: take one from the case
        page.goto(case_url)
    csrf = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    page.evaluate(
        FORGE,
        {
            "url": reverse("complaints:identity_request_act", args=[request.pk, "approve"]),
            "data": {"csrfmiddlewaretoken": csrf, "comment": "自己批准"},
        },
    )
    refusal = _(
        "You cannot approve your own request: another identity custodian must decide on it."
    )
    page.get_by_text(refusal).wait_for()
    shot(page, output_dir, "04-officer-self-approval-refused")
    request.refresh_from_db()
    assert request.status == IdentityRequest.Status.PENDING and request.decided_by is None

    # 3. Custodian B (郑保管) finds it on the workspace and approves it.
    browser_login(page, base, "custodian")
    panel = page.get_by_test_id("identity-requests-panel")
    assert complaint.number in panel.inner_text() and "王纪检" in panel.inner_text()
    shot(page, output_dir, "05-custodian-workspace")
    panel.get_by_role("link", name=complaint.number).click()
    page.wait_for_url("**" + reverse("complaints:identity_requests") + "*")
    card = page.get_by_test_id(f"identity-request-{request.pk}")
    assert REASON in card.inner_text() and NAME not in page.content()
    card.locator("textarea").fill("同意，仅限本次回访核实使用")
    shot(page, output_dir, "06-custodian-decides")
    card.get_by_test_id("approve").click()
    card.wait_for(state="detached")
    shot(page, output_dir, "07-custodian-approved")
    request.refresh_from_db()
    assert request.status == IdentityRequest.Status.APPROVED
    assert request.decided_by == cast.custodian and request.expires_at > timezone.now()
    # The custodian does not see the identity by approving.
    page.goto(case_url)
    assert NAME not in page.content() and page.get_by_test_id("reveal").count() == 0

    # 4. A sees it (each view logged).
    browser_login(page, base, "officer")
    page.goto(case_url)
    page.get_by_test_id("reveal").click()
    shown = page.get_by_test_id("identity")
    shown.wait_for()
    for value in (NAME, PHONE, ID_NUMBER):
        assert value in shown.inner_text()
    shot(page, output_dir, "08-officer-sees-identity")
    view = IdentityReveal.objects.get()
    assert (view.user, view.request, view.reason) == (cast.officer, request, REASON)

    # 5. The time limit passes: A no longer sees it, and may ask again.
    IdentityRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    page.goto(case_url)
    state = page.get_by_test_id("identity-request-state")
    assert _("Expired") in state.inner_text()
    assert page.get_by_test_id("reveal").count() == 0
    assert page.get_by_test_id("identity-request").is_visible()
    assert NAME not in page.content() and PHONE not in page.content()
    shot(page, output_dir, "09-officer-after-expiry")

    # 6. The access log shows the request, the approval and the view.
    page.goto(base + reverse("complaints:reveal_log"))
    requests_log = page.get_by_test_id("identity-requests-log").inner_text()
    for text in (
        complaint.number,
        "王纪检",
        REASON,
        "郑保管",
        "同意，仅限本次回访核实使用",
        _("Expired"),
    ):
        assert text in requests_log, text
    decided = timezone.localtime(request.decided_at).strftime("%Y-%m-%d %H:%M")
    assert decided in requests_log
    views_log = page.get_by_test_id("identity-views-log").inner_text()
    assert complaint.number in views_log and "王纪检" in views_log and "郑保管" in views_log
    assert NAME not in page.content()
    shot(page, output_dir, "10-access-log")
