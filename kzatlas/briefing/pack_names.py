"""Names on the pack's map: what to name, where each name goes, and how it is written.

:class:`NameWriter` gathers the names in order of importance (the pack's feature, the
basemap's countries and cities, the atlas's areas and sites), tries each in a few positions
around its anchor and keeps the first that covers no name placed before it.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

import geopandas as gpd
import shapely
from matplotlib import patheffects
from shapely.ops import polylabel

from kzatlas.briefing.content import SCOPE_FEATURE, Scope
from kzatlas.briefing.labelling import Box, place_labels
from kzatlas.briefing.map_canvas import Sheet
from kzatlas.config import KAZAKHSTAN_BOUNDS, POINT_KINDS
from kzatlas.i18n import local_name, local_names
from kzatlas.map import name_order
from kzatlas.map.name_labels import WATER_NAME_COLOUR

# A map of (most of) the country names only its largest areas (name_order's count, as the web
# map at country zoom) and none of name_order's close groups (lakes, UNDP sites, towns); closer
# maps name everything that fits. Seas and lakes are written in italics in the web map's blue.
_NAME_FONT = "DejaVu Sans"
_WRAP_AT = 20
_MAX_NAME_CHARS = 64
_CITY_DOT = "#4A4A4A"
_DOTTED = ("capital", "city", "town")
_ITALIC = ("sea", "lake")
# kind -> (font size in points at the 1600-pixel scale, colour, weight, placement)
_NAME_STYLES = {
    "selected": (16.5, "#111111", "bold", "centre"),
    "country": (15.0, "#7C7C76", "normal", "centre"),
    "capital": (14.5, "#222222", "bold", "side"),
    "city": (13.0, "#333333", "normal", "side"),
    "town": (11.5, "#444444", "normal", "side"),
    "sea": (14.0, WATER_NAME_COLOUR, "normal", "centre"),
    "lake": (12.5, WATER_NAME_COLOUR, "normal", "centre"),
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
        ``selected``, ``country``, ``capital``, ``city``, ``town``, ``sea``, ``lake``, ``area`` or ``site``.
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


class NameWriter:
    """Writes the names in order of importance, each only where it fits.

    The pack's own feature first (always shown), then the groups in
    :data:`~kzatlas.map.name_order.NAME_GROUPS` order: the capital and the largest cities,
    neighbouring countries, seas, regional centres, reserves, parks and corridors from the largest down
    (only ``AREA_NAMES_AT_COUNTRY_ZOOM`` of them when the view spans the country), lakes, UNDP
    sites and towns (these three not when the view spans the country). Every name is measured
    with the renderer and handed to :func:`place_labels`, which keeps it only if its box is free.
    """

    def __init__(self, sheet: Sheet, view, column: str):
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
        """Place the names group by group in the maps' one order; draw the dots of the cities that got one."""
        if not selected.empty:
            self._add(self._feature_candidates(selected, "selected"), force=True)
        groups = self._basemap_candidates(base) if base is not None else {}
        others = drawn[drawn["id"] != scope.id] if scope.kind == SCOPE_FEATURE else drawn
        country_wide = _country_wide(self.view)
        for group in name_order.NAME_GROUPS:
            if country_wide and group in name_order.CLOSE_GROUPS:
                continue
            if group == name_order.GROUP_AREA:
                areas = others[~others["kind"].isin(POINT_KINDS)]
                limit = name_order.AREA_NAMES_AT_COUNTRY_ZOOM if country_wide else None
                self._add(self._feature_candidates(areas, name_order.GROUP_AREA), limit=limit)
            elif group == name_order.GROUP_SITE:
                self._add(self._feature_candidates(others[others["kind"].isin(POINT_KINDS)], name_order.GROUP_SITE))
            else:
                self._add(groups.get(group, []))
        if self.dots:
            self.sheet.axes.scatter(
                [x for x, _ in self.dots], [y for _, y in self.dots], s=(5.5) ** 2, c=_CITY_DOT,
                edgecolors="white", linewidths=1.0, zorder=10,
            )  # fmt: skip

    # -- candidates

    def _feature_candidates(self, frame: gpd.GeoDataFrame, kind: str) -> list[_Candidate]:
        """Features by size, largest first (sites keep the data's order); anchored in view."""
        candidates = []
        for _, row in name_order.features_in_order(frame).iterrows():
            text = local_name(row, self.column)
            anchor = self._anchor(row.geometry)
            if text and anchor is not None:
                shown = kind if kind != "selected" or row["kind"] not in POINT_KINDS else "selected_site"
                candidates.append(_Candidate(text, shown, anchor.x, anchor.y))
        return candidates

    def _basemap_candidates(self, base) -> dict[str, list[_Candidate]]:
        """The basemap's names in view, by group (countries, capitals and large cities, seas, centres...)."""
        labels = name_order.basemap_names_in_order(base["basemap_labels"])
        land = base["basemap_land"]
        groups: dict[str, list[_Candidate]] = {}
        for text, (_, row) in zip(local_names(labels, self.column), labels.iterrows()):
            point = row.geometry
            if not text or point is None or point.is_empty:
                continue
            group = name_order.place_group(row["kind"], row["rank"])
            if group == name_order.GROUP_COUNTRY:
                anchor = self._country_anchor(row, point, land)
                if anchor is not None:
                    groups.setdefault(group, []).append(_Candidate(text, group, anchor.x, anchor.y))
            elif self.inner.contains(point):
                groups.setdefault(group, []).append(_Candidate(text, group, point.x, point.y))
        return groups

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
            if candidate.kind in _DOTTED:
                self.dots.append((candidate.x, candidate.y))

    def _drafts(self, candidate: _Candidate) -> list[tuple[object, Box]]:
        """The name drawn in each of its positions, preferred first, with the box each takes."""
        kind = "selected" if candidate.kind == "selected_site" else candidate.kind
        size, colour, weight, placement = _NAME_STYLES[kind]
        text = _shown_text(candidate.text, kind)
        if candidate.kind == "selected_site":
            placement = "side"
        gap = {"capital": 6.0, "city": 6.0, "town": 5.0, "site": 9.0, "selected": 17.0}.get(kind, 0.0)
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
                fontweight=weight, fontstyle="italic" if kind in _ITALIC else "normal",
                fontfamily=_NAME_FONT, path_effects=halo, zorder=11,
                annotation_clip=False, parse_math=False,
            )  # fmt: skip
            extent_box = artist.get_window_extent(self.renderer)
            box = (extent_box.x0 - pad, extent_box.y0 - pad, extent_box.x1 + pad, extent_box.y1 + pad)
            if placement == "side" and kind in _DOTTED:
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
