"""Editing under AppTest: who sees the editing page, signing in, importing, refusals and undo."""

from __future__ import annotations

import datetime
import json
import os
from functools import lru_cache

import pytest
import streamlit as st
from pagetest import ROUTER, TIMEOUT, metric, page_path, run_page, shown
from shapely.geometry import Point
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from kzatlas import store
from kzatlas.edit import accounts

EDIT_PAGE = "edit_data"
PASSWORD = "a long test password 42"
EDITORS_TITLE = "Add and edit data"


@lru_cache(maxsize=1)
def password_hash() -> str:
    return accounts.hash_password(PASSWORD)


def editor_secrets() -> dict:
    return {"editors": {"tester": {"name": "Test Editor", "password_hash": password_hash()}}}


@pytest.fixture()
def store_url(tmp_path, monkeypatch) -> str:
    """A fresh store for each test (the cached store is keyed by its address)."""
    url = f"sqlite:///{tmp_path / 'edits.sqlite'}"
    monkeypatch.setenv("KZATLAS_STORE_URL", url)
    return url


def store_version(url: str) -> int:
    with store.open_store(url) as opened:
        return opened.version()


def app(page: str | None = EDIT_PAGE, secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(page_path(page) if page else ROUTER, default_timeout=TIMEOUT)
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    return at


def sign_in(at: AppTest, username: str = "tester", password: str = PASSWORD) -> AppTest:
    at.run()
    at.text_input(key="auth.username").input(username)
    at.text_input(key="auth.password").input(password)
    next(button for button in at.button if button.label == "Sign in").click().run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest, kind: str) -> list[str]:
    return [shown(element.value) for element in getattr(at, kind)]


def undp_sites_geojson(names=("Shelter belt nursery, Kostanay", "Saxaul planting, Kyzylorda")) -> bytes:
    points = [(63.62, 53.21), (65.51, 44.85)]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": list(point)},
            "properties": {"name": name, "kind": "UNDP site", "year": 2024, "partners": "Forestry Committee"},
        }
        for name, point in zip(names, points, strict=True)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, at.exception
    return at


def fill_provenance_and_comment(at: AppTest) -> None:
    at.text_input(key=next(k for k in keys(at) if k.endswith(".source_url"))).input("https://www.undp.org/kazakhstan")
    at.date_input(key=next(k for k in keys(at) if k.endswith(".source_date"))).set_value(datetime.date(2025, 5, 1))
    at.text_input(key=f"{EDIT_PAGE}.comment").input("Sites from the 2024 annual report")
    at.run()
    assert not at.exception, at.exception


def keys(at: AppTest) -> list[str]:
    return [widget.key for widget in [*at.text_input, *at.date_input] if widget.key]


def save_button(at: AppTest):
    return next(button for button in at.button if button.label == "Save to the atlas")


# ---------------------------------------------------------------- viewers


def test_without_editors_configured_the_atlas_is_view_only_with_no_sign_in(store_url):
    at = app(None).run()  # through the router; the browser test checks the menu itself
    assert not at.exception
    assert not any("Sign in" in b.label for b in at.button)
    assert not any(t.key and t.key.startswith("auth.") for t in at.text_input) and not at.file_uploader


def test_without_editors_the_page_opened_directly_says_editing_is_not_set_up(store_url):
    at = app().run()
    assert not at.exception
    infos = texts(at, "info")
    assert any("Editing is not set up on this server" in text for text in infos), infos
    assert not any("sign in from the sidebar" in text for text in infos)
    assert not at.file_uploader


def test_viewer_opening_the_page_directly_is_asked_to_sign_in(store_url):
    at = app(secrets=editor_secrets()).run()
    assert not at.exception
    assert any("Sign in as an editor to change data" in text for text in texts(at, "info"))
    assert not at.file_uploader
    assert not any(b.label == "Save to the atlas" for b in at.button)


def test_wrong_password_fails_with_a_message_and_the_right_one_signs_in(store_url):
    at = sign_in(app(secrets=editor_secrets()), password="not the password")
    assert any("username or password is not right" in text for text in texts(at, "error"))
    assert not at.file_uploader
    at = sign_in(at)
    assert any("Signed in as editor: Test Editor (tester)" in text for text in texts(at, "caption"))
    assert len(at.file_uploader) == 1


def test_an_unknown_username_gets_the_same_message(store_url):
    at = sign_in(app(secrets=editor_secrets()), username="nobody")
    assert any("username or password is not right" in text for text in texts(at, "error"))


# ---------------------------------------------------------------- importing


