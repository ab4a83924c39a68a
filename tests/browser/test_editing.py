"""Editing in a real browser: an editor imports a Protected Planet boundary, and it outlives a restart.

The test makes its own secrets file (an editor account with a hashed password) and data folder,
signs in, uploads a WDPA-shaped GeoJSON of Naurzum's three forest clusters, confirms the match,
gives the source and a comment, and saves. After a restart on the same data folder, a viewer
sees the surveyed boundary instead of the approximate circle and has no way to write.
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from mapkit import ARTIFACTS_DIR, PAINT_TIMEOUT_MS, enter_date, map_locator, open_map_page, wait_until
from playwright.sync_api import Page, expect

from kzatlas.edit import accounts

pytestmark = pytest.mark.browser

USERNAME, PASSWORD = "tester", "a long browser test password 7"
NAURZUM_ID = "pa-naurzum"
OFFICIAL_HA = 191_381
# Naurzum's three clusters (Naurzum forest, Sypsyn-Agash, Tersek) around the published point
# 51.533 N, 64.439 E: centre (lon, lat), area in ha, and how stretched each outline is.
CLUSTERS = (((64.30, 51.55), 139_714, 1.6), ((64.02, 51.78), 38_720, 1.3), ((64.70, 51.28), 12_947, 1.2))
SELECTED_PATH = "path.kz-layer-strict_nature_reserve.kz-selected"


def _cluster(centre: tuple[float, float], hectares: float, stretch: float) -> shapely.Polygon:
    """An irregular outline of ``hectares`` around ``centre`` (lobed, like a forest block)."""
    lon, lat = centre
    ring = []
    for step in range(48):
        angle = 2 * math.pi * step / 48
        radius = 1 + 0.18 * math.sin(3 * angle) + 0.08 * math.cos(7 * angle)
        ring.append((lon + radius * stretch * math.cos(angle) * 0.1, lat + radius * math.sin(angle) * 0.06))
    shape = shapely.Polygon(ring)
    area = gpd.GeoSeries([shape], crs="EPSG:4326").to_crs("EPSG:6933").area.iloc[0] / 10_000
    # Drawn about 2 % larger than the official figure, as digitised boundaries are.
    factor = math.sqrt(hectares * 1.02 / area)
    return shapely.affinity.scale(shape, factor, factor, origin=centre)


def naurzum_wdpa_geojson() -> bytes:
    """A Protected Planet export's row for Naurzum, with the WDPA's standard columns."""
    boundary = shapely.MultiPolygon([_cluster(*cluster) for cluster in CLUSTERS])
    feature = {
        "type": "Feature",
        "geometry": json.loads(shapely.to_geojson(boundary)),
        "properties": {
            "WDPAID": 4362,
            "NAME": "Naurzumskiy",
            "ORIG_NAME": "Наурзумский",
            "DESIG_ENG": "State Nature Reserve (Zapovednik)",
            "IUCN_CAT": "Ia",
            "REP_AREA": OFFICIAL_HA / 100,
            "STATUS_YR": 1931,
            "ISO3": "KAZ",
        },
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


@pytest.fixture()
def editor_env() -> Iterator[dict[str, str]]:
    # A folder of its own, outside pytest's rotating temp folders, for the whole test.
    with tempfile.TemporaryDirectory(prefix="kzatlas-editing-") as folder:
        yield _editor_env(Path(folder))


def _editor_env(tmp_path: Path) -> dict[str, str]:
    secrets = tmp_path / "secrets" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text(
        f'[editors.{USERNAME}]\nname = "Browser Tester"\npassword_hash = "{accounts.hash_password(PASSWORD)}"\n',
        encoding="utf-8",
    )
    data = tmp_path / "data"
    data.mkdir()
    # Streamlit's command line reads any option from STREAMLIT_<SECTION>_<OPTION>: here secrets.files.
    return {"KZATLAS_DATA_DIR": str(data), "STREAMLIT_SECRETS_FILES": str(secrets)}


def ring_count(page: Page) -> int:
    """How many rings the selected reserve's outline has (a circle has one; Naurzum's boundary three)."""
    path = map_locator(page).locator(SELECTED_PATH)
    expect(path).to_have_count(1, timeout=PAINT_TIMEOUT_MS)
    return path.get_attribute("d").count("M")


def sign_in(page: Page) -> None:
    page.get_by_text("Editors: sign in").click()
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text("Signed in as editor: Browser Tester (tester)")).to_be_visible(timeout=20_000)


def assert_viewer_cannot_write(page: Page, url: str) -> None:
    expect(page.get_by_role("link", name="Add and edit data")).to_have_count(0)
    expect(page.locator('input[type="file"]')).to_have_count(0)
    page.goto(f"{url}/edit_data")
    expect(page.get_by_text("Sign in as an editor to change data")).to_be_visible(timeout=20_000)
    expect(page.locator('input[type="file"]')).to_have_count(0)
    expect(page.get_by_role("button", name="Save to the atlas")).to_have_count(0)


def test_an_editor_replaces_a_circle_with_a_wdpa_boundary_that_outlives_a_restart(page: Page, launch, editor_env):
    server = launch(editor_env)
    url = server.base_url
    open_map_page(page, f"{url}/?sel={NAURZUM_ID}", feature_kind="strict_nature_reserve")
    assert ring_count(page) == 1  # the approximate circle
    assert_viewer_cannot_write(page, url)

    sign_in(page)
    expect(page.get_by_role("link", name="Add and edit data")).to_be_visible()
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": "WDPA_Naurzum.geojson", "mimeType": "application/geo+json", "buffer": naurzum_wdpa_geojson()}]
    )
    expect(page.get_by_text("Matches to confirm")).to_be_visible(timeout=60_000)
    expect(map_locator(page).locator("path.kz-layer-import")).to_have_count(1, timeout=PAINT_TIMEOUT_MS)
    page.get_by_text("Replace the shape of Naurzum State Nature Reserve").click()
    page.get_by_label("Source web address").first.fill("https://www.protectedplanet.net/4362")
    page.get_by_label("Source web address").first.press("Tab")
    # The date field has a segment each for year, month and day; typing moves through them.
    enter_date(page, "Date of the source", "20250501")
    page.get_by_label("Why are you making this change?").fill("Real boundary from the WDPA, May 2025")
    page.get_by_label("Why are you making this change?").press("Tab")
    save = page.get_by_role("button", name="Save to the atlas")
    expect(save).to_be_enabled(timeout=20_000)
    save.click()
    expect(page.get_by_text("Saved as version 1 from WDPA_Naurzum.geojson; features written: 1.")).to_be_visible(
        timeout=30_000
    )
    server.stop()

    restarted = launch(editor_env).base_url
    viewer = page.context.browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        open_map_page(viewer, f"{restarted}/?sel={NAURZUM_ID}", feature_kind="strict_nature_reserve")
        wait_until(lambda: ring_count(viewer) == 3, timeout_s=20, page=viewer, message="the circle is still drawn")
        # The details panel's facts table (a data grid: its cells are in the page, drawn on a canvas).
        cells = viewer.locator('td[role="gridcell"]')
        expect(cells.get_by_text("surveyed boundary", exact=True).first).to_be_attached(timeout=20_000)
        fmap = map_locator(viewer)
        fmap.locator(SELECTED_PATH).hover()
        expect(fmap.locator(".leaflet-tooltip")).to_contain_text("Changed by an editor", timeout=10_000)
        assert_viewer_cannot_write(viewer, restarted)
    except Exception:
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        viewer.screenshot(path=str(ARTIFACTS_DIR / "editing_viewer_after_restart.png"), full_page=True)
        raise
    finally:
        viewer.context.close()
