"""The pack's map, drawn on the server with matplotlib: no tiles, no network, no browser.

Object-oriented matplotlib on the Agg canvas: no pyplot, so no global figure state and no
GUI backend on a server thread.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import geopandas as gpd
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath
from PIL import Image

from kzatlas.analysis import located
from kzatlas.briefing.content import SCOPE_FEATURE, SCOPE_REGION, Scope
from kzatlas.briefing.items import UNCERTAIN_QUALITIES, has_position
from kzatlas.briefing.mapview import Extent, extent, fit_to_box, focus_geometry
from kzatlas.catalog import Catalogue, feature_frame, region_frame
from kzatlas.config import (
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
from kzatlas.i18n import KIND_SHORT_LABELS, Translate

_DASHED = (0, (5, 3))
_HIGHLIGHT = "#1A1A1A"
_OTHER_REGION_FILL = "#ECEBE7"


def static_map_png(
    catalogue: Catalogue,
    scope: Scope,
    width_px: int = 1600,
    height_px: int = 1000,
    translate: Translate | None = None,
) -> bytes:
    """Draw the scope's map as a PNG, on the server, without tiles or network.

    Region outlines are the base; reserves, parks and corridors are filled in their
    ``KIND_COLOURS`` (dashed outline when the shape is approximate or schematic); UNDP sites
    are dots. The scope is outlined in black and the view fitted to it: the whole country,
    a region, a feature with its surroundings, or 100 km around a UNDP site. Items without a
    map position are never drawn (for one of them the map shows the regions it names). A
    band under the map holds the legend (kinds in view only) and the UN disclaimer.

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
    translate = translate or _untranslated
    width_px, height_px = max(int(width_px), 320), max(int(height_px), 200)
    features, regions = feature_frame(catalogue), region_frame(catalogue)
    _check_scope(scope, features, regions)
    sheet = _Sheet.create(width_px, height_px)
    focus, codes = focus_geometry(scope, features, regions)
    view = sheet.show(extent(focus))
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
    legend = _legend_handles(shown_kinds, any_uncertain, sheet.scale, translate) + extra_handles
    sheet.add_legend(legend)
    sheet.add_disclaimer(translate(UN_DISCLAIMER))
    return sheet.png()


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
