"""The data manifest (``manifest.json``): its typed records, reading and checksums.

Every layer and table in ``geodata/`` has an entry here naming its file, licence, columns and
SHA-256; :mod:`kzatlas.catalog` holds the files to these entries.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from kzatlas.config import MANIFEST_PATH
from kzatlas.safety import JSONLimitError, load_json_limited

# Manifest dtype vocabulary -> how the column is held in memory.
DTYPES = ("str", "int", "float", "bool")

# manifest.json and the tables beside the layers are small; anything far larger is not ours.
MAX_METADATA_BYTES = 5_000_000


class CatalogueError(Exception):
    """A layer or the manifest cannot be used; the message is safe to show."""


@dataclass(frozen=True)
class LayerRecord:
    """One layer's entry in ``manifest.json``."""

    name: str
    file: str
    title: str
    description: str
    sources: tuple[dict, ...]
    licence: str
    attribution: str
    vintage: str
    crs: str
    geometry_types: tuple[str, ...]
    allow_missing_geometry: bool
    id_column: str
    columns: dict[str, str]
    row_count: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """The whole manifest: data version plus one record per layer."""

    data_version: str
    built: str
    layers: dict[str, LayerRecord]
    extra: dict = field(default_factory=dict)
    tables: dict[str, dict] = field(default_factory=dict)


def _require(mapping: dict, key: str, where: str):
    if key not in mapping:
        raise CatalogueError(f"{where}: missing field '{key}'")
    return mapping[key]


def parse_manifest(raw: dict) -> Manifest:
    """Turn the manifest's JSON object into typed records.

    Raises
    ------
    CatalogueError
        If a required field is missing or has the wrong shape.
    """
    if not isinstance(raw, dict):
        raise CatalogueError("manifest.json: expected a JSON object")
    layers_raw = _require(raw, "layers", "manifest.json")
    if not isinstance(layers_raw, dict):
        raise CatalogueError("manifest.json: 'layers' must be an object")
    layers = {}
    for name, entry in layers_raw.items():
        where = f"manifest.json layer '{name}'"
        if not isinstance(entry, dict):
            raise CatalogueError(f"{where}: expected an object")
        columns = _require(entry, "columns", where)
        bad = {col: dtype for col, dtype in columns.items() if dtype not in DTYPES}
        if bad:
            raise CatalogueError(f"{where}: unknown dtypes {bad}")
        layers[name] = LayerRecord(
            name=name,
            file=_require(entry, "file", where),
            title=entry.get("title", name),
            description=entry.get("description", ""),
            sources=tuple(entry.get("sources", ())),
            licence=_require(entry, "licence", where),
            attribution=entry.get("attribution", ""),
            vintage=_require(entry, "vintage", where),
            crs=_require(entry, "crs", where),
            geometry_types=tuple(_require(entry, "geometry_types", where)),
            allow_missing_geometry=bool(entry.get("allow_missing_geometry", False)),
            id_column=_require(entry, "id_column", where),
            columns=dict(columns),
            row_count=int(_require(entry, "row_count", where)),
            sha256=_require(entry, "sha256", where),
        )
    extra = {k: v for k, v in raw.items() if k not in {"layers", "data_version", "built", "tables"}}
    tables = raw.get("tables", {})
    if not isinstance(tables, dict) or not all(
        isinstance(t, dict) and "file" in t and "sha256" in t for t in tables.values()
    ):
        raise CatalogueError("manifest.json: 'tables' entries need 'file' and 'sha256'")
    return Manifest(
        data_version=str(raw.get("data_version", "unknown")),
        built=str(raw.get("built", "")),
        layers=layers,
        extra=extra,
        tables=dict(tables),
    )


def read_manifest(path: Path = MANIFEST_PATH) -> Manifest:
    """Read and parse ``manifest.json``; errors name the file only."""
    try:
        raw = load_json_limited(path.read_bytes(), max_bytes=MAX_METADATA_BYTES)
    except FileNotFoundError as exc:
        raise CatalogueError(f"{path.name} is missing") from exc
    except (OSError, JSONLimitError) as exc:
        raise CatalogueError(f"{path.name} is not valid JSON ({type(exc).__name__})") from exc
    return parse_manifest(raw)


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def changed_outside_build(file: str) -> str:
    """Why a file whose SHA-256 differs from its manifest record is not used."""
    return f"{file} was changed outside the build (its checksum does not match manifest.json)"
