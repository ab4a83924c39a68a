"""The pack map's canvas and the offline basemap drawn on it.

Object-oriented matplotlib on the Agg canvas: no pyplot, so no global figure state and no
GUI backend on a server thread. :class:`Sheet` holds the figure and the scale of every line
and font; :func:`draw_basemap` lays neighbouring countries, seas, lakes and rivers under the
atlas's own shapes; :func:`polygon_paths` and :func:`line_paths` turn shapely geometries
into matplotlib paths.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import geopandas as gpd
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.path import Path as MplPath
from PIL import Image

from kzatlas.briefing.map_extent import Extent, fit_to_box
from kzatlas.config import (
    BASEMAP_BORDER_COLOUR,
    BASEMAP_LAND_COLOUR,
    BASEMAP_RIVER_COLOUR,
    BASEMAP_WATER_COLOUR,
    BASEMAP_WATER_LINE_COLOUR,
    MAP_BACKGROUND,
)


@dataclass
class Sheet:
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
    def create(cls, width_px: int, height_px: int) -> Sheet:
        """A white figure of ``width_px`` by ``height_px``, the map's axes above the band."""
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
        """The legend at the top left of the band, up to four entries a row; none when empty."""
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
        """``text`` in small grey type at the bottom left, wrapped to the figure's width."""
        self.figure.text(
            0.008, 0.012, text, fontsize=12.5 * self.scale, color="#444444", va="bottom", ha="left", wrap=True,
            parse_math=False,
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


def polygon_paths(geometry) -> list:
    """Paths (matplotlib) for a (Multi)Polygon, holes included (even-odd via compound paths)."""
    polygons = getattr(geometry, "geoms", [geometry])
    paths = []
    for polygon in polygons:
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        rings = [polygon.exterior, *polygon.interiors]
        paths.append(MplPath.make_compound_path(*[MplPath(list(ring.coords), closed=True) for ring in rings]))
    return paths


def draw_basemap(sheet: Sheet, frames: dict[str, gpd.GeoDataFrame], view) -> None:
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
        land = [path for shape in clipped(chosen) for path in polygon_paths(shape)]
        if land:
            sheet.axes.add_collection(
                PathCollection(
                    land, facecolors=BASEMAP_LAND_COLOUR, edgecolors=edge, linewidths=0.9 * scale, zorder=0.5
                )
            )
    water = [path for shape in clipped(frames["basemap_water"]) for path in polygon_paths(shape)]
    if water:
        sheet.axes.add_collection(
            PathCollection(
                water, facecolors=BASEMAP_WATER_COLOUR, edgecolors=BASEMAP_WATER_LINE_COLOUR,
                linewidths=0.6 * scale, zorder=1.4,
            )
        )  # fmt: skip
    rivers = [path for shape in clipped(frames["basemap_rivers"]) for path in line_paths(shape)]
    if rivers:
        sheet.axes.add_collection(
            PathCollection(
                rivers, facecolors="none", edgecolors=BASEMAP_RIVER_COLOUR, linewidths=1.3 * scale,
                capstyle="round", joinstyle="round", zorder=1.5,
            )
        )  # fmt: skip


def line_paths(geometry) -> list:
    """Open paths (matplotlib) for the lines in a (Multi)LineString or a collection."""
    parts = getattr(geometry, "geoms", [geometry])
    paths = []
    for part in parts:
        if part.geom_type == "LineString" and not part.is_empty:
            paths.append(MplPath(list(part.coords)))
        elif part.geom_type in ("MultiLineString", "GeometryCollection"):
            paths += line_paths(part)
    return paths
