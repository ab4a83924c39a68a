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

from kzatlas import analysis
from kzatlas.analysis import located
from kzatlas.catalog import split_list
from kzatlas.config import (
    AREA_KINDS,
    CRS,
    EQUAL_AREA_CRS,
    KIND_CORRIDOR,
    KIND_UNDP_PROGRAMME,
    KIND_UNDP_SITE,
    PROTECTED_KINDS,
    RELATIONSHIP_COLUMN,
    RELATIONSHIP_UN_PARTNER,
    UNDP_KINDS,
)

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


def un_partner(features: pd.DataFrame) -> pd.Series:
    """Which rows are UN partner sites: listed with UNDP's work, but not UNDP projects.

    Read from the optional ``relationship`` column; a frame without it, or a row with no
    value, holds no partner site.
    """
    if RELATIONSHIP_COLUMN not in features.columns:
        return pd.Series(False, index=features.index)
    relationship = features[RELATIONSHIP_COLUMN].astype("string").fillna("")
    return (relationship == RELATIONSHIP_UN_PARTNER) & features["kind"].isin(UNDP_KINDS)


def undp_work(features: pd.DataFrame) -> pd.Series:
    """Which rows count as UNDP's work: the one rule behind every UNDP count and list.

    UNDP project sites and programmes count, except UN partner sites (:func:`un_partner`);
    reserves, parks and corridors count when UNDP supported their creation or expansion
    (``undp_supported``).

    Parameters
    ----------
    features : DataFrame
        Rows with ``kind`` and ``undp_supported`` (``relationship`` optional).

    Returns
    -------
    Series of bool
        Same index as ``features``.
    """
    supported = features["undp_supported"].astype("boolean").fillna(False).astype(bool)
    items = features["kind"].isin(UNDP_KINDS) & ~un_partner(features)
    return items | (features["kind"].isin(AREA_KINDS) & supported)


@dataclass(frozen=True)
class UndpFootprint:
    """UNDP's items told one way on every page and in every pack.

    Attributes
    ----------
    sites : int
        UNDP project sites (``undp_site``; UN partner sites not among them).
    located_sites : int
        Those of them with a map position.
    programmes : int
        National programmes with no single location (``undp_programme``).
    partners : int
        UN partner sites: listed beside UNDP's work, never counted as it.
    """

    sites: int
    located_sites: int
    programmes: int
    partners: int


def undp_footprint(features: gpd.GeoDataFrame) -> UndpFootprint:
    """Count UNDP's sites, its national programmes and the UN partner sites in ``features``."""
    partners = un_partner(features)
    sites = (features["kind"] == KIND_UNDP_SITE) & ~partners
    where = located(features).index
    return UndpFootprint(
        sites=int(sites.sum()),
        located_sites=int(sites[sites.index.isin(where)].sum()),
        programmes=int(((features["kind"] == KIND_UNDP_PROGRAMME) & ~partners).sum()),
        partners=int(partners.sum()),
    )


def counts_by_kind_apart_from_partners(features: pd.DataFrame) -> pd.DataFrame:
    """:func:`analysis.counts_by_kind` with UN partner sites left out (count them with :func:`undp_footprint`)."""
    return analysis.counts_by_kind(features[~un_partner(features)])


def undp_sites_in(area_id: str, features: gpd.GeoDataFrame) -> list[Nearby]:
    """UNDP sites inside or touching a protected area or corridor (distance 0); partner sites left out."""
    partners = set(features.loc[un_partner(features), "id"])
    return [
        item
        for item in features_near(area_id, features, (KIND_UNDP_SITE,))
        if item.distance_km == 0 and item.id not in partners
    ]


