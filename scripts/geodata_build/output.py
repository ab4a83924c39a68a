"""Deterministic files and their manifest records."""

from __future__ import annotations

import hashlib
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from kzatlas.config import (
    CRS,
)
from scripts.geodata_build.sources import licence_for

# ---------------------------------------------------------------- output


def to_geojson_bytes(frame: gpd.GeoDataFrame) -> bytes:
    """Deterministic GeoJSON: sorted keys, fixed float format, one feature per line."""
    features = []
    for _, row in frame.iterrows():
        props = {}
        for col in frame.columns:
            if col == "geometry":
                continue
            value = row[col]
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                value = None
            elif isinstance(value, (np.integer,)):
                value = int(value)
            elif isinstance(value, (np.floating, float)):
                value = float(value)
                if value.is_integer():
                    value = int(value)
            elif isinstance(value, np.bool_):
                value = bool(value)
            props[col] = value
        geometry = row.geometry
        geometry_json = None if geometry is None or geometry.is_empty else json.loads(shapely.to_geojson(geometry))
        features.append(
            json.dumps(
                {"type": "Feature", "properties": props, "geometry": geometry_json}, ensure_ascii=False, sort_keys=True
            )
        )
    body = ",\n".join(features)
    text = (
        '{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}, "features": [\n'
        + body
        + "\n]}\n"
    )
    return text.encode("utf-8")


def manifest_record(name: str, frame: gpd.GeoDataFrame, payload: bytes, columns: dict, meta: dict) -> dict:
    geoms = frame.geometry
    types = sorted(set(geoms[geoms.notna()].geom_type))
    return {
        "file": f"{name}.geojson",
        "title": meta["title"],
        "description": meta["description"],
        "sources": meta["sources"],
        "licence": meta["licence"],
        "attribution": meta["attribution"],
        "vintage": meta["vintage"],
        "crs": CRS,
        "geometry_types": types,
        "allow_missing_geometry": bool(geoms.isna().any()),
        "id_column": meta["id_column"],
        "columns": columns,
        "row_count": int(len(frame)),
        **(
            {
                "geometry_quality_counts": {
                    str(k): int(v) for k, v in frame["geometry_quality"].value_counts().sort_index().items()
                }
            }
            if "geometry_quality" in frame.columns
            else {}
        ),
        "sha256": hashlib.sha256(payload).hexdigest(),
    }


def collect_sources(frame: gpd.GeoDataFrame) -> list[dict]:
    seen = {}
    for text in frame["sources_json"]:
        for source in json.loads(text):
            url = source.get("url", "")
            if url and url not in seen:
                seen[url] = {
                    "url": url,
                    "title": source.get("title", ""),
                    "licence": licence_for(url, source.get("title", "")),
                }
    return [seen[url] for url in sorted(seen)]




def walk_sources(value):
    """Every ``source``-like dict (with a ``url``) anywhere inside ``value``."""
    if isinstance(value, dict):
        if isinstance(value.get("url"), str) and value["url"]:
            yield {"url": value["url"], "title": value.get("title", "")}
        for item in value.values():
            yield from walk_sources(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk_sources(item)
