"""Pure tables and texts about the catalogue itself (the About the data page)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from kzatlas.analysis import official_hectares
from kzatlas.catalog import split_list
from kzatlas.config import (
    AREA_KINDS,
    KIND_CORRIDOR,
    LANGUAGES,
    PROTECTED_KINDS,
    RELATIONSHIP_COLUMN,
    UNDP_KINDS,
)
from kzatlas.formats import format_date, format_hectares, format_number, format_share
from kzatlas.i18n import (
    N_,
    ORIGIN_LABELS,
    QUALITY_LABELS,
    Translate,
    citation_label,
    kind_label,
    local_text,
    shown_names,
    translated_column,
)
from kzatlas.spatial import undp_work
from kzatlas.tables import source_columns

QUALITY_EXPLANATIONS = {
    "surveyed": "Boundary from an official survey or cadastre.",
    "digitised": "Boundary digitised from a published map or dataset.",
    "approximate": "Circle with the official area at the published coordinate; shows where and how big, not the real outline.",
    "schematic": "Diagram of where something runs (e.g. a corridor along the places it links); not a boundary.",
    "point": "A published coordinate of the place.",
    "region": "Known only by its region: counted for the region, not drawn on the map.",
    "none": "No verifiable location: listed in tables, not drawn on the map.",
}


SCHEMATIC_AREA_LABEL = N_("Area of the schematic drawing (not the feature's size)")


def feature_facts(row: pd.Series, translate: Translate, region_names: dict[str, str]) -> pd.DataFrame:
    """The details panel's facts for one feature, as (field, value) rows; empty values left out."""
    regions = ", ".join(region_names.get(code, code) for code in split_list(row["region_codes"]))
    rows = [
        (translate("Kind"), kind_label(row["kind"], translate, row.get(RELATIONSHIP_COLUMN))),
        (translate("Official area"), format_hectares(row["area_ha"], translate) if row["kind"] in AREA_KINDS else ""),
        (
            # A schematic shape's area is the drawing's, never the feature's size.
            translate(SCHEMATIC_AREA_LABEL if row["geometry_quality"] == "schematic" else "Drawn area"),
            format_hectares(row["area_drawn_ha"], translate) if pd.notna(row["area_drawn_ha"]) else "",
        ),
        (translate("Area notes"), local_text(row, "area_note", translate)),
        (translate("Year"), "" if pd.isna(row["year"]) else str(int(row["year"]))),
        (translate("Years"), row["years"].replace(";", ", ") if ";" in row["years"] else ""),
        (translate("Region"), regions),
        (translate("IUCN category"), row["iucn_category"]),
        (translate("Shape"), translate(QUALITY_LABELS.get(row["geometry_quality"], row["geometry_quality"]))),
        (translate("How it is drawn"), translate(row["geometry_method"])),
        (translate("Supported by UNDP"), translate("yes") if bool(undp_work(row.to_frame().T).iloc[0]) else translate("no")),
        (translate("UNDP / GEF project"), local_text(row, "undp_project", translate)),
        (translate("Partners"), local_text(row, "partners", translate).replace(";", ", ")),
        (translate("Donors"), local_text(row, "donors", translate).replace(";", ", ")),
        (translate("Budget (US$)"), "" if pd.isna(row["budget_usd"]) else format_number(row["budget_usd"], translate)),
        (translate("Place"), local_text(row, "location_name", translate)),
        (translate("Links (from sources)"), local_text(row, "links", translate).replace(";", ", ")),
        (translate("Notes"), local_text(row, "notes", translate)),
        (
            translate("Origin"),
            translate(ORIGIN_LABELS[row.get("origin")]) if row.get("origin") in ORIGIN_LABELS else "",
        ),
    ]
    return pd.DataFrame([r for r in rows if r[1]], columns=[translate("Field"), translate("Value")])


def feature_sources(row: pd.Series, translate: Translate) -> pd.DataFrame:
    """Every source of one feature with the date it was read and what it supports.

    Titles stay as published (they are citations); what a source supports is the atlas's own
    text, in the page's language (:func:`kzatlas.i18n.local_text`).
    """
    sources = json.loads(row["sources_json"] or "[]")
    return pd.DataFrame(
        {
            translate("Source"): [s.get("title", "") for s in sources],
            translate("Link"): [s.get("url", "") for s in sources],
            translate("Accessed"): [format_date(s.get("accessed"), translate) for s in sources],
            translate("What it supports"): [local_text(s, "supports", translate) for s in sources],
        }
    )


@dataclass(frozen=True)
class TargetTracker:
    """Kazakhstan's published protected share against its national and global targets."""

    status: pd.DataFrame  # year, as_of, share_pct, area_ha, publisher, url
    latest: dict | None
    national_target: dict | None
    national_target_share_pct: float | None  # published, or computed from its hectares
    national_target_share_computed: bool
    global_target: dict | None
    undp_stated: dict | None
    undp_in_atlas_ha: float
    undp_in_atlas_count: int

    def undp_share_of(self, area_ha: float | None) -> float | None:
        """The UNDP-supported areas' share of ``area_ha`` (``None`` without an area)."""
        return None if not area_ha else self.undp_in_atlas_ha / area_ha


