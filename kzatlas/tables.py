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
from babel.numbers import get_group_symbol

from kzatlas.catalog import split_list
from kzatlas.config import KIND_UNDP_SITE
from kzatlas.formats import format_date
from kzatlas.i18n import (
    N_,
    QUALITY_LABELS,
    Translate,
    babel_locale,
    kind_labels,
    local_text,
    shown_name,
    shown_names,
    theme_label,
)
from kzatlas.selection import feature_link, scene_link
from kzatlas.spatial import undp_work

HECTARES_FORMAT = "%,.0f"
YEAR_FORMAT = "%d"
MONEY_FORMAT = "%,.0f"
# Table cells stay numbers so that they sort; Streamlit's printf formats can only group with
# commas, which reads as a decimal mark in Russian and Kazakh, so those languages show whole
# numbers ungrouped rather than wrongly grouped.
UNGROUPED_FORMAT = "%.0f"


def grouped_format(translate: Translate) -> str:
    """The printf-style format of a whole number in a table cell, for the page's language.

    Grouped with commas where the language groups with commas (English); ungrouped elsewhere,
    Russian and Kazakh among them (see ``UNGROUPED_FORMAT``).
    """
    return HECTARES_FORMAT if get_group_symbol(babel_locale(translate)) == "," else UNGROUPED_FORMAT


def number_formats(translate: Translate) -> dict[str, str]:
    """Printf-style formats of the number columns every feature table shares, by translated column name."""
    return {
        translate("Official area (ha)"): grouped_format(translate),
        translate("Drawn area (ha)"): grouped_format(translate),
        translate("Year"): YEAR_FORMAT,
    }


SOURCE_LINK_COLUMN = N_("Source link")


def source_texts(frame: pd.DataFrame, translate: Translate) -> list[str]:
    """The Source column of a feature table: each row's source title and the date it was read.

    A row without a title shows its source's address; the address itself goes in the
    "Source link" column (:func:`source_columns`).
    """
    titles = frame["source_title"] if "source_title" in frame.columns else pd.Series("", index=frame.index)
    dates = frame["source_date"] if "source_date" in frame.columns else pd.Series("", index=frame.index)
    texts = []
    for title, url, read in zip(titles.fillna(""), frame["source_url"].fillna(""), dates.fillna("")):
        text = str(title or url)
        shown_date = format_date(read, translate)
        texts.append(translate("{title} (read {date})").format(title=text, date=shown_date) if text and read else text)
    return texts


def source_columns(frame: pd.DataFrame, translate: Translate) -> dict[str, list]:
    """The two source columns every feature table ends with: Source (title, date) and Source link."""
    return {
        translate("Source"): source_texts(frame, translate),
        translate(SOURCE_LINK_COLUMN): list(frame["source_url"]),
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
            translate("Name"): shown_names(matching, name_column, translate),
            translate("Kind"): kind_labels(matching, translate),
            translate("Region"): [
                ", ".join(region_names.get(code, code) for code in split_list(value))
                for value in matching["region_codes"]
            ],
            translate("Year"): matching["year"],
            translate("Official area (ha)"): matching["area_ha"],
            translate("Drawn area (ha)"): matching["area_drawn_ha"],
            translate("Map position"): [translate(QUALITY_LABELS.get(q, q)) for q in matching["geometry_quality"]],
            translate("UNDP-supported"): undp_work(matching).to_numpy(),
            **source_columns(matching, translate),
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
    """A short list of features: name, kind, official area, a map link where there is a position, source."""
    return pd.DataFrame(
        {
            translate("Name"): shown_names(frame, name_column, translate).to_numpy(),
            translate("Kind"): kind_labels(frame, translate),
            translate("Official area (ha)"): frame["area_ha"].to_numpy(),
            translate("On the map"): _map_links(frame["id"], _located(frame)),
            **source_columns(frame, translate),
        }
    )


def _years_text(first: object, last: object) -> str:
    if pd.isna(first):
        return ""
    return f"{int(first)}" if first == last else f"{int(first)}–{int(last)}"


def _location_text(row: pd.Series, translate: Translate) -> str:
    if row["located"]:
        return local_text(row, "location_name", translate) or translate("see map")
    if row["kind"] == KIND_UNDP_SITE:
        return translate("location not verifiable")
    return translate("national / no single location")


def portfolio_table(items: pd.DataFrame, translate: Translate, name_column: str) -> pd.DataFrame:
    """UNDP items (from :func:`kzatlas.reports.undp_portfolio`): themes, partners, years, budget, place.

    Items without a map position have no map link and say why in the location column.
    """
    return pd.DataFrame(
        {
            translate("Name"): shown_names(items, name_column, translate).to_numpy(),
            translate("Kind"): kind_labels(items, translate),
            translate("Themes"): [
                ", ".join(theme_label(theme, translate) for theme in split_list(value)) for value in items["themes"]
            ],
            translate("Partners"): [
                local_text(row, "partners", translate).replace(";", ", ") for _, row in items.iterrows()
            ],
            translate("Donors"): [
                local_text(row, "donors", translate).replace(";", ", ") for _, row in items.iterrows()
            ],
            translate("Years"): [_years_text(a, b) for a, b in zip(items["first_year"], items["last_year"])],
            translate("Budget (US$)"): items["budget_usd"].to_numpy(),
            translate("Where"): _map_links(items["id"], items["located"]),
            translate("Location"): [_location_text(row, translate) for _, row in items.iterrows()],
            **source_columns(items, translate),
        }
    )


def nearby_table(features: gpd.GeoDataFrame, found: list, translate: Translate, name_column: str) -> pd.DataFrame:
    """Places near a feature, in the order of ``found``: name, kind and distance in km (one decimal).

    ``found`` holds :class:`kzatlas.spatial.Nearby` items whose ids are in ``features``.
    """
    by_id = features.set_index("id")
    return pd.DataFrame(
        {
            translate("Name"): [shown_name(by_id.loc[item.id], name_column, translate) for item in found],
            translate("Kind"): kind_labels(by_id.loc[[item.id for item in found]], translate),
            translate("Distance (km)"): [round(item.distance_km, 1) for item in found],
            **source_columns(by_id.loc[[item.id for item in found]], translate),
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
