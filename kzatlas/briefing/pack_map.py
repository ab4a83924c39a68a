"""The pack's map, drawn on the server with matplotlib: no tiles, no network, no browser.

This module draws the atlas's own shapes (regions, protected areas, corridors, UNDP sites)
and the legend; the canvas and the basemap under them are in :mod:`.map_canvas`, the names
written over them in :mod:`.pack_names`.
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from shapely import affinity

from kzatlas.analysis import located
from kzatlas.briefing.content import SCOPE_FEATURE, SCOPE_REGION, Scope
from kzatlas.briefing.items import UNCERTAIN_QUALITIES, has_position
from kzatlas.briefing.map_canvas import Sheet, draw_basemap, polygon_paths
from kzatlas.briefing.map_extent import extent, focus_geometry
from kzatlas.briefing.pack_names import NameWriter, PlacedName
from kzatlas.catalog import Catalogue, feature_frame, region_frame
from kzatlas.config import (
    KIND_COLOURS,
    KINDS,
    MAP_KINDS,
    NEARBY_KM,
    POINT_KINDS,
    REGION_FILL_COLOUR,
    REGION_LINE_COLOUR,
    UN_DISCLAIMER,
)
from kzatlas.i18n import KIND_SHORT_LABELS, Translate, language_of, name_column
from kzatlas.map import basemap
from kzatlas.timeline import appearance_years, drawn_sizes

__all__ = ["PlacedName", "static_map_names", "static_map_png"]

_DASHED = (0, (5, 3))
_HIGHLIGHT = "#1A1A1A"
_OTHER_REGION_FILL = "#ECEBE7"
_BORDER_COLOUR = "#77776F"


def static_map_png(
    catalogue: Catalogue,
    scope: Scope,
    width_px: int = 1600,
    height_px: int = 1000,
    translate: Translate | None = None,
    *,
    up_to_year: int | None = None,
    legend: bool = True,
) -> bytes:
    """Draw the scope's map as a PNG, on the server, without tiles or network.

    The offline basemap lies under everything (neighbouring countries in a quiet grey, seas,
    lakes and rivers in blue; left out when its files are missing). Region outlines are the
    base; reserves, parks and corridors are filled in their ``KIND_COLOURS`` (dashed outline
    when the shape is approximate or schematic); UNDP sites are dots. The scope is outlined
    in black and the view fitted to it: the whole country, a region, a feature with its
    surroundings, or 100 km around a UNDP site. Items without a map position are never
    drawn (for one of them the map shows the regions it names). Names are written in the
    pack's language where they fit, never over one another (see
    :class:`.pack_names.NameWriter`). A band under the map holds the legend (kinds in view
    only) and the UN disclaimer.

    Parameters
    ----------
    catalogue : Catalogue
        The loaded catalogue.
    scope : Scope
        What the map is about.
    width_px, height_px : int
        Size of the image in pixels (at least 320 by 200).
    translate : callable, optional
        For the legend and the disclaimer; English when omitted.
    up_to_year : int, optional
        Draw only what existed by then (:func:`kzatlas.timeline.appearance_years`; a feature
        with no known year is left out): one frame of the network through time.
    legend : bool
        Without it, no legend and no disclaimer band (a small frame in a strip that carries them).

    Returns
    -------
    bytes
        PNG image data (RGB), exactly ``width_px`` by ``height_px``.

    Raises
    ------
    ValueError
        If the region or feature is not in the catalogue.
    """
    sheet, _ = _render(catalogue, scope, width_px, height_px, translate, up_to_year, legend)
    return sheet.png()


def static_map_names(
    catalogue: Catalogue,
    scope: Scope,
    width_px: int = 1600,
    height_px: int = 1000,
    translate: Translate | None = None,
    *,
    up_to_year: int | None = None,
) -> list[PlacedName]:
    """The names :func:`static_map_png` writes on the same map, in the order they were placed.

    Parameters
    ----------
    catalogue, scope, width_px, height_px, translate, up_to_year
        As for :func:`static_map_png`; the names are in ``translate``'s language where the
        data has them.

    Returns
    -------
    list of PlacedName
        Each name with its kind and its box in pixels (origin at the bottom left).
    """
    return _render(catalogue, scope, width_px, height_px, translate, up_to_year)[1]


def _render(
    catalogue: Catalogue,
    scope: Scope,
    width_px: int,
    height_px: int,
    translate: Translate | None,
    up_to_year: int | None = None,
    legend: bool = True,
) -> tuple[Sheet, list[PlacedName]]:
    translate = translate or _untranslated
    width_px, height_px = max(int(width_px), 320), max(int(height_px), 200)
    features, regions = feature_frame(catalogue), region_frame(catalogue)
    _check_scope(scope, features, regions)
    sheet = Sheet.create(width_px, height_px)
    focus, codes = focus_geometry(scope, features, regions)
    view = sheet.show(extent(focus))
    base = basemap.bundled_basemap_frames()
    if base is not None:
        draw_basemap(sheet, base, view)
    drawn = located(features)
    drawn = drawn[drawn.geometry.intersects(view)]
    if up_to_year is not None:
        years = appearance_years(drawn)
        drawn = drawn[[years.get(str(feature_id), up_to_year + 1) <= up_to_year for feature_id in drawn["id"]]]
        drawn = _sized_in(drawn, up_to_year)
    selected = drawn[drawn["id"] == scope.id] if scope.kind == SCOPE_FEATURE else drawn.iloc[0:0]
    if regions is not None:
        outline = scope.kind == SCOPE_REGION or (scope.kind == SCOPE_FEATURE and selected.empty)
        _draw_regions(sheet, regions, codes, outline)
    shown_kinds, any_uncertain = _draw_areas(sheet, drawn)
    shown_kinds += _draw_points(sheet, drawn)
    extra_handles = _draw_selected(sheet, selected, focus)
    names = NameWriter(sheet, view, name_column(language_of(translate)))
    names.write(scope, drawn, selected, base)
    if legend:
        sheet.add_legend(_legend_handles(shown_kinds, any_uncertain, sheet.scale, translate) + extra_handles)
        sheet.add_disclaimer(translate(UN_DISCLAIMER))
    return sheet, names.placed


def _sized_in(drawn: gpd.GeoDataFrame, year: int) -> gpd.GeoDataFrame:
    """Areas with a dated expansion after ``year`` drawn at their size then, as the map's time line draws them."""
    sizes = drawn_sizes(drawn)
    if not sizes:
        return drawn
    drawn = drawn.copy()
    for index, feature_id in zip(drawn.index, drawn["id"]):
        factor = 1.0
        for step_year, step_factor in sizes.get(str(feature_id), ()):
            if step_year <= year:
                factor = step_factor
        if factor != 1.0:
            shape = drawn.at[index, "geometry"]
            middle = shape.envelope.centroid
            drawn.at[index, "geometry"] = affinity.scale(shape, factor, factor, origin=middle)
    return drawn


