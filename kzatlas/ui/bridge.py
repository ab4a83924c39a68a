"""A hidden helper on the page for what only the browser knows or can do.

* The map view: the map writes ``view=`` into the address as it moves without telling the app
  (so panning never reruns the page). Just before the reader presses a button or a key, the
  helper reports the address's view, and :func:`sync_view` makes it the app's ``view``; a scene
  or an offline kit made next keeps the view on screen.
* The scene list, kept in the browser's storage (``localStorage``) so it survives a reload.
* Scrolling a part of the page into view (the details panel after a click on the map).
* That the page's map has been drawn, once per visit (:func:`map_drawn`): a page with thousands
  of features sends what is below the map after the map is on screen.

The frontend is one small HTML file served by the app (no network).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from kzatlas import selection
from kzatlas.ui import state

FRONTEND_DIR = Path(__file__).resolve().parent / "bridge_frontend"
_bridge = components.declare_component("kz_bridge", path=str(FRONTEND_DIR))


def bridge_key(page: str) -> str:
    """The widget key of ``page``'s helper."""
    return f"{page}.bridge"


def reported(page: str) -> dict:
    """What the helper on ``page`` last reported (``view``, ``stored``), read before it is drawn."""
    value = st.session_state.get(bridge_key(page))
    return value if isinstance(value, dict) else {}


def map_drawn(page: str) -> bool:
    """Whether the helper on ``page`` has reported that the page's map was drawn in this session."""
    return reported(page).get("drawn") is True


def sync_view(page: str) -> None:
    """Make the view the browser reported the address's ``view`` (allowlisted; bad values are ignored)."""
    raw = reported(page).get("view")
    if not isinstance(raw, str):
        return
    view, notices = selection.parse_view({selection.PARAM_VIEW: raw})
    if view is not None and not notices:
        state.write_params({selection.PARAM_VIEW: raw}, (selection.PARAM_VIEW,))


def show_bridge(
    page: str,
    *,
    report_view: bool = False,
    storage_key: str | None = None,
    storage_read: bool = False,
    storage_report_empty: bool = False,
    storage_write: str | None = None,
    scroll_to: str | None = None,
    scroll_nonce: int | None = None,
    report_drawn: bool = False,
) -> None:
    """Draw ``page``'s helper (zero height); call once per page run, after the parts it scrolls to.

    With ``storage_read`` the helper reports the value kept under ``storage_key`` once, if
    there is one (``storage_report_empty``: also when there is none); ``storage_write`` is
    kept under the key once the page has taken what was there. With ``report_drawn`` it reports
    once that the page's map has been drawn (see :func:`map_drawn`).
    """
    _bridge(
        key=bridge_key(page),
        default=None,
        view_param=selection.PARAM_VIEW if report_view else None,
        known_view=st.query_params.get(selection.PARAM_VIEW),
        storage_key=storage_key,
        storage_read=storage_read,
        storage_report_empty=storage_report_empty,
        storage_write=storage_write,
        scroll_to=scroll_to,
        scroll_nonce=scroll_nonce,
        report_drawn=report_drawn,
    )
