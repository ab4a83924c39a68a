"""The pack's map, drawn on the server with matplotlib: no tiles, no network, no browser.

Object-oriented matplotlib on the Agg canvas: no pyplot, so no global figure state and no
GUI backend on a server thread.
"""

from __future__ import annotations

import io
import math
import textwrap
from dataclasses import dataclass

import geopandas as gpd
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath
from PIL import Image
from shapely.ops import polylabel

from kzatlas import basemap
from kzatlas.analysis import located
from kzatlas.briefing.content import SCOPE_FEATURE, SCOPE_REGION, Scope
from kzatlas.briefing.items import UNCERTAIN_QUALITIES, has_position
from kzatlas.briefing.labelling import Box, place_labels
from kzatlas.briefing.mapview import Extent, extent, fit_to_box, focus_geometry
from kzatlas.catalog import Catalogue, feature_frame, region_frame
from kzatlas.config import (
    BASEMAP_BORDER_COLOUR,
    BASEMAP_LAND_COLOUR,
    BASEMAP_RIVER_COLOUR,
    BASEMAP_WATER_COLOUR,
    BASEMAP_WATER_LINE_COLOUR,
    KAZAKHSTAN_BOUNDS,
    KIND_COLOURS,
    KIND_CORRIDOR,
    KIND_UNDP_SITE,
    KINDS,
    MAP_BACKGROUND,
    NEARBY_KM,
    PROTECTED_KINDS,
    REGION_FILL_COLOUR,
    REGION_LINE_COLOUR,
    UN_DISCLAIMER,
)
from kzatlas.i18n import KIND_SHORT_LABELS, Translate, language_of, local_name, local_names, name_column

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
) -> bytes:
    """Draw the scope's map as a PNG, on the server, without tiles or network.

    The offline basemap lies under everything (neighbouring countries in a quiet grey, seas,
    lakes and rivers in blue; left out when its files are missing). Region outlines are the
    base; reserves, parks and corridors are filled in their ``KIND_COLOURS`` (dashed outline
    when the shape is approximate or schematic); UNDP sites are dots. The scope is outlined
    in black and the view fitted to it: the whole country, a region, a feature with its
    surroundings, or 100 km around a UNDP site. Items without a map position are never
    drawn (for one of them the map shows the regions it names). Names are written in the
    pack's language where they fit, never over one another (see :class:`_Names`). A band
    under the map holds the legend (kinds in view only) and the UN disclaimer.

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

    Returns
    -------
    bytes
        PNG image data (RGB), exactly ``width_px`` by ``height_px``.

    Raises
    ------
    ValueError
        If the region or feature is not in the catalogue.
    """
    sheet, _ = _render(catalogue, scope, width_px, height_px, translate)
    return sheet.png()


def static_map_names(
    catalogue: Catalogue,
    scope: Scope,
    width_px: int = 1600,
    height_px: int = 1000,
    translate: Translate | None = None,
) -> list[PlacedName]:
    """The names :func:`static_map_png` writes on the same map, in the order they were placed.

    Parameters
    ----------
    catalogue : Catalogue
        The loaded catalogue.
    scope : Scope
        What the map is about.
    width_px, height_px : int
        Size of the image in pixels.
    translate : callable, optional
        The pack's language (names are in it where the data has them); English when omitted.

    Returns
    -------
    list of PlacedName
        Each name with its kind and its box in pixels (origin at the bottom left).
    """
    return _render(catalogue, scope, width_px, height_px, translate)[1]


def _render(
    catalogue: Catalogue, scope: Scope, width_px: int, height_px: int, translate: Translate | None
) -> tuple[_Sheet, list[PlacedName]]:
    translate = translate or _untranslated
    width_px, height_px = max(int(width_px), 320), max(int(height_px), 200)
    features, regions = feature_frame(catalogue), region_frame(catalogue)
    _check_scope(scope, features, regions)
    sheet = _Sheet.create(width_px, height_px)
    focus, codes = focus_geometry(scope, features, regions)
    view = sheet.show(extent(focus))
    base = basemap.bundled_basemap_frames()
    if base is not None:
        _draw_basemap(sheet, base, view)
    drawn = located(features)
    drawn = drawn[drawn.geometry.intersects(view)]
    selected = drawn[drawn["id"] == scope.id] if scope.kind == SCOPE_FEATURE else drawn.iloc[0:0]
    if regions is not None:
        outline = scope.kind == SCOPE_REGION or (scope.kind == SCOPE_FEATURE and selected.empty)
        _draw_regions(sheet, regions, codes, outline)
    shown_kinds, any_uncertain = _draw_areas(sheet, drawn)
    if _draw_sites(sheet, drawn):
        shown_kinds.append(KIND_UNDP_SITE)
    extra_handles = _draw_selected(sheet, selected, focus)
    names = _Names(sheet, view, name_column(language_of(translate)))
    names.write(scope, drawn, selected, base)
    legend = _legend_handles(shown_kinds, any_uncertain, sheet.scale, translate) + extra_handles
    sheet.add_legend(legend)
    sheet.add_disclaimer(translate(UN_DISCLAIMER))
    return sheet, names.placed


