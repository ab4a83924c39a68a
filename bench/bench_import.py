"""What a checked import costs: a 10,000-row site spreadsheet and a 200-area boundary file.

Inputs (made here, fixed seed): a CSV and an XLSX of 10,000 UNDP sites with latitude and
longitude inside Kazakhstan, and a GeoPackage of 200 protected-area boundaries inside
Kazakhstan with 1,000,000 vertices in all.

Atlas: ``kzatlas.ingest.check_file`` (sniffing, the isolated reading process, every check and
repair, region look-up, areas, the plan), and for the CSV also saving the 10,000 records into a
fresh store as one version. Naive baseline, measured in the same run: read the same file with
no checks at all (``pandas.read_csv`` / ``pandas.read_excel`` with points made from the
columns, ``geopandas.read_file`` for the GeoPackage).

Each measurement runs in its own fresh Python process. Peak memory is each address space's
own high-water mark (``VmHWM``): of that process, and of the file-reading process it started
(polled while it runs). ``ru_maxrss`` (RUSAGE_SELF, RUSAGE_CHILDREN) is recorded too but not
used: Linux carries the starting process's resident size into a child's figure. Times are the median of ``--repeats`` runs (default 3).

Run: ``.venv/bin/python bench/bench_import.py``. Prints a table and writes it to
``bench/README.md`` under "Importing files".
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20260101
SITES = 10_000
AREAS = 200
VERTICES_PER_AREA = 5_000  # 200 x 5,000 = 1,000,000 vertices
PROVENANCE = {"source_url": "https://example.org/bench", "source_date": "2025-12-31"}
README = ROOT / "bench" / "README.md"
HEADING = "## Importing files (bench_import.py)"


# ------------------------------------------------------------------ inputs


def _kazakhstan():
    import shapely

    from kzatlas import catalog
    from kzatlas.config import GEODATA_DIR

    regions = catalog.region_frame(catalog.load_catalogue(GEODATA_DIR))
    # A little inside the border, so rounding never puts a point across it.
    return shapely.union_all(regions.geometry.values).buffer(-0.05)


def make_inputs(folder: Path) -> dict[str, Path]:
    import geopandas as gpd
    import numpy as np
    import openpyxl
    import pandas as pd
    import shapely

    rng = np.random.default_rng(SEED)
    country = _kazakhstan()
    shapely.prepare(country)
    minx, miny, maxx, maxy = country.bounds

    def points_inside(count: int, margin: float = 0.0) -> np.ndarray:
        area = country.buffer(-margin) if margin else country
        shapely.prepare(area)
        found = np.empty((0, 2))
        while len(found) < count:
            xy = np.column_stack([rng.uniform(minx, maxx, count * 2), rng.uniform(miny, maxy, count * 2)])
            found = np.vstack([found, xy[shapely.contains_xy(area, xy[:, 0], xy[:, 1])]])
        return found[:count]

    sites = points_inside(SITES)
    table = pd.DataFrame(
        {
            "name": [f"Monitoring site {number:05d}" for number in range(1, SITES + 1)],
            "name_ru": [f"Пункт наблюдения {number:05d}" for number in range(1, SITES + 1)],
            "kind": "undp_site",
            "themes": "biodiversity",
            "year": rng.integers(1995, 2026, SITES),
            "latitude": np.round(sites[:, 1], 5),
            "longitude": np.round(sites[:, 0], 5),
        }
    )
    paths = {"csv": folder / "sites.csv", "xlsx": folder / "sites.xlsx", "gpkg": folder / "areas.gpkg"}
    table.to_csv(paths["csv"], index=False)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("sites")
    sheet.append(list(table.columns))
    for row in table.itertuples(index=False):
        sheet.append([value.item() if hasattr(value, "item") else value for value in row])
    book.save(paths["xlsx"])

    # Star-shaped rings (radius varies with angle only), so every boundary is a simple polygon.
    centres = points_inside(AREAS, margin=0.6)
    angles = np.linspace(0, 2 * math.pi, VERTICES_PER_AREA, endpoint=False)
    shapes = []
    for x, y in centres:
        radius = rng.uniform(0.08, 0.4)
        wobble = 1 + 0.15 * np.sin(angles * rng.integers(3, 9) + rng.uniform(0, 6)) + rng.uniform(-0.02, 0.02, angles.size)
        ring = np.column_stack([x + radius * wobble * np.cos(angles) / math.cos(math.radians(y)), y + radius * wobble * np.sin(angles)])
        shapes.append(shapely.Polygon(ring))
    areas = gpd.GeoDataFrame(
        {
            "name": [f"Bench reserve {number:03d}" for number in range(1, AREAS + 1)],
            "kind": "nature_reserve",
            "year": rng.integers(1960, 2026, AREAS),
        },
        geometry=shapes,
        crs="EPSG:4326",
    )
    areas.to_file(paths["gpkg"], driver="GPKG", layer="areas")
    return paths


# ------------------------------------------------------------------ one measurement (own process)


def _high_water_mb(pid: str = "self") -> float:
    """``VmHWM`` of a process: the peak resident memory of its own address space since it started."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class ChildWatch:
    """Polls the high-water mark of this process's children (the file reader) while it runs.

    ``ru_maxrss`` is not used for the figures: Linux folds the parent's resident size into a
    child's at fork/exec, so RUSAGE_SELF of a fresh process and RUSAGE_CHILDREN both start
    at the size of whoever started them. ``VmHWM`` belongs to one address space only.
    """

    def __init__(self, interval: float = 0.01):
        import threading

        self.peak_mb = 0.0
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for listing in Path("/proc/self/task").glob("*/children"):
                for pid in listing.read_text().split():
                    try:
                        self.peak_mb = max(self.peak_mb, _high_water_mb(pid))
                    except (OSError, ValueError):
                        pass  # the child ended between the listing and the read
            self._stop.wait(self._interval)

    def __enter__(self) -> ChildWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()