def target_tracker(
    targets: dict | None, features: pd.DataFrame, territory_km2: float, translate: Translate | None = None
) -> TargetTracker:
    """Pick the figures the tracker shows from ``geodata/targets.json`` and the catalogue.

    The latest status is the newest record with a published share; the national target is
    the first (newest) record of ``national_targets``. Shares computed here from hectares use
    the official territory and are marked as computed. With ``translate``, each status names
    its publisher in that language where the data gives the form (:func:`kzatlas.i18n.citation_label`).
    """
    targets = targets or {}
    records = targets.get("national_status", [])
    status = pd.DataFrame(
        [
            {
                "year": record.get("year"),
                "as_of": record.get("as_of") or "",
                "share_pct": record.get("share_pct"),
                "area_ha": record.get("area_ha"),
                "publisher": (
                    citation_label(record.get("source") or {}, "publisher", translate)
                    if translate
                    else (record.get("source") or {}).get("publisher", "")
                ),
                "url": (record.get("source") or {}).get("url", ""),
            }
            for record in records
        ],
        columns=["year", "as_of", "share_pct", "area_ha", "publisher", "url"],
    )
    with_share = [r for r in records if r.get("share_pct") is not None]
    latest = with_share[0] if with_share else None
    national = (targets.get("national_targets") or [None])[0]
    share, computed = None, False
    if national:
        if national.get("target_pct") is not None:
            share = float(national["target_pct"])
        elif national.get("target_area_ha"):
            share, computed = 100.0 * national["target_area_ha"] / (territory_km2 * 100.0), True
    undp = features[features["kind"].isin(PROTECTED_KINDS) & features["undp_supported"].astype(bool)]
    return TargetTracker(
        status=status,
        latest=latest,
        national_target=national,
        national_target_share_pct=share,
        national_target_share_computed=computed,
        global_target=targets.get("global_target"),
        undp_stated=targets.get("undp_contribution"),
        undp_in_atlas_ha=official_hectares(undp["area_ha"]),
        undp_in_atlas_count=len(undp),
    )


def corridor_table(features: pd.DataFrame, translate: Translate, name_column: str = "name_en") -> pd.DataFrame:
    """One row per corridor: areas, year, what it links and how much lies outside protection.

    What a corridor links is given both by its sources and by the drawn shapes; the share is of
    its drawn band outside every reserve and park.
    """
    from kzatlas import spatial  # spatial imports analysis; kept local to avoid a cycle at import

    names = dict(zip(features["id"], shown_names(features, name_column, translate)))
    corridors = features[features["kind"] == KIND_CORRIDOR]
    rows = []
    for _, row in corridors.iterrows():
        linked = spatial.protected_areas_linked_by(row["id"], features)
        outside = spatial.share_outside_protected_areas(row["id"], features)
        rows.append(
            {
                translate("Corridor"): names[row["id"]],
                translate("Official area (ha)"): row["area_ha"],
                translate("Area of the schematic band (ha)"): row["area_drawn_ha"],
                translate("Year"): row["year"],
                translate("Links (from sources)"): local_text(row, "links", translate).replace(";", ", "),
                translate("Meets on the map"): ", ".join(names[i] for i in linked),
                translate("Outside reserves and parks"): format_share(outside, translate, 1),
                translate("UNDP / GEF project"): local_text(row, "undp_project", translate),
            }
        )
    table = pd.DataFrame(rows)
    if not table.empty:
        table = table.assign(**source_columns(corridors, translate))
    return table


def undp_portfolio(features: pd.DataFrame) -> pd.DataFrame:
    """UNDP sites and programmes with their first and last known years (for tables and timelines)."""
    items = features[features["kind"].isin(UNDP_KINDS)].copy()
    years = items["years"].map(lambda value: [int(y) for y in split_list(value)])
    items["first_year"] = [min(ys) if ys else (None if pd.isna(y) else int(y)) for ys, y in zip(years, items["year"])]
    items["last_year"] = [max(ys) if ys else first for ys, first in zip(years, items["first_year"])]
    items["located"] = items.geometry.notna() & ~items.geometry.is_empty
    return items


def portfolio_filter(items: pd.DataFrame, themes: tuple[str, ...], partner_query: str) -> pd.DataFrame:
    """Items with any of ``themes`` (all when empty) whose partners, donors or project mention ``partner_query``."""
    keep = pd.Series(True, index=items.index)
    if themes:
        keep &= items["themes"].map(lambda value: bool(set(themes) & set(split_list(value))))
    query = partner_query.strip().casefold()
    if query:
        # Partners, donors and projects in every language the data gives them in.
        columns = [
            translated_column(column, language)
            for column in ("partners", "donors", "undp_project")
            for language in LANGUAGES
            if translated_column(column, language) in items.columns
        ]
        haystack = items[columns].fillna("").astype(str).agg(";".join, axis=1)
        keep &= haystack.str.casefold().str.contains(query, regex=False)
    return items[keep]


