"""Spatial joins and distances, done in projected CRSs so hectares and kilometres are right.

* Areas use an equal-area projection (``EQUAL_AREA_CRS``).
* Distances from a place use an azimuthal equidistant projection centred on that place,
  which keeps every distance measured from the centre true.

Shapes of reserves, parks and corridors are approximate or schematic, so anything computed
from them is approximate too; callers say so next to the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS as PROJ_CRS

from kzatlas.analysis import located
from kzatlas.catalog import split_list
from kzatlas.config import CRS, EQUAL_AREA_CRS, KIND_CORRIDOR, KIND_UNDP_SITE, PROTECTED_KINDS, UNDP_KINDS

M2_PER_HA = 10_000.0
M_PER_KM = 1_000.0


def equidistant_crs(lat: float, lon: float) -> PROJ_CRS:
    """Azimuthal equidistant projection centred on (lat, lon)."""
    return PROJ_CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")


def area_hectares(geometries: gpd.GeoSeries) -> pd.Series:
    """Area of each geometry in hectares, measured in the equal-area projection.

    The one area measure of the atlas: the geodata build uses it for the drawn areas it
    stores, the region profile for the drawn protected area inside a region.

    Parameters
    ----------
    geometries : GeoSeries
        In any CRS (EPSG:4326 in the catalogue).

    Returns
    -------
    Series
        Hectares, same index; NaN for a missing geometry, 0 for an empty one.
    """
    return geometries.to_crs(EQUAL_AREA_CRS).area / M2_PER_HA


def distances_km(origin, targets: gpd.GeoDataFrame) -> pd.Series:
    """Shortest distance (km) from ``origin`` (a shapely geometry in EPSG:4326) to each target.

    Measured in an equidistant projection centred on the origin's representative point;
    0 where the target touches or contains the origin.
    """
    if targets.empty:
        return pd.Series(dtype="float64", index=targets.index)
    anchor = origin.representative_point()
    local = equidistant_crs(anchor.y, anchor.x)
    origin_local = gpd.GeoSeries([origin], crs=CRS).to_crs(local).iloc[0]
    return targets.geometry.to_crs(local).distance(origin_local) / M_PER_KM


@dataclass(frozen=True)
class Nearby:
    """A feature near another, with its distance in km (0 when they touch or overlap)."""

    id: str
    distance_km: float


def features_near(
    origin_id: str, features: gpd.GeoDataFrame, kinds: tuple[str, ...], within_km: float | None = None
) -> list[Nearby]:
    """Features of ``kinds`` near ``origin_id``, nearest first.

    Parameters
    ----------
    origin_id : str
        Id of a located feature in ``features``.
    features : GeoDataFrame
        The catalogue's features (unlocated ones are ignored).
    kinds : tuple of str
        Which kinds to look for.
    within_km : float, optional
        Keep only those at most this far; ``None`` keeps all.
    """
    drawn = located(features)
    origin = drawn.loc[drawn["id"] == origin_id]
    if origin.empty:
        return []
    candidates = drawn[drawn["kind"].isin(kinds) & (drawn["id"] != origin_id)]
    distances = distances_km(origin.geometry.iloc[0], candidates).sort_values()
    result = [Nearby(candidates.at[index, "id"], float(value)) for index, value in distances.items()]
    if within_km is not None:
        result = [item for item in result if item.distance_km <= within_km]
    return result


def undp_sites_in(area_id: str, features: gpd.GeoDataFrame) -> list[Nearby]:
    """UNDP sites inside or touching a protected area or corridor (distance 0)."""
    return [item for item in features_near(area_id, features, (KIND_UNDP_SITE,)) if item.distance_km == 0]


def nearest(origin_id: str, features: gpd.GeoDataFrame, kinds: tuple[str, ...]) -> Nearby | None:
    """The nearest feature of ``kinds``, or ``None`` when there is none."""
    found = features_near(origin_id, features, kinds)
    return found[0] if found else None


def protected_areas_linked_by(corridor_id: str, features: gpd.GeoDataFrame) -> list[str]:
    """Reserves and parks whose drawn shape meets the corridor's drawn band."""
    return [item.id for item in features_near(corridor_id, features, PROTECTED_KINDS) if item.distance_km == 0]


