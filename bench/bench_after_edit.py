"""The first interaction after an edit: what a new data version costs a server, against a cold start.

Every saved change (a drawing, an import, an undo) makes a new data version, and every cache of
the atlas is keyed by it: the next rerun on each server works out again what the new version
shows. This script times, under Streamlit's AppTest, with a throw-away SQLite store:

* **cold**: the map explorer's first run in a fresh process (the catalogue read and checked,
  everything prepared; the naive bound for a server that kept nothing between versions);
* **after an edit**: the first rerun after a UNDP site is saved (median of ``--edits``);
* **repeat**: a rerun with nothing new (median).

Run: ``.venv/bin/python bench/bench_after_edit.py`` (the bundled catalogue; ``--geodata DIR`` for
another, e.g. the 10,000-site one ``make_large_catalogue.py`` makes; ``--json out.json``).
Prints cold / after-edit as a ratio; higher is better.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed_run(at) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    assert not at.exception, at.exception
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--geodata", type=Path, help="a geodata folder (default: the bundled one)")
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="kz-after-edit-"))
    store_url = f"sqlite:///{folder / 'store.sqlite'}"
    # Read when the app's modules first look for them: set before anything of the atlas is imported.
    os.environ["KZATLAS_STORE_URL"] = store_url
    if args.geodata:
        os.environ["KZATLAS_GEODATA_DIR"] = str(args.geodata.resolve())

    from shapely.geometry import Point
    from streamlit.testing.v1 import AppTest

    from kzatlas.store import open_store

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    cold = timed_run(at)
    after_edit, repeat = [], []
    for index in range(args.edits):
        site = {
            "id": f"undp-bench-after-edit-{index}",
            "kind": "undp_site",
            "name_en": f"Benchmark site {index}",
            "undp_supported": True,
            "geometry": Point(71.4 + index / 100, 51.1),
        }
        with open_store(store_url) as store:
            store.apply([site], who="bench@example.org", comment="benchmark edit", action="draw")
        after_edit.append(timed_run(at))
        repeat.append(timed_run(at))
    result = {
        "geodata": str(args.geodata or "bundled"),
        "cold_s": cold,
        "after_edit_s": statistics.median(after_edit),
        "repeat_s": statistics.median(repeat),
        "load_average": os.getloadavg(),
    }
    print(f"catalogue: {result['geodata']}; load average {result['load_average']}")
    print(f"cold first run       {cold:6.2f} s")
    print(f"first after an edit  {result['after_edit_s']:6.2f} s   (cold / after edit: {cold / result['after_edit_s']:.1f}x)")
    print(f"repeat               {result['repeat_s']:6.2f} s")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
