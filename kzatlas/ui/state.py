"""Session-state keys, idempotent initialisation and URL <-> state.

Widget keys are ``"<page>.<name>"``; values other pages (or a later visit to the same page)
need are copied into the keys below, because Streamlit drops a widget's key when its page is
not shown. This module only stores values and mirrors them into the address: every query
parameter's name and its allowlist parser live in ``kzatlas.selection``, and what a parser
refuses becomes a notice shown on the page.
"""

from __future__ import annotations

import streamlit as st

from kzatlas import selection
from kzatlas.analysis import Filters
from kzatlas.config import DEFAULT_LANGUAGE, LANGUAGES
from kzatlas.selection import MapView, Notice

LANGUAGE = "language"
FILTERS = "filters"  # page -> Filters
SELECTED = "selected"  # page -> selected feature/region id
VIEWS = "views"  # page -> MapView read from a link
MAP_VALUES = "map_values"  # page -> last value st_folium returned (to spot new clicks)
FLIGHTS = "flights"  # page -> (request number, bounds): where the map moves once, animated
FLIGHT_COUNT = "flight_count"
SHOWN_REGIONS = "shown_regions"  # page -> the region filter the map was last fitted to
CLICK_COUNT = "click_count"  # page -> number of map clicks that picked a feature
NOTICES = "notices"


def init() -> None:
    """Give every shared key its default, once per session; safe to call on every page."""
    st.session_state.setdefault(LANGUAGE, DEFAULT_LANGUAGE)
    for key in (FILTERS, SELECTED, VIEWS, MAP_VALUES, FLIGHTS, SHOWN_REGIONS, CLICK_COUNT):
        st.session_state.setdefault(key, {})
    st.session_state.setdefault(NOTICES, [])
    _read_language_from_url()


def params() -> dict[str, str]:
    """The page address's query parameters (last value of each)."""
    return {key: st.query_params.get(key) for key in st.query_params.keys()}


def write_params(values: dict[str, str], managed: tuple[str, ...]) -> None:
    """Mirror ``values`` into the address: set those given, remove the other ``managed`` ones."""
    for key in managed:
        if key in values:
            if st.query_params.get(key) != values[key]:
                st.query_params[key] = values[key]
        elif key in st.query_params:
            del st.query_params[key]


def _read_language_from_url() -> None:
    chosen, notices = selection.parse_language(params())
    if chosen is not None:
        st.session_state[LANGUAGE] = chosen
    if notices:
        add_notices(notices)
        write_params({}, (selection.PARAM_LANGUAGE,))


def language() -> str:
    """The language the pages speak in this session."""
    return st.session_state.get(LANGUAGE, DEFAULT_LANGUAGE)


def set_language(value: str) -> None:
    """Switch the session's language and mirror it into the address (unknown codes are ignored)."""
    if value not in LANGUAGES:
        return
    st.session_state[LANGUAGE] = value
    write_params(selection.language_to_params(value), (selection.PARAM_LANGUAGE,))


def add_notices(notices: list[Notice]) -> None:
    """Queue notices about ignored link values for the page to show."""
    st.session_state[NOTICES] = [*st.session_state.get(NOTICES, []), *notices]


def take_notices() -> list[Notice]:
    """Return and clear pending notices about ignored URL values."""
    notices = st.session_state.get(NOTICES, [])
    st.session_state[NOTICES] = []
    return notices


def saved_filters(page: str) -> Filters | None:
    """The filters last used on ``page`` in this session."""
    return st.session_state[FILTERS].get(page)


def save_filters(page: str, filters: Filters) -> None:
    """Keep ``page``'s filters for a later visit (widget keys vanish on page switch)."""
    st.session_state[FILTERS][page] = filters


def selected(page: str) -> str | None:
    """The feature (or region) selected on ``page``."""
    return st.session_state[SELECTED].get(page)


def set_selected(page: str, feature_id: str | None) -> None:
    """Select ``feature_id`` on ``page`` (``None`` clears the selection)."""
    st.session_state[SELECTED][page] = feature_id


def view(page: str) -> MapView | None:
    """The map view ``page`` opened with (from a link or a selected feature)."""
    return st.session_state[VIEWS].get(page)


def set_view(page: str, value: MapView | None) -> None:
    """Set the map view ``page`` opens with."""
    st.session_state[VIEWS][page] = value


def map_value_changed(page: str, value: object) -> bool:
    """True when ``st_folium`` reports something new for ``page`` (and remember it)."""
    changed = st.session_state[MAP_VALUES].get(page) != value
    st.session_state[MAP_VALUES][page] = value
    return changed


def request_flight(page: str, bounds: list | None) -> None:
    """Move ``page``'s map once to ``bounds`` (``[[south, west], [north, east]]``), animated."""
    if bounds is None:
        return
    count = st.session_state.get(FLIGHT_COUNT, 0) + 1
    st.session_state[FLIGHT_COUNT] = count
    st.session_state[FLIGHTS][page] = (count, bounds)


def flight(page: str) -> tuple[int, list] | None:
    """The last move asked of ``page``'s map (sent again on every run; the map moves once)."""
    return st.session_state[FLIGHTS].get(page)


def shown_regions(page: str) -> tuple[str, ...] | None:
    """The region filter ``page``'s map was last fitted to (``None`` before the first run)."""
    return st.session_state[SHOWN_REGIONS].get(page)


def set_shown_regions(page: str, regions: tuple[str, ...]) -> None:
    """Remember the region filter ``page``'s map shows."""
    st.session_state[SHOWN_REGIONS][page] = regions


def count_click(page: str) -> int:
    """Count a map click on ``page`` that picked a feature; returns the new count."""
    st.session_state[CLICK_COUNT][page] = st.session_state[CLICK_COUNT].get(page, 0) + 1
    return st.session_state[CLICK_COUNT][page]


DECK = "deck"  # the presenter's scene list (kzatlas.scenes.Deck)
DECK_RESTORED = "deck_restored"  # the scene list kept in the browser has been read


def deck():
    """The presenter's scene list, or ``None`` before the first use."""
    return st.session_state.get(DECK)


def set_deck(value) -> None:
    """Replace the presenter's scene list."""
    st.session_state[DECK] = value


DRAW_ROUNDS = "draw_rounds"  # page -> how many drawings were saved (a new round starts an empty map)


def draw_round(page: str) -> int:
    """How many drawings were saved on ``page`` in this session (part of its map's key)."""
    return st.session_state.setdefault(DRAW_ROUNDS, {}).get(page, 0)


def next_draw_round(page: str) -> None:
    """Start a fresh drawing on ``page``: the next run draws an empty editing map."""
    rounds = st.session_state.setdefault(DRAW_ROUNDS, {})
    rounds[page] = rounds.get(page, 0) + 1


DRAW_SAVED = "draw_saved"  # page -> message about the drawing just saved, shown once


def set_draw_saved(page: str, message: str) -> None:
    """Keep the message about a saved drawing for the next run of ``page``."""
    st.session_state.setdefault(DRAW_SAVED, {})[page] = message


def take_draw_saved(page: str) -> str | None:
    """The message about a drawing saved on ``page`` in the previous run, once."""
    return st.session_state.setdefault(DRAW_SAVED, {}).pop(page, None)


def deck_restored() -> bool:
    """Whether the scene list kept in the browser has been read in this session."""
    return bool(st.session_state.get(DECK_RESTORED))


def set_deck_restored() -> None:
    """Note that the scene list kept in the browser has been read."""
    st.session_state[DECK_RESTORED] = True
