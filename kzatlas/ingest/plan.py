"""The import plan: what a file would add, change or leave alone, checked before anything is saved.

:func:`check_file` is the entry point. It never raises for a bad file: a file refused as a
whole gives a plan whose ``refused`` says why, and each row that cannot be used is listed
with its reasons. Nothing is written anywhere but a temporary folder that is removed.

The steps live in their own modules: :mod:`~kzatlas.ingest.values` reads each row's cells,
:mod:`~kzatlas.ingest.placing` gives it a position and :mod:`~kzatlas.ingest.deciding` its
action; the plan itself is :class:`~kzatlas.ingest.planned.ImportPlan`.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import shapely

from kzatlas.ingest import archive, encodings, limits, sniff, wdpa
from kzatlas.ingest.columns import check_mapping, guess_mapping
from kzatlas.ingest.coordinates import LATITUDE, LONGITUDE, SWAP_SUGGESTED, swap_suggested
from kzatlas.ingest.deciding import decide
from kzatlas.ingest.errors import RefusalError
from kzatlas.ingest.headers import regrid, split_table
from kzatlas.ingest.matching import file_ids
from kzatlas.ingest.messages import N_, Message
from kzatlas.ingest.placing import OUTSIDE_KAZAKHSTAN, file_shapes, place
from kzatlas.ingest.planned import ImportPlan, PlanInputs, PlannedRow
from kzatlas.ingest.regions import RegionIndex
from kzatlas.ingest.values import fill_values
from kzatlas.ingest.worker import run_reader

__all__ = ["ImportPlan", "PlannedRow", "check_file", "plan_from_raw", "with_header", "with_swapped_coordinates"]


def _load(path_or_bytes: str | Path | bytes) -> bytes:
    if isinstance(path_or_bytes, bytes | bytearray | memoryview):
        return bytes(path_or_bytes)
    path = Path(path_or_bytes)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise RefusalError(N_("the upload is not a file"))
        if size > limits.MAX_FILE_BYTES:
            raise RefusalError(sniff.TOO_LARGE, megabytes=limits.MAX_FILE_BYTES // (1024 * 1024))
        return path.read_bytes()
    except OSError as exc:
        raise RefusalError(N_("the file could not be opened")) from exc


def _stage(fmt: str, data: bytes, folder: Path) -> tuple[Path, list[Message]]:
    """Write the upload into the temporary folder (unpacking a shapefile) and return what to read."""
    suffix = {"geojson": ".geojson", "gpkg": ".gpkg", "shapefile": ".zip", "kml": ".kml", "csv": ".csv", "xlsx": ".xlsx"}[fmt]
    upload = folder / f"upload{suffix}"
    upload.write_bytes(data)
    if fmt == sniff.XLSX:
        infos = archive.inspect_zip(upload)
        names = {info.filename.lower() for info in infos}
        if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
            raise RefusalError(N_("the file is a zip archive but not an Excel workbook"))
        if any(name.endswith("vbaproject.bin") for name in names):
            raise RefusalError(N_("the workbook holds macros; save it as a plain .xlsx or CSV"))
        return upload, []
    if fmt != sniff.SHAPEFILE:
        return upload, []
    infos = archive.inspect_zip(upload)
    members, notes = archive.shapefile_members(infos)
    unpacked = folder / "shapefile"
    unpacked.mkdir()
    written = archive.extract_members(upload, {f"layer{ext}": info for ext, info in members.items()}, unpacked)
    if ".prj" not in members:
        notes.append(Message(N_("the shapefile has no .prj file (its coordinate system)")))
    return written["layer.shp"], notes


def _chosen_encoding(name: str | None) -> str | None:
    """The codec of an encoding the user named; a name outside the allowlist is refused."""
    if not name:
        return None
    codec = encodings.normalise(name)
    if codec is None:
        raise encodings.unknown_encoding(name)
    return codec


def check_file(
    path_or_bytes: str | Path | bytes,
    filename: str,
    *,
    catalogue_features: gpd.GeoDataFrame,
    regions: gpd.GeoDataFrame,
    mapping: dict | None = None,
    provenance: dict | None = None,
    defaults: dict | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    header: tuple[int, int] | None = None,
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
    encoding : str, optional
        The text encoding of a CSV file or a shapefile's attributes, by one of its names
        (``"Windows-1251"``, ``"cp866"``...); by default it is detected
        (:mod:`kzatlas.ingest.encodings`).
    sheet : str, optional
        The sheet of a workbook to read, by name or number (1 is the first); by default the
        first sheet that holds a table.
    header : tuple of int, optional
        A table's header as its first and last row (line) number, e.g. ``(3, 4)`` for a header
        over two merged rows; by default it is found (:mod:`kzatlas.ingest.headers`).

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
            raw = run_reader(fmt, source, Path(folder), _chosen_encoding(encoding), sheet)
        raw["notes"] = notes + list(raw.get("notes", []))
        raw["format"] = fmt
        inputs = PlanInputs(
            raw, fmt, name, sha, catalogue_features, regions, mapping, provenance or {}, defaults or {}, header
        )
        return plan_from_raw(inputs)
    except RefusalError as refusal:
        return ImportPlan(source_name=name, source_sha256=sha, format=None, refused=refusal.reason)
    except MemoryError:
        return ImportPlan(
            source_name=name, source_sha256=sha, format=None, refused=Message(N_("the file is too large to check"))
        )
    except Exception as exc:  # a bad file must never take the page down
        refused = Message(N_("the file could not be checked ({error})"), error=type(exc).__name__)
        return ImportPlan(source_name=name, source_sha256=sha, format=None, refused=refused)


def _planned_rows(raw: dict) -> list[PlannedRow]:
    """One row per raw row, with the reader's own errors as reasons and its notes as repairs."""
    layers = raw.get("layers") or [{"name": ""}]
    rows = []
    for position, item in enumerate(raw.get("rows", []), start=1):
        layer = item.get("layer", 0)
        planned = PlannedRow(
            number=position,
            line=item.get("line"),
            # A layer is named only where the file has several (a shapefile's one layer is the file).
            layer=str(layers[layer].get("name", "")) if len(layers) > 1 and layer < len(layers) else "",
            label="",
        )
        if item.get("error"):
            planned.reasons.append(_message(item["error"]))
        planned.repairs += [_message(note) for note in item.get("notes", [])]
        rows.append(planned)
    return rows