def _untranslated(message: str) -> str:
    return message


def _check_scope(scope: Scope, features: gpd.GeoDataFrame, regions: gpd.GeoDataFrame | None) -> None:
    if scope.kind == SCOPE_FEATURE and scope.id not in set(features["id"]):
        raise ValueError(f"unknown feature {scope.id!r}")
    if scope.kind == SCOPE_REGION and regions is not None and scope.id not in set(regions["iso_code"]):
        raise ValueError(f"unknown region {scope.id!r}")


def _draw_regions(sheet: Sheet, regions: gpd.GeoDataFrame, codes: tuple[str, ...], outline: bool) -> None:
    """The regions as the base; those not in ``codes`` greyed, those in it outlined if ``outline``."""
    paths, fills, outlined = [], [], []
    for code, geometry in zip(regions["iso_code"], regions.geometry):
        if not has_position(geometry):
            continue
        # Nothing to single out (the country, or an item that names no region): all look alike.
        chosen = not codes or code in codes
        for path in polygon_paths(geometry):
            paths.append(path)
            fills.append(REGION_FILL_COLOUR if chosen else _OTHER_REGION_FILL)
            if chosen and outline:
                outlined.append(path)
    sheet.axes.add_collection(
        PathCollection(paths, facecolors=fills, edgecolors=REGION_LINE_COLOUR, linewidths=0.8 * sheet.scale, zorder=1)
    )
    # The national border, a shade darker than the regions' lines: it parts the country from
    # its neighbours, which share the same quiet greys.
    country = shapely.union_all([geometry for geometry in regions.geometry if has_position(geometry)])
    border = polygon_paths(country)
    if border:
        sheet.outline(border, _BORDER_COLOUR, 1.5, zorder=1.45)
    if outlined:
        sheet.outline(outlined, _HIGHLIGHT, 2.6, zorder=6)


