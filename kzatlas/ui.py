"""Reusable Streamlit pieces: page set-up, catalogue messages, sidebar filters, the map."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from kzatlas import analysis, briefing, cache, exports, facts, maps, offline, reports, scenes, selection, state
from kzatlas.analysis import Filters
from kzatlas.catalog import Catalogue, CatalogueError, active_geodata_dir, feature_frame, region_frame, split_list
from kzatlas.config import (
    AREA_KINDS,
    KIND_COLOURS,
    KIND_UNDP_SITE,
    KINDS,
    LANGUAGES,
    MAP_CENTER,
    MAP_HEIGHT_PX,
    MAP_ZOOM,
    NEARBY_KM,
    UN_DISCLAIMER,
)
from kzatlas.i18n import (
    KIND_LABELS,
    KIND_SHORT_LABELS,
    LANGUAGE_NAMES,
    N_,
    QUALITY_LABELS,
    THEME_LABELS,
    Translate,
    format_hectares,
    local_name,
    local_names,
    name_column,
    translator,
)
from kzatlas.safety import escape_html, escape_markdown, plain_snippet, safe_link


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
        return dict(zip(regions["iso_code"], local_names(regions, self.name_column)))


def page_setup(title: str, title_visible: bool = True) -> PageContext:
    """First call on every page: state, language picker, catalogue, heading, notices.

    Works the same when the page runs alone (AppTest), from the router, or after
    ``st.switch_page``.
    """
    state.init()
    _language_picker()
    translate = translator(state.language())
    geodata_dir = str(active_geodata_dir())
    catalogue = cache.load_catalogue(geodata_dir)
    if title_visible:
        st.title(translate(title))
    show_notices(translate)
    _show_catalogue_problems(catalogue, translate)
    return PageContext(translate=translate, language=state.language(), catalogue=catalogue, geodata_dir=geodata_dir)


def show_notices(translate: Translate) -> None:
    """Warn about link values that were ignored (echoed without any markup)."""
    for notice in state.take_notices():
        st.warning(
            translate("The link's value for '{param}' was not understood and was ignored: {value}").format(
                param=plain_snippet(notice.param), value=plain_snippet(notice.value)
            )
        )


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
                    layer=escape_markdown(problem.layer), message=escape_markdown(problem.message)
                )
            )
        else:
            st.warning(
                translate("Layer '{layer}': {message}").format(
                    layer=escape_markdown(problem.layer), message=escape_markdown(problem.message)
                )
            )


def footer(context: PageContext) -> None:
    """Data version and the UN boundary disclaimer, at the foot of every page."""
    manifest = context.catalogue.manifest
    version = manifest.data_version if manifest else "unknown"
    st.divider()
    st.caption(
        f"{escape_markdown(context.translate('Data version'))}: {escape_markdown(version)} · "
        f"{escape_markdown(context.translate(UN_DISCLAIMER))}"
    )


# ---------------------------------------------------------------- filters


def kind_label(kind: str, translate: Translate) -> str:
    return translate(KIND_LABELS.get(kind, kind))


def theme_label(theme: str, translate: Translate) -> str:
    return translate(THEME_LABELS.get(theme, theme.replace("_", " ").capitalize()))


def allowed_values(context: PageContext, features: gpd.GeoDataFrame) -> selection.Allowed:
    """What a shared link may ask for, from the loaded catalogue."""
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
            view = _view_of(features, chosen)
        state.set_view(page, view)
    show_notices(context.translate)
    return allowed


SELECTED_ZOOM = 7.0


def _view_of(features: gpd.GeoDataFrame, feature_id: str) -> selection.MapView | None:
    """A view centred on a feature (for links that name a feature but no view)."""
    match = features[features["id"] == feature_id]
    if match.empty or match.geometry.iloc[0] is None or match.geometry.iloc[0].is_empty:
        return None
    point = match.geometry.iloc[0].representative_point()
    return selection.MapView(round(point.y, 4), round(point.x, 4), SELECTED_ZOOM)


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


# ---------------------------------------------------------------- map and selection


def current_selection(page: str, allowed_ids: frozenset[str], map_key: str) -> str | None:
    """The selected feature: a new map click wins, else the last one (or the link's ``sel``).

    Reads the map's latest value from session state, so the map drawn in this run already
    shows the selection.
    """
    click = new_map_click(page, map_key, allowed_ids)
    if click is not None:
        state.set_selected(page, click.feature_id)
    chosen = state.selected(page)
    state.write_params({selection.PARAM_SELECTED: chosen} if chosen else {}, (selection.PARAM_SELECTED,))
    return chosen


def new_map_click(page: str, key: str, allowed_ids: frozenset[str]) -> selection.MapClick | None:
    """A click the map reported since the last run (``None`` when nothing new was clicked).

    Read from session state before the map is drawn, so this run already shows its effect.
    """
    returned = st.session_state.get(key)
    if not state.map_value_changed(page, returned):
        return None
    return selection.parse_click(returned, allowed_ids)


def map_key(page: str, context: PageContext) -> str:
    return f"{page}.map.{context.language}"


LOCATOR_HEIGHT_PX = 420


def _show_map(
    page: str,
    context: PageContext,
    base: maps.AtlasMap,
    groups: list,
    height: int,
    returned_objects: list[str],
    view: selection.MapView | None,
) -> dict | None:
    """Draw ``base`` once and swap ``groups`` into it; ``view`` moves the map without remounting it.

    Only ``returned_objects`` come back, so panning and zooming never rerun the app.
    """
    return st_folium(
        base,
        key=map_key(page, context),
        height=height,
        use_container_width=True,
        feature_group_to_add=groups,
        layer_control=maps.build_layer_control(),
        returned_objects=returned_objects,
        center=(view.lat, view.lng) if view else None,
        zoom=view.zoom if view else None,
    )


def render_map(
    page: str, context: PageContext, features: gpd.GeoDataFrame, selected_id: str | None = None
) -> dict | None:
    """Draw the atlas map; filters swap feature groups in place (no remount, view kept).

    Panning and zooming never rerun the app: only clicks are returned, and the view goes
    into the address from the browser side.
    """
    regions = region_frame(context.catalogue)
    base = maps.build_base_map(regions, context.translate, context.name_column, view_param=selection.PARAM_VIEW)
    groups = maps.build_feature_groups(
        features, context.translate, context.name_column, context.region_names(), selected_id
    )
    return _show_map(page, context, base, groups, MAP_HEIGHT_PX, ["last_object_clicked"], state.view(page))


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
    second.metric(translate("Official area of reserves and parks"), format_hectares(hectares, translate))
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
    kind_bars(table, x, "count", translate("Number of features"), translate)


def feature_table(context: PageContext, matching: gpd.GeoDataFrame) -> pd.DataFrame:
    """The list of matching features as the user sees it (also used by tests)."""
    translate = context.translate
    names = context.region_names()
    column = context.name_column
    return pd.DataFrame(
        {
            translate("Name"): local_names(matching, column),
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


def number_columns(translate: Translate) -> dict:
    """Column formats shared by every feature table: source links, hectares, years."""
    return {
        translate("Source"): st.column_config.LinkColumn(translate("Source")),
        translate("Official area (ha)"): st.column_config.NumberColumn(format="%,.0f"),
        translate("Drawn area (ha)"): st.column_config.NumberColumn(format="%,.0f"),
        translate("Year"): st.column_config.NumberColumn(format="%d"),
    }


def show_table(table: pd.DataFrame, column_config: dict | None = None, container=None) -> None:
    """``st.dataframe`` with the one link rule: a link column keeps only http(s) and the
    atlas's own relative links; any other value (``javascript:``, ``data:``...) is left empty.
    """
    table = table.copy()
    for column, config in (column_config or {}).items():
        if isinstance(config, dict) and (config.get("type_config") or {}).get("type") == "link" and column in table:
            table[column] = [safe_link(value) for value in table[column]]
    (container or st).dataframe(table, hide_index=True, width="stretch", column_config=column_config)


def markdown_link(label: str, url: object) -> str:
    """A Markdown link with an escaped ``label``, or the label alone when ``url`` may not be a link."""
    target = safe_link(url)
    if target is None:
        return escape_markdown(label)
    target = target.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
    return f"[{escape_markdown(label)}]({target})"


def feature_list(context: PageContext, matching: gpd.GeoDataFrame) -> None:
    table = feature_table(context, matching)
    show_table(table, number_columns(context.translate))


def all_features(context: PageContext) -> gpd.GeoDataFrame:
    return feature_frame(context.catalogue)


# ---------------------------------------------------------------- details and downloads


def _nearby_table(context: PageContext, features: gpd.GeoDataFrame, found: list) -> pd.DataFrame:
    by_id = features.set_index("id")
    translate = context.translate
    return pd.DataFrame(
        {
            translate("Name"): [local_name(by_id.loc[item.id], context.name_column) for item in found],
            translate("Kind"): [kind_label(by_id.at[item.id, "kind"], translate) for item in found],
            translate("Distance (km)"): [round(item.distance_km, 1) for item in found],
        }
    )


def details_panel(
    page: str,
    context: PageContext,
    features: gpd.GeoDataFrame,
    selected_id: str,
    shown_ids: frozenset[str] | None = None,
) -> None:
    """Everything about the selected feature: facts, sources, and what UNDP does there (or nearby)."""
    translate = context.translate
    match = features[features["id"] == selected_id]
    if match.empty:
        return
    row = match.iloc[0]
    st.subheader(escape_markdown(local_name(row, context.name_column)))
    if shown_ids is not None and selected_id not in shown_ids:
        st.caption(translate("Not on the map with the current filters."))
    facts_column, sources_column = st.columns([3, 2])
    facts_column.dataframe(
        reports.feature_facts(row, translate, context.region_names()), hide_index=True, width="stretch"
    )
    show_table(
        reports.feature_sources(row, translate),
        {translate("Link"): st.column_config.LinkColumn(translate("Link"))},
        container=sources_column,
    )
    within = NEARBY_KM
    has_position = row.geometry is not None and not row.geometry.is_empty
    if has_position and row["kind"] == KIND_UNDP_SITE:
        within = st.slider(
            translate("Protected areas and corridors within (km)"), 10, 500, NEARBY_KM, step=10, key=f"{page}.nearby_km"
        )
    hood = facts.neighbourhood(selected_id, features, within)
    if hood.located:
        if hood.is_undp_site:
            heading = translate("Protected areas and corridors nearby")
        else:
            heading = translate("What UNDP does here")
        st.markdown("**" + escape_markdown(heading) + "**")
        if hood.nearby:
            st.dataframe(_nearby_table(context, features, list(hood.nearby)), hide_index=True, width="stretch")
    for note in facts.neighbourhood_notes(hood, features, translate, context.name_column):
        st.caption(escape_markdown(note))


def download_buttons(
    page: str, context: PageContext, frame: gpd.GeoDataFrame, title: str, filters_text: str = ""
) -> None:
    """CSV, GeoJSON and GeoPackage of ``frame``, each with citation, licence and disclaimer."""
    translate = context.translate
    citation = exports.catalogue_citation(context.catalogue, title, date.today().isoformat(), filters_text)
    files = _export_files(
        f"kz-atlas-{page.replace('_', '-')}",
        (N_("Download CSV"), N_("Download GeoJSON"), N_("Download GeoPackage")),
        frame,
        {"features": frame},
        citation,
    )
    download_row(translate, page, files)


def _export_files(
    stem: str,
    labels: tuple[str, str, str],
    features: gpd.GeoDataFrame,
    gpkg_layers: dict[str, gpd.GeoDataFrame],
    citation: exports.Citation,
) -> list[tuple]:
    """CSV, GeoJSON and GeoPackage as ``(label, file name, mime, make)``; files are made only when clicked."""
    csv_label, geojson_label, gpkg_label = labels
    return [
        (csv_label, f"{stem}.csv", "text/csv", lambda: exports.csv_bytes(features, citation)),
        (geojson_label, f"{stem}.geojson", "application/geo+json", lambda: exports.geojson_bytes(features, citation)),
        (
            gpkg_label,
            f"{stem}.gpkg",
            "application/geopackage+sqlite3",
            lambda: exports.gpkg_bytes(gpkg_layers, citation),
        ),
    ]


def download_row(translate: Translate, key_prefix: str, files: list[tuple]) -> None:
    """One download button per ``(label, file name, mime, data or callable)``, side by side.

    A download does not rerun the page.
    """
    for column, (label, file_name, mime, data) in zip(st.columns(len(files)), files):
        column.download_button(
            translate(label), data, file_name, mime, key=f"{key_prefix}.{file_name}", on_click="ignore"
        )


def filters_text(filters: Filters) -> str:
    """The filters in words for an export's citation (the link parameters, readable)."""
    params = selection.filters_to_params(filters, None)
    return "; ".join(f"{key}={value}" for key, value in params.items()) or "none"


# ---------------------------------------------------------------- charts and tables for the pages


def kind_bars(table: pd.DataFrame, x: alt.X, value: str, value_title: str, translate: Translate) -> None:
    """Stacked bars coloured by kind (``table`` has ``kind`` and ``value`` columns)."""
    if table.empty:
        st.caption(translate("Nothing to chart."))
        return
    data = table.assign(kind_label=[translate(KIND_SHORT_LABELS[kind]) for kind in table["kind"]])
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y(f"sum({value}):Q", title=value_title),
            color=alt.Color("kind_label:N", scale=_kind_scale(translate), title=translate("Kind")),
            tooltip=[
                alt.Tooltip("kind_label:N", title=translate("Kind")),
                alt.Tooltip(f"sum({value}):Q", title=value_title, format=",.0f"),
            ],
        )
        .properties(height=300)
    )
    st.altair_chart(chart, width="stretch")