def undp_areas_meeting(area_id: str, features: gpd.GeoDataFrame) -> list[Nearby]:
    """UNDP-supported reserves, parks and corridors whose drawn shape meets ``area_id``'s (distance 0)."""
    supported = set(features.loc[undp_work(features) & features["kind"].isin(AREA_KINDS), "id"])
    return [
        item
        for item in features_near(area_id, features, AREA_KINDS)
        if item.distance_km == 0 and item.id in supported
    ]


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
    """What a region holds, by the catalogue's region codes.

    Attributes
    ----------
    iso_code : str
        The region's ISO 3166-2 code.
    land_ha : float
        Its land area, measured from the region's boundary.
    official_land_km2 : float or None
        Its published area, where the regions layer carries one.
    protected_ids, corridor_ids : tuple of str
        Reserves and parks, and corridors, whose sources list the region.
    undp_ids : tuple of str
        UNDP's work in the region (:func:`undp_work`): its sites and programmes listed in or
        located in the region, and the UNDP-supported reserves, parks and corridors listed in
        the region or whose drawn shape reaches into it.
    partner_ids : tuple of str
        UN partner sites in the region (shown apart, never counted as UNDP's work).
    official_protected_ha : float
        The official areas of ``protected_ids`` added up.
    drawn_protected_ha_inside : float
        The part of their drawn shapes inside the region's boundary.
    """

    iso_code: str
    land_ha: float
    protected_ids: tuple[str, ...]
    corridor_ids: tuple[str, ...]
    undp_ids: tuple[str, ...]
    official_protected_ha: float
    drawn_protected_ha_inside: float
    partner_ids: tuple[str, ...] = ()
    official_land_km2: float | None = None

    @property
    def official_share(self) -> float:
        """Official protected hectares as a share of the region's land (0 without land area)."""
        return analysis.protected_share_of_land(self.official_protected_ha, self.land_ha) or 0.0

    @property
    def drawn_share(self) -> float:
        """Share of the region's land inside the drawn protected shapes (0 without land area)."""
        return self.drawn_protected_ha_inside / self.land_ha if self.land_ha else 0.0

    @property
    def listed_ids(self) -> tuple[str, ...]:
        """Every feature the profile names, each once, in the order of its lists."""
        return tuple(dict.fromkeys(self.protected_ids + self.corridor_ids + self.undp_ids + self.partner_ids))


def _reaches_into(geometries: gpd.GeoSeries, boundary) -> pd.Series:
    """Whether each drawn shape shares more than a border with ``boundary`` (missing: no)."""
    drawn = geometries.notna() & ~geometries.is_empty
    result = pd.Series(False, index=geometries.index)
    if drawn.any():
        shapes = geometries[drawn]
        result[drawn] = shapes.intersects(boundary) & ~shapes.touches(boundary)
    return result


def region_profile(iso_code: str, features: gpd.GeoDataFrame, regions: gpd.GeoDataFrame) -> RegionProfile | None:
    """Protected areas, corridors and UNDP's work in a region, and how much of it is protected.

    An item belongs to the region when its sources list the region or, for a located UNDP
    site, when its point lies inside the region's boundary. UNDP's work follows
    :func:`undp_work`; a UNDP-supported area also counts where its drawn shape reaches into the
    region. ``official_protected_ha`` adds the official areas of reserves and parks listed in
    the region (an area spanning several regions counts in full); ``drawn_protected_ha_inside``
    measures the part of their drawn shapes that falls inside the region's boundary.
    """
    region = regions[regions["iso_code"] == iso_code]
    if region.empty:
        return None
    shape = region.geometry.iloc[0]
    listed = features["region_codes"].map(lambda codes: iso_code in split_list(codes)).astype(bool)
    reaches = _reaches_into(features.geometry, shape)
    # UNDP sites whose point lies in the boundary count too, even if a source named no region.
    inside = reaches & (features["kind"] == KIND_UNDP_SITE)
    in_region = features[listed | inside]
    protected = in_region[in_region["kind"].isin(PROTECTED_KINDS)]
    work = undp_work(features) & (listed | reaches)
    partners = un_partner(features) & (listed | inside)
    boundary = region.to_crs(EQUAL_AREA_CRS).geometry.iloc[0]
    drawn = located(protected)
    clipped = drawn.to_crs(EQUAL_AREA_CRS).geometry.intersection(boundary)
    covered = gpd.GeoSeries([shapely.union_all(clipped.values)], crs=EQUAL_AREA_CRS)
    official_km2 = region["area_official_km2"].iloc[0] if "area_official_km2" in region.columns else None
    return RegionProfile(
        iso_code=iso_code,
        land_ha=analysis.land_area_hectares(region),
        protected_ids=tuple(protected["id"]),
        corridor_ids=tuple(in_region.loc[in_region["kind"] == KIND_CORRIDOR, "id"]),
        undp_ids=tuple(features.loc[work, "id"]),
        official_protected_ha=analysis.protected_hectares(protected),
        drawn_protected_ha_inside=float(area_hectares(covered).iloc[0]) if len(clipped) else 0.0,
        partner_ids=tuple(features.loc[partners, "id"]),
        official_land_km2=None if official_km2 is None or pd.isna(official_km2) else float(official_km2),
    )