def _untranslated(message: str) -> str:
    return message


def _check_scope(scope: Scope, features: gpd.GeoDataFrame, regions: gpd.GeoDataFrame | None) -> None:
    if scope.kind == SCOPE_FEATURE and scope.id not in set(features["id"]):
        raise ValueError(f"unknown feature {scope.id!r}")
    if scope.kind == SCOPE_REGION and regions is not None and scope.id not in set(regions["iso_code"]):
        raise ValueError(f"unknown region {scope.id!r}")


@dataclass
class _Sheet:
    """The figure, its Agg canvas and the map's axes, with the scale of every line and font.

    Sizes are set for a 1600-pixel-wide image and scaled with ``scale``; ``band`` is the
    share of the height under the map that holds the legend and the disclaimer, so they
    never hide a feature.
    """

    figure: Figure
    canvas: FigureCanvasAgg
    axes: Axes
    band: float
    scale: float
    box_ratio: float

    @classmethod
    def create(cls, width_px: int, height_px: int) -> _Sheet:
        scale = width_px / 1600
        dpi = 100 * scale
        # A quarter pixel of slack: Agg truncates the figure's float size to whole pixels.
        figure = Figure(figsize=((width_px + 0.25) / dpi, (height_px + 0.25) / dpi), dpi=dpi, facecolor="white")
        canvas = FigureCanvasAgg(figure)
        band = min(128 * scale / height_px, 0.35)
        axes = figure.add_axes((0, band, 1, 1 - band))
        axes.set_facecolor(MAP_BACKGROUND)
        axes.set_xticks([])
        axes.set_yticks([])
        for spine in axes.spines.values():
            spine.set_edgecolor("#B0B0B0")
        return cls(figure, canvas, axes, band, scale, width_px / (height_px * (1 - band)))

    def show(self, area: Extent):
        """Fit the axes to ``area`` (widened to the axes' shape); returns the box in view."""
        west, south, east, north = fit_to_box(area, self.box_ratio)
        self.axes.set_xlim(west, east)
        self.axes.set_ylim(south, north)
        return shapely.box(west, south, east, north)

    def outline(self, paths: list, colour: str, width: float, zorder: int, linestyle=None) -> None:
        """Unfilled ``paths``; ``width`` is in points at the 1600-pixel scale."""
        extra = {} if linestyle is None else {"linestyles": [linestyle]}
        self.axes.add_collection(
            PathCollection(
                paths, facecolors="none", edgecolors=colour, linewidths=width * self.scale, zorder=zorder, **extra
            )
        )

    def add_legend(self, handles: list) -> None:
        if not handles:
            return
        self.figure.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0.004, self.band),
            ncol=min(4, len(handles)),
            fontsize=14 * self.scale,
            frameon=False,
            handlelength=2.2,
            columnspacing=1.6,
        )

    def add_disclaimer(self, text: str) -> None:
        self.figure.text(
            0.008, 0.012, text, fontsize=12.5 * self.scale, color="#444444", va="bottom", ha="left", wrap=True
        )

    def png(self) -> bytes:
        """The drawn figure as PNG bytes.

        RGB without alpha (the figure is opaque): a smaller PNG, and the PDF needs no soft
        mask. Saved by Pillow without timestamps, so the same map gives the same bytes.
        """
        self.canvas.draw()
        image = Image.frombuffer("RGBA", self.canvas.get_width_height(), self.canvas.buffer_rgba()).convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()


