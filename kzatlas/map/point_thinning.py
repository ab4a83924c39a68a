"""Thousands of points made readable: a grid over the points, at most a few markers per cell.

A preview of 20,000 points drawn one by one is a solid blob and a heavy page. Above
:data:`THIN_ABOVE` points, :func:`thin_points` lays a grid over the points' extent (the view the
preview opens with, so a cell is a patch of screen) and, for each cell and each state
(``add``, ``change``, ``reject``...), keeps the points when there are at most
:data:`MAX_PER_CELL` of them, else one marker at their mean position that carries their
count. States are counted apart, so a rejected point never disappears inside a cell of
accepted ones. Pure pandas and numpy; nothing here knows folium.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

# Up to this many points the preview draws each one.
THIN_ABOVE = 500
# Cells across the wider side of the points' extent (about 20 x 7 over Kazakhstan).
GRID_CELLS = 20
# A cell keeps up to this many points of one state as they are; more become one counted marker.
MAX_PER_CELL = 2
COUNT_COLUMN = "count"


def _cell_indices(xs: np.ndarray, ys: np.ndarray, cells: int) -> tuple[np.ndarray, np.ndarray]:
    """Grid column and row of each point, cells square and ``cells`` across the wider side."""
    minx, maxx, miny, maxy = xs.min(), xs.max(), ys.min(), ys.max()
    size = max(maxx - minx, maxy - miny) / cells
    if not np.isfinite(size) or size <= 0:
        return np.zeros(len(xs), dtype=np.int64), np.zeros(len(ys), dtype=np.int64)
    # The far edge belongs to the last cell.
    columns = np.minimum(((xs - minx) / size).astype(np.int64), cells - 1)
    rows = np.minimum(((ys - miny) / size).astype(np.int64), cells - 1)
    return columns, rows


def thin_points(
    points: gpd.GeoDataFrame,
    state_column: str,
    *,
    thin_above: int = THIN_ABOVE,
    cells: int = GRID_CELLS,
    max_per_cell: int = MAX_PER_CELL,
) -> gpd.GeoDataFrame:
    """The points to draw: every point when there are few, else a few per grid cell and state with counts.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Point geometries (other geometry types are the caller's to draw) with a
        ``state_column``.
    state_column : str
        What tells points apart on the map (the import's action); counted separately.
    thin_above : int, optional
        Up to this many points, all are kept.
    cells : int, optional
        Grid cells across the wider side of the points' extent.
    max_per_cell : int, optional
        Points of one state a cell keeps as they are.

    Returns
    -------
    geopandas.GeoDataFrame
        The kept points with all their columns and ``count`` 1, then one row per crowded cell
        and state: the state, ``count`` (how many points it stands for) and the points' mean
        position, other columns empty. The counts add up to the number of points given.
    """
    kept = points.copy()
    kept[COUNT_COLUMN] = 1
    if len(points) <= thin_above:
        return kept
    xs = shapely.get_x(points.geometry.values).astype(float)
    ys = shapely.get_y(points.geometry.values).astype(float)
    columns, rows = _cell_indices(xs, ys, cells)
    keys = pd.DataFrame({"state": points[state_column].to_numpy(), "column": columns, "row": rows, "x": xs, "y": ys})
    sizes = keys.groupby(["state", "column", "row"], sort=False)["x"].transform("size").to_numpy()
    crowded = sizes > max_per_cell
    singles = kept[~crowded]
    grouped = (
        keys[crowded]
        .groupby(["state", "column", "row"], sort=True)
        .agg(x=("x", "mean"), y=("y", "mean"), count=("x", "size"))
        .reset_index()
    )
    counted = gpd.GeoDataFrame(
        {state_column: grouped["state"].to_numpy(), COUNT_COLUMN: grouped["count"].to_numpy()},
        geometry=shapely.points(grouped["x"].to_numpy(), grouped["y"].to_numpy()),
        crs=points.crs,
    )
    return gpd.GeoDataFrame(pd.concat([singles, counted], ignore_index=True), geometry="geometry", crs=points.crs)


def is_counted(row) -> bool:
    """Whether a row of :func:`thin_points` stands for several points."""
    return int(row[COUNT_COLUMN]) > 1
