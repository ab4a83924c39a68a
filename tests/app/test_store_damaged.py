"""A damaged store file gets the unreachable store's notice on every page, and nothing is written.

The file is a real store of a few hundred features with 64 KiB in its middle overwritten
(built and damaged by ``tests/damagedstore.py``, as in the store and command-line tests).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from damagedstore import build_store, damage, sha256
from localnet import free_port
from pagetest import TIMEOUT, metric, page_path, run_page, shown
from streamlit.testing.v1 import AppTest

from kzatlas.edit import accounts
from kzatlas.i18n import translator
from kzatlas.store.health import DAMAGED_MESSAGE

LAST_LOADED = "The data store is unreachable, showing the last loaded catalogue read-only"
SHIPPED_READ_ONLY = "The data store is unreachable, so the shipped catalogue is shown read-only"
PASSWORD = "a long test password 42"








def banners(at: AppTest) -> list[str]:
    return [shown(item.value) for item in at.warning if "unreachable" in shown(item.value)]


def signed_in_edit_page() -> AppTest:
    """The editing page after an editor tried to sign in."""
    at = AppTest.from_file(page_path("edit_data"), default_timeout=TIMEOUT)
    at.secrets["editors"] = {"tester": {"name": "Test Editor", "password_hash": accounts.hash_password(PASSWORD)}}
    at.run()
    at.text_input(key="auth.username").input("tester")
    at.text_input(key="auth.password").input(PASSWORD)
    next(button for button in at.button if button.label == "Sign in").click().run()
    assert not at.exception, at.exception
    return at


def page_messages(at: AppTest) -> list[str]:
    """Errors and notes, without the reason the banner gives (it differs between the two stores)."""
    return [shown(item.value) for item in [*at.error, *at.info]]


@pytest.fixture()
def store_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "damaged.sqlite"
    build_store(path, "saved-area-")
    monkeypatch.setenv("KZATLAS_STORE_URL", f"sqlite:///{path}")
    return path


def test_a_store_damaged_before_the_server_opened_it_shows_the_unreachable_notice(store_file, monkeypatch):
    damage(store_file)
    before = sha256(store_file)
    at = run_page("map_explorer")
    found = banners(at)
    assert len(found) == 1 and found[0].startswith(SHIPPED_READ_ONLY), found
    assert found[0].endswith(DAMAGED_MESSAGE)

    about = run_page("about_data")
    assert banners(about) == found
    assert "The data store cannot be reached, so its history cannot be shown." in [shown(i.value) for i in about.info]

    # The editing page says what it says for a database that cannot be reached, and offers no upload.
    damaged_page = signed_in_edit_page()
    assert not damaged_page.file_uploader
    monkeypatch.setenv("KZATLAS_STORE_URL", f"postgresql://atlas@127.0.0.1:{free_port()}/kzatlas")
    unreachable_page = signed_in_edit_page()
    assert page_messages(damaged_page) == page_messages(unreachable_page) != []
    assert sha256(store_file) == before


def test_a_store_damaged_while_the_app_runs_keeps_the_last_catalogue_read_only(store_file):
    at = run_page("map_explorer")
    assert not banners(at)
    shown_before = metric(at, "Matching features")
    damage(store_file)
    before = sha256(store_file)
    at.run()
    assert not at.exception, at.exception
    found = banners(at)
    assert len(found) == 1 and found[0].startswith(LAST_LOADED) and found[0].endswith(DAMAGED_MESSAGE), found
    assert metric(at, "Matching features") == shown_before
    assert sha256(store_file) == before


def test_the_notice_names_the_damage_in_the_page_language(store_file):
    damage(store_file)
    at = run_page("map_explorer", lang="ru")
    russian = translator("ru")(DAMAGED_MESSAGE)
    assert russian != DAMAGED_MESSAGE
    assert [text for text in (shown(item.value) for item in at.warning) if text.endswith(russian)]