def _polygon_paths(geometry) -> list:
    """Paths (matplotlib) for a (Multi)Polygon, holes included (even-odd via compound paths)."""
    polygons = getattr(geometry, "geoms", [geometry])
    paths = []
    for polygon in polygons:
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        rings = [polygon.exterior, *polygon.interiors]
        paths.append(MplPath.make_compound_path(*[MplPath(list(ring.coords), closed=True) for ring in rings]))
    return paths


def _draw_regions(sheet: _Sheet, regions: gpd.GeoDataFrame, codes: tuple[str, ...], outline: bool) -> None:
    """The regions as the base; those not in ``codes`` greyed, those in it outlined if ``outline``."""
    paths, fills, outlined = [], [], []
    for code, geometry in zip(regions["iso_code"], regions.geometry):
        if not has_position(geometry):
            continue
        # Nothing to single out (the country, or an item that names no region): all look alike.
        chosen = not codes or code in codes
        for path in _polygon_paths(geometry):
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
    border = _polygon_paths(country)
    if border:
        sheet.outline(border, _BORDER_COLOUR, 1.5, zorder=1.45)
    if outlined:
        sheet.outline(outlined, _HIGHLIGHT, 2.6, zorder=6)


def _draw_areas(sheet: _Sheet, drawn: gpd.GeoDataFrame) -> tuple[list[str], bool]:
    """Corridors, reserves and parks; returns the kinds in view and whether any shape is uncertain."""
    shown_kinds: list[str] = []
    any_uncertain = False
    # Corridors under the areas they link, UNDP dots on top (the interactive map's order).
    for zorder, kind in enumerate((KIND_CORRIDOR, *reversed(PROTECTED_KINDS)), start=2):
        of_kind = drawn[drawn["kind"] == kind]
        colour = KIND_COLOURS.get(kind, "#666666")
        for uncertain in (False, True):
            chosen = of_kind[of_kind["geometry_quality"].isin(UNCERTAIN_QUALITIES) == uncertain]
            paths = [path for geometry in chosen.geometry for path in _polygon_paths(geometry)]
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


def _draw_sites(sheet: _Sheet, drawn: gpd.GeoDataFrame) -> bool:
    """UNDP sites as dots above everything else; whether there were any."""
    sites = drawn[drawn["kind"] == KIND_UNDP_SITE]
    if sites.empty:
        return False
    points = [geometry.representative_point() for geometry in sites.geometry]
    sheet.axes.scatter(
        [point.x for point in points],
        [point.y for point in points],
        s=(11 * sheet.scale) ** 2,
        c=KIND_COLOURS[KIND_UNDP_SITE],
        edgecolors="white",
        linewidths=1.2 * sheet.scale,
        zorder=8,
    )
    return True


def _draw_selected(sheet: _Sheet, selected: gpd.GeoDataFrame, focus) -> list:
    """Single out the pack's feature; returns the legend entries this adds (the site's circle)."""
    if selected.empty:
        return []
    geometry = selected.geometry.iloc[0]
    scale = sheet.scale
    if selected["kind"].iloc[0] != KIND_UNDP_SITE:
        uncertain = selected["geometry_quality"].iloc[0] in UNCERTAIN_QUALITIES
        sheet.outline(_polygon_paths(geometry), _HIGHLIGHT, 2.8, zorder=9, linestyle=_DASHED if uncertain else "solid")
        return []
    point = geometry.representative_point()
    sheet.axes.scatter(
        [point.x], [point.y], s=(24 * scale) ** 2, facecolors="none", edgecolors=_HIGHLIGHT,
        linewidths=2.4 * scale, zorder=9,
    )  # fmt: skip
    sheet.outline(_polygon_paths(focus), "#555555", 1.4, zorder=7, linestyle=(0, (2, 3)))
    return [Line2D([], [], color="#555555", linestyle=":", linewidth=1.5 * scale, label=f"{NEARBY_KM} km")]


def _legend_handles(shown_kinds: list[str], any_uncertain: bool, scale: float, translate: Translate) -> list:
    """One entry per kind in view (legend order), and the dashed-outline key when it applies."""
    legend: list = []
    for kind in KINDS:
        if kind not in shown_kinds:
            continue
        label, colour = translate(KIND_SHORT_LABELS.get(kind, kind)), KIND_COLOURS[kind]
        if kind == KIND_UNDP_SITE:
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


# ---------------------------------------------------------------------------- basemap


