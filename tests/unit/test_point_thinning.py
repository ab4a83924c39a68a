"""A preview of thousands of points stays readable: thinned to a few hundred markers, counts adding up."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import shapely

from kzatlas.i18n import translator
from kzatlas.map.import_preview import import_preview_group
from kzatlas.map.point_thinning import COUNT_COLUMN, THIN_ABOVE, thin_points

POINTS = 20_000


def generated_points(count: int = POINTS, rejected: int = 40) -> gpd.GeoDataFrame:
    """``count`` points over Kazakhstan: mostly new, some replacing a shape, ``rejected`` rejected."""
    rng = np.random.default_rng(7)
    xs, ys = rng.uniform(47.0, 87.0, count), rng.uniform(41.0, 55.0, count)
    actions = np.where(rng.random(count) < 0.1, "change", "add").astype(object)
    actions[rng.choice(count, rejected, replace=False)] = "reject"
    return gpd.GeoDataFrame(
        {
            "id": [f"site-{number}" for number in range(count)],
            "name_en": [f"<img src=x onerror=alert({number})>" for number in range(count)],
            "name_ru": "",
            "name_kk": "",
            "kind": "undp_site",
            "action": actions,
        },
        geometry=shapely.points(xs, ys),
        crs="EPSG:4326",
    )


def test_twenty_thousand_points_become_a_few_hundred_markers_whose_counts_add_up():
    points = generated_points()
    thinned = thin_points(points, "action")
    assert len(thinned) <= 500
    assert int(thinned[COUNT_COLUMN].sum()) == POINTS
    for action, expected in points["action"].value_counts().items():
        assert int(thinned.loc[thinned["action"] == action, COUNT_COLUMN].sum()) == expected
    # Rejected points are counted apart: the 40 scattered ones are still there, one by one.
    rejected = thinned[thinned["action"] == "reject"]
    assert int(rejected[COUNT_COLUMN].sum()) == 40 and len(rejected) >= 30


def test_a_few_points_are_drawn_one_by_one():
    points = generated_points(THIN_ABOVE, rejected=3)
    thinned = thin_points(points, "action")
    assert len(thinned) == THIN_ABOVE and set(thinned[COUNT_COLUMN]) == {1}
    assert list(thinned["id"]) == list(points["id"])


def test_the_preview_layer_shows_counts_and_states_and_escapes_its_tooltips():
    group = import_preview_group(generated_points(), translator("en"))
    layers = [child for child in group._children.values() if isinstance(child, folium.GeoJson)]
    singles, counted = (layer.data["features"] for layer in layers)
    assert len(singles) + len(counted) <= 500
    assert sum(f["properties"]["count"] for f in counted) + len(singles) == POINTS
    states = {f["properties"]["state"] for f in singles}
    assert "reject" in states
    assert {f["properties"]["css"].split()[-1] for f in counted} >= {"kz-layer-import-add", "kz-layer-import-change"}
    assert len({f["properties"]["colour"] for f in counted}) >= 2  # new and replacing points look different
    assert all("<img" not in f["properties"]["tip"] for f in singles)
    assert any("&lt;img" in f["properties"]["tip"] for f in singles)
    assert any("new points from the file here" in f["properties"]["tip"] for f in counted)
    fmap = folium.Map()
    group.add_to(fmap)
    html = fmap.get_root().render()
    # The count is set as text, never parsed as markup.
    assert "label.textContent" in html and "<img src=x" not in html
