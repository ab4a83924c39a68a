"""The atlas against a naive app on a large catalogue, in one run: bytes, server time, browser time.

The catalogue is made by ``make_large_catalogue.py`` (seeded: 10,000 UNDP sites, protected areas
with 1,000,000 vertices). The naive app (``naive_map_app.py``) rebuilds a plain folium map on every
rerun: full geometry, a ``folium.Marker`` per site, every property in the tooltips.

Measured, for both:

1. **Map payload**: what ``st_folium`` sends to the browser (its component arguments as JSON),
   for the first draw and for a filter change (the Region filter set to one region).
2. **Server time per rerun**: building the map and its ``st_folium`` arguments (median of
   ``--repeats``), and a whole rerun of the page under Streamlit's AppTest.
3. **Browser** (headless Debian Chromium via Playwright, both servers on 127.0.0.1, warm: each
   page is opened once before timing): page load to painted map (every site marker on the map
   and a frame drawn), filter change to repainted map, the websocket bytes of a filter change,
   and whether panning and zooming made the server rerun.

Run: ``.venv/bin/python bench/bench_large_map.py`` (``--no-browser`` for the server part only,
``--json out.json`` to keep the figures). Prints ratios (naive / atlas); higher is better.
``--against REVISION`` compares the browser figures with an earlier version of the atlas instead
of the naive app: the revision is exported from git into a temporary folder, both serve the same
catalogue, and ``--rounds`` rounds alternate between them (a full clone is needed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "tests"))

import naive_map as naive  # noqa: E402
import streamlit_folium  # noqa: E402
from localnet import start_streamlit  # noqa: E402
from make_large_catalogue import SITES, VERTICES, make_large_catalogue  # noqa: E402

from kzatlas import analysis, catalog  # noqa: E402
from kzatlas.analysis import Filters  # noqa: E402
from kzatlas.config import MAP_ZOOM, NAME_COLUMNS  # noqa: E402
from kzatlas.i18n import translator  # noqa: E402
from kzatlas.map import base_layers, feature_payload, folium_maps, static_files  # noqa: E402

REGION = "KZ-19"  # the filter change: Region = Almaty Region
CHROMIUM = "/usr/bin/chromium"
TARGETS = {"payload_mb": 2.0, "load_s": 3.0, "filter_s": 2.0, "payload_ratio": 8.0, "rerun_ratio": 6.0}


# ---------------------------------------------------------------- server side


def component_bytes(fmap, groups=None) -> int:
    """Bytes of the arguments ``st_folium`` hands to its component for ``fmap`` (and ``groups``)."""
    captured: dict = {}
    original = streamlit_folium._component_func
    streamlit_folium._component_func = lambda **kwargs: captured.update(kwargs)
    try:
        streamlit_folium.st_folium(
            fmap,
            key="bench",
            feature_group_to_add=groups,
            layer_control=folium_maps.build_layer_control() if groups is not None else None,
            returned_objects=[],
        )
    finally:
        streamlit_folium._component_func = original
    captured.pop("on_change", None)
    return len(json.dumps(captured, default=str).encode())


def median_time(function, repeats: int):
    samples, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def server_side(geodata: Path, repeats: int) -> dict:
    loaded = catalog.load_catalogue(geodata)
    regions = catalog.region_frame(loaded)
    features = catalog.feature_frame(loaded)
    names = dict(zip(regions["iso_code"], regions["name_en"]))
    english = translator("en")
    everything, one_region = Filters(), Filters(regions=(REGION,))
    start = time.perf_counter()
    prepared = folium_maps.prepare_map_features(features, english, "name_en", names, feature_payload.zoom_band(MAP_ZOOM))
    prepare_s = time.perf_counter() - start
    search = analysis.search_text(features[list(NAME_COLUMNS)])
    # As the live app does: the base map's shapes are prepared once and served as a static file
    # (here in a temporary folder), so each rerun sends only the file's address.
    shapes = base_layers.base_shapes(regions, "name_en")
    mapdata_dir = Path(tempfile.mkdtemp(prefix="kz-mapdata-"))

    def publish(payload: bytes) -> str | None:
        return static_files.publish_json(payload, folder=mapdata_dir)

    def naive_rerun(filters):
        return component_bytes(naive.naive_map(regions, analysis.filter_features(features, filters)))

    def atlas_rerun(filters):
        base = folium_maps.build_base_map(regions, english, "name_en", publish=publish, shapes=shapes)
        matching = analysis.filter_features(features, filters, search)
        groups = folium_maps.build_feature_groups(matching, english, "name_en", names, prepared=prepared)
        return component_bytes(base, groups)

    out = {"prepare_once_s": prepare_s, "base_file_bytes": len(shapes.payload)}
    for label, filters in (("initial", everything), ("filter", one_region)):
        out[f"naive_{label}_s"], out[f"naive_{label}_bytes"] = median_time(lambda f=filters: naive_rerun(f), repeats)
        out[f"atlas_{label}_s"], out[f"atlas_{label}_bytes"] = median_time(lambda f=filters: atlas_rerun(f), repeats)
    located = analysis.located(features)
    sites = located[located.geom_type == "Point"]
    out["sites_all"] = len(sites)
    out["sites_region"] = int(analysis.filter_features(sites, one_region).shape[0])
    out["region_name"] = names[REGION]
    shutil.rmtree(mapdata_dir, ignore_errors=True)
    return out


def apptest_rerun(script: Path, geodata: Path, widget_label: str, option: str, repeats: int) -> dict:
    """First run and median filter-change rerun of ``script`` under AppTest, on ``geodata``."""
    from streamlit.testing.v1 import AppTest

    os.environ[catalog.GEODATA_DIR_ENV] = str(geodata)
    at = AppTest.from_file(str(script), default_timeout=600)
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    assert not at.exception, at.exception
    samples = []
    for index in range(repeats):
        widget = next(w for w in at.sidebar.multiselect if w.label == widget_label)
        widget.set_value([option] if index % 2 == 0 else [])
        start = time.perf_counter()
        at.run()
        samples.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return {"first_s": first, "rerun_s": statistics.median(samples)}


# ---------------------------------------------------------------- browser


def naive_app_folder(work: Path) -> Path:
    """A folder that runs the naive app with the atlas's static files and settings.

    Streamlit serves ``static/`` beside the main script, so the naive app is started through a
    small wrapper in a folder whose ``static`` links to the atlas's (the same Leaflet files).
    """
    folder = work / "naive-app"
    (folder / ".streamlit").mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
    if not (folder / "static").exists():
        (folder / "static").symlink_to(ROOT / "static", target_is_directory=True)
    script = BENCH / "naive_map_app.py"
    (folder / "naive_app.py").write_text(f"import runpy\nrunpy.run_path({str(script)!r}, run_name='__main__')\n")
    return folder


# Sites on the map once a frame has been drawn: those on a canvas layer of many sites (this
# version), and circle markers or plain markers (the earlier version and the naive app).
COUNT_MARKERS_JS = """() => new Promise((done) => {
    if (!window.map || !window.L) { done(-1); return; }
    let count = 0;
    window.map.eachLayer((layer) => {
        if (layer.kzSites) { count += layer.kzCount(); return; }
        if (layer instanceof L.CircleMarker || layer instanceof L.Marker) { if (!layer.options.pane || layer.options.pane === "markerPane" || layer.options.pane === "overlayPane") count += 1; }
    });
    requestAnimationFrame(() => requestAnimationFrame(() => done(count)));
})"""


def wait_for_markers(page, expected: int, timeout_s: float = 600.0) -> float:
    """Seconds until the map iframe shows ``expected`` site markers (checked every 50 ms)."""
    start = time.perf_counter()
    deadline = start + timeout_s
    last = None
    while time.perf_counter() < deadline:
        for frame in page.frames:
            if "st_folium" in frame.url:
                try:
                    last = frame.evaluate(COUNT_MARKERS_JS)
                except Exception:  # the frame is being replaced (the naive map remounts)
                    last = None
                if last == expected:
                    return time.perf_counter() - start
        page.wait_for_timeout(50)
    raise AssertionError(f"the map never showed {expected} markers (last count {last})")


def choose_region(page, label: str, option: str) -> float:
    """Type ``option`` into the ``label`` filter and pick it; return when it was picked (``perf_counter``).

    The filter change is timed from the pick: typing the name is the reader's time, not the app's.
    """
    # The naive page can still be running its script long after its markers are painted.
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=600_000)
    page.locator('[data-testid="stMultiSelect"]').filter(has_text=label).locator("input").click(timeout=600_000)
    page.keyboard.type(option)
    choice = page.get_by_role("option").filter(has_text=option).first
    choice.wait_for(state="visible")
    picked = time.perf_counter()
    choice.click()
    page.keyboard.press("Escape")
    return picked


def browser_side(url: str, option: str, counts: tuple[int, int], runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    loads, returning, filters, filter_bytes, reruns_on_pan, outside, refetched = [], [], [], [], [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for run in range(runs + 1):  # the first run warms the server's caches and is not counted
            # A new browser profile each run: the first visit, nothing in the browser's cache.
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            received: list[int] = []
            sent: list[int] = []
            mapdata_requests: list[str] = []
            page.on("request", lambda r, into=mapdata_requests: into.append(r.url) if "/mapdata/" in r.url else None)
            page.on(
                "request",
                lambda r: (
                    outside.append(r.url)
                    if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:"))
                    else None
                ),
            )
            page.on(
                "websocket",
                lambda ws, into=received, out=sent: (
                    ws.on("framereceived", lambda payload: into.append(len(payload))),
                    ws.on("framesent", lambda payload: out.append(len(payload))),
                ),
            )
            start = time.perf_counter()
            page.goto(url, timeout=600_000)
            wait_for_markers(page, counts[0])
            load = time.perf_counter() - start
            page.wait_for_timeout(1500)
            before = sum(received)
            fetched_before = len(mapdata_requests)
            start = choose_region(page, "Region", option)
            wait_for_markers(page, counts[1])
            changed = time.perf_counter() - start
            page.wait_for_timeout(1500)
            after = sum(received)
            frames_before = len(sent)
            frame = next(f for f in page.frames if "st_folium" in f.url)
            frame.evaluate("() => { window.map.setZoom(window.map.getZoom() + 1); window.map.panBy([120, 80]); }")
            page.wait_for_timeout(2500)
            if run:
                loads.append(load)
                filters.append(changed)
                filter_bytes.append(after - before)
                refetched.append(len(mapdata_requests) - fetched_before)
                reruns_on_pan.append(len(sent) - frames_before)
            page.close()
            # The same person opening the atlas again: the page's scripts come from the browser's cache.
            again = context.new_page()
            start = time.perf_counter()
            again.goto(url, timeout=600_000)
            wait_for_markers(again, counts[0])
            if run:
                returning.append(time.perf_counter() - start)
            context.close()
        browser.close()
    return {
        "load_s": statistics.median(loads),
        "load_returning_s": statistics.median(returning),
        "filter_s": statistics.median(filters),
        "filter_ws_bytes": statistics.median(filter_bytes),
        "ws_frames_after_pan_zoom": max(reruns_on_pan),
        "requests_off_host": len(outside),
        "base_map_fetches_on_filter_change": max(refetched),
    }


def beside_earlier(geodata: Path, revision: str, option: str, counts: tuple[int, int], rounds: int, runs: int) -> dict:
    """This atlas and an earlier ``revision`` (exported from git) side by side in Chromium.

    Both serve ``geodata``; ``rounds`` of :func:`browser_side` (``runs`` counted loads each)
    alternate between them, so a busy hour of the machine weighs on both alike. Returns each
    version's per-round medians.
    """
    from bench_versions import alternate, export_version, stop_all

    folder = Path(tempfile.mkdtemp(prefix="kzatlas-bench-large-"))
    env = {catalog.GEODATA_DIR_ENV: str(geodata.resolve())}
    servers = {}
    figures: dict[str, list[dict]] = {"earlier": [], "current": []}
    try:
        export_version(revision, folder / "earlier")
        servers["earlier"] = start_streamlit("serve.py", env, log_dir=folder, cwd=folder / "earlier", timeout_s=180)
        servers["current"] = start_streamlit("serve.py", env, log_dir=folder, timeout_s=180)
        for number, name, server in alternate(servers, rounds):
            result = browser_side(server.base_url, option, counts, runs)
            figures[name].append(result)
            print(
                f"round {number} {name:8} load {result['load_s']:.2f} s  returning {result['load_returning_s']:.2f} s"
                f"  filter {result['filter_s']:.2f} s  load average {os.getloadavg()[0]:.2f}",
                flush=True,
            )
    finally:
        stop_all(servers, folder)
    keys = ("load_s", "load_returning_s", "filter_s")
    return {"revision": revision, **{name: {key: [each[key] for each in rows] for key in keys} for name, rows in figures.items()}}


# ---------------------------------------------------------------- report


def machine() -> dict:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return {"nproc": os.cpu_count(), "cpu": model, "memory_gib": round(memory_kb / 1024**2, 1), "load": os.getloadavg()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--geodata", type=Path, help="use this large geodata folder instead of making one")
    parser.add_argument("--sites", type=int, default=SITES)
    parser.add_argument("--vertices", type=int, default=VERTICES)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3, help="browser runs per app (after one warm-up)")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument(
        "--against",
        metavar="REVISION",
        help="in the browser, compare with this earlier git revision side by side instead of the naive app",
    )
    parser.add_argument("--rounds", type=int, default=3, help="with --against: rounds per version, alternating")
    parser.add_argument("--no-apptest", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kz-bench-"))
    geodata = args.geodata or make_large_catalogue(work / "geodata", args.sites, args.vertices)
    result: dict = {"machine_start": machine(), "sites": args.sites, "vertices": args.vertices}
    server = server_side(geodata, args.repeats)
    result["server"] = server
    mb = 1024 * 1024
    print(f"machine: {result['machine_start']}")
    print(f"prepared once per catalogue version: {server['prepare_once_s']:.2f} s")
    print(f"base map file, fetched once over HTTP (atlas): {server['base_file_bytes'] / mb:.2f} MB")
    for label in ("initial", "filter"):
        n_b, a_b = server[f"naive_{label}_bytes"], server[f"atlas_{label}_bytes"]
        n_t, a_t = server[f"naive_{label}_s"], server[f"atlas_{label}_s"]
        print(
            f"{label:8} map payload  naive {n_b / mb:8.2f} MB  atlas {a_b / mb:6.2f} MB  ratio {n_b / a_b:5.1f}x smaller"
        )
        print(f"{label:8} build time   naive {n_t:8.2f} s   atlas {a_t:6.2f} s   ratio {n_t / a_t:5.1f}x faster")
    if not args.no_apptest:
        naive_at = apptest_rerun(BENCH / "naive_map_app.py", geodata, "Region", REGION, args.repeats)
        atlas_at = apptest_rerun(ROOT / "views" / "map_explorer.py", geodata, "Region", REGION, args.repeats)
        result["apptest"] = {"naive": naive_at, "atlas": atlas_at}
        print(
            f"AppTest rerun naive {naive_at['rerun_s']:.2f} s  atlas {atlas_at['rerun_s']:.2f} s  "
            f"ratio {naive_at['rerun_s'] / atlas_at['rerun_s']:.1f}x faster (first run {naive_at['first_s']:.1f} / {atlas_at['first_s']:.1f} s)"
        )
    if args.against and not args.no_browser:
        counts = (server["sites_all"], server["sites_region"])
        pair = beside_earlier(geodata, args.against, server["region_name"], counts, args.rounds, args.runs)
        result["against"] = pair
        for key, text in (("load_s", "page load"), ("load_returning_s", "returning"), ("filter_s", "filter change")):
            earlier, current = statistics.median(pair["earlier"][key]), statistics.median(pair["current"][key])
            print(f"{text:14} earlier {earlier:.2f} s  current {current:.2f} s  ratio {earlier / current:.2f}x")
    elif not args.no_browser:
        counts = (server["sites_all"], server["sites_region"])
        servers = []
        geodata_env = {catalog.GEODATA_DIR_ENV: str(geodata.resolve())}
        try:
            naive = start_streamlit("naive_app.py", geodata_env, log_dir=work, cwd=naive_app_folder(work), timeout_s=120)
            servers.append(naive)
            atlas = start_streamlit("serve.py", geodata_env, log_dir=work, timeout_s=120)
            servers.append(atlas)
            result["browser"] = {
                "naive": browser_side(naive.base_url, REGION, counts, args.runs),
                "atlas": browser_side(atlas.base_url, server["region_name"], counts, args.runs),
            }
        finally:
            for started in servers:
                started.stop()
        naive_b, atlas_b = result["browser"]["naive"], result["browser"]["atlas"]
        for key, text in (
            ("load_s", "page load to painted map"),
            ("load_returning_s", "the same, browser cache warm"),
            ("filter_s", "filter change to repainted map"),
        ):
            print(
                f"{text:32} naive {naive_b[key]:6.2f} s  atlas {atlas_b[key]:6.2f} s  ratio {naive_b[key] / atlas_b[key]:5.1f}x"
            )
        print(
            f"websocket bytes per filter change naive {naive_b['filter_ws_bytes'] / mb:.2f} MB  atlas {atlas_b['filter_ws_bytes'] / mb:.2f} MB"
        )
        print(
            f"messages after pan and zoom: naive {naive_b['ws_frames_after_pan_zoom']}  atlas {atlas_b['ws_frames_after_pan_zoom']}"
        )
        print(f"requests off 127.0.0.1: naive {naive_b['requests_off_host']}  atlas {atlas_b['requests_off_host']}")
        print(f"base map file fetched again on a filter change (atlas): {atlas_b['base_map_fetches_on_filter_change']}")
    result["machine_end"] = machine()
    print(f"load average at the end: {result['machine_end']['load']}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