def _draw_basemap(sheet: _Sheet, frames: dict[str, gpd.GeoDataFrame], view) -> None:
    """Neighbours under the regions; seas, lakes and rivers over them, under the features.

    Shapes are cut to a little more than the view first: smaller paths, and nothing drawn
    that cannot be seen.
    """
    west, south, east, north = view.bounds
    margin = 0.05 * max(east - west, north - south)
    window = (west - margin, south - margin, east + margin, north + margin)

    def clipped(frame: gpd.GeoDataFrame) -> list:
        shapes = shapely.clip_by_rect(frame.geometry.values, *window)
        return [shape for shape in shapes if shape is not None and not shape.is_empty]

    scale = sheet.scale
    countries = frames["basemap_land"]
    # Kazakhstan's own outline comes from its regions: a second, coarser line beside it would
    # only blur the border.
    home = countries["country_code"].fillna("").str.upper() == "KZ"
    for chosen, edge in ((countries[~home], BASEMAP_BORDER_COLOUR), (countries[home], "none")):
        land = [path for shape in clipped(chosen) for path in _polygon_paths(shape)]
        if land:
            sheet.axes.add_collection(
                PathCollection(
                    land, facecolors=BASEMAP_LAND_COLOUR, edgecolors=edge, linewidths=0.9 * scale, zorder=0.5
                )
            )
    water = [path for shape in clipped(frames["basemap_water"]) for path in _polygon_paths(shape)]
    if water:
        sheet.axes.add_collection(
            PathCollection(
                water, facecolors=BASEMAP_WATER_COLOUR, edgecolors=BASEMAP_WATER_LINE_COLOUR,
                linewidths=0.6 * scale, zorder=1.4,
            )
        )  # fmt: skip
    rivers = [path for shape in clipped(frames["basemap_rivers"]) for path in _line_paths(shape)]
    if rivers:
        sheet.axes.add_collection(
            PathCollection(
                rivers, facecolors="none", edgecolors=BASEMAP_RIVER_COLOUR, linewidths=1.3 * scale,
                capstyle="round", joinstyle="round", zorder=1.5,
            )
        )  # fmt: skip


def _line_paths(geometry) -> list:
    """Open paths (matplotlib) for the lines in a (Multi)LineString or a collection."""
    parts = getattr(geometry, "geoms", [geometry])
    paths = []
    for part in parts:
        if part.geom_type == "LineString" and not part.is_empty:
            paths.append(MplPath(list(part.coords)))
        elif part.geom_type in ("MultiLineString", "GeometryCollection"):
            paths += _line_paths(part)
    return paths


# ---------------------------------------------------------------------------- names

# A map of (most of) the country names only its largest areas, as the web map does at country
# zoom, and no UNDP sites; closer maps name everything that fits.
AREA_NAMES_ON_COUNTRY_MAP = 8
_NAME_FONT = "DejaVu Sans"
_WRAP_AT = 20
_MAX_NAME_CHARS = 64
_CITY_DOT = "#4A4A4A"
# kind -> (font size in points at the 1600-pixel scale, colour, weight, placement)
_NAME_STYLES = {
    "selected": (16.5, "#111111", "bold", "centre"),
    "country": (15.0, "#7C7C76", "normal", "centre"),
    "capital": (14.5, "#222222", "bold", "side"),
    "city": (13.0, "#333333", "normal", "side"),
    "area": (13.0, "#1D3B31", "normal", "centre"),
    "site": (12.5, "#7A2E00", "normal", "side"),
}


@dataclass(frozen=True)
class PlacedName:
    """A name written on the pack's map.

    Attributes
    ----------
    text : str
        The name as it is in the data (before wrapping or capitals).
    kind : str
        ``selected``, ``country``, ``capital``, ``city``, ``area`` or ``site``.
    box : tuple of float
        ``(x0, y0, x1, y1)`` in pixels, origin at the bottom left, halo included.
    """

    text: str
    kind: str
    box: Box


@dataclass(frozen=True)
class _Candidate:
    text: str
    kind: str
    x: float
    y: float


