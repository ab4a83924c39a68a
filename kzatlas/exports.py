"""Downloads: the current selection or the whole catalogue as CSV, GeoJSON or GeoPackage.

Every file carries a citation block: what it is, the data version, the licence, the UN
boundary disclaimer and the date it was made. CSV cells and header lines are safe against
spreadsheet formula injection.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from kzatlas.catalog import Catalogue
from kzatlas.config import CRS, NAME_COLUMNS, UN_DISCLAIMER
from kzatlas.safety import csv_comment_line, safe_csv_cell

# Columns a reader of an export needs; geometry travels separately.
EXPORT_COLUMNS = (
    "id", *NAME_COLUMNS, "kind", "themes", "region_codes", "year", "years",
    "area_ha", "area_drawn_ha", "area_note", "iucn_category", "undp_supported", "undp_project",
    "partners", "donors", "budget_usd", "location_name", "links", "geometry_quality",
    "geometry_method", "source_url", "source_title", "source_date", "source_licence", "notes",
)  # fmt: skip


@dataclass(frozen=True)
class Citation:
    """What travels with every export."""

    title: str
    data_version: str
    licence: str
    made_on: str
    disclaimer: str = UN_DISCLAIMER
    cite_as: str = "Kazakhstan environment atlas"
    filters: str = ""

    def lines(self) -> list[str]:
        """The citation as lines of text: title, how to cite, licence, filters and disclaimer."""
        out = [
            f"{self.title}",
            f"Cite as: {self.cite_as}, data version {self.data_version}, exported {self.made_on}.",
            f"Licence: {self.licence}",
            "Sources: each row's source_url (read on source_date); shapes marked approximate or schematic are not boundaries.",
            f"Disclaimer: {self.disclaimer}",
        ]
        if self.filters:
            out.append(f"Filters: {self.filters}")
        return out


def catalogue_citation(catalogue: Catalogue, title: str, made_on: str, filters: str = "") -> Citation:
    """Citation for data taken from ``catalogue`` (version and licences from its manifest)."""
    manifest = catalogue.manifest
    version = manifest.data_version if manifest else "unknown"
    licences = sorted({record.licence for record in manifest.layers.values()}) if manifest else []
    return Citation(
        title=title,
        data_version=version,
        licence="; ".join(licences) or "see geodata/manifest.json",
        made_on=made_on,
        filters=filters,
    )


def _table(frame: pd.DataFrame) -> pd.DataFrame:
    columns = [col for col in EXPORT_COLUMNS if col in frame.columns]
    table = pd.DataFrame(frame[columns]).copy()
    anchors = [None if g is None or g.is_empty else g.representative_point() for g in frame.geometry]
    table["latitude"] = [None if p is None else round(p.y, 5) for p in anchors]
    table["longitude"] = [None if p is None else round(p.x, 5) for p in anchors]
    return table


def csv_bytes(frame: gpd.GeoDataFrame, citation: Citation) -> bytes:
    """UTF-8 CSV (with BOM for spreadsheets): ``#`` citation lines, then one row per feature.

    ``latitude``/``longitude`` give a point inside each shape (empty for unlocated items).
    Every header line and every text cell is kept on one line and defused so no spreadsheet
    reads it as a formula; numbers stay numbers.
    """
    table = _table(frame)
    buffer = io.StringIO()
    for line in citation.lines():
        buffer.write(csv_comment_line(line) + "\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_csv_cell(str(column)) for column in table.columns])
    for row in table.itertuples(index=False):
        writer.writerow(["" if pd.isna(v) else safe_csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def geojson_bytes(frame: gpd.GeoDataFrame, citation: Citation) -> bytes:
    """GeoJSON FeatureCollection (EPSG:4326) with the citation in a top-level ``metadata`` member."""
    columns = [col for col in EXPORT_COLUMNS if col in frame.columns]
    features = []
    for _, row in frame.iterrows():
        geometry = row.geometry
        properties = {
            col: (None if not isinstance(row[col], str) and pd.isna(row[col]) else row[col]) for col in columns
        }
        for key, value in properties.items():
            if hasattr(value, "item"):
                properties[key] = value.item()
        features.append(
            {
                "type": "Feature",
                "properties": properties,
                "geometry": None if geometry is None or geometry.is_empty else json.loads(shapely.to_geojson(geometry)),
            }
        )
    document = {"type": "FeatureCollection", "metadata": asdict(citation), "features": features}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def gpkg_bytes(layers: dict[str, gpd.GeoDataFrame], citation: Citation) -> bytes:
    """A GeoPackage with one table per entry of ``layers`` and the citation as GDAL metadata."""
    metadata = {key.upper(): str(value) for key, value in asdict(citation).items()}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "atlas.gpkg"
        for name, frame in layers.items():
            columns = [col for col in EXPORT_COLUMNS if col in frame.columns] or [
                col for col in frame.columns if col != "geometry"
            ]
            table = gpd.GeoDataFrame(frame[columns], geometry=frame.geometry, crs=frame.crs or CRS)
            table = table.astype({col: "float64" for col in columns if str(table[col].dtype) == "Int64"})
            pyogrio.write_dataframe(
                table,
                path,
                layer=name,
                driver="GPKG",
                append=path.exists(),
                layer_metadata=metadata,
                dataset_metadata=metadata,
                geometry_type="Unknown",
                promote_to_multi=False,
            )
        return path.read_bytes()


def catalogue_layers(catalogue: Catalogue) -> dict[str, gpd.GeoDataFrame]:
    """Every loaded layer, for a whole-catalogue GeoPackage."""
    return dict(catalogue.layers)
