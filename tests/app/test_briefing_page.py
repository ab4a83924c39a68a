"""Briefing packs under AppTest: choose a scope, prepare, and get both files."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from kzatlas.config import PUBLIC_URL_ENV, ROOT_DIR

TIMEOUT = 120
PAGE = str(ROOT_DIR / "views" / "briefing.py")


def captions(at: AppTest) -> list[str]:
    """Captions as the reader sees them (links are sent Markdown-escaped)."""
    return [re.sub(r"\\(.)", r"\1", c.value).replace("\u2060", "") for c in at.caption]


PUBLIC = "https://atlas.example.org/kz"


def test_country_pack_is_prepared_with_progress_and_both_downloads(monkeypatch):
    monkeypatch.setenv(PUBLIC_URL_ENV, PUBLIC + "/")
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.subheader[0].value == "Kazakhstan"
    assert any(f"links back to: {PUBLIC}/" in c and c.rstrip().endswith("/") for c in captions(at))
    prepare = next(b for b in at.button if b.label == "Prepare")
    prepare.click().run()
    assert not at.exception and not at.error
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download the PDF", "Download the slides (PPTX)"]
    # Each step was reported as it ran.
    shown = " ".join(m.value for m in at.markdown)
    for step in ("Drawing the map", "Writing the PDF", "Writing the slides"):
        assert step in shown


def test_region_and_feature_scopes_change_the_subject_and_link(monkeypatch):
    monkeypatch.setenv(PUBLIC_URL_ENV, PUBLIC)
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT).run()
    at.radio(key="briefing.scope").set_value("region").run()
    at.selectbox(key="briefing.region").set_value("KZ-39").run()
    assert at.subheader[0].value == "Kostanay Region"
    assert any(f"{PUBLIC}/region_profile?region=KZ-39" in c for c in captions(at))
    at.radio(key="briefing.scope").set_value("area").run()
    at.selectbox(key="briefing.feature.area").set_value("pa-naurzum").run()
    assert at.subheader[0].value == "Naurzum State Nature Reserve"
    assert any(f"{PUBLIC}/?sel=pa-naurzum" in c for c in captions(at))


def test_without_a_public_address_the_page_and_the_pack_say_there_is_no_link(monkeypatch):
    monkeypatch.delenv(PUBLIC_URL_ENV, raising=False)
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT).run()
    assert not at.exception
    shown = " ".join(captions(at))
    assert "no public address" in shown and "localhost" not in shown and "links back to" not in shown


def test_a_failed_pack_says_why_in_the_page_and_the_page_keeps_working(monkeypatch):
    from kzatlas import briefing

    def fail(*_args, **_kwargs):
        raise ValueError("exceeded 255 char limit for property, got: /srv/secret")

    monkeypatch.setattr(briefing, "pptx_bytes", fail)
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT).run()
    next(b for b in at.button if b.label == "Prepare").click().run()
    assert not at.exception
    # The reason is in the page itself, not inside the (collapsible) progress box.
    [error] = [child for child in at.main.children.values() if child.type == "error"]
    assert "could not be made" in error.value and "Writing the slides" in error.value
    assert "/srv/secret" not in error.value
    assert at.get("download_button") == []
    at.radio(key="briefing.scope").set_value("region").run()
    assert not at.exception and at.subheader[0].value != "Kazakhstan"