def growth_chart(growth: pd.DataFrame, translate: Translate) -> None:
    """Cumulative hectares of the network by year established (step line)."""
    if growth.empty:
        st.caption(translate("Nothing to chart."))
        return
    chart = (
        alt.Chart(growth)
        .mark_line(interpolate="step-after", point=True)
        .encode(
            x=alt.X("year:Q", title=translate("Year established"), axis=alt.Axis(format="d")),
            y=alt.Y("cumulative_area_ha:Q", title=translate("Cumulative official area (ha)")),
            tooltip=[
                alt.Tooltip("year:Q", title=translate("Year"), format="d"),
                alt.Tooltip("cumulative_count:Q", title=translate("Areas")),
                alt.Tooltip("cumulative_area_ha:Q", title=translate("Hectares"), format=",.0f"),
            ],
        )
        .properties(height=300)
    )
    st.altair_chart(chart, width="stretch")


def protected_area_table(context: PageContext, frame: gpd.GeoDataFrame) -> None:
    """Every reserve and park, sortable, with the link that shows it on the map."""
    translate = context.translate
    table = feature_table(context, frame)
    table.insert(1, translate("IUCN"), frame["iucn_category"].to_numpy())
    table[translate("On the map")] = [f"/?sel={feature_id}" for feature_id in frame["id"]]
    columns = number_columns(translate)
    columns[translate("On the map")] = st.column_config.LinkColumn(display_text=translate("show"))
    show_table(table, columns)