def _draw_areas(sheet: Sheet, drawn: gpd.GeoDataFrame) -> tuple[list[str], bool]:
    """Every kind drawn as a shape; returns the kinds in view and whether any shape is uncertain."""
    shown_kinds: list[str] = []
    any_uncertain = False
    # The web map's order (config.MAP_KINDS): corridors under the areas they link, dots on top.
    shapes = [kind for kind in MAP_KINDS if kind not in POINT_KINDS]
    for zorder, kind in enumerate(shapes, start=2):
        of_kind = drawn[drawn["kind"] == kind]
        colour = KIND_COLOURS.get(kind, "#666666")
        for uncertain in (False, True):
            chosen = of_kind[of_kind["geometry_quality"].isin(UNCERTAIN_QUALITIES) == uncertain]
            paths = [path for geometry in chosen.geometry for path in polygon_paths(geometry)]
            if not paths:
                continue
            any_uncertain |= uncertain
            sheet.axes.add_collection(
                PathCollection(
                    paths,
                    facecolors=[to_rgba(colour, 0.45)],
                    edgecolors=[colour],
                    linewidths=2.0 * sheet.scale,
                    linestyles=[_DASHED if uncertain else "solid"],
                    zorder=zorder,
                )
            )
        if not of_kind.empty:
            shown_kinds.append(kind)
    return shown_kinds, any_uncertain


def _draw_points(sheet: Sheet, drawn: gpd.GeoDataFrame) -> list[str]:
    """Every kind drawn as dots (UNDP sites), above everything else; returns the kinds in view."""
    shown_kinds = []
    for kind in POINT_KINDS:
        of_kind = drawn[drawn["kind"] == kind]
        if of_kind.empty:
            continue
        points = [geometry.representative_point() for geometry in of_kind.geometry]
        sheet.axes.scatter(
            [point.x for point in points],
            [point.y for point in points],
            s=(11 * sheet.scale) ** 2,
            c=KIND_COLOURS[kind],
            edgecolors="white",
            linewidths=1.2 * sheet.scale,
            zorder=8,
        )
        shown_kinds.append(kind)
    return shown_kinds


def _draw_selected(sheet: Sheet, selected: gpd.GeoDataFrame, focus) -> list:
    """Single out the pack's feature; returns the legend entries this adds (the site's circle)."""
    if selected.empty:
        return []
    geometry = selected.geometry.iloc[0]
    scale = sheet.scale
    if selected["kind"].iloc[0] not in POINT_KINDS:
        uncertain = selected["geometry_quality"].iloc[0] in UNCERTAIN_QUALITIES
        sheet.outline(polygon_paths(geometry), _HIGHLIGHT, 2.8, zorder=9, linestyle=_DASHED if uncertain else "solid")
        return []
    point = geometry.representative_point()
    sheet.axes.scatter(
        [point.x], [point.y], s=(24 * scale) ** 2, facecolors="none", edgecolors=_HIGHLIGHT,
        linewidths=2.4 * scale, zorder=9,
    )  # fmt: skip
    sheet.outline(polygon_paths(focus), "#555555", 1.4, zorder=7, linestyle=(0, (2, 3)))
    return [Line2D([], [], color="#555555", linestyle=":", linewidth=1.5 * scale, label=f"{NEARBY_KM} km")]


def _legend_handles(shown_kinds: list[str], any_uncertain: bool, scale: float, translate: Translate) -> list:
    """One entry per kind in view (legend order), and the dashed-outline key when it applies."""
    legend: list = []
    for kind in KINDS:
        if kind not in shown_kinds:
            continue
        label, colour = translate(KIND_SHORT_LABELS.get(kind, kind)), KIND_COLOURS[kind]
        if kind in POINT_KINDS:
            legend.append(
                Line2D([], [], marker="o", linestyle="", markersize=12 * scale, markerfacecolor=colour,
                       markeredgecolor="white", label=label)
            )  # fmt: skip
        else:
            legend.append(Patch(facecolor=colour, edgecolor=colour, label=label))
    if any_uncertain:
        legend.append(
            Patch(
                facecolor="none", edgecolor="#444444", linestyle="--", linewidth=1.5 * scale,
                label=translate("Approximate or schematic shape, not a boundary"),
            )
        )  # fmt: skip
    return legend
