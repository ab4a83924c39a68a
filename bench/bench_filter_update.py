"""What a filter change costs: the atlas swaps feature groups; a naive app rebuilds the whole map.

Naive baseline (measured in the same run): rebuild and render the complete folium map (regions,
legend, every layer) for each filter change, as an app that calls ``folium.Map(...)`` with the
filtered data on every rerun would. Atlas: build only the feature groups that ``st_folium``
swaps into the mounted map (the base map is unchanged, so it is not sent again); their size is
that of their GeoJSON data (the few lines of Leaflet code around it are left out).

Run: ``.venv/bin/python bench/bench_filter_update.py``. Prints ratios (naive / atlas).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kzatlas import analysis, catalog  # noqa: E402
from kzatlas.analysis import Filters  # noqa: E402
from kzatlas.config import GEODATA_DIR  # noqa: E402
from kzatlas.i18n import translator  # noqa: E402
from kzatlas.map import folium_maps  # noqa: E402

FILTER_CHANGES = [
    Filters(),
    Filters(undp_only=True),
    Filters(regions=("KZ-19", "KZ-33")),
    Filters(kinds=("national_park",)),
    Filters(name_query="Altyn"),
]
REPEATS = 3


def main() -> None:
    loaded = catalog.load_catalogue(GEODATA_DIR)
    regions = catalog.region_frame(loaded)
    features = catalog.feature_frame(loaded)
    names = dict(zip(regions["iso_code"], regions["name_en"]))
    english = translator("en")
    naive_bytes, atlas_bytes, naive_times, atlas_times = [], [], [], []
    for filters in FILTER_CHANGES * REPEATS:
        matching = analysis.filter_features(features, filters)
        start = time.perf_counter()
        html = folium_maps.build_full_map(regions, matching, english, "name_en", names).get_root().render()
        naive_times.append(time.perf_counter() - start)
        naive_bytes.append(len(html.encode()))
        start = time.perf_counter()
        groups = folium_maps.build_feature_groups(matching, english, "name_en", names)
        payload = json.dumps([next(iter(g._children.values())).data for g in groups])
        atlas_times.append(time.perf_counter() - start)
        atlas_bytes.append(len(payload.encode()))
    n_bytes, a_bytes = statistics.median(naive_bytes), statistics.median(atlas_bytes)
    n_time, a_time = statistics.median(naive_times), statistics.median(atlas_times)
    print(f"bytes per filter change   naive {n_bytes:>10,.0f}   atlas {a_bytes:>10,.0f}   ratio {n_bytes / a_bytes:6.1f}x less")
    print(f"server time per change    naive {n_time:>10.3f}   atlas {a_time:>10.3f}   ratio {n_time / a_time:6.1f}x faster")


if __name__ == "__main__":
    main()