def _source_link(source: facts.Source) -> str:
    """A cited source as a Markdown link (its label alone when the address may not be a link)."""
    return markdown_link(source.label, source.url)


def _markdown(sentences: tuple[facts.Sentence, ...]) -> str:
    return " ".join(sentence.render(escape_markdown, _source_link) for sentence in sentences)


def target_tracker(context: PageContext, features: gpd.GeoDataFrame) -> None:
    """Kazakhstan's protected share against its national target and 30 % by 2030, with sources."""
    translate = context.translate
    statement = facts.target_statement(context.catalogue.tables.get("targets"), features, translate)
    if not statement.available:
        st.info(translate("The target figures are not available."))
        return
    tracker, global_target = statement.tracker, statement.tracker.global_target
    for column, figure in zip(st.columns(3), statement.figures):
        column.metric(escape_markdown(figure.label), figure.value)
    st.markdown(_markdown(statement.notes))
    series = tracker.status.dropna(subset=["share_pct", "year"])
    if not series.empty:
        points = (
            alt.Chart(series)
            .mark_line(point=True)
            .encode(
                x=alt.X(
                    "year:Q", title=translate("Year"), axis=alt.Axis(format="d"), scale=alt.Scale(domain=[2015, 2036])
                ),
                y=alt.Y(
                    "share_pct:Q", title=translate("Share of territory protected (%)"), scale=alt.Scale(domain=[0, 32])
                ),
                tooltip=[alt.Tooltip("year:Q", format="d"), "share_pct:Q", "publisher:N"],
            )
        )
        rules = []
        if tracker.national_target_share_pct is not None:
            rules.append({"target": translate("National target"), "share_pct": tracker.national_target_share_pct})
        if global_target:
            rules.append(
                {"target": translate("Global target (30x30)"), "share_pct": float(global_target["target_pct"])}
            )
        lines = (
            alt.Chart(pd.DataFrame(rules))
            .mark_rule(strokeDash=[6, 4])
            .encode(y="share_pct:Q", color=alt.Color("target:N", title=translate("Target")))
        )
        st.altair_chart((points + lines).properties(height=280), width="stretch")
    st.markdown(_markdown(statement.contribution))


