"""The import plan: what a file would add, change or leave alone, checked before anything is saved.

:func:`check_file` is the entry point. It never raises for a bad file: a file refused as a
whole gives a plan whose ``refused`` says why, and each row that cannot be used is listed
with its reasons. Nothing is written anywhere but a temporary folder that is removed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from kzatlas.catalog import FEATURE_COLUMNS, LIST_SEPARATOR
from kzatlas.config import CRS, KIND_UNDP_PROGRAMME, KINDS, PROTECTED_KINDS, UNDP_KINDS
from kzatlas.i18n import THEME_LABELS
from kzatlas.ingest import archive, limits, sniff, validate, wdpa
from kzatlas.ingest.columns import TARGET_LABELS, check_mapping, guess_mapping, kind_from_text, split_items
from kzatlas.ingest.errors import RefusalError
from kzatlas.ingest.worker import run_reader
from kzatlas.safety import plain_snippet, safe_link
from kzatlas.spatial import area_hectares

ACTIONS = ("add", "change", "leave", "reject")
# Quality of a row placed by its region only (no point is invented for it).
REGION_QUALITY = "region"
HECTARES_PER_KM2 = 100.0
_TEXT_TARGETS = {
    "name_en": limits.MAX_NAME_CHARS,
    "name_ru": limits.MAX_NAME_CHARS,
    "name_kk": limits.MAX_NAME_CHARS,
    "iucn_category": 40,
    "undp_project": limits.MAX_NAME_CHARS,
    "partners": limits.MAX_TEXT_CHARS,
    "donors": limits.MAX_TEXT_CHARS,
    "location_name": limits.MAX_NAME_CHARS,
    "source_title": limits.MAX_NAME_CHARS,
    "notes": limits.MAX_TEXT_CHARS,
}


@dataclass
class PlannedRow:
    """One feature of the file and what the import would do with it.

    Attributes
    ----------
    number : int
        Position of the feature in the file (1-based); ``line`` is the spreadsheet row or CSV
        line when there is one.
    action : str
        ``"add"``, ``"change"`` (a catalogue area gets the file's boundary), ``"leave"``
        (nothing is saved, with a note why) or ``"reject"`` (see ``reasons``).
    feature_id : str
        The id the record would have (a catalogue id for a change).
    record : dict or None
        The feature record for the store (catalogue columns plus ``geometry``).
    reasons : list of str
        Why the row is rejected.
    repairs : list of str
        Every change and flag: repairs, reprojection, dropped heights, "outside Kazakhstan"...
    match : dict or None
        For a protected area matched to the catalogue: its id, how it matched, the official,
        reported and drawn areas and the difference.
    """

    number: int
    line: int | None
    layer: str
    label: str
    action: str = "add"
    feature_id: str = ""
    record: dict | None = None
    reasons: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    match: dict | None = None

    def to_json(self) -> dict:
        """Return the row as JSON-ready data (the shape as its type and number of points)."""
        record = self.record or {}
        geometry = record.get("geometry")
        return {
            "number": self.number,
            "line": self.line,
            "layer": self.layer,
            "label": self.label,
            "action": self.action,
            "feature_id": self.feature_id,
            "kind": record.get("kind"),
            "geometry_type": None if geometry is None else geometry.geom_type,
            "points": None if geometry is None else int(shapely.get_num_coordinates(geometry)),
            "geometry_quality": record.get("geometry_quality"),
            "reasons": list(self.reasons),
            "repairs": list(self.repairs),
            "match": self.match,
        }


@dataclass
class ImportPlan:
    """Everything an import would do, for the preview, the CLI and the store.

    Attributes
    ----------
    source_name, source_sha256 : str
        The file's name (no folders) and the SHA-256 of its bytes.
    format : str or None
        The sniffed format.
    refused : str or None
        Why the whole file is refused, in plain words; ``None`` when it was read.
    mapping : dict
        Catalogue field to file column, guessed and then as the user changed it.
    mapping_problems : list of str
        Problems with a mapping the user gave.
    rows : list of PlannedRow
        One per feature of the file.
    notes : list of str
        File-level notes (assumed CRS, sheets and tables not read, unmatched WDPA ids...).
    is_wdpa : bool
        Whether the file is a Protected Planet export.
    provenance : dict
        The source (``source_url`` or ``source_title``) and ``source_date`` for all rows.
    """

    source_name: str
    source_sha256: str
    format: str | None
    refused: str | None = None
    mapping: dict = field(default_factory=dict)
    mapping_problems: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    is_wdpa: bool = False
    provenance: dict = field(default_factory=dict)
    defaults: dict = field(default_factory=dict)
    _context: dict | None = field(default=None, repr=False, compare=False)

    # -------------------------------------------------------------- summaries

    def counts(self) -> dict[str, int]:
        """Counts of features: accepted, repaired, rejected, and planned as added, changed, left."""
        accepted = [row for row in self.rows if row.action != "reject"]
        return {
            "features": len(self.rows),
            "accepted": len(accepted),
            "repaired": sum(1 for row in accepted if row.repairs),
            "rejected": len(self.rows) - len(accepted),
            "added": sum(1 for row in self.rows if row.action == "add"),
            "changed": sum(1 for row in self.rows if row.action == "change"),
            "left": sum(1 for row in self.rows if row.action == "leave"),
        }

    @property
    def importable(self) -> bool:
        """Whether anything in the file could be saved (once provenance is given)."""
        return self.refused is None and any(row.action in ("add", "change") for row in self.rows)

    def matches(self) -> list[dict]:
        """The catalogue matches of a WDPA file, one per matched row."""
        return [dict(row.match, number=row.number) for row in self.rows if row.match]

    def missing_provenance(self) -> list[str]:
        """What must still be given before anything can be saved (empty when complete).

        Every added or changed row needs a source (a web address or a title) and the date
        of that source, from ``provenance`` or from the file's own columns.
        """
        missing: list[str] = []
        for row in self.rows:
            if row.action not in ("add", "change") or row.record is None:
                continue
            source = row.record.get("_source_url") or row.record.get("_source_title")
            if not source and "a source (web address or title)" not in missing:
                missing.append("a source (web address or title)")
            if not row.record.get("_source_date") and "the source's date (YYYY-MM-DD)" not in missing:
                missing.append("the source's date (YYYY-MM-DD)")
        return missing + [problem for problem in self._provenance_problems() if problem not in missing]

    def _provenance_problems(self) -> list[str]:
        problems = []
        url = self.provenance.get("source_url")
        if url and safe_link(str(url), allow_relative=False) is None:
            problems.append("the source address must be an http(s) web address")
        date = self.provenance.get("source_date")
        if date and validate.check_date("source date", date).error:
            problems.append("the source date must be a date (YYYY-MM-DD)")
        return problems

    def records(self, confirmed_ids: tuple[str, ...] | list[str] | set[str] = ()) -> list[dict]:
        """The feature records to save.

        Parameters
        ----------
        confirmed_ids : collection of str
            Catalogue ids whose match the user confirmed; a matched area's boundary
            replaces the catalogue's shape only when its id is here.

        Returns
        -------
        list of dict
            Records for ``Store.apply``; empty while the file is refused or provenance is
            missing (see :meth:`missing_provenance`).
        """
        if self.refused or self.missing_provenance():
            return []
        confirmed = set(confirmed_ids)
        out = []
        for row in self.rows:
            if row.record is None or row.action not in ("add", "change"):
                continue
            if row.action == "change" and row.feature_id not in confirmed:
                continue
            out.append({key: value for key, value in row.record.items() if not key.startswith("_")})
        return out

    def frame(self) -> gpd.GeoDataFrame:
        """Rows with a shape, as a GeoDataFrame for the preview map (id, name, kind, action)."""
        rows = [row for row in self.rows if row.record is not None and row.record.get("geometry") is not None]
        data = {
            "id": [row.feature_id for row in rows],
            "name_en": [row.record.get("name_en", "") for row in rows],
            "kind": [row.record.get("kind", "") for row in rows],
            "action": [row.action for row in rows],
            "geometry_quality": [row.record.get("geometry_quality", "") for row in rows],
        }
        return gpd.GeoDataFrame(data, geometry=[row.record["geometry"] for row in rows], crs=CRS)

    def to_json(self) -> dict:
        """The whole report as JSON-ready data (the CLI's ``--json``)."""
        return {
            "file": self.source_name,
            "sha256": self.source_sha256,
            "format": self.format,
            "refused": self.refused,
            "wdpa": self.is_wdpa,
            "counts": self.counts(),
            "mapping": dict(self.mapping),
            "mapping_problems": list(self.mapping_problems),
            "notes": list(self.notes),
            "missing_provenance": self.missing_provenance() if not self.refused else [],
            "rows": [row.to_json() for row in self.rows],
        }

    # -------------------------------------------------------------- edits

    def with_mapping(self, mapping: dict) -> ImportPlan:
        """The plan again with some columns mapped differently (the file is not read again).

        Parameters
        ----------
        mapping : dict
            Target to column (or ``None``); targets not named keep their current column.

        Returns
        -------
        ImportPlan
            A new plan.
        """
        if self._context is None:
            return replace(self)
        return _plan_from_raw(**{**self._context, "mapping": {**self.mapping, **mapping}})

    def with_provenance(self, provenance: dict, defaults: dict | None = None) -> ImportPlan:
        """The plan again with the source (and optionally default values) given by the user."""
        if self._context is None:
            return replace(self)
        return _plan_from_raw(
            **{**self._context, "mapping": self.mapping, "provenance": provenance, "defaults": defaults or self.defaults}
        )


# ------------------------------------------------------------------ reading


def _load(path_or_bytes: str | Path | bytes) -> bytes:
    if isinstance(path_or_bytes, bytes | bytearray | memoryview):
        return bytes(path_or_bytes)
    path = Path(path_or_bytes)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise RefusalError("the upload is not a file")
        if size > limits.MAX_FILE_BYTES:
            raise RefusalError(f"the file is larger than {limits.MAX_FILE_BYTES // (1024 * 1024)} MB")
        return path.read_bytes()
    except OSError as exc:
        raise RefusalError("the file could not be opened") from exc


def _stage(fmt: str, data: bytes, folder: Path) -> tuple[Path, list[str]]:
    """Write the upload into the temporary folder (unpacking a shapefile) and return what to read."""
    suffix = {"geojson": ".geojson", "gpkg": ".gpkg", "shapefile": ".zip", "kml": ".kml", "csv": ".csv", "xlsx": ".xlsx"}[fmt]
    upload = folder / f"upload{suffix}"
    upload.write_bytes(data)
    if fmt == sniff.XLSX:
        infos = archive.inspect_zip(upload)
        names = {info.filename.lower() for info in infos}
        if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
            raise RefusalError("the file is a zip archive but not an Excel workbook")
        if any(name.endswith("vbaproject.bin") for name in names):
            raise RefusalError("the workbook holds macros; save it as a plain .xlsx or CSV")
        return upload, []
    if fmt != sniff.SHAPEFILE:
        return upload, []
    infos = archive.inspect_zip(upload)
    members, notes = archive.shapefile_members(infos)
    unpacked = folder / "shapefile"
    unpacked.mkdir()
    written = archive.extract_members(upload, {f"layer{ext}": info for ext, info in members.items()}, unpacked)
    if ".prj" not in members:
        notes.append("the shapefile has no .prj file (its coordinate system)")
    return written["layer.shp"], notes


def check_file(
    path_or_bytes: str | Path | bytes,
    filename: str,
    *,
    catalogue_features: gpd.GeoDataFrame,
    regions: gpd.GeoDataFrame,
    mapping: dict | None = None,
    provenance: dict | None = None,
    defaults: dict | None = None,
) -> ImportPlan:
    """Read, check and plan the import of one file; nothing is saved.

    Parameters
    ----------
    path_or_bytes : str, Path or bytes
        The upload, as a path or its bytes.
    filename : str
        The name it came with (its extension chooses the format).
    catalogue_features : GeoDataFrame
        The catalogue's features (for ids, WDPA matches and duplicates).
    regions : GeoDataFrame
        The regions layer (region names and codes, Kazakhstan's outline).
    mapping : dict, optional
        Catalogue field to column, overriding the guesses.
    provenance : dict, optional
        ``source_url`` and/or ``source_title``, and ``source_date`` (YYYY-MM-DD), for every row.
    defaults : dict, optional
        Values for rows whose columns give none, e.g. ``{"kind": "undp_site"}``.

    Returns
    -------
    ImportPlan
        The plan; ``plan.refused`` says why when the file cannot be imported at all.
    """
    name = sniff.display_name(filename)
    sha = ""
    try:
        data = _load(path_or_bytes)
        sha = hashlib.sha256(data).hexdigest()
        fmt = sniff.sniff(data, filename)
        with tempfile.TemporaryDirectory(prefix="kzatlas-import-") as folder:
            source, notes = _stage(fmt, data, Path(folder))
            del data
            raw = run_reader(fmt, source, Path(folder))
        raw["notes"] = notes + list(raw.get("notes", []))
        raw["format"] = fmt
        return _plan_from_raw(
            raw=raw,
            fmt=fmt,
            name=name,
            sha=sha,
            features=catalogue_features,
            regions=regions,
            mapping=mapping,
            provenance=provenance or {},
            defaults=defaults or {},
        )
    except RefusalError as refusal:
        return ImportPlan(source_name=name, source_sha256=sha, format=None, refused=refusal.reason)
    except MemoryError:
        return ImportPlan(source_name=name, source_sha256=sha, format=None, refused="the file is too large to check")
    except Exception as exc:  # a bad file must never take the page down
        return ImportPlan(
            source_name=name, source_sha256=sha, format=None, refused=f"the file could not be checked ({type(exc).__name__})"
        )


# ------------------------------------------------------------------ building the plan


def _decode(wkb: str | None):
    if wkb is None:
        return None
    try:
        return shapely.from_wkb(base64.b64decode(wkb))
    except (shapely.errors.ShapelyError, ValueError):
        return None


def _geometries(raw: dict, rows: list[PlannedRow], notes: list[str]) -> list:
    """Shapes of a geometry file in EPSG:4326, checked and repaired; errors go to the rows."""
    raw_rows = raw["rows"]
    prepared = []
    for planned, item in zip(rows, raw_rows, strict=True):
        geometry = _decode(item.get("wkb"))
        if item.get("wkb") is not None and geometry is None:
            planned.reasons.append("the feature's geometry is damaged")
        if geometry is None:
            prepared.append(None)
            continue
        checked = validate.prepare_geometry(geometry)
        if checked.error:
            planned.reasons.append(checked.error)
            prepared.append(None)
            continue
        planned.repairs += checked.notes
        prepared.append(checked.value)
    layers = raw.get("layers") or [{"name": "", "crs": None}]
    out = list(prepared)
    for index, layer in enumerate(layers):
        positions = [i for i, item in enumerate(raw_rows) if item.get("layer", 0) == index]
        geoms = [prepared[i] for i in positions]
        crs, crs_notes = validate.resolve_crs(
            layer.get("crs"),
            geoms,
            layer.get("name", "") if len(layers) > 1 else "",
            lonlat_by_default=raw.get("format") == sniff.GEOJSON,
        )
        notes += crs_notes
        if crs is None:
            continue
        label = validate.crs_label(crs)
        present = [i for i in positions if prepared[i] is not None]
        if not present:
            continue
        series = gpd.GeoSeries([prepared[i] for i in present], crs=crs)
        try:
            projected = series.to_crs(CRS)
        except Exception as exc:  # pyproj raises several types for impossible transforms
            raise RefusalError(f"the coordinates cannot be converted from {label} to longitude/latitude") from exc
        for i, geometry in zip(present, projected.values, strict=True):
            out[i] = geometry
            rows[i].repairs.append(f"reprojected from {label} to EPSG:4326")
    finished = validate.finish_geometries(out, [row.repairs for row in rows])
    result = []
    for planned, checked in zip(rows, finished, strict=True):
        if checked.error:
            planned.reasons.append(checked.error)
            result.append(None)
        else:
            planned.repairs = checked.notes
            result.append(checked.value)
    return result


def _cell(props: dict, mapping: dict, target: str) -> object:
    column = mapping.get(target)
    return None if column is None else props.get(column)


def _empty_record() -> dict:
    defaults = {"str": "", "int": None, "float": None, "bool": False}
    return {column: defaults[dtype] for column, dtype in FEATURE_COLUMNS.items()}


def _fill_values(planned: PlannedRow, props: dict, mapping: dict, defaults: dict, regions: validate.RegionIndex) -> dict:
    """The record's values from the mapped columns, checked; problems go to the row."""
    record = _empty_record()

    def take(checked: validate.Checked) -> object:
        if checked.error:
            planned.reasons.append(checked.error)
            return None
        planned.repairs += checked.notes
        return checked.value

    for target, limit in _TEXT_TARGETS.items():
        value = _cell(props, mapping, target)
        if validate.is_blank(value) and target in defaults:
            value = defaults[target]
        record[target] = take(validate.clean_text(TARGET_LABELS[target], value, limit)) or ""
    # Kind: a kind id, a label or a designation.
    raw_kind = _cell(props, mapping, "kind")
    kind = kind_from_text(raw_kind) if not validate.is_blank(raw_kind) else None
    if kind is None and not validate.is_blank(raw_kind):
        record["_designation"] = plain_snippet(raw_kind, 60)
    if kind is None and validate.is_blank(raw_kind):
        kind = defaults.get("kind") if defaults.get("kind") in KINDS else None
    record["kind"] = kind or ""
    # Themes: known theme ids; unknown ones are left out with a note.
    themes = []
    for item in split_items(_cell(props, mapping, "themes") or defaults.get("themes")):
        if item in THEME_LABELS:
            themes.append(item)
        else:
            planned.repairs.append(f"theme '{plain_snippet(item, 30)}' is not one of the atlas's themes; left out")
    record["themes"] = LIST_SEPARATOR.join(dict.fromkeys(themes))
    # Region (code or name, possibly several).
    codes = []
    for item in split_items(_cell(props, mapping, "region")):
        code = take(regions.lookup(item))
        if code:
            codes.append(code)
    record["_regions"] = list(dict.fromkeys(codes))
    record["year"] = take(validate.check_year(_cell(props, mapping, "year")))
    area_ha = take(validate.check_number("official area (ha)", _cell(props, mapping, "area_ha"), 0))
    area_km2 = take(validate.check_number("official area (km²)", _cell(props, mapping, "area_km2"), 0))
    if area_ha is None and area_km2 is not None:
        area_ha = area_km2 * HECTARES_PER_KM2
    record["area_ha"] = area_ha if area_ha else None
    record["budget_usd"] = take(validate.check_number("budget", _cell(props, mapping, "budget_usd"), 0))
    record["_latitude"] = take(validate.check_number("latitude", _cell(props, mapping, "latitude"), -90, 90))
    record["_longitude"] = take(validate.check_number("longitude", _cell(props, mapping, "longitude"), -180, 180))
    wdpa_id = validate.check_number("WDPA id", _cell(props, mapping, "wdpa_id"), 1)
    record["_wdpa_id"] = int(wdpa_id.value) if wdpa_id.value and not wdpa_id.error and float(wdpa_id.value).is_integer() else None
    # Links and sources: web addresses only.
    links = []
    for item in split_items(_cell(props, mapping, "links")):
        if safe_link(item, allow_relative=False) is None:
            planned.reasons.append(f"link '{plain_snippet(item, 40)}' is not an http(s) web address")
        else:
            links.append(item)
    record["links"] = LIST_SEPARATOR.join(links)
    url = _cell(props, mapping, "source_url")
    if not validate.is_blank(url):
        if safe_link(str(url).strip(), allow_relative=False) is None:
            planned.reasons.append(f"source URL '{plain_snippet(url, 40)}' is not an http(s) web address")
        else:
            record["_source_url"] = str(url).strip()
    record["_source_title"] = record.pop("source_title") or ""
    record["_source_date"] = take(validate.check_date("source date", _cell(props, mapping, "source_date"))) or ""
    return record


def _label(record: dict, number: int) -> str:
    for column in ("name_en", "name_ru", "name_kk"):
        if record.get(column):
            return str(record[column])[:80]
    return f"feature {number}"


def _plan_from_raw(
    *,
    raw: dict,
    fmt: str,
    name: str,
    sha: str,
    features: gpd.GeoDataFrame,
    regions: gpd.GeoDataFrame,
    mapping: dict | None,
    provenance: dict,
    defaults: dict,
) -> ImportPlan:
    context = {
        "raw": raw,
        "fmt": fmt,
        "name": name,
        "sha": sha,
        "features": features,
        "regions": regions,
        "mapping": mapping,
        "provenance": provenance,
        "defaults": defaults,
    }
    columns = [str(column) for column in raw.get("columns", [])]
    raw_rows = raw.get("rows", [])
    guessed = guess_mapping(columns, [item.get("props", {}) for item in raw_rows])
    problems = check_mapping(mapping or {}, columns)
    effective = {**guessed, **{k: v for k, v in (mapping or {}).items() if k in guessed and (v is None or v in columns)}}
    plan = ImportPlan(
        source_name=name,
        source_sha256=sha,
        format=fmt,
        mapping=effective,
        mapping_problems=problems,
        columns=columns,
        notes=list(raw.get("notes", [])),
        is_wdpa=wdpa.is_wdpa_export(columns),
        provenance={k: v for k, v in provenance.items() if k in ("source_url", "source_title", "source_date")},
        defaults=dict(defaults),
        _context=context,
    )
    layers = raw.get("layers") or [{"name": ""}]
    region_index = validate.RegionIndex(regions)
    rows = [
        PlannedRow(
            number=position,
            line=item.get("line"),
            layer=str(layers[item.get("layer", 0)].get("name", "")) if item.get("layer", 0) < len(layers) else "",
            label="",
        )
        for position, item in enumerate(raw_rows, start=1)
    ]
    for planned, item in zip(rows, raw_rows, strict=True):
        if item.get("error"):
            planned.reasons.append(str(item["error"]))
        planned.repairs += [str(note) for note in item.get("notes", [])]
    if fmt in sniff.GEOMETRY_FORMATS:
        geometries = _geometries(raw, rows, plan.notes)
    else:
        geometries = [None] * len(rows)
    values = [_fill_values(planned, item.get("props", {}), effective, defaults, region_index) for planned, item in zip(rows, raw_rows, strict=True)]
    _place(plan, rows, values, geometries, region_index)
    _decide(plan, rows, values, features)
    plan.rows = rows
    if rows and all(row.action == "reject" for row in rows):
        plan.notes.append("nothing in the file can be imported: every feature is rejected")
    located = [row for row in rows if row.record is not None and row.record.get("geometry") is not None]
    if located and all("outside Kazakhstan" in row.repairs for row in located):
        plan.notes.append("none of the shapes lies in Kazakhstan: is the coordinate system right?")
    return plan


def _place(plan: ImportPlan, rows: list[PlannedRow], values: list[dict], geometries: list, regions: validate.RegionIndex) -> None:
    """Give each row its shape and quality: the file's shape, a point from lat/lon, or its region only."""
    table = plan.format not in sniff.GEOMETRY_FORMATS
    for planned, record, geometry in zip(rows, values, geometries, strict=True):
        lat, lon = record.pop("_latitude"), record.pop("_longitude")
        if not table:
            record["geometry"] = geometry
            if geometry is not None:
                record["geometry_quality"] = "point" if geometry.geom_type in ("Point", "MultiPoint") else "digitised"
                record["geometry_method"] = f"shape from the imported file {plan.source_name}"
            continue
        if (lat is None) != (lon is None) and not planned.reasons:
            planned.reasons.append("the row has a latitude or a longitude but not both")
        if lat is not None and lon is not None:
            record["geometry"] = shapely.Point(lon, lat)
            record["geometry_quality"] = "point"
            record["geometry_method"] = f"coordinates from the imported file {plan.source_name}"
        elif record["_regions"]:
            record["geometry"] = None
            record["geometry_quality"] = REGION_QUALITY
            record["geometry_method"] = f"region named in the imported file {plan.source_name}; no map position"
        elif record.get("kind") == KIND_UNDP_PROGRAMME:
            record["geometry"] = None
            record["geometry_quality"] = "none"
            record["geometry_method"] = "no single location"
        elif not planned.reasons:
            planned.reasons.append("the row has no position: give a latitude and longitude, or a region")
            record["geometry"] = None
        else:
            record["geometry"] = None
    # Regions the shapes touch, areas, and the outside-Kazakhstan flag, measured together.
    located = [i for i, record in enumerate(values) if record.get("geometry") is not None and not rows[i].reasons]
    if not located:
        return
    series = gpd.GeoSeries([values[i]["geometry"] for i in located], crs=CRS)
    inside = regions.inside(series.values)
    touched = regions.codes_for(series)
    drawn = area_hectares(series).to_numpy()
    for i, is_inside, codes, area in zip(located, inside, touched, drawn, strict=True):
        record = values[i]
        if not is_inside:
            rows[i].repairs.append("outside Kazakhstan")
        if not record["_regions"]:
            record["_regions"] = codes
        if record["geometry"].geom_type in ("Polygon", "MultiPolygon"):
            record["area_drawn_ha"] = round(float(area), 1)


def _sources_entry(record: dict, provenance: dict, plan: ImportPlan) -> dict:
    return {
        "title": record.get("_source_title") or provenance.get("source_title") or plan.source_name,
        "url": record.get("_source_url") or provenance.get("source_url") or "",
        "accessed": record.get("_source_date") or provenance.get("source_date") or "",
        "file": plan.source_name,
        "sha256": plan.source_sha256,
    }


def _decide(plan: ImportPlan, rows: list[PlannedRow], values: list[dict], features: gpd.GeoDataFrame) -> None:
    """Choose each row's action and build its record (WDPA matches, duplicates, new ids)."""
    provenance = plan.provenance
    matcher = wdpa.Matcher(features) if plan.is_wdpa else None
    if matcher is not None and not matcher.has_ids:
        plan.notes.append("the catalogue records no WDPA ids, so areas are matched by name; check each match")
    catalogue = features.set_index("id", drop=False) if len(features) else features
    existing_names = {}
    for _, row in features.iterrows():
        for column in ("name_en", "name_ru", "name_kk"):
            if row.get(column):
                existing_names.setdefault((wdpa.name_key(row[column]), row["kind"]), row["id"])
    claimed: dict[str, int] = {}
    for planned, record in zip(rows, values, strict=True):
        planned.label = _label(record, planned.number)
        record["_source_url"] = record.get("_source_url") or provenance.get("source_url") or ""
        record["_source_title"] = record.get("_source_title") or provenance.get("source_title") or ""
        record["_source_date"] = record.get("_source_date") or provenance.get("source_date") or ""
        if planned.reasons:
            planned.action, planned.record = "reject", None
            continue
        if not record["kind"] and not plan.is_wdpa:
            designation = record.get("_designation")
            planned.reasons.append(
                f"kind '{designation}' is not one of the atlas's kinds; choose one" if designation else "the row has no kind; map a column to kind or choose a kind for all rows"
            )
            planned.action, planned.record = "reject", None
            continue
        if not any(record.get(column) for column in ("name_en", "name_ru", "name_kk")):
            planned.reasons.append("the row has no name")
            planned.action, planned.record = "reject", None
            continue
        record["region_codes"] = LIST_SEPARATOR.join(record.pop("_regions"))
        record["undp_supported"] = record["kind"] in UNDP_KINDS
        record["source_url"] = record["_source_url"]
        record["source_title"] = record["_source_title"]
        record["source_date"] = record["_source_date"]
        record["sources_json"] = json.dumps([_sources_entry(record, provenance, plan)], ensure_ascii=False)
        wdpa_id = record.get("_wdpa_id")
        if plan.is_wdpa and record.get("geometry") is not None:
            record["geometry_quality"] = "surveyed"
            record["geometry_method"] = f"boundary from the Protected Planet (WDPA) file {plan.source_name}"
            if wdpa_id:
                link = f"https://www.protectedplanet.net/{wdpa_id}"
                record["links"] = LIST_SEPARATOR.join(filter(None, [record["links"], link]))
            names = [record.get(column) for column in ("name_en", "name_ru", "name_kk") if record.get(column)]
            candidate, note = matcher.match(wdpa_id, names, record["kind"] or None)
            if note:
                planned.repairs.append(note)
            if candidate is not None and candidate.feature_id in claimed:
                planned.repairs.append(
                    f"catalogue area {candidate.feature_id} is already matched by feature {claimed[candidate.feature_id]}"
                )
                candidate = None
            if candidate is not None:
                claimed[candidate.feature_id] = planned.number
                _change(plan, planned, record, catalogue.loc[candidate.feature_id], candidate)
                continue
            if record["kind"] not in PROTECTED_KINDS:
                what = record.get("_designation") or record["kind"] or "none"
                planned.action = "leave"
                planned.repairs.append(f"its designation ('{what}') is not a kind of protected area the atlas shows; not added")
                planned.record = None
                planned.feature_id = ""
                continue
        key = (wdpa.name_key(record.get("name_en") or record.get("name_ru") or record.get("name_kk")), record["kind"])
        if key[0] and key in existing_names:
            planned.action = "leave"
            planned.feature_id = existing_names[key]
            planned.repairs.append(f"already in the catalogue as {existing_names[key]}; not added again")
            planned.record = None
            continue
        planned.action = "add"
        planned.feature_id = f"imp-{plan.source_sha256[:8]}-{planned.number}"
        record["id"] = planned.feature_id
        planned.record = _finish(record)


def _finish(record: dict) -> dict:
    """Drop the working keys and give numbers their plain types; keeps ``_source_*`` for checks."""
    out = {key: value for key, value in record.items() if key not in ("_regions", "_designation", "_wdpa_id")}
    for column, dtype in FEATURE_COLUMNS.items():
        value = out.get(column)
        if dtype == "float" and value is not None and not (isinstance(value, float) and math.isnan(value)):
            out[column] = float(value)
    return out


def _change(plan: ImportPlan, planned: PlannedRow, record: dict, existing: pd.Series, candidate: wdpa.Candidate) -> None:
    """A matched catalogue area: its record with the file's boundary and the areas compared."""
    updated = {column: existing.get(column) for column in FEATURE_COLUMNS}
    for column, value in updated.items():
        if isinstance(value, float) and math.isnan(value):
            updated[column] = None
        elif isinstance(value, np.generic):
            updated[column] = value.item()
    updated["geometry"] = record["geometry"]
    updated["geometry_quality"] = "surveyed"
    updated["geometry_method"] = record["geometry_method"]
    updated["area_drawn_ha"] = record.get("area_drawn_ha")
    updated["coord_source"] = record["_source_url"] or record["_source_title"]
    if not updated.get("iucn_category") and record.get("iucn_category"):
        updated["iucn_category"] = record["iucn_category"]
        planned.repairs.append(f"IUCN category {record['iucn_category']} taken from the file")
    if record.get("links"):
        known = str(updated.get("links") or "")
        extra = [link for link in record["links"].split(LIST_SEPARATOR) if link not in known]
        updated["links"] = LIST_SEPARATOR.join(filter(None, [known, *extra]))
    try:
        sources = json.loads(updated.get("sources_json") or "[]")
        if not isinstance(sources, list):
            sources = []
    except ValueError:
        sources = []
    updated["sources_json"] = json.dumps([*sources, _sources_entry(record, plan.provenance, plan)], ensure_ascii=False)
    for key in ("_source_url", "_source_title", "_source_date"):
        updated[key] = record[key]
    official = updated.get("area_ha")
    drawn = record.get("area_drawn_ha")
    reported = record.get("area_ha")
    planned.action = "change"
    planned.feature_id = str(existing["id"])
    planned.record = updated
    planned.match = {
        "catalogue_id": str(existing["id"]),
        "catalogue_name": str(existing.get("name_en") or ""),
        "how": candidate.how,
        "score": candidate.score,
        "wdpa_id": record.get("_wdpa_id"),
        "official_area_ha": official,
        "reported_area_ha": reported,
        "drawn_area_ha": drawn,
        "previous_drawn_area_ha": existing.get("area_drawn_ha") if pd.notna(existing.get("area_drawn_ha")) else None,
        "difference_pct": round((drawn - official) / official * 100, 1) if official and drawn is not None else None,
    }
