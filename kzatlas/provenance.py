"""Where the data comes from, for the About page: layers, licences, map credits, sources, name origins.

Pure: the catalogue and a translation function in, tables and Markdown out. What a single
feature says about itself (its facts and sources) stays in :mod:`kzatlas.reports`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from kzatlas.analysis import unlocated
from kzatlas.catalog import Catalogue, feature_frame
from kzatlas.config import (
    DEFAULT_LANGUAGE,
    GEODATA_DIR,
    GEOMETRY_QUALITIES,
    KAZAKHSTAN_AREA_KM2,
    LANGUAGES,
    NAME_COLUMN_PREFIX,
    REGIONS_LAYER,
)
from kzatlas.formats import format_number, format_percent, format_square_km
from kzatlas.i18n import (
    LANGUAGE_NAMES,
    N_,
    ORIGIN_ATLAS,
    ORIGIN_PUBLISHED,
    QUALITY_LABELS,
    Translate,
    kind_labels,
    origin_column,
    shown_names,
    source_column,
)
from kzatlas.reports import QUALITY_EXPLANATIONS
from kzatlas.safety import escape_html, escape_markdown
from kzatlas.tables import source_columns


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


def changelog_text(path: Path = GEODATA_DIR / "CHANGELOG.md") -> str:
    """The data changelog (Markdown written in this repository), without its top heading."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    return "\n".join(line for line in text.splitlines() if not line.startswith("# "))