def render_region_locator(page: str, context: PageContext, features: gpd.GeoDataFrame, iso_code: str | None) -> None:
    """A small map of the regions with ``iso_code`` outlined; clicking a region selects it.

    The outline and the features are swapped in place, so changing region glides the map
    to it instead of reloading it.
    """
    regions = region_frame(context.catalogue)
    base = maps.build_base_map(regions, context.translate, context.name_column, selectable_regions=True)
    groups = maps.build_feature_groups(features, context.translate, context.name_column, context.region_names())
    groups.append(maps.region_highlight_group(regions, iso_code))
    view = None
    if regions is not None and iso_code in set(regions["iso_code"]):
        bounds = tuple(regions.loc[regions["iso_code"] == iso_code].total_bounds)
        (lat, lng), zoom = maps.view_for_bounds(bounds, height_px=LOCATOR_HEIGHT_PX)
        view = selection.MapView(lat, lng, zoom)
    _show_map(page, context, base, groups, LOCATOR_HEIGHT_PX, ["last_object_clicked"], view)


def feature_links_table(context: PageContext, frame: gpd.GeoDataFrame) -> None:
    """A short list of features: name, kind, official area and a link to see each on the map."""
    translate = context.translate
    located_mask = frame.geometry.notna() & ~frame.geometry.is_empty
    table = pd.DataFrame(
        {
            translate("Name"): [local_name(row, context.name_column) for _, row in frame.iterrows()],
            translate("Kind"): [kind_label(kind, translate) for kind in frame["kind"]],
            translate("Official area (ha)"): frame["area_ha"].to_numpy(),
            translate("On the map"): [
                f"/?sel={feature_id}" if has else None for feature_id, has in zip(frame["id"], located_mask)
            ],
        }
    )
    show_table(
        table,
        {
            translate("On the map"): st.column_config.LinkColumn(
                translate("On the map"), display_text=translate("show")
            ),
            translate("Official area (ha)"): st.column_config.NumberColumn(format="%,.0f"),
        },
    )


REGION_PARAM = "region"


