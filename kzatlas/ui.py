"""Reusable Streamlit pieces: page set-up, catalogue messages, sidebar filters, the map."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from kzatlas import analysis, cache, maps, state
from kzatlas.analysis import Filters
from kzatlas.catalog import Catalogue, active_geodata_dir, feature_frame, region_frame, split_list
from kzatlas.config import KIND_COLOURS, KINDS, LANGUAGES, MAP_HEIGHT_PX, UN_DISCLAIMER
from kzatlas.i18n import (
    KIND_LABELS,
    KIND_SHORT_LABELS,
    LANGUAGE_NAMES,
    QUALITY_LABELS,
    THEME_LABELS,
    Translate,
    name_column,
    translator,
)


@dataclass(frozen=True)
class PageContext:
    """What every page gets from :func:`page_setup`."""

    translate: Translate
    language: str
    catalogue: Catalogue
    geodata_dir: str

    def filtered(self, filters: Filters) -> gpd.GeoDataFrame:
        """Features matching ``filters`` (cached per filter set)."""
        return cache.filtered_features(filters, self.geodata_dir)

    @property
    def name_column(self) -> str:
        return name_column(self.language)

    def region_names(self) -> dict[str, str]:
        regions = region_frame(self.catalogue)
        if regions is None:
            return {}
        column = self.name_column
        return {
            code: (local or english)
            for code, local, english in zip(regions["iso_code"], regions[column], regions["name_en"])
        }


def page_setup(title: str) -> PageContext:
    """First call on every page: state, language picker, catalogue, heading, notices.

    Works the same when the page runs alone (AppTest), from the router, or after
    ``st.switch_page``.
    """
    state.init()
    _language_picker()
    translate = translator(state.language())
    geodata_dir = str(active_geodata_dir())
    catalogue = cache.load_catalogue(geodata_dir)
    st.title(translate(title))
    for param, raw in state.take_notices():
        st.warning(
            translate("The link's value for '{param}' was not understood and was ignored: {value}").format(
                param=param, value=raw[:40]
            )
        )
    _show_catalogue_problems(catalogue, translate)
    return PageContext(translate=translate, language=state.language(), catalogue=catalogue, geodata_dir=geodata_dir)


def _language_picker() -> None:
    current = state.language()
    chosen = st.sidebar.selectbox(
        "Language / Язык / Тіл",
        LANGUAGES,
        index=LANGUAGES.index(current),
        format_func=LANGUAGE_NAMES.get,
        key="sidebar.language",
    )
    if chosen != current:
        state.set_language(chosen)


def _show_catalogue_problems(catalogue: Catalogue, translate: Translate) -> None:
    for problem in catalogue.problems:
        if problem.fatal:
            st.error(
                translate("Layer '{layer}' could not be loaded and is not shown: {message}").format(
                    layer=problem.layer, message=problem.message
                )
            )
        else:
            st.warning(translate("Layer '{layer}': {message}").format(layer=problem.layer, message=problem.message))


def footer(context: PageContext) -> None:
    """Data version and the UN boundary disclaimer, at the foot of every page."""
    manifest = context.catalogue.manifest
    version = manifest.data_version if manifest else "unknown"
    st.divider()
    st.caption(f"{context.translate('Data version')}: {version} · {context.translate(UN_DISCLAIMER)}")


# ---------------------------------------------------------------- filters


def kind_label(kind: str, translate: Translate) -> str:
    return translate(KIND_LABELS.get(kind, kind))


def theme_label(theme: str, translate: Translate) -> str:
    return translate(THEME_LABELS.get(theme, theme.replace("_", " ").capitalize()))


def sidebar_filters(page: str, features: gpd.GeoDataFrame, context: PageContext) -> Filters:
    """The filter widgets a user expects, in the sidebar; returns the chosen ``Filters``."""
    translate = context.translate
    sidebar = st.sidebar
    sidebar.header(translate("Filters"))
    names = context.region_names()
    query = sidebar.text_input(
        translate("Search by name"),
        key=f"{page}.query",
        placeholder=translate("e.g. Altyn-Emel, Алтын-Эмель"),
        max_chars=80,
    )
    regions = sidebar.multiselect(
        translate("Region"),
        sorted(names, key=lambda code: names[code]),
        format_func=lambda code: names.get(code, code),
        key=f"{page}.regions",
        placeholder=translate("All regions"),
    )
    present_kinds = [kind for kind in KINDS if kind in set(features["kind"])]
    kinds = sidebar.multiselect(
        translate("Kind"),
        present_kinds,
        format_func=lambda kind: kind_label(kind, translate),
        key=f"{page}.kinds",
        placeholder=translate("All kinds"),
    )
    themes_present = sorted({theme for value in features["themes"] for theme in split_list(value)})
    themes = sidebar.multiselect(
        translate("Theme"),
        themes_present,
        format_func=lambda theme: theme_label(theme, translate),
        key=f"{page}.themes",
        placeholder=translate("All themes"),
    )
    bounds = analysis.year_bounds(features)
    year_range = None
    if bounds is not None and bounds[0] < bounds[1]:
        chosen = sidebar.slider(
            translate("Year established or started"),
            min_value=bounds[0],
            max_value=bounds[1],
            value=bounds,
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
    st.session_state[state.FILTERS] = filters
    return filters


# ---------------------------------------------------------------- map


def render_map(page: str, context: PageContext, features: gpd.GeoDataFrame) -> dict | None:
    """Draw the atlas map; filters swap feature groups in place (no remount, view kept)."""
    regions = region_frame(context.catalogue)
    base = maps.build_base_map(regions, context.translate, context.name_column)
    groups = maps.build_feature_groups(features, context.translate, context.name_column, context.region_names())
    return st_folium(
        base,
        key=f"{page}.map.{context.language}",
        height=MAP_HEIGHT_PX,
        use_container_width=True,
        feature_group_to_add=groups,
        layer_control=maps.build_layer_control(),
        returned_objects=["last_object_clicked"],
    )


# ---------------------------------------------------------------- summaries


def summary_metrics(context: PageContext, matching: gpd.GeoDataFrame, filters: Filters) -> None:
    """Headline numbers that follow the filters: counts by kind, hectares, share of land."""
    translate = context.translate
    hectares = analysis.protected_hectares(matching)
    regions = region_frame(context.catalogue)
    share = None if regions is None else analysis.protected_share(matching, regions, filters.regions)
    where = translate("selected regions") if filters.regions else translate("Kazakhstan")
    first, second, third = st.columns(3)
    first.metric(translate("Matching features"), len(matching))
    second.metric(
        translate("Official area of reserves and parks"), translate("{hectares} ha").format(hectares=f"{hectares:,.0f}")
    )
    third.metric(
        translate("Share of land area ({where})").format(where=where),
        "—" if share is None else f"{share:.2%}",
    )
    counts = analysis.counts_by_kind(matching)
    if not counts.empty:
        for column, (_, row) in zip(st.columns(len(KINDS)), counts.iterrows()):
            column.metric(translate(KIND_SHORT_LABELS[row["kind"]]), int(row["count"]))
    missing = analysis.missing_official_area(matching)
    notes = []
    if missing:
        notes.append(
            translate("{count} reserves or parks have no published area and are not in the total.").format(
                count=missing
            )
        )
    if filters.regions:
        notes.append(translate("Areas that span several regions count in full when one of them is selected."))
    notes.append(translate("Ecological corridors are not protected areas and are not in the total."))
    notes.append(
        translate(
            "The total covers only the reserves and national parks in this atlas; other kinds of protected "
            "area in Kazakhstan (sanctuaries, regional parks, natural monuments) are not included."
        )
    )
    st.caption(" ".join(notes))


def _kind_scale(translate: Translate) -> alt.Scale:
    kinds = list(KINDS)
    return alt.Scale(
        domain=[translate(KIND_SHORT_LABELS[kind]) for kind in kinds],
        range=[KIND_COLOURS[kind] for kind in kinds],
    )


def summary_chart(page: str, context: PageContext, matching: gpd.GeoDataFrame) -> None:
    translate = context.translate
    regions = region_frame(context.catalogue)
    by = st.radio(
        translate("Chart"),
        ("region", "year"),
        format_func=lambda value: translate("By region") if value == "region" else translate("By year"),
        horizontal=True,
        key=f"{page}.chart_by",
    )
    if by == "region" and regions is not None:
        table = analysis.counts_by_region(matching, regions, context.name_column)
        x = alt.X("region:N", sort="-y", title=translate("Region"))
    else:
        table = analysis.counts_by_year(matching)
        x = alt.X("year:O", title=translate("Year"))
    if table.empty:
        st.caption(translate("Nothing to chart for these filters."))
        return
    table = table.assign(kind_label=[translate(KIND_SHORT_LABELS[kind]) for kind in table["kind"]])
    chart = (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("sum(count):Q", title=translate("Number of features")),
            color=alt.Color("kind_label:N", scale=_kind_scale(translate), title=translate("Kind")),
            tooltip=[
                alt.Tooltip("kind_label:N", title=translate("Kind")),
                alt.Tooltip("sum(count):Q", title=translate("Number")),
            ],
        )
        .properties(height=280)
    )
    st.altair_chart(chart, width="stretch")


def feature_table(context: PageContext, matching: gpd.GeoDataFrame) -> pd.DataFrame:
    """The list of matching features as the user sees it (also used by tests)."""
    translate = context.translate
    names = context.region_names()
    column = context.name_column
    return pd.DataFrame(
        {
            translate("Name"): matching[column].where(matching[column] != "", matching["name_en"]),
            translate("Kind"): [kind_label(kind, translate) for kind in matching["kind"]],
            translate("Region"): [", ".join(names.get(c, c) for c in split_list(v)) for v in matching["region_codes"]],
            translate("Year"): matching["year"],
            translate("Official area (ha)"): matching["area_ha"],
            translate("Drawn area (ha)"): matching["area_drawn_ha"],
            translate("Map position"): [translate(QUALITY_LABELS.get(q, q)) for q in matching["geometry_quality"]],
            translate("UNDP-supported"): matching["undp_supported"].astype(bool),
            translate("Source"): matching["source_url"],
            translate("Accessed"): matching["source_date"],
        }
    ).reset_index(drop=True)


def feature_list(context: PageContext, matching: gpd.GeoDataFrame) -> None:
    translate = context.translate
    table = feature_table(context, matching)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            translate("Source"): st.column_config.LinkColumn(translate("Source")),
            translate("Official area (ha)"): st.column_config.NumberColumn(format="%,.0f"),
            translate("Drawn area (ha)"): st.column_config.NumberColumn(format="%,.0f"),
            translate("Year"): st.column_config.NumberColumn(format="%d"),
        },
    )


def all_features(context: PageContext) -> gpd.GeoDataFrame:
    return feature_frame(context.catalogue)