def _message(value: object) -> Message:
    """A reader's error or note as a message (the worker has rebuilt them; plain text is wrapped)."""
    return value if isinstance(value, Message) else Message(str(value))


NOTHING_IMPORTABLE = N_("nothing in the file can be imported: every feature is rejected")
NOTHING_IN_KAZAKHSTAN = N_("none of the shapes lies in Kazakhstan: is the coordinate system right?")


def plan_from_raw(inputs: PlanInputs) -> ImportPlan:
    """Build the plan from what the reader returned; the file is not read again.

    Parameters
    ----------
    inputs : PlanInputs
        The reader's result, the file's identity, the catalogue and the user's choices.

    Returns
    -------
    ImportPlan
        The plan, keeping ``inputs`` so that it can be built again with another mapping or
        provenance.

    Raises
    ------
    RefusalError
        When the file's coordinates cannot be converted to longitude/latitude.
    """
    raw, mapping = _table(inputs.raw, inputs.header), inputs.mapping or {}
    columns = [str(column) for column in raw.get("columns", [])]
    raw_rows = raw.get("rows", [])
    guessed = guess_mapping(columns, [item.get("props", {}) for item in raw_rows])
    effective = {**guessed, **{k: v for k, v in mapping.items() if k in guessed and (v is None or v in columns)}}
    plan = ImportPlan(
        source_name=inputs.name,
        source_sha256=inputs.sha,
        format=inputs.fmt,
        mapping=effective,
        mapping_problems=check_mapping(mapping, columns),
        columns=columns,
        notes=[_message(note) for note in raw.get("notes", [])],
        is_wdpa=wdpa.is_wdpa_export(columns),
        provenance={k: v for k, v in inputs.provenance.items() if k in ("source_url", "source_title", "source_date")},
        defaults=dict(inputs.defaults),
        inputs=inputs,
    )
    plan.sheets, plan.sheet = [str(name) for name in raw.get("sheets", [])], str(raw.get("sheet") or "")
    plan.header, plan.header_choices = list(raw.get("header", [])), list(raw.get("header_choices", []))
    region_index = RegionIndex(inputs.regions)
    rows = _planned_rows(raw)
    if inputs.fmt in sniff.GEOMETRY_FORMATS:
        geometries = file_shapes(raw, rows, plan.notes)
    else:
        geometries = [None] * len(rows)
    values = [
        fill_values(planned, item.get("props", {}), effective, inputs.defaults, region_index)
        for planned, item in zip(rows, raw_rows, strict=True)
    ]
    pairs = [record.get("_coordinate_pair") for record in values]
    place(plan, rows, values, geometries, region_index)
    decide(plan, rows, values, inputs.features, file_ids(columns, raw_rows))
    plan.rows = rows
    if rows and all(row.action == "reject" for row in rows):
        plan.notes.append(Message(NOTHING_IMPORTABLE))
    located = [row for row in rows if row.record is not None and row.record.get("geometry") is not None]
    swap = swap_suggested(
        [pair for pair in pairs if pair is not None], lambda points: region_index.inside(shapely.points(points))
    )
    if swap is not None:
        plan.swap_suggested = True
        plan.notes.insert(0, Message(SWAP_SUGGESTED, outside=swap[0], total=swap[1]))
    elif located and all(OUTSIDE_KAZAKHSTAN in row.notes for row in located):
        plan.notes.append(Message(NOTHING_IN_KAZAKHSTAN))
    return plan