def region_choice(page: str, context: PageContext, codes: list[str]) -> str:
    """The region to profile: from a map click, the picker, or the link's ``region`` (allowlisted)."""
    widget = f"{page}.region"
    allowed = frozenset(codes)
    if widget not in st.session_state:
        raw = state.params().get(REGION_PARAM)
        if raw is not None and raw not in allowed:
            state.add_notices([selection.Notice(REGION_PARAM, raw)])
            show_notices(context.translate)
        st.session_state[widget] = raw if raw in allowed else codes[0]
    click = new_map_click(page, map_key(page, context), allowed)
    if click is not None and click.feature_id:
        st.session_state[widget] = click.feature_id
    names = context.region_names()
    chosen = st.selectbox(
        context.translate("Region"), codes, format_func=lambda code: names.get(code, code), key=widget
    )
    state.write_params({REGION_PARAM: chosen}, (REGION_PARAM,))
    return chosen


def portfolio_table(context: PageContext, items: pd.DataFrame) -> None:
    """UNDP items: themes, partners, donors, years, budget, and where they are on the map."""
    translate = context.translate
    table = pd.DataFrame(
        {
            translate("Name"): [local_name(row, context.name_column) for _, row in items.iterrows()],
            translate("Themes"): [", ".join(theme_label(t, translate) for t in split_list(v)) for v in items["themes"]],
            translate("Partners"): items["partners"].str.replace(";", ", ").to_numpy(),
            translate("Donors"): items["donors"].str.replace(";", ", ").to_numpy(),
            translate("Years"): [
                "" if pd.isna(a) else (f"{int(a)}" if a == b else f"{int(a)}–{int(b)}")
                for a, b in zip(items["first_year"], items["last_year"])
            ],
            translate("Budget (US$)"): items["budget_usd"].to_numpy(),
            translate("Where"): [
                f"/?sel={feature_id}" if has else None for feature_id, has in zip(items["id"], items["located"])
            ],
            translate("Location"): [
                (row["location_name"] or translate("see map"))
                if row["located"]
                else (
                    translate("location not verifiable")
                    if row["kind"] == KIND_UNDP_SITE
                    else translate("national / no single location")
                )
                for _, row in items.iterrows()
            ],
            translate("Source"): items["source_url"].to_numpy(),
        }
    )
    show_table(
        table,
        {
            translate("Where"): st.column_config.LinkColumn(translate("Where"), display_text=translate("show on map")),
            translate("Source"): st.column_config.LinkColumn(translate("Source")),
            translate("Budget (US$)"): st.column_config.NumberColumn(format="%,.0f"),
        },
    )


def portfolio_timeline(context: PageContext, items: pd.DataFrame) -> None:
    """One bar per item from its first to its last known year."""
    translate = context.translate
    dated = items.dropna(subset=["first_year"])
    if dated.empty:
        st.caption(translate("Nothing to chart."))
        return
    data = pd.DataFrame(
        {
            "name": [local_name(row, context.name_column)[:60] for _, row in dated.iterrows()],
            "start": dated["first_year"].astype(int).to_numpy(),
            "end": (dated["last_year"].astype(int) + 1).to_numpy(),
            "theme": [theme_label(split_list(v)[0], translate) if split_list(v) else "" for v in dated["themes"]],
        }
    )
    chart = (
        alt.Chart(data)
        .mark_bar(height=14)
        .encode(
            x=alt.X("start:Q", title=translate("Year"), axis=alt.Axis(format="d"), scale=alt.Scale(zero=False)),
            x2="end:Q",
            y=alt.Y("name:N", title=None, sort=alt.EncodingSortField("start")),
            color=alt.Color("theme:N", title=translate("Theme")),
            tooltip=["name:N", alt.Tooltip("start:Q", format="d"), "theme:N"],
        )
        .properties(height=32 * len(data) + 40)
    )
    st.altair_chart(chart, width="stretch")
    st.caption(translate("Bars run from the first to the last year a source gives; items with no year are not shown."))


def catalogue_downloads(context: PageContext) -> None:
    """The whole catalogue: every feature as CSV or GeoJSON, every layer in one GeoPackage."""
    translate = context.translate
    catalogue = context.catalogue
    citation = exports.catalogue_citation(
        catalogue, "Kazakhstan environment atlas: whole catalogue", date.today().isoformat()
    )
    files = _export_files(
        "kz-atlas-catalogue",
        (N_("All features (CSV)"), N_("All features (GeoJSON)"), N_("All layers (GeoPackage)")),
        feature_frame(catalogue),
        exports.catalogue_layers(catalogue),
        citation,
    )
    download_row(translate, "catalogue", files)


# ---------------------------------------------------------------- presenting


def current_deck(context: PageContext, allowed: selection.Allowed) -> scenes.Deck:
    """The session's scene list, starting from the one that ships with the atlas."""
    deck = state.deck()
    if deck is None:
        try:
            deck = scenes.load_default_deck(allowed)
        except (OSError, scenes.DeckError):
            deck = scenes.Deck(title=context.translate("Presentation"))
        state.set_deck(deck)
    return deck