def _peaks(child_mb: float = 0.0) -> dict:
    return {
        "peak_self_mb": _high_water_mb(),
        "peak_child_mb": child_mb,
        "ru_maxrss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "ru_maxrss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def measure(case: str, path: Path, repeats: int) -> dict:
    import geopandas as gpd
    import pandas as pd

    result: dict = {"case": case}
    if case.startswith("naive"):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            if path.suffix == ".csv":
                frame = pd.read_csv(path)
                frame = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]), crs=4326)
            elif path.suffix == ".xlsx":
                frame = pd.read_excel(path)
                frame = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]), crs=4326)
            else:
                frame = gpd.read_file(path)
            times.append(time.perf_counter() - start)
            result["rows"] = len(frame)
        return {**result, "seconds": statistics.median(times), **_peaks()}

    from kzatlas import catalog
    from kzatlas.config import GEODATA_DIR
    from kzatlas.ingest import check_file
    from kzatlas.store import open_store

    loaded = catalog.load_catalogue(GEODATA_DIR)
    features, regions = catalog.feature_frame(loaded), catalog.region_frame(loaded)
    times, plan = [], None
    with ChildWatch() as watch:
        for _ in range(repeats):
            start = time.perf_counter()
            plan = check_file(path, path.name, catalogue_features=features, regions=regions, provenance=PROVENANCE)
            times.append(time.perf_counter() - start)
    if plan.refused:
        raise SystemExit(f"{path.name} refused: {plan.refused}")
    counts = plan.counts()
    result.update(seconds=statistics.median(times), rows=counts["features"], accepted=counts["accepted"], rejected=counts["rejected"])
    if case == "atlas-csv+store":
        records = plan.records()
        with tempfile.TemporaryDirectory() as folder:
            with open_store(f"sqlite:///{folder}/bench.sqlite", catalogue_ids=frozenset(features["id"])) as store:
                start = time.perf_counter()
                change = store.apply(records, who="bench", comment="bench", action="import")
                result["store_seconds"] = time.perf_counter() - start
                result["store_features"] = len(change.feature_ids)
    return {**result, **_peaks(watch.peak_mb)}