def _table(raw: dict, header: tuple[int, int] | None) -> dict:
    """A table's rows split again at the header the user chose (the file is not read again)."""
    if not raw.get("table") or header is None or list(header) == list(raw.get("header", [])):
        return raw
    table = split_table(regrid(raw), tuple(header), strict_width=raw.get("format") == sniff.CSV)
    return {**raw, **table}


def with_header(plan: ImportPlan, header: tuple[int, int]) -> ImportPlan:
    """``plan`` again with a table's header at other rows (first and last line number).

    Parameters
    ----------
    plan : ImportPlan
        A plan of a CSV or XLSX file made by :func:`check_file`.
    header : tuple of int
        The header's first and last row; the last is the first, or the next row for a
        header over two merged rows.

    Returns
    -------
    ImportPlan
        A new plan (refused, with the reason, when no table lies below that header); the
        columns are guessed again for the new names.
    """
    if plan.inputs is None:
        return replace(plan)
    inputs = replace(plan.inputs, header=tuple(header), mapping=None)
    try:
        return plan_from_raw(inputs)
    except RefusalError as refusal:
        return ImportPlan(
            source_name=plan.source_name, source_sha256=plan.source_sha256, format=plan.format, refused=refusal.reason
        )


def with_swapped_coordinates(plan: ImportPlan) -> ImportPlan:
    """``plan`` again with the latitude and longitude columns exchanged."""
    swapped = {LATITUDE: plan.mapping.get(LONGITUDE), LONGITUDE: plan.mapping.get(LATITUDE)}
    return with_mapping(plan, swapped)


def with_mapping(plan: ImportPlan, mapping: dict) -> ImportPlan:
    """``plan`` again with some columns mapped differently (the file is not read again).

    Parameters
    ----------
    plan : ImportPlan
        A plan made by :func:`check_file`.
    mapping : dict
        Target to column (or ``None``); targets not named keep their current column.

    Returns
    -------
    ImportPlan
        A new plan.
    """
    if plan.inputs is None:
        return replace(plan)
    return plan_from_raw(replace(plan.inputs, mapping={**plan.mapping, **mapping}))


def with_provenance(plan: ImportPlan, provenance: dict, defaults: dict | None = None) -> ImportPlan:
    """``plan`` again with the source (and optionally default values) given by the user."""
    if plan.inputs is None:
        return replace(plan)
    return plan_from_raw(
        replace(plan.inputs, mapping=plan.mapping, provenance=provenance, defaults=defaults or plan.defaults)
    )
