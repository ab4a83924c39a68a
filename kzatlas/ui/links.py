"""Reading the page address and the sidebar filters; both end up mirrored into the address."""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from kzatlas import analysis, selection
from kzatlas.analysis import Filters
from kzatlas.catalog import region_frame, split_list
from kzatlas.config import KINDS
from kzatlas.i18n import kind_label, theme_label
from kzatlas.ui import state
from kzatlas.ui.frame import PageContext, show_notices
from kzatlas.ui.live_map import feature_bounds, map_key, new_map_click


def allowed_values(context: PageContext, features: gpd.GeoDataFrame) -> selection.Allowed:
    """What a shared link may ask for, from the loaded catalogue (``features``: all of its features).

    Worked out once per data version and shared by every session (0.03 s at 10,000 sites).
    """
    return context.remembered(("link allowlists", len(features)), None, lambda: _allowed_values(context, features))


def _allowed_values(context: PageContext, features: gpd.GeoDataFrame) -> selection.Allowed:
    regions = region_frame(context.catalogue)
    region_codes = frozenset(regions["iso_code"]) if regions is not None else frozenset()
    return selection.Allowed(
        regions=region_codes,
        kinds=frozenset(features["kind"]),
        themes=frozenset(theme for value in features["themes"] for theme in split_list(value)),
        feature_ids=frozenset(features["id"]) | region_codes,
        year_bounds=analysis.year_bounds(features),
    )


def _seed_filter_widgets(page: str, filters: Filters) -> None:
    """Put ``filters`` into the widget keys before the widgets are drawn."""
    values = {
        "query": filters.name_query,
        "regions": list(filters.regions),
        "kinds": list(filters.kinds),
        "themes": list(filters.themes),
        "undp_only": filters.undp_only,
    }
    if filters.year_range is not None:
        values["years"] = filters.year_range
    for name, value in values.items():
        st.session_state[f"{page}.{name}"] = value


def _initial_filters(page: str, allowed: selection.Allowed) -> Filters | None:
    """Filters to start from when the widgets have no state: a link's, else the last ones used here."""
    current = state.params()
    if any(name in current for name in selection.FILTER_PARAMS):
        filters, notices = selection.parse_filters(current, allowed)
        state.add_notices(notices)
        return filters
    return state.saved_filters(page)


def read_link(page: str, context: PageContext, features: gpd.GeoDataFrame) -> selection.Allowed:
    """Take filters, selection and map view from the page address on a fresh visit.

    Values the allowlists refuse are dropped and reported at the top of the page.
    Returns the allowlists for the widgets and the map.
    """
    allowed = allowed_values(context, features)
    current = state.params()
    if f"{page}.query" not in st.session_state:  # the widgets have no state yet: a fresh visit
        initial = _initial_filters(page, allowed)
        if initial is not None:
            _seed_filter_widgets(page, initial)
    if page not in st.session_state[state.SELECTED]:
        chosen, notices = selection.parse_selected(current, allowed.feature_ids)
        state.add_notices(notices)
        state.set_selected(page, chosen)
    if page not in st.session_state[state.VIEWS]:
        view, notices = selection.parse_view(current)
        if notices:
            # Drop the refused value, or a re-shared link would carry it on.
            state.write_params({}, (selection.PARAM_VIEW,))
        state.add_notices(notices)
        chosen = state.selected(page)
        if view is None and chosen:
            # A link to a feature (from a table's "show") opens fitted to the feature.
            state.request_flight(page, feature_bounds(features, chosen))
        state.set_view(page, view)
    show_notices(context.translate)
    return allowed


def sidebar_filters(page: str, context: PageContext, allowed: selection.Allowed) -> Filters:
    """The filter widgets a user expects, in the sidebar; mirrored into the page address."""
    translate = context.translate
    bounds = allowed.year_bounds
    sidebar = st.sidebar
    sidebar.header(translate("Filters"))
    names = context.region_names()
    query = sidebar.text_input(
        translate("Search by name"),
        key=f"{page}.query",
        placeholder=translate("e.g. Altyn-Emel, Алтын-Эмель"),
        max_chars=selection.MAX_QUERY_CHARS,
    )
    regions = sidebar.multiselect(
        translate("Region"),
        sorted(names, key=lambda code: names[code]),
        format_func=lambda code: names.get(code, code),
        key=f"{page}.regions",
        placeholder=translate("All regions"),
    )
    kinds = sidebar.multiselect(
        translate("Kind"),
        [kind for kind in KINDS if kind in allowed.kinds],
        format_func=lambda kind: kind_label(kind, translate),
        key=f"{page}.kinds",
        placeholder=translate("All kinds"),
    )
    themes = sidebar.multiselect(
        translate("Theme"),
        sorted(allowed.themes),
        format_func=lambda theme: theme_label(theme, translate),
        key=f"{page}.themes",
        placeholder=translate("All themes"),
        help=translate(
            "A feature is shown when it has any of the chosen themes (themes combine with 'or'); "
            "the other filters narrow it further (filters combine with 'and')."
        ),
    )
    year_range = None
    if bounds is not None and bounds[0] < bounds[1]:
        chosen = sidebar.slider(
            translate("Year established or started"),
            min_value=bounds[0],
            max_value=bounds[1],
            value=st.session_state.get(f"{page}.years", bounds),
            key=f"{page}.years",
        )
        year_range = (int(chosen[0]), int(chosen[1]))
    undp_only = sidebar.checkbox(translate("Only UNDP-supported"), key=f"{page}.undp_only")
    filters = Filters(
        regions=tuple(regions),
        themes=tuple(themes),
        kinds=tuple(kinds),
        year_range=year_range,
        undp_only=undp_only,
        name_query=query.strip(),
    )
    state.save_filters(page, filters)
    state.write_params(selection.filters_to_params(filters, bounds), selection.FILTER_PARAMS)
    return filters


def region_choice(page: str, context: PageContext, codes: list[str]) -> str:
    """The region to profile: from a map click, the picker, or the link's ``region`` (allowlisted)."""
    widget = f"{page}.region"
    allowed = frozenset(codes)
    if widget not in st.session_state:
        chosen, notices = selection.parse_region(state.params(), allowed)
        if notices:
            state.add_notices(notices)
            show_notices(context.translate)
        st.session_state[widget] = chosen or codes[0]
    click = new_map_click(page, map_key(page, context), allowed)
    if click is not None and click.feature_id:
        st.session_state[widget] = click.feature_id
    names = context.region_names()
    chosen = st.selectbox(
        context.translate("Region"), codes, format_func=lambda code: names.get(code, code), key=widget
    )
    state.write_params({selection.PARAM_REGION: chosen}, (selection.PARAM_REGION,))
    return chosen