# ------------------------------------------------------------------ the run


def run_case(case: str, path: Path, repeats: int) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--one", case, str(path), "--repeats", str(repeats)],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"{case} failed:\n{completed.stderr[-2000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def table(results: dict, sizes: dict, vertices: int) -> str:
    lines = [
        "| file | features | atlas check (s) | naive read (s) | time ratio | atlas peak: app / reader (MB) | naive peak (MB) | memory ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {
        "csv": f"sites CSV ({sizes['csv']:.1f} MB)",
        "xlsx": f"sites XLSX ({sizes['xlsx']:.1f} MB)",
        "gpkg": f"boundaries GPKG ({sizes['gpkg']:.1f} MB, {vertices:,} vertices)",
    }
    for kind in ("csv", "xlsx", "gpkg"):
        atlas, naive = results[f"atlas-{kind}"], results[f"naive-{kind}"]
        atlas_peak = max(atlas["peak_self_mb"], atlas["peak_child_mb"])
        lines.append(
            f"| {labels[kind]} | {atlas['rows']:,} | {atlas['seconds']:.2f} | {naive['seconds']:.2f} | "
            f"{atlas['seconds'] / naive['seconds']:.1f}x | {atlas['peak_self_mb']:.0f} / {atlas['peak_child_mb']:.0f} | "
            f"{naive['peak_self_mb']:.0f} | {atlas_peak / naive['peak_self_mb']:.1f}x |"
        )
    stored = results["atlas-csv+store"]
    lines += [
        "",
        f"Saving the {stored['store_features']:,} checked sites into a fresh SQLite store as one version: "
        f"{stored['store_seconds']:.2f} s (peak {stored['peak_self_mb']:.0f} MB for check and save together).",
    ]
    return "\n".join(lines)


def write_readme(body: str) -> None:
    text = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    section = f"{HEADING}\n\n{body}\n"
    if HEADING in text:
        before, rest = text.split(HEADING, 1)
        after = rest.split("\n## ", 1)
        text = before + section + ("\n## " + after[1] if len(after) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    README.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", nargs=2, metavar=("CASE", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-readme", action="store_true", help="print only; leave bench/README.md alone")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one[0], Path(args.one[1]), args.repeats)))
        return
    import geopandas as gpd
    import shapely

    with tempfile.TemporaryDirectory(prefix="kzatlas-bench-") as folder:
        start = time.perf_counter()
        paths = make_inputs(Path(folder))
        print(f"inputs made in {time.perf_counter() - start:.1f} s", flush=True)
        sizes = {kind: path.stat().st_size / 1024 / 1024 for kind, path in paths.items()}
        vertices = int(shapely.get_num_coordinates(gpd.read_file(paths["gpkg"]).geometry.values).sum())
        results = {}
        for kind, path in paths.items():
            for case in (f"naive-{kind}", f"atlas-{kind}"):
                results[case] = run_case(case, path, args.repeats)
                print(f"{case}: {results[case]['seconds']:.2f} s", flush=True)
        results["atlas-csv+store"] = run_case("atlas-csv+store", paths["csv"], 1)
    body = table(results, sizes, vertices)
    machine = f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}"
    note = (
        f"Measured with `.venv/bin/python bench/bench_import.py` ({machine}; median of {args.repeats} runs, each "
        "case in a fresh process). Atlas: `check_file` (isolated reader, every check and repair, "
        "regions, areas, the plan). Naive: the same file read with no checks (`pandas.read_csv` / "
        "`read_excel` plus points, `geopandas.read_file`). Peaks are each address space's high-water "
        "mark (`VmHWM`): the process that called `check_file` (it also holds the catalogue and "
        "geopandas) and its file-reading child; the naive read has no child. `ru_maxrss` is not "
        "used because Linux carries a parent's resident size into a child's figure. Ratios are "
        "atlas / naive; the memory ratio takes the larger of the two atlas processes.\n\n"
    )
    print(body)
    if not args.no_readme:
        write_readme(note + body)
        print(f"written to {README.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
