"""What lies around a feature, as a page and a briefing pack both state it.

* :func:`neighbourhood` and :func:`neighbourhood_notes`: what lies around a feature (the
  protected areas and corridors near a UNDP site; the UNDP sites in and near an area, and
  for a corridor the areas its band meets) and the sentences that explain it.

The protection story and target statement live in :mod:`kzatlas.facts.protection`, a
region's figures in :mod:`kzatlas.facts.region_facts`.

Everything here is plain text already translated; renderers escape it for their medium
(Markdown on a page, nothing in a PDF) and decide how a cited source becomes a link.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import geopandas as gpd
import pandas as pd

from kzatlas import spatial
from kzatlas.config import AREA_KINDS, KIND_CORRIDOR, KIND_UNDP_SITE, NEARBY_KM
from kzatlas.formats import format_number
from kzatlas.i18n import Translate, shown_name

# ---------------------------------------------------------------------------- neighbourhood


@dataclass(frozen=True)
class Neighbourhood:
    """What lies around one feature, by distances measured from the drawn shapes.

    Attributes
    ----------
    feature_id, kind : str
        The feature described.
    located : bool
        Whether it has a map position; without one nothing else is measured.
    undp_supported : bool
        Whether UNDP supported the feature (for an area: its creation or expansion).
    within_km : float
        How far a UNDP site's neighbourhood reaches.
    nearby : tuple of spatial.Nearby
        For a UNDP site, the protected areas and corridors within ``within_km``; for an area,
        UNDP's work there (:func:`kzatlas.spatial.undp_work`): the UNDP sites inside or touching
        it, then the other UNDP-supported reserves, parks and corridors its drawn shape meets.
    nearest : spatial.Nearby or None
        For a UNDP site, the nearest protected area or corridor when none is within reach;
        for an area, the nearest UNDP site (possibly one of ``nearby``).
    linked_areas : tuple of str
        For a corridor, the ids of the reserves and parks its drawn band meets.
    """

    feature_id: str
    kind: str
    located: bool
    undp_supported: bool
    within_km: float
    nearby: tuple[spatial.Nearby, ...] = ()
    nearest: spatial.Nearby | None = None
    linked_areas: tuple[str, ...] = ()

    @property
    def is_undp_site(self) -> bool:
        """Whether the feature described is a UNDP project site."""
        return self.kind == KIND_UNDP_SITE

    def related(self) -> dict[str, float]:
        """Every feature the neighbourhood names, with its distance in km.

        A UNDP site's neighbours within reach; for an area the UNDP sites in it, the nearest
        one, and for a corridor the areas its band meets (distance 0). Insertion order:
        ``nearby``, then ``nearest``, then ``linked_areas``.
        """
        found = {item.id: item.distance_km for item in self.nearby}
        if not self.is_undp_site:
            if self.nearest is not None:
                found.setdefault(self.nearest.id, self.nearest.distance_km)
            for area_id in self.linked_areas:
                found.setdefault(area_id, 0.0)
        return found


def neighbourhood(feature_id: str, features: gpd.GeoDataFrame, within_km: float = NEARBY_KM) -> Neighbourhood | None:
    """The neighbourhood of ``feature_id``, or ``None`` when it is not in ``features``.

    Parameters
    ----------
    feature_id : str
        Id of a feature in ``features``.
    features : GeoDataFrame
        The catalogue's features (EPSG:4326); unlocated ones are never neighbours.
    within_km : float
        How far to look around a UNDP site (ignored for other kinds).

    Returns
    -------
    Neighbourhood or None
    """
    match = features[features["id"] == feature_id]
    if match.empty:
        return None
    row = match.iloc[0]
    geometry = row.geometry
    hood = Neighbourhood(
        feature_id=feature_id,
        kind=row["kind"],
        located=geometry is not None and not geometry.is_empty,
        undp_supported=bool(row["undp_supported"]),
        within_km=within_km,
    )
    if not hood.located:
        return hood
    if hood.is_undp_site:
        nearby = tuple(spatial.features_near(feature_id, features, AREA_KINDS, within_km))
        nearest = None if nearby else spatial.nearest(feature_id, features, AREA_KINDS)
        return replace(hood, nearby=nearby, nearest=nearest)
    linked = tuple(spatial.protected_areas_linked_by(feature_id, features)) if hood.kind == KIND_CORRIDOR else ()
    partners = spatial.un_partner(features)
    return replace(
        hood,
        nearby=(*spatial.undp_sites_in(feature_id, features), *spatial.undp_areas_meeting(feature_id, features)),
        nearest=spatial.nearest(feature_id, features[~partners], (KIND_UNDP_SITE,)),
        linked_areas=linked,
    )


def neighbourhood_notes(
    hood: Neighbourhood, features: pd.DataFrame, translate: Translate, name_column: str
) -> list[str]:
    """The sentences that go with a neighbourhood, in reading order, as plain text.

    Parameters
    ----------
    hood : Neighbourhood
        From :func:`neighbourhood`.
    features : DataFrame
        The frame the neighbourhood was measured in (for the names of its features).
    translate : callable
        Translation function.
    name_column : str
        Which name to show (empty local names fall back to English).

    Returns
    -------
    list of str
        Unescaped sentences; data names are inside them, so a Markdown renderer escapes them.
    """
    if not hood.located:
        return [translate("This item has no map position, so nothing can be measured from it.")]
    by_id = features.set_index("id")

    def name(feature_id: str) -> str:
        return shown_name(by_id.loc[feature_id], name_column, translate)

    def km(distance: float) -> str:
        return format_number(distance, translate)

    notes = []
    if hood.is_undp_site:
        if not hood.nearby:
            text = translate("None within {km} km.").format(km=hood.within_km)
            if hood.nearest is not None:
                text += " " + translate("The nearest is {name}, {distance} km away.").format(
                    name=name(hood.nearest.id), distance=km(hood.nearest.distance_km)
                )
            notes.append(text)
    else:
        if not hood.nearby:
            notes.append(
                translate("No UNDP project site, and no other UNDP-supported area, lies inside or touches this area.")
            )
        if hood.nearest is not None:
            notes.append(
                translate("Nearest UNDP project site: {name}, {distance} km.").format(
                    name=name(hood.nearest.id), distance=km(hood.nearest.distance_km)
                )
            )
        if hood.undp_supported:
            notes.append(translate("UNDP supported the creation or expansion of this area (see sources)."))
    notes.append(_measured_from(hood, by_id, translate))
    return notes


def _measured_from(hood: Neighbourhood, by_id: pd.DataFrame, translate: Translate) -> str:
    """What the distances are measured from: surveyed boundaries, drawn shapes, or both."""
    ids = [feature_id for feature_id in (hood.feature_id, *hood.related()) if feature_id in by_id.index]
    areas = by_id.loc[ids]
    areas = areas[areas["kind"].isin(AREA_KINDS)]
    surveyed = int((areas["geometry_quality"] == "surveyed").sum())
    if len(areas) and surveyed == len(areas):
        return translate("Distances are measured from the surveyed boundaries.")
    if surveyed:
        return translate(
            "Distances are measured from the surveyed boundaries where the atlas has them, else from the drawn "
            "shapes, which are approximate for reserves and parks."
        )
    return translate("Distances are measured from the drawn shapes, which are approximate for reserves and parks.")