def test_importing_two_undp_sites_saves_a_version_the_map_shows(store_url):
    explorer = AppTest.from_file(page_path("map_explorer"), default_timeout=TIMEOUT).run()
    before = int(metric(explorer, "Matching features"))

    at = sign_in(app(secrets=editor_secrets()))
    upload(at, "sites.geojson", undp_sites_geojson())
    assert metric(at, "New features") == "2"
    assert save_button(at).disabled  # no source, date or comment yet
    fill_provenance_and_comment(at)
    assert not save_button(at).disabled
    save_button(at).click().run()
    assert not at.exception, at.exception
    assert any("Saved as version 1 from sites.geojson; features written: 2." in text for text in texts(at, "success"))
    assert store_version(store_url) == 1

    explorer = AppTest.from_file(page_path("map_explorer"), default_timeout=TIMEOUT).run()
    assert int(metric(explorer, "Matching features")) == before + 2
    explorer.text_input(key="map_explorer.query").input("Saxaul planting").run()
    assert metric(explorer, "Matching features") == "1"

    with store.open_store(store_url) as opened:
        added = opened.history()[0].feature_ids
    details = AppTest.from_file(page_path("map_explorer"), default_timeout=TIMEOUT)
    details.query_params["sel"] = added[0]
    details.run()
    facts = details.dataframe[0].value
    assert dict(zip(facts.iloc[:, 0], facts.iloc[:, 1]))["Origin"] == "Added by an editor"


def test_a_refused_file_says_why_and_saves_nothing(store_url):
    at = sign_in(app(secrets=editor_secrets()))
    upload(at, "broken.geojson", b'{"type": "FeatureCollection", "features": [')
    errors = texts(at, "error")
    assert any("This file cannot be imported:" in text and "Nothing was saved" in text for text in errors), errors
    assert not any(b.label == "Save to the atlas" for b in at.button)
    assert store_version(store_url) == 0


def test_history_lists_the_change_and_an_editor_can_undo_it(store_url):
    at = sign_in(app(secrets=editor_secrets()))
    upload(at, "sites.geojson", undp_sites_geojson())
    fill_provenance_and_comment(at)
    save_button(at).click().run()
    assert store_version(store_url) == 1

    viewer = app("about_data").run()
    assert "Changes to the data" in [shown(h.value) for h in viewer.subheader]
    history = next(frame.value for frame in viewer.dataframe if "Version" in frame.value.columns)
    assert list(history["Who"]) == ["Test Editor (tester)"] and list(history["File"]) == ["sites.geojson"]
    assert not any(b.label == "Undo this change" for b in viewer.button)

    about = sign_in(app("about_data", secrets=editor_secrets()))
    about.text_input(key="about_data.undo_comment").input("Imported by mistake")
    about.run()
    next(b for b in about.button if b.label == "Undo this change").click().run()
    assert not about.exception, about.exception
    assert any("Version 1 was undone as version 2" in text for text in texts(about, "success"))
    assert store_version(store_url) == 2
    history = next(frame.value for frame in about.dataframe if "Version" in frame.value.columns)
    assert list(history["Undo"]) == ["undoes version 1", "undone by version 2"]


def test_an_editor_taken_out_of_the_secrets_file_cannot_save_even_before_the_file_is_reread(store_url, tmp_path):
    secrets_file = tmp_path / "secrets.toml"
    account = f'[editors.tester]\nname = "Test Editor"\npassword_hash = "{password_hash()}"\n'
    secrets_file.write_text(account, encoding="utf-8")
    saved_option = st_config.get_option("secrets.files")
    st_config.set_option("secrets.files", [str(secrets_file)])
    try:
        st.secrets._reset()
        at = sign_in(app())
        upload(at, "sites.geojson", undp_sites_geojson())
        fill_provenance_and_comment(at)
        assert not save_button(at).disabled
        # The operator takes the editor out; Streamlit has not noticed yet (same modification time).
        before = secrets_file.stat()
        secrets_file.write_text('[editors]\nemails = ["someone@undp.org"]\n', encoding="utf-8")
        os.utime(secrets_file, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert "tester" in st.secrets["editors"]  # what Streamlit still holds
        save_button(at).click().run()
        assert store_version(store_url) == 0
        assert not any("Saved as version" in text for text in texts(at, "success"))
    finally:
        st_config.set_option("secrets.files", saved_option)
        st.secrets._reset()


def test_two_stores_at_the_same_version_each_show_their_own_edits(tmp_path, monkeypatch):
    """The results a page keeps are keyed by the store read on that rerun, not only by its version."""
    shown_names = {}
    for key, name, point in (("alpha", "Alpha nursery", Point(71.4, 51.1)), ("beta", "Beta nursery", Point(76.9, 43.2))):
        url = f"sqlite:///{tmp_path / f'{key}.sqlite'}"
        with store.open_store(url) as opened:
            opened.apply(
                [{"id": f"site-{key}", "kind": "undp_site", "name_en": name, "geometry": point}],
                who="editor@example.org",
                comment="one site",
                action="draw",
            )
            assert opened.version() == 1
        monkeypatch.setenv("KZATLAS_STORE_URL", url)
        at = run_page("map_explorer")
        table = at.dataframe[0].value
        shown_names[name] = set(table[table.columns[0]])
    assert "Alpha nursery" in shown_names["Alpha nursery"] and "Beta nursery" not in shown_names["Alpha nursery"]
    assert "Beta nursery" in shown_names["Beta nursery"] and "Alpha nursery" not in shown_names["Beta nursery"]