def add_scene_control(
    page: str, context: PageContext, allowed: selection.Allowed, filters: Filters, selected_id: str | None
) -> None:
    """On the map explorer: keep the current view (filters, selection, map view) as a scene."""
    translate = context.translate
    with st.expander(translate("Presentation: keep this view as a scene")):
        caption = st.text_input(
            translate("Caption (one line)"), key=f"{page}.scene_caption", max_chars=scenes.MAX_CAPTION_CHARS
        )
        if st.button(translate("Add this view as a scene"), key=f"{page}.add_scene"):
            view, _notices = selection.parse_view(state.params())
            scene = scenes.Scene(caption=caption.strip(), filters=filters, selected=selected_id, view=view)
            try:
                deck = current_deck(context, allowed).with_scene(scene)
            except scenes.DeckError as exc:
                st.error(translate("The scene was not added: {reason}").format(reason=escape_markdown(exc)))
                return
            state.set_deck(deck)
            st.success(
                translate("Added as scene {number}. Open Present to play or save the scene list.").format(
                    number=len(deck.scenes)
                )
            )


PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {display: none;}
.block-container {padding-top: 1rem; max-width: 100%;}
.kz-caption {font-size: 2.1rem; line-height: 1.25; font-weight: 600; margin: 0.2rem 0 0.6rem;}
.kz-counter {font-size: 1.3rem; color: #555;}
</style>
"""


def present_css() -> None:
    """Full-screen look for playing scenes: no sidebar, large type (our own fixed CSS)."""
    st.markdown(PRESENT_CSS, unsafe_allow_html=True)


def scene_caption(text: str, number: int, total: int, translate: Translate) -> None:
    """The scene's caption in large type and the scene counter (the caption is escaped)."""
    st.markdown(
        f'<div class="kz-counter">{escape_html(translate("Scene {number} of {total}").format(number=number, total=total))}</div>'
        # One line: a blank line would end the HTML block and let Markdown run on the rest.
        f'<div class="kz-caption">{escape_html(" ".join(translate(text).split()))}</div>',
        unsafe_allow_html=True,
    )


def render_scene_map(
    page: str, context: PageContext, scene: scenes.Scene, matching: gpd.GeoDataFrame, height: int
) -> None:
    """The map of one scene; stepping between scenes moves the view without remounting the map."""
    regions = region_frame(context.catalogue)
    base = maps.build_base_map(regions, context.translate, context.name_column)
    groups = maps.build_feature_groups(
        matching, context.translate, context.name_column, context.region_names(), scene.selected
    )
    view = scene.view or _view_of(matching, scene.selected or "") or selection.MapView(*MAP_CENTER, MAP_ZOOM)
    _show_map(page, context, base, groups, height, [], view)


SCENE_PARAM = "scene"


def playing() -> bool:
    """Whether the address asks to play a scene (checked before the page is drawn)."""
    return SCENE_PARAM in st.query_params


def scene_number(deck: scenes.Deck) -> int | None:
    """The 1-based scene the address asks to play, or ``None`` when not playing (allowlisted)."""
    raw = state.params().get(SCENE_PARAM)
    if raw is None:
        return None
    number = selection.parse_count(raw)
    if number is not None and 1 <= number <= len(deck.scenes):
        return number
    state.add_notices([selection.Notice(SCENE_PARAM, raw)])
    state.write_params({}, (SCENE_PARAM,))
    return None


def go_to_scene(number: int | None) -> None:
    state.write_params({SCENE_PARAM: str(number)} if number else {}, (SCENE_PARAM,))


def scene_player(page: str, context: PageContext, allowed: selection.Allowed, deck: scenes.Deck, number: int) -> None:
    """Play one scene full-screen: controls on top (arrow keys too), big caption, then the map."""
    translate = context.translate
    present_css()
    scene = deck.scenes[number - 1]
    previous, following, leave, link = st.columns([1, 1, 1, 3])
    if previous.button(translate("◀ Previous"), key=f"{page}.previous", shortcut="Left", disabled=number == 1):
        go_to_scene(number - 1)
        st.rerun()
    if following.button(translate("Next ▶"), key=f"{page}.next", shortcut="Right", disabled=number == len(deck.scenes)):
        go_to_scene(number + 1)
        st.rerun()
    if leave.button(translate("Stop presenting"), key=f"{page}.stop", shortcut="Esc"):
        go_to_scene(None)
        st.rerun()
    link.markdown(
        markdown_link(translate("Open this scene in the map explorer"), scene.explorer_url(allowed.year_bounds))
    )
    scene_caption(scene.caption, number, len(deck.scenes), translate)
    render_scene_map(page, context, scene, context.filtered(scene.filters), height=560)


def scene_editor(page: str, context: PageContext, allowed: selection.Allowed, deck: scenes.Deck) -> None:
    """Build the scene list: reorder, delete, save as a file, open a file, start presenting."""
    translate = context.translate
    *warnings, opened = st.session_state.pop(f"{page}.opened_messages", None) or [None]
    for warning in warnings:
        st.warning(warning)
    if opened:
        st.success(opened)
    st.markdown(
        translate(
            "A scene is a map view with its filters, highlighted feature and a one-line caption. Add scenes from "
            "the map explorer (Presentation: keep this view as a scene), then play them here full-screen; "
            "the arrow keys step through them."
        )
    )
    if not deck.scenes:
        st.info(translate("The scene list is empty. Add a scene from the map explorer or open a saved list."))
    else:
        table = pd.DataFrame(
            {
                translate("Scene"): range(1, len(deck.scenes) + 1),
                translate("Caption"): [s.caption for s in deck.scenes],
                translate("Present from here"): [f"/present?{SCENE_PARAM}={i}" for i in range(1, len(deck.scenes) + 1)],
                translate("In the map explorer"): [s.explorer_url(allowed.year_bounds) for s in deck.scenes],
            }
        )
        show_table(
            table,
            {
                translate("Present from here"): st.column_config.LinkColumn(display_text=translate("play")),
                translate("In the map explorer"): st.column_config.LinkColumn(display_text=translate("open")),
            },
        )
        if st.button(translate("Start presenting"), type="primary", key=f"{page}.start"):
            go_to_scene(1)
            st.rerun()
        chosen, up, down, delete = st.columns([2, 1, 1, 1])
        index = chosen.selectbox(
            translate("Scene"),
            range(len(deck.scenes)),
            format_func=lambda i: f"{i + 1}. {deck.scenes[i].caption[:50]}",
            key=f"{page}.chosen",
        )
        if up.button(translate("Move up"), key=f"{page}.up"):
            state.set_deck(deck.moved(index, -1))
            st.rerun()
        if down.button(translate("Move down"), key=f"{page}.down"):
            state.set_deck(deck.moved(index, 1))
            st.rerun()
        if delete.button(translate("Delete"), key=f"{page}.delete"):
            state.set_deck(deck.without(index))
            st.rerun()
    save, reset = st.columns(2)
    save.download_button(
        translate("Save the scene list"),
        scenes.deck_to_json(deck, allowed.year_bounds),
        "atlas-scenes.json",
        "application/json",
        key=f"{page}.save",
        on_click="ignore",
        disabled=not deck.scenes,
    )
    if reset.button(translate("Back to the scene list that ships with the atlas"), key=f"{page}.reset"):
        state.set_deck(scenes.load_default_deck(allowed))
        st.rerun()
    upload = st.file_uploader(translate("Open a saved scene list"), type=["json"], key=f"{page}.upload")
    if upload is not None and st.session_state.get(f"{page}.opened") != upload.file_id:
        st.session_state[f"{page}.opened"] = upload.file_id
        try:
            opened, warnings = scenes.parse_deck(upload.getvalue(), allowed)
        except scenes.DeckError as exc:
            st.error(
                translate("This file could not be opened; the current scenes are kept: {reason}").format(
                    reason=escape_markdown(exc)
                )
            )
            return
        state.set_deck(opened)
        # Draw the page again so the table, chooser and Save show the opened list; the
        # messages are kept for that run.
        st.session_state[f"{page}.opened_messages"] = [
            *(plain_snippet(warning, 80) for warning in warnings),
            translate("Opened {count} scenes.").format(count=len(opened.scenes)),
        ]
        st.rerun()


# Errors whose messages are written for users; anything else is reported by its type only,
# so no server path or internal detail reaches the page.
USER_FACING_ERRORS = (offline.OfflineExportError, scenes.DeckError, CatalogueError)


def export_failure(exc: Exception, translate: Translate) -> str:
    """Why an export failed, in words safe to show."""
    if isinstance(exc, USER_FACING_ERRORS):
        return plain_snippet(str(exc), 160)
    return translate("an unexpected error ({kind}); please try again").format(kind=type(exc).__name__)


def prepared_download(
    page: str,
    name: str,
    translate: Translate,
    steps: list[tuple[str, object]],
    outputs: list[tuple[str, str, str]],
) -> None:
    """Make a long export on request, showing each step; then offer its files.

    ``steps`` are ``(label, callable)`` run in order (each gets the previous results as a list);
    ``outputs`` are ``(label, file name, mime)`` for the last ``len(outputs)`` results. A failure
    says why and leaves the page as it was.
    """
    key = f"{page}.{name}.prepared"
    if st.button(translate("Prepare"), key=f"{page}.{name}.prepare"):
        results: list = []
        failure = None
        with st.status(translate("Preparing…"), expanded=True) as status:
            try:
                for label, make in steps:
                    status.update(label=translate(label))
                    st.write(translate(label))
                    results.append(make(results))
            except Exception as exc:  # any failure of an export must leave the app usable
                status.update(label=translate("The export failed"), state="error")
                failure = f"{translate(label)}: {export_failure(exc, translate)}"
            else:
                status.update(label=translate("Ready"), state="complete", expanded=False)
        if failure is not None:
            # In the page itself, not inside the status box, which the reader may have collapsed.
            st.session_state.pop(key, None)
            st.error(translate("The export could not be made: {reason}").format(reason=failure))
            return
        st.session_state[key] = results[-len(outputs) :]
    ready = st.session_state.get(key)
    if ready:
        download_row(translate, f"{page}.{name}", [(*output, data) for output, data in zip(outputs, ready)])


def offline_map_export(
    page: str, context: PageContext, matching: gpd.GeoDataFrame, selected_id: str | None, caption: str
) -> None:
    """The offline meeting kit: the current map as one HTML file that needs no network."""
    translate = context.translate
    view, _notices = selection.parse_view(state.params())
    manifest = context.catalogue.manifest

    def make(_results):
        return offline.standalone_map_html(
            region_frame(context.catalogue),
            matching,
            translate,
            context.name_column,
            context.region_names(),
            title=translate("Kazakhstan environment atlas"),
            caption=caption,
            data_version=manifest.data_version if manifest else "",
            made_on=date.today().isoformat(),
            selected_id=selected_id,
            view=view,
        ).encode("utf-8")

    st.markdown("**" + escape_markdown(translate("Offline meeting kit")) + "**")
    st.caption(translate("One HTML file of this map that opens from a USB stick with no network."))
    prepared_download(
        page,
        "offline",
        translate,
        [(N_("Drawing the map and writing the map library into the file"), make)],
        [(N_("Download the offline map (HTML)"), "kz-atlas-offline-map.html", "text/html")],
    )


# ---------------------------------------------------------------- briefing packs


BRIEFING_SCOPES = {
    briefing.SCOPE_COUNTRY: N_("The whole country"),
    briefing.SCOPE_REGION: N_("A region"),
    "area": N_("A protected area or corridor"),
    "site": N_("A UNDP project site"),
}


def app_base_url() -> str:
    """``scheme://host`` of this app as the browser reached it (for links printed in packs)."""
    url = getattr(st.context, "url", None) or ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "http://localhost:8501"


def briefing_scope(page: str, context: PageContext, features: gpd.GeoDataFrame) -> tuple[briefing.Scope, str, str]:
    """Widgets to choose what the pack is about; returns the scope, its name and the app link."""
    translate = context.translate
    choice = st.radio(
        translate("Briefing pack about"),
        list(BRIEFING_SCOPES),
        format_func=lambda key: translate(BRIEFING_SCOPES[key]),
        horizontal=True,
        key=f"{page}.scope",
    )
    base = app_base_url()
    if choice == briefing.SCOPE_COUNTRY:
        return briefing.Scope(briefing.SCOPE_COUNTRY), translate("Kazakhstan"), f"{base}/"
    if choice == briefing.SCOPE_REGION:
        names = context.region_names()
        code = st.selectbox(
            translate("Region"), sorted(names, key=names.get), format_func=names.get, key=f"{page}.region"
        )
        return briefing.Scope(briefing.SCOPE_REGION, code), names[code], f"{base}/region_profile?region={code}"
    kinds = (KIND_UNDP_SITE,) if choice == "site" else AREA_KINDS
    candidates = features[features["kind"].isin(kinds)].sort_values("name_en")
    labels = {row["id"]: local_name(row, context.name_column) for _, row in candidates.iterrows()}
    feature_id = st.selectbox(
        translate("Feature"), list(labels), format_func=labels.get, key=f"{page}.feature.{choice}"
    )
    return briefing.Scope(briefing.SCOPE_FEATURE, feature_id), labels[feature_id], f"{base}/?sel={feature_id}"


def briefing_export(page: str, context: PageContext, scope: briefing.Scope, link: str) -> None:
    """Make the PDF and PPTX for ``scope`` step by step, then offer both files."""
    translate = context.translate
    stem = "kz-atlas-briefing-" + "".join(ch if ch.isalnum() else "-" for ch in (scope.id or "kazakhstan").lower())

    def content(_results):
        return briefing.build_briefing(
            context.catalogue, scope, translate, context.name_column, link, date.today().isoformat()
        )

    steps = [
        (N_("Gathering the numbers and sources"), content),
        (N_("Drawing the map"), lambda _r: briefing.static_map_png(context.catalogue, scope, translate=translate)),
        (N_("Making the QR code"), lambda _r: briefing.qr_png(link)),
        (N_("Writing the PDF"), lambda r: briefing.pdf_bytes(r[0], r[1], r[2])),
        (N_("Writing the slides"), lambda r: briefing.pptx_bytes(r[0], r[1], r[2])),
    ]
    st.caption(translate("The pack links back to: {link}").format(link=escape_markdown(link)))
    prepared_download(
        page,
        stem,
        translate,
        steps,
        [
            (N_("Download the PDF"), f"{stem}.pdf", "application/pdf"),
            (
                N_("Download the slides (PPTX)"),
                f"{stem}.pptx",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ),
        ],
    )
