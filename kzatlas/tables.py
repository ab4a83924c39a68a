"""The tables pages show, as plain DataFrames with translated column names.

Pure builders: frames in, a new DataFrame out. Each takes ``translate`` (the page's translation
function; column names are translated) and, where names are shown, ``name_column`` (the names
in the page's language; English fills gaps). The Streamlit layer only displays the tables and
chooses how columns look, using the number formats declared here.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd

from kzatlas.catalog import split_list
from kzatlas.config import KIND_UNDP_SITE
from kzatlas.i18n import QUALITY_LABELS, Translate, kind_label, local_name, local_names, theme_label
from kzatlas.selection import feature_link, scene_link

HECTARES_FORMAT = "%,.0f"
YEAR_FORMAT = "%d"
MONEY_FORMAT = "%,.0f"


def number_formats(translate: Translate) -> dict[str, str]:
    """Printf-style formats of the number columns every feature table shares, by translated column name."""
    return {
        translate("Official area (ha)"): HECTARES_FORMAT,
        translate("Drawn area (ha)"): HECTARES_FORMAT,
        translate("Year"): YEAR_FORMAT,
    }


def _located(frame: gpd.GeoDataFrame) -> pd.Series:
    return frame.geometry.notna() & ~frame.geometry.is_empty


def _map_links(ids: Iterable[str], located: Iterable[bool]) -> list[str | None]:
    """A map explorer link for each located feature, ``None`` for the others."""
    return [feature_link(feature_id) if has else None for feature_id, has in zip(ids, located)]


def feature_table(
    matching: gpd.GeoDataFrame, translate: Translate, name_column: str, region_names: dict[str, str]
) -> pd.DataFrame:
    """The list of features as the user sees it: names, kind, regions, areas, position, source.

    One row per feature of ``matching``, in its order; ``region_names`` maps ISO codes to names
    in the page's language (an unknown code is shown as it is).
    """
    return pd.DataFrame(
        {
            translate("Name"): local_names(matching, name_column),
            translate("Kind"): [kind_label(kind, translate) for kind in matching["kind"]],
            translate("Region"): [
                ", ".join(region_names.get(code, code) for code in split_list(value))
                for value in matching["region_codes"]
            ],
            translate("Year"): matching["year"],
            translate("Official area (ha)"): matching["area_ha"],
            translate("Drawn area (ha)"): matching["area_drawn_ha"],
            translate("Map position"): [translate(QUALITY_LABELS.get(q, q)) for q in matching["geometry_quality"]],
            translate("UNDP-supported"): matching["undp_supported"].astype(bool),
            translate("Source"): matching["source_url"],
            translate("Accessed"): matching["source_date"],
        }
    ).reset_index(drop=True)


def protected_area_table(
    areas: gpd.GeoDataFrame, translate: Translate, name_column: str, region_names: dict[str, str]
) -> pd.DataFrame:
    """:func:`feature_table` with the IUCN category and a link that shows each area on the map."""
    table = feature_table(areas, translate, name_column, region_names)
    table.insert(1, translate("IUCN"), areas["iucn_category"].to_numpy())
    table[translate("On the map")] = [feature_link(feature_id) for feature_id in areas["id"]]
    return table


def feature_links_table(frame: gpd.GeoDataFrame, translate: Translate, name_column: str) -> pd.DataFrame:
    """A short list of features: name, kind, official area and a map link where there is a position."""
    return pd.DataFrame(
        {
            translate("Name"): [local_name(row, name_column) for _, row in frame.iterrows()],
            translate("Kind"): [kind_label(kind, translate) for kind in frame["kind"]],
            translate("Official area (ha)"): frame["area_ha"].to_numpy(),
            translate("On the map"): _map_links(frame["id"], _located(frame)),
        }
    )


def _years_text(first: object, last: object) -> str:
    if pd.isna(first):
        return ""
    return f"{int(first)}" if first == last else f"{int(first)}–{int(last)}"


def _location_text(row: pd.Series, translate: Translate) -> str:
    if row["located"]:
        return row["location_name"] or translate("see map")
    if row["kind"] == KIND_UNDP_SITE:
        return translate("location not verifiable")
    return translate("national / no single location")


def portfolio_table(items: pd.DataFrame, translate: Translate, name_column: str) -> pd.DataFrame:
    """UNDP items (from :func:`kzatlas.reports.undp_portfolio`): themes, partners, years, budget, place.

    Items without a map position have no map link and say why in the location column.
    """
    return pd.DataFrame(
        {
            translate("Name"): [local_name(row, name_column) for _, row in items.iterrows()],
            translate("Themes"): [
                ", ".join(theme_label(theme, translate) for theme in split_list(value)) for value in items["themes"]
            ],
            translate("Partners"): items["partners"].str.replace(";", ", ").to_numpy(),
            translate("Donors"): items["donors"].str.replace(";", ", ").to_numpy(),
            translate("Years"): [_years_text(a, b) for a, b in zip(items["first_year"], items["last_year"])],
            translate("Budget (US$)"): items["budget_usd"].to_numpy(),
            translate("Where"): _map_links(items["id"], items["located"]),
            translate("Location"): [_location_text(row, translate) for _, row in items.iterrows()],
            translate("Source"): items["source_url"].to_numpy(),
        }
    )


def nearby_table(features: gpd.GeoDataFrame, found: list, translate: Translate, name_column: str) -> pd.DataFrame:
    """Places near a feature, in the order of ``found``: name, kind and distance in km (one decimal).

    ``found`` holds :class:`kzatlas.spatial.Nearby` items whose ids are in ``features``.
    """
    by_id = features.set_index("id")
    return pd.DataFrame(
        {
            translate("Name"): [local_name(by_id.loc[item.id], name_column) for item in found],
            translate("Kind"): [kind_label(by_id.at[item.id, "kind"], translate) for item in found],
            translate("Distance (km)"): [round(item.distance_km, 1) for item in found],
        }
    )


def scene_table(captions: list[str], explorer_urls: list[str], translate: Translate) -> pd.DataFrame:
    """The presenter's scene list: number, caption, a link to play it and one to open it in the explorer."""
    numbers = range(1, len(captions) + 1)
    return pd.DataFrame(
        {
            translate("Scene"): numbers,
            translate("Caption"): captions,
            translate("Present from here"): [scene_link(number) for number in numbers],
            translate("In the map explorer"): explorer_urls,
        }
    )
