"""Pure tables and texts about the catalogue itself (the About the data page)."""

from __future__ import annotations

import json

import pandas as pd

from kzatlas.analysis import unlocated
from kzatlas.catalog import Catalogue, feature_frame
from kzatlas.config import GEOMETRY_QUALITIES
from kzatlas.i18n import KIND_LABELS, QUALITY_LABELS, Translate
from kzatlas.safety import escape_html

QUALITY_EXPLANATIONS = {
    "surveyed": "Boundary from an official survey or cadastre.",
    "digitised": "Boundary digitised from a published map or dataset.",
    "approximate": "Circle with the official area at the published coordinate; shows where and how big, not the real outline.",
    "schematic": "Diagram of where something runs (e.g. a corridor along the places it links); not a boundary.",
    "point": "A published coordinate of the place.",
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
                translate("Licence"): record.licence,
                translate("Vintage"): record.vintage,
                translate("Description"): translate(record.description),
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
            translate("Name"): items[name_column].where(items[name_column] != "", items["name_en"]),
            translate("Kind"): [translate(KIND_LABELS.get(k, k)) for k in items["kind"]],
            translate("Why"): [translate(m) for m in items["geometry_method"]],
            translate("Source"): items["source_url"],
        }
    ).reset_index(drop=True)


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
                    translate("Licence"): source.get("licence", ""),
                    translate("Cited by"): len(cited.get(url, [])) if name != "regions" else None,
                }
            )
    table = pd.DataFrame(rows)
    if not table.empty:
        table[translate("Cited by")] = table[translate("Cited by")].astype("Int64")
    return table


def region_source_text(catalogue: Catalogue, translate: Translate) -> str:
    """What the region boundaries are, how they were built and how far they can be trusted."""
    manifest = catalogue.manifest
    if manifest is None or "regions" not in manifest.layers:
        return translate("Region boundaries are not available.")
    record = manifest.layers["regions"]
    report = manifest.extra.get("region_build_report", {})
    lines = [escape_html(translate(record.description)), ""]
    for source in record.sources:
        lines.append(f"- {escape_html(source.get('title', ''))} ({escape_html(source.get('licence', ''))})")
    if report:
        lines.append("")
        lines.append(
            escape_html(
                translate(
                    "Built from {vin:,} vertices down to {vout:,}; {n} invalid input shapes repaired; "
                    "total area {area:,.0f} km² against the official 2,724,900 km² ({diff:+.3f} %)."
                ).format(
                    vin=report.get("input_vertices", 0),
                    vout=report.get("output_vertices", 0),
                    n=len(report.get("invalid_input_rings_repaired", [])),
                    area=report.get("total_area_km2", 0),
                    diff=report.get("total_area_difference_pct", 0),
                )
            )
        )
    return "\n".join(lines)
