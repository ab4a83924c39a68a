"""A long export reports its steps, and a failing one says why and leaves the page working."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def export_page():
    import streamlit as st

    from kzatlas.ui import downloads

    def broken(_results):
        raise OSError("disk full at /srv/secret/path")

    fail = st.session_state.get("fail", False)
    steps = [("Step one", lambda _r: b"first"), ("Step two", broken if fail else (lambda r: r[0] + b"+second"))]
    downloads.prepared_download("test", "thing", lambda text: text, steps, [("Download it", "thing.bin", "text/plain")])
    st.write("still here")


def test_a_successful_export_offers_its_file():
    at = AppTest.from_function(export_page, default_timeout=30).run()
    at.button(key="test.thing.prepare").click().run()
    assert not at.exception and not at.error
    assert [b.label for b in at.get("download_button")] == ["Download it"]
    shown = " ".join(m.value for m in at.markdown)
    assert "Step one" in shown and "Step two" in shown


def test_a_failing_export_says_so_without_server_details_and_the_page_goes_on():
    at = AppTest.from_function(export_page, default_timeout=30)
    at.session_state["fail"] = True
    at.run()
    at.button(key="test.thing.prepare").click().run()
    assert not at.exception
    [error] = at.error
    assert "could not be made" in error.value and "OSError" in error.value
    assert "/srv/secret" not in error.value  # no server detail reaches the page
    assert at.get("download_button") == []
    assert any("still here" in m.value for m in at.markdown)
