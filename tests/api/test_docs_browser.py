"""The API's documentation pages render in a real browser under the site's CSP, from our own
static files (no request leaves the site)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_and_redoc_render(live_server, page, output_dir):
    # Requests that reached another site (Redoc's footer names a logo on its CDN: the
    # site's Content-Security-Policy stops it, so it never finishes).
    foreign: list[str] = []
    page.on(
        "requestfinished",
        lambda request: (
            foreign.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:")
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("作风建设管理平台 API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    page.screenshot(path=str(output_dir / "swagger.png"), full_page=True)
    page.goto(f"{live_server.url}/api/redoc/")
    expect(page.get_by_role("heading", name="作风建设管理平台 API").first).to_be_visible()
    page.screenshot(path=str(output_dir / "redoc.png"))
    assert foreign == []
