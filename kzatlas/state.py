"""Session-state keys, idempotent initialisation and URL <-> state for the language."""

from __future__ import annotations

import streamlit as st

from kzatlas.config import DEFAULT_LANGUAGE, LANGUAGES

# Values several pages read. Widget keys are "<page>.<name>" and are copied here
# because Streamlit drops a widget's key when its page is not shown.
LANGUAGE = "language"
FILTERS = "filters"
NOTICES = "notices"

LANGUAGE_PARAM = "lang"


def init() -> None:
    """Give every shared key its default, once per session; safe to call on every page."""
    st.session_state.setdefault(LANGUAGE, DEFAULT_LANGUAGE)
    st.session_state.setdefault(FILTERS, None)
    st.session_state.setdefault(NOTICES, [])
    _read_language_from_url()


def _read_language_from_url() -> None:
    raw = st.query_params.get(LANGUAGE_PARAM)
    if raw is None:
        return
    if raw in LANGUAGES:
        st.session_state[LANGUAGE] = raw
    else:
        # Unknown value: keep the default, tell the user, never raise.
        st.session_state[NOTICES] = [*st.session_state[NOTICES], ("lang", raw)]
        del st.query_params[LANGUAGE_PARAM]


def language() -> str:
    return st.session_state.get(LANGUAGE, DEFAULT_LANGUAGE)


def set_language(value: str) -> None:
    if value not in LANGUAGES:
        return
    st.session_state[LANGUAGE] = value
    if value == DEFAULT_LANGUAGE:
        if LANGUAGE_PARAM in st.query_params:
            del st.query_params[LANGUAGE_PARAM]
    else:
        st.query_params[LANGUAGE_PARAM] = value


def take_notices() -> list[tuple[str, str]]:
    """Return and clear pending notices about ignored URL values."""
    notices = st.session_state.get(NOTICES, [])
    st.session_state[NOTICES] = []
    return notices
