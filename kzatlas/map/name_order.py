"""Which names a map shows and in what order: one rule for the web map and the pack's map.

Names are shown by group, most important first (:data:`NAME_GROUPS`): the capital and the largest
cities, neighbouring countries, the seas and largest lakes, the regional centres, reserves,
parks and corridors from the largest down, the other lakes and reservoirs, UNDP sites, and last
the other towns. A map that spans the country names only its :data:`AREA_NAMES_AT_COUNTRY_ZOOM`
largest areas and leaves out the groups of :data:`CLOSE_GROUPS` (lakes, sites and towns): those
are named only closer in. The web map (:mod:`kzatlas.map.name_labels`) turns this order into
label priorities, the pack's map (:mod:`kzatlas.briefing.pack_names`) places its names in it;
neither keeps an order of its own.

Pure pandas: nothing here draws.
"""

from __future__ import annotations

import pandas as pd

GROUP_COUNTRY = "country"
GROUP_CAPITAL = "capital"
GROUP_SEA = "sea"
GROUP_CITY = "city"
GROUP_AREA = "area"
GROUP_LAKE = "lake"
GROUP_SITE = "site"
GROUP_TOWN = "town"
NAME_GROUPS = (GROUP_CAPITAL, GROUP_COUNTRY, GROUP_SEA, GROUP_CITY, GROUP_AREA, GROUP_LAKE, GROUP_SITE, GROUP_TOWN)
# Groups named only on maps closer in than the whole country.
CLOSE_GROUPS = frozenset({GROUP_LAKE, GROUP_SITE, GROUP_TOWN})
AREA_NAMES_AT_COUNTRY_ZOOM = 8
# Basemap places of rank 1 and 2 (the capital and the largest cities) are named first, even before
# the neighbours, rank 3 (the regional centres) as cities, higher ranks (other towns) last.
CAPITAL_RANKS = 2
CITY_RANK = 3
# Water names of rank 1 (the seas and the largest lakes) are named early, the others as lakes.
SEA_RANK = 1
# Room for every name of a group before the next group starts (priorities of the web map).
GROUP_SPAN = 1_000_000


def place_group(kind: str, rank: int) -> str:
    """The group of one basemap name: a country, a sea or lake, a capital or large city, a centre or a town."""
    if kind == "country":
        return GROUP_COUNTRY
    if kind == "water":
        return GROUP_SEA if int(rank) <= SEA_RANK else GROUP_LAKE
    if int(rank) <= CAPITAL_RANKS:
        return GROUP_CAPITAL
    return GROUP_CITY if int(rank) <= CITY_RANK else GROUP_TOWN


def priority(group: str, position: int) -> int:
    """The rank of a name among all names on a map (smaller first): its group, then its position."""
    return NAME_GROUPS.index(group) * GROUP_SPAN + position


def basemap_names_in_order(labels: pd.DataFrame) -> pd.DataFrame:
    """The basemap's names, most important first: by rank, then the larger population or water, then id."""
    size = labels["population"].fillna(0)
    if "area_km2" in labels:
        size = size + labels["area_km2"].fillna(0)
    order = labels.assign(_size=size).sort_values(["rank", "_size", "id"], ascending=[True, False, True])
    return order.drop(columns="_size")


def features_in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Features largest first (the official area, else the drawn one; ties by id)."""
    size = frame["area_ha"].where(frame["area_ha"].notna(), frame["area_drawn_ha"]).fillna(0)
    return frame.assign(_size=size).sort_values(["_size", "id"], ascending=[False, True]).drop(columns="_size")