def share_outside_protected_areas(corridor_id: str, features: gpd.GeoDataFrame) -> float | None:
    """Share (0-1) of the corridor's drawn band not covered by any reserve or park's drawn shape."""
    drawn = located(features)
    corridor = drawn[(drawn["id"] == corridor_id) & (drawn["kind"] == KIND_CORRIDOR)]
    if corridor.empty:
        return None
    protected = drawn[drawn["kind"].isin(PROTECTED_KINDS)]
    band = corridor.to_crs(EQUAL_AREA_CRS).geometry.iloc[0]
    cover = shapely.union_all(protected.to_crs(EQUAL_AREA_CRS).geometry.values)
    if band.area == 0:
        return None
    return float(band.difference(cover).area / band.area)


@dataclass(frozen=True)
class RegionProfile:
    """What a region holds, by the catalogue's region codes."""

    iso_code: str
    land_ha: float
    protected_ids: tuple[str, ...]
    corridor_ids: tuple[str, ...]
    undp_ids: tuple[str, ...]
    official_protected_ha: float
    drawn_protected_ha_inside: float

    @property
    def official_share(self) -> float:
        """Official protected hectares as a share of the region's land (0 without land area)."""
        return self.official_protected_ha / self.land_ha if self.land_ha else 0.0

    @property
    def drawn_share(self) -> float:
        """Share of the region's land inside the drawn protected shapes (0 without land area)."""
        return self.drawn_protected_ha_inside / self.land_ha if self.land_ha else 0.0


def region_profile(iso_code: str, features: gpd.GeoDataFrame, regions: gpd.GeoDataFrame) -> RegionProfile | None:
    """Protected areas, corridors and UNDP items of a region, and how much of it is protected.

    An item belongs to the region when its sources list the region or, for a located UNDP
    site, when its point lies inside the region's boundary. ``official_protected_ha`` adds the
    official areas of reserves and parks listed in the region (an area spanning several regions
    counts in full); ``drawn_protected_ha_inside`` measures the part of their drawn shapes that
    falls inside the region's boundary.
    """
    region = regions[regions["iso_code"] == iso_code]
    if region.empty:
        return None
    listed = features["region_codes"].map(lambda codes: iso_code in split_list(codes))
    # UNDP sites whose point lies in the boundary count too, even if a source named no region.
    drawn_sites = features.geometry.notna() & (features["kind"] == KIND_UNDP_SITE)
    inside = drawn_sites & features.geometry.intersects(region.geometry.iloc[0])
    in_region = features[listed | inside]
    protected = in_region[in_region["kind"].isin(PROTECTED_KINDS)]
    boundary = region.to_crs(EQUAL_AREA_CRS).geometry.iloc[0]
    drawn = located(protected)
    inside = drawn.to_crs(EQUAL_AREA_CRS).geometry.intersection(boundary)
    covered = gpd.GeoSeries([shapely.union_all(inside.values)], crs=EQUAL_AREA_CRS)
    return RegionProfile(
        iso_code=iso_code,
        land_ha=float(region["area_km2"].iloc[0]) * 100.0,
        protected_ids=tuple(protected["id"]),
        corridor_ids=tuple(in_region.loc[in_region["kind"] == KIND_CORRIDOR, "id"]),
        undp_ids=tuple(in_region.loc[in_region["kind"].isin(UNDP_KINDS), "id"]),
        official_protected_ha=float(protected["area_ha"].fillna(0).sum()),
        drawn_protected_ha_inside=float(area_hectares(covered).iloc[0]) if len(inside) else 0.0,
    )
