"""Pure tables and texts about the catalogue itself (the About the data page)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kzatlas.analysis import unlocated
from kzatlas.catalog import Catalogue, feature_frame, split_list
from kzatlas.config import (
    AREA_KINDS,
    DEFAULT_LANGUAGE,
    GEODATA_DIR,
    GEOMETRY_QUALITIES,
    KAZAKHSTAN_AREA_KM2,
    KIND_CORRIDOR,
    LANGUAGES,
    NAME_COLUMN_PREFIX,
    PROTECTED_KINDS,
    REGIONS_LAYER,
    RELATIONSHIP_COLUMN,
    UNDP_KINDS,
)
from kzatlas.formats import format_date, format_hectares, format_number, format_percent, format_share, format_square_km
from kzatlas.i18n import (
    LANGUAGE_NAMES,
    N_,
    ORIGIN_ATLAS,
    ORIGIN_LABELS,
    ORIGIN_PUBLISHED,
    QUALITY_LABELS,
    Translate,
    citation_label,
    kind_label,
    kind_labels,
    local_text,
    origin_column,
    shown_names,
    source_column,
    translated_column,
)
from kzatlas.safety import escape_html, escape_markdown
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


def layer_table(catalogue: Catalogue, translate: Translate) -> pd.DataFrame:
    """One row per layer: what it is, its source, licence, vintage and shape quality."""
    manifest = catalogue.manifest
    rows = []
    for name, record in manifest.layers.items() if manifest else []:
        loaded = catalogue.layer(name)
        counts = loaded["geometry_quality"].value_counts().to_dict() if loaded is not None else {}
        rows.append(
            {
                translate("Layer"): translate(record.title),
                translate("File"): record.file,
                translate("Features"): record.row_count,
                translate("Loaded"): loaded is not None,
                translate("Shape quality"): ", ".join(
                    f"{translate(QUALITY_LABELS.get(q, q))}: {n}" for q, n in sorted(counts.items())
                ),
                translate("Licence"): translate(record.licence) if record.licence else "",
                translate("Vintage"): record.vintage,
                translate("Description"): translate(record.description),
            }
        )
    return pd.DataFrame(rows)


SCHEMATIC_AREA_LABEL = N_("Area of the schematic drawing (not the feature's size)")

# Where each licence of a map source can be read (matched by its name in the manifest).
LICENCE_PAGES = (
    ("ODbL", "https://www.openstreetmap.org/copyright"),
    ("LGPL-3.0", "https://www.gnu.org/licenses/lgpl-3.0.html"),
    ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    ("Natural Earth", "https://www.naturalearthdata.com/about/terms-of-use/"),
    ("Unicode License", "https://www.unicode.org/license.txt"),
    ("MIT", "https://opensource.org/license/mit"),
)


def licence_page(licence: str) -> str:
    """The address where ``licence`` can be read ("" when it is not one the map uses)."""
    return next((url for name, url in LICENCE_PAGES if name in (licence or "")), "")


def map_credits(catalogue: Catalogue, translate: Translate) -> pd.DataFrame:
    """Every source the map's boundaries and basemap are drawn from: licence, vintage, licence page."""
    manifest = catalogue.manifest
    records = []
    if manifest is not None:
        region_layer = manifest.layers.get(REGIONS_LAYER)
        if region_layer is not None:
            records.append((region_layer.title, region_layer.sources, region_layer.vintage))
        basemap = manifest.extra.get("basemap")
        for record in basemap.values() if isinstance(basemap, dict) else ():
            if isinstance(record, dict):
                records.append((record.get("title", ""), record.get("sources") or (), record.get("vintage", "")))
    rows = []
    for title, sources, vintage in records:
        for source in sources:
            if not isinstance(source, dict):
                continue
            licence = str(source.get("licence") or "")
            rows.append(
                {
                    translate("Map layer"): translate(title),
                    translate("Source"): str(source.get("title") or ""),
                    translate("Link"): str(source.get("url") or ""),
                    translate("Licence"): translate(licence) if licence else "",
                    translate("Licence page"): licence_page(licence),
                    translate("Vintage"): str(vintage or ""),
                }
            )
    return pd.DataFrame(rows)


def quality_explanation(translate: Translate) -> str:
    """Markdown list explaining each geometry quality value."""
    return "\n".join(
        f"- **{escape_html(translate(QUALITY_LABELS[q]))}** (`{q}`): {escape_html(translate(QUALITY_EXPLANATIONS[q]))}"
        for q in GEOMETRY_QUALITIES
    )


def unlocated_table(catalogue: Catalogue, translate: Translate, name_column: str = "name_en") -> pd.DataFrame:
    """Items listed without a map position, with why and where they come from."""
    items = unlocated(feature_frame(catalogue))
    return pd.DataFrame(
        {
            translate("Name"): shown_names(items, name_column, translate),
            translate("Kind"): kind_labels(items, translate),
            translate("Why"): [translate(m) for m in items["geometry_method"]],
            **source_columns(items, translate),
        }
    ).reset_index(drop=True)