class _Names:
    """Writes the names in order of importance, each only where it fits.

    The pack's own feature first (always shown), then neighbouring countries, the capital and
    the largest cities, reserves, parks and corridors from the largest down (only
    ``AREA_NAMES_ON_COUNTRY_MAP`` of them when the view spans the country), UNDP sites (not
    when the view spans the country) and last the regional centres. Every name is measured with the
    renderer and handed to :func:`place_labels`, which keeps it only if its box is free.
    """

    def __init__(self, sheet: _Sheet, view, column: str):
        self.sheet, self.view, self.column = sheet, view, column
        self.renderer = sheet.canvas.get_renderer()
        self.points = sheet.figure.dpi / 72  # pixels per point
        box = sheet.axes.get_window_extent(self.renderer)
        edge = 4 * self.points
        self.bounds: Box = (box.x0 + edge, box.y0 + edge, box.x1 - edge, box.y1 - edge)
        west, south, east, north = view.bounds
        inset_x, inset_y = 0.03 * (east - west), 0.03 * (north - south)
        self.inner = shapely.box(west + inset_x, south + inset_y, east - inset_x, north - inset_y)
        self.placed: list[PlacedName] = []
        self.dots: list[tuple[float, float]] = []

    def write(self, scope: Scope, drawn: gpd.GeoDataFrame, selected: gpd.GeoDataFrame, base) -> None:
        """Place every group of names in turn; draw the dots of the cities that got one."""
        if not selected.empty:
            self._add(self._feature_candidates(selected, "selected"), force=True)
        if base is not None:
            countries, cities, centres = self._basemap_candidates(base)
            self._add(countries)
            self._add(cities)
        others = drawn[drawn["id"] != scope.id] if scope.kind == SCOPE_FEATURE else drawn
        areas = others[others["kind"] != KIND_UNDP_SITE]
        country_wide = _country_wide(self.view)
        self._add(self._feature_candidates(areas, "area"), limit=AREA_NAMES_ON_COUNTRY_MAP if country_wide else None)
        if not country_wide:
            self._add(self._feature_candidates(others[others["kind"] == KIND_UNDP_SITE], "site"))
        if base is not None:
            self._add(centres)
        if self.dots:
            self.sheet.axes.scatter(
                [x for x, _ in self.dots], [y for _, y in self.dots], s=(5.5) ** 2, c=_CITY_DOT,
                edgecolors="white", linewidths=1.0, zorder=10,
            )  # fmt: skip

    # -- candidates

    def _feature_candidates(self, frame: gpd.GeoDataFrame, kind: str) -> list[_Candidate]:
        """Features by size, largest first (sites keep the data's order); anchored in view."""
        size = frame["area_ha"].where(frame["area_ha"].notna(), frame["area_drawn_ha"]).fillna(0)
        order = frame.assign(_size=size).sort_values(["_size", "id"], ascending=[False, True])
        candidates = []
        for _, row in order.iterrows():
            text = local_name(row, self.column)
            anchor = self._anchor(row.geometry)
            if text and anchor is not None:
                shown = kind if kind != "selected" or row["kind"] != KIND_UNDP_SITE else "selected_site"
                candidates.append(_Candidate(text, shown, anchor.x, anchor.y))
        return candidates

    def _basemap_candidates(self, base) -> tuple[list[_Candidate], list[_Candidate], list[_Candidate]]:
        labels = base["basemap_labels"]
        names = local_names(labels, self.column)
        order = labels.assign(_name=names, _size=labels["population"].fillna(0)).sort_values(
            ["rank", "_size", "id"], ascending=[True, False, True]
        )
        land = base["basemap_land"]
        countries, cities, centres = [], [], []
        for _, row in order.iterrows():
            text, point = row["_name"], row.geometry
            if not text or point is None or point.is_empty:
                continue
            if row["kind"] == "country":
                anchor = self._country_anchor(row, point, land)
                if anchor is not None:
                    countries.append(_Candidate(text, "country", anchor.x, anchor.y))
            elif self.inner.contains(point):
                if int(row["rank"]) <= 2:
                    cities.append(_Candidate(text, "capital", point.x, point.y))
                else:
                    centres.append(_Candidate(text, "city", point.x, point.y))
        return countries, cities, centres

    def _country_anchor(self, row, point, land: gpd.GeoDataFrame):
        """The country's label point if in view, else the middle of the part of it in view."""
        if self.inner.contains(point):
            return point
        code = str(row["id"]).removeprefix("country-").upper()
        shapes = land[land["country_code"].fillna("").str.upper() == code].geometry
        seen = shapely.intersection(shapely.union_all(shapes.values), self.inner) if len(shapes) else None
        if seen is None or seen.is_empty or seen.area < 0.04 * self.inner.area:
            return None
        largest = max(getattr(seen, "geoms", [seen]), key=lambda part: part.area)
        if largest.geom_type != "Polygon":
            return None
        return polylabel(largest, tolerance=0.05)

    def _anchor(self, geometry):
        if geometry is None or geometry.is_empty:
            return None
        if geometry.geom_type == "Point":
            return geometry if self.inner.contains(geometry) else None
        point = geometry.representative_point()
        if self.inner.contains(point):
            return point
        seen = geometry.intersection(self.inner)
        return None if seen.is_empty else seen.representative_point()

    # -- placing

    def _add(self, candidates: list[_Candidate], limit: int | None = None, force: bool = False) -> None:
        drafts = [self._drafts(candidate) for candidate in candidates]
        taken = [name.box for name in self.placed]
        chosen = place_labels([[box for _, box in options] for options in drafts], self.bounds, taken, limit)
        if force and not chosen and drafts:
            chosen = [(0, drafts[0][0][1])]
        kept = {index: box for index, box in chosen}
        for index, options in enumerate(drafts):
            for artist, box in options:
                if kept.get(index) is box:
                    continue
                artist.remove()
        for index, box in chosen:
            candidate = candidates[index]
            self.placed.append(PlacedName(candidate.text, candidate.kind.removesuffix("_site"), box))
            if candidate.kind in ("capital", "city"):
                self.dots.append((candidate.x, candidate.y))

    def _drafts(self, candidate: _Candidate) -> list[tuple[object, Box]]:
        """The name drawn in each of its positions, preferred first, with the box each takes."""
        kind = "selected" if candidate.kind == "selected_site" else candidate.kind
        size, colour, weight, placement = _NAME_STYLES[kind]
        text = _shown_text(candidate.text, kind)
        if candidate.kind == "selected_site":
            placement = "side"
        gap = {"capital": 6.0, "city": 6.0, "site": 9.0, "selected": 17.0}.get(kind, 0.0)
        if placement == "side":
            offsets = [((gap, 0), "left", "center"), ((-gap, 0), "right", "center"),
                       ((0, gap), "center", "bottom"), ((0, -gap), "center", "top")]  # fmt: skip
        else:
            offsets = [((0, 0), "center", "center"), ((0, 9), "center", "bottom"), ((0, -9), "center", "top"),
                       ((9, 0), "left", "center"), ((-9, 0), "right", "center")]  # fmt: skip
        halo = [patheffects.withStroke(linewidth=3.2, foreground="white")]
        pad = 2.0 * self.points
        drafts = []
        anchor_x, anchor_y = self.sheet.axes.transData.transform((candidate.x, candidate.y))
        for offset, horizontal, vertical in offsets:
            artist = self.sheet.axes.annotate(
                text, (candidate.x, candidate.y), xytext=offset, textcoords="offset points",
                ha=horizontal, va=vertical, multialignment="center", fontsize=size, color=colour,
                fontweight=weight, fontfamily=_NAME_FONT, path_effects=halo, zorder=11,
                annotation_clip=False,
            )  # fmt: skip
            extent_box = artist.get_window_extent(self.renderer)
            box = (extent_box.x0 - pad, extent_box.y0 - pad, extent_box.x1 + pad, extent_box.y1 + pad)
            if placement == "side" and kind in ("capital", "city"):
                # The city's dot belongs to its name: nothing may cover it either.
                dot = 4 * self.points
                box = (min(box[0], anchor_x - dot), min(box[1], anchor_y - dot),
                       max(box[2], anchor_x + dot), max(box[3], anchor_y + dot))  # fmt: skip
            drafts.append((artist, box))
        return drafts


def _shown_text(name: str, kind: str) -> str:
    """The name as written: countries in capitals, long names shortened and on two lines."""
    if kind == "country":
        return name.upper()
    if len(name) > _MAX_NAME_CHARS:
        name = textwrap.shorten(name, _MAX_NAME_CHARS, placeholder="…")
    if len(name) <= _WRAP_AT:
        return name
    # The narrowest width that still gives two lines: balanced, never a lone word below.
    width = max(_WRAP_AT, math.ceil(len(name) / 2))
    while len(textwrap.wrap(name, width)) > 2:
        width += 1
    return textwrap.fill(name, width)


def _country_wide(view) -> bool:
    """Whether the view shows most of the country (then only the largest areas are named)."""
    (_, west), (_, east) = KAZAKHSTAN_BOUNDS
    return view.bounds[2] - view.bounds[0] >= 0.6 * (east - west)
