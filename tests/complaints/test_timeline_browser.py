"""The public status page as a citizen sees it, on a phone and a desktop: the stages, a paused
clock, the timeline, a merged case, the copy and print buttons; the case page's pause panel."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints import services
from complaints.models import ComplaintPause
from tests.complaints.conftest import complaint_drive
from tests.otp import browser_login
from units.workdays import add_working_days

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def _track(page, live_server, code: str) -> None:
    page.goto(live_server.url + reverse("complaints:public_track"))
    page.locator("input[name=code]").fill(code)
    page.locator("form.zf-form button[type=submit]").click()
    page.get_by_test_id("public-stages").wait_for()


def test_public_timeline_on_phone_and_desktop(
    seed_data, live_server, cast, page, output_dir, category, settings
):
    settings.RATELIMIT_ENABLE = False
    # A case waiting on the complainant's material (the clock paused).
    paused = complaint_drive(cast, category, "assigned", title="窗口办事推诿扯皮")
    services.complaint_pause(
        complaint=paused,
        actor=cast.head_a,
        reason=ComplaintPause.Reason.MATERIAL,
        detail="内部：待补充营业执照复印件",
    )
    # A case with a pause, an extension and the reviewed reply, waiting for the rating.
    done = complaint_drive(cast, category, "assigned", title="办证拖延")
    code = done.tracking_code
    services.complaint_pause(
        complaint=done, actor=cast.head_a, reason=ComplaintPause.Reason.VISIT, detail="内部"
    )
    services.complaint_resume(complaint=done, actor=cast.head_a)
    done.refresh_from_db()
    request = services.extension_request_create(
        complaint=done,
        actor=cast.head_a,
        new_deadline=add_working_days(done.deadline, 5),
        reason="内部延期理由",
    )
    services.extension_request_decide(request=request, actor=cast.officer, approve=True)
    done = services.complaint_answer(
        complaint=done,
        actor=cast.head_a,
        facts="内部事实",
        verdict="partly",
        measures="内部措施",
        public_reply="经核查，情况部分属实，已责令整改，推行一次性告知制度。",
    )
    done = services.complaint_review(complaint=done, actor=cast.officer, approve=True)
    # A duplicate merged into it: its own code shows the combined case's progress.
    duplicate = complaint_drive(cast, category, "registered", title="同一窗口推诿")
    services.complaint_merge(complaint=duplicate, into=done, actor=cast.officer)

    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        _track(page, live_server, paused.tracking_code_display.lower())
        page.get_by_test_id("public-paused").wait_for()
        assert "待补充营业执照复印件" not in page.content()
        assert page.locator("[data-stage=handle][data-state=current]").count() == 1
        page.screenshot(path=str(output_dir / f"01-paused-{size}.png"), full_page=True)

        _track(page, live_server, code)
        assert page.get_by_test_id("public-reply").is_visible()
        assert page.locator("[data-state=done]").count() == 4
        timeline = page.get_by_test_id("public-timeline").inner_text()
        assert "内部" not in timeline
        assert page.locator(".zf-timeline li.is-pause").count() == 2
        assert page.locator(".zf-timeline li.is-extension").count() == 1
        # The steps fit the screen: no sideways scrolling on a phone.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], (size, width)
        page.screenshot(path=str(output_dir / f"02-reply-{size}.png"), full_page=True)

        page.get_by_test_id("copy-code").click()
        status = page.locator("[data-copy-status]").first
        page.wait_for_function(
            "el => el.textContent.trim().length > 0", arg=status.element_handle()
        )
        # Printed: the code and the progress, not the navigation, the buttons or the form.
        page.emulate_media(media="print")
        assert page.locator("[data-code-shown]").is_visible()
        assert not page.get_by_test_id("copy-code").is_visible()
        assert not page.locator("form[action$='/track/rate/']").is_visible()
        page.screenshot(path=str(output_dir / f"03-print-{size}.png"), full_page=True)
        page.emulate_media(media="screen")

        _track(page, live_server, duplicate.tracking_code)
        page.get_by_test_id("merged-note").wait_for()
        assert done.number in page.get_by_test_id("merged-note").inner_text()
        assert "办证拖延" not in page.content()  # the lead case's subject stays its own
        assert page.get_by_test_id("public-reply").is_visible()
        page.screenshot(path=str(output_dir / f"04-merged-{size}.png"), full_page=True)

    # The unit's case page: the pause panel, with the detail for the case file.
    page.set_viewport_size(SIZES["desktop"])
    browser_login(page, live_server.url, "head_a")
    page.goto(live_server.url + reverse("complaints:detail", args=[paused.pk]))
    panel = page.get_by_test_id("pause-panel")
    assert "待补充营业执照复印件" in panel.inner_text()
    page.get_by_test_id("resume").click()
    page.get_by_test_id("pause").wait_for()
    panel.screenshot(path=str(output_dir / "05-case-page-pause-panel.png"))