NAME_ORIGIN_TEXTS = {ORIGIN_PUBLISHED: N_("published"), ORIGIN_ATLAS: N_("atlas translation")}
NAMES_EXPLANATION = N_(
    "Every feature records where its name in each language comes from: a published source (its address is "
    "given) or the atlas's own translation. The notes, area notes, places and target titles in Russian and "
    "Kazakh are the atlas's own translations; the titles of cited sources stay as published."
)


NAME_SOURCE_COLUMN = N_("Source of the name")


def name_origin_table(catalogue: Catalogue, translate: Translate, name_column: str = "name_en") -> pd.DataFrame:
    """Each feature's name in every language other than English: where it comes from and its source's address.

    Parameters
    ----------
    catalogue : Catalogue
        The loaded catalogue (saved edits included).
    translate : callable
        Translation function (column names and the origin words).
    name_column : str
        The column of the page's language, for the first column.

    Returns
    -------
    DataFrame
        One row per feature and language: the name in the page's language, the language (in its
        own words), the name in it, "published" or "atlas translation", and the address of the
        page that publishes it (empty for the atlas's own).
    """
    features = feature_frame(catalogue)
    shown = shown_names(features, name_column, translate)
    rows = []
    for language in LANGUAGES:
        if language == DEFAULT_LANGUAGE:
            continue
        column = f"{NAME_COLUMN_PREFIX}{language}"
        for index, feature in features.iterrows():
            origin = feature.get(origin_column(column))
            rows.append(
                {
                    translate("Name"): shown[index],
                    translate("Language"): LANGUAGE_NAMES[language],
                    translate("Name in that language"): str(feature.get(column) or ""),
                    translate("Origin of the name"): translate(NAME_ORIGIN_TEXTS[origin]) if origin in NAME_ORIGIN_TEXTS else "",
                    translate(NAME_SOURCE_COLUMN): str(feature.get(source_column(column)) or ""),
                }
            )
    return pd.DataFrame(rows)


def source_table(catalogue: Catalogue, translate: Translate) -> pd.DataFrame:
    """Every cited source across all layers, with its licence and the features citing it."""
    manifest = catalogue.manifest
    if manifest is None:
        return pd.DataFrame()
    cited: dict[str, list[str]] = {}
    features = feature_frame(catalogue)
    for feature_id, text in zip(features["id"], features["sources_json"]):
        for source in json.loads(text or "[]"):
            cited.setdefault(source.get("url", ""), []).append(feature_id)
    rows = []
    for name, record in manifest.layers.items():
        for source in record.sources:
            url = source.get("url", "")
            rows.append(
                {
                    translate("Layer"): translate(record.title),
                    translate("Title"): source.get("title", ""),
                    translate("Link"): url,
                    translate("Licence"): translate(source["licence"]) if source.get("licence") else "",
                    translate("Cited by"): len(cited.get(url, [])) if name != "regions" else None,
                }
            )
    table = pd.DataFrame(rows)
    if not table.empty:
        table[translate("Cited by")] = table[translate("Cited by")].astype("Int64")
    return table


def region_source_text(catalogue: Catalogue, translate: Translate) -> str:
    """What the region boundaries are, how they were built and how far they can be trusted.

    Markdown in which every text from the data is escaped (shown as plain text).
    """
    manifest = catalogue.manifest
    if manifest is None or "regions" not in manifest.layers:
        return translate("Region boundaries are not available.")
    record = manifest.layers["regions"]
    report = manifest.extra.get("region_build_report", {})
    lines = [escape_markdown(translate(record.description)), ""]
    for source in record.sources:
        licence = translate(source["licence"]) if source.get("licence") else ""
        lines.append(f"- {escape_markdown(source.get('title', ''))} ({escape_markdown(licence)})")
    if report:
        lines.append("")
        lines.append(
            escape_markdown(
                translate(
                    "Built from {vin} vertices down to {vout}; {n} invalid input shapes repaired; "
                    "total area {area} against the official {official} ({diff})."
                ).format(
                    vin=format_number(report.get("input_vertices", 0), translate),
                    vout=format_number(report.get("output_vertices", 0), translate),
                    n=len(report.get("invalid_input_rings_repaired", [])),
                    area=format_square_km(report.get("total_area_km2", 0), translate),
                    official=format_square_km(KAZAKHSTAN_AREA_KM2, translate),
                    diff=_signed_percent(report.get("total_area_difference_pct", 0), translate),
                )
            )
        )
    return "\n".join(lines)


def _signed_percent(value: object, translate: Translate) -> str:
    text = format_percent(value, translate, 3)
    try:
        positive = float(value) > 0
    except (TypeError, ValueError):
        positive = False
    return "+" + text if positive else text


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
        undp_in_atlas_ha=float(undp["area_ha"].fillna(0).sum()),
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


def changelog_text(path: Path = GEODATA_DIR / "CHANGELOG.md") -> str:
    """The data changelog (Markdown written in this repository), without its top heading."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    return "\n".join(line for line in text.splitlines() if not line.startswith("# "))
