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


def test_the_page_menu_follows_a_language_pick_at_once(base_url, page):
    page.goto(f"{base_url}/about_data")
    expect(page.locator("h1").first).to_have_text("About the data", timeout=30_000)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).to_contain_text("Map explorer")
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="Русский").click()
    # The pick's own rerun already titles the menu in Russian: no further click is needed.
    expect(page.locator("h1").first).to_have_text("О данных", timeout=30_000)
    expect(nav).to_contain_text("Интерактивная карта")
    expect(nav).not_to_contain_text("Map explorer")
