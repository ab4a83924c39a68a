"""Download buttons: feature files, the whole catalogue, and long exports made step by step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from urllib.parse import urlencode

import geopandas as gpd
import streamlit as st

from kzatlas import exports, scenes, selection
from kzatlas.catalog import CatalogueError, feature_frame, region_frame
from kzatlas.i18n import N_, Translate, local_name
from kzatlas.map import offline_kit
from kzatlas.safety import escape_markdown, plain_snippet
from kzatlas.ui import state, time_line
from kzatlas.ui.frame import PageContext
from kzatlas.ui.settings import public_base_url

# Errors whose messages are written for users; anything else is reported by its type only,
# so no server path or internal detail reaches the page.
USER_FACING_ERRORS = (offline_kit.OfflineExportError, scenes.DeckError, CatalogueError)


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


def download_buttons(
    page: str, context: PageContext, frame: gpd.GeoDataFrame, title: str, filters_text: str = ""
) -> None:
    """CSV, GeoJSON and GeoPackage of ``frame``, each with citation, licence and disclaimer."""
    citation = exports.catalogue_citation(context.catalogue, title, date.today().isoformat(), filters_text)
    files = _export_files(
        f"kz-atlas-{page.replace('_', '-')}",
        (N_("Download CSV"), N_("Download GeoJSON"), N_("Download GeoPackage")),
        frame,
        {"features": frame},
        citation,
    )
    download_row(context.translate, page, files)


def catalogue_downloads(context: PageContext) -> None:
    """The whole catalogue: every feature as CSV or GeoJSON, every layer in one GeoPackage."""
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
    download_row(context.translate, "catalogue", files)


def export_failure(exc: Exception, translate: Translate) -> str:
    """Why an export failed, in words safe to show."""
    if isinstance(exc, USER_FACING_ERRORS):
        return escape_markdown(plain_snippet(str(exc), 160))
    return translate("an unexpected error ({kind}); please try again").format(kind=type(exc).__name__)


def prepared_download(
    page: str,
    name: str,
    translate: Translate,
    steps: list[tuple[str, Callable[[list], object]]],
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
    """The offline meeting kit: the map as the reader sees it, as one HTML file that needs no network.

    The file opens at the view on screen (the address's ``view``, which the page helper keeps
    up to date), with the filters in ``caption`` and the highlighted feature named in its banner.
    """
    translate = context.translate
    view, _notices = selection.parse_view(state.params())
    year, _notices = selection.parse_time(state.params())  # the time line's year, as the browser keeps it
    manifest = context.catalogue.manifest
    chosen = matching[matching["id"] == selected_id] if selected_id else matching.iloc[0:0]
    if not chosen.empty:
        name = local_name(chosen.iloc[0], context.name_column)
        caption = f"{caption} · {translate('Highlighted: {name}').format(name=name)}"

    base = public_base_url()
    link = f"{base}/?{urlencode(state.params())}" if base else ""

    def make(_results):
        return offline_kit.standalone_map_html(
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
            link=link,
            time_line=lambda names: time_line.time_control(context, date.today().year, year, names),
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
