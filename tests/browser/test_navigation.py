"""Page links work as the first request to a fresh server (a shared link opened cold)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_deep_link_to_a_page_on_a_fresh_server_uses_the_router(start_server, page):
    url = start_server()  # a new server that has not run the router yet
    page.goto(f"{url}/about_data")
    expect(page.locator("h1").first).to_have_text("About the data", timeout=30_000)
    nav = page.get_by_test_id("stSidebarNav")
    # The router's page titles, not file names: the page ran inside app.py's navigation.
    expect(nav).to_contain_text("Map explorer")
    expect(nav).to_contain_text("About the data")
    expect(nav).not_to_contain_text("about data")
    nav.get_by_text("Map explorer").click()
    expect(page.locator("h1").first).to_have_text("Map explorer", timeout=30_000)
    assert page.url.rstrip("/") == url.rstrip("/")
