"""Install the browser assets from the npm registry and copy them where Streamlit serves them.

``npm ci`` installs the exact versions in ``package-lock.json``; the files the map needs
are then copied to ``static/`` (served at ``/app/static/``), so the app never asks a CDN.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
# npm package -> files (relative to the package) copied into static/<target>/.
ASSETS = {
    "leaflet": ("leaflet", ["dist/leaflet.js", "dist/leaflet.css", "dist/images"]),
    "leaflet-draw": ("leaflet-draw", ["dist/leaflet.draw.js", "dist/leaflet.draw.css", "dist/images"]),
}


def main() -> int:
    npm = shutil.which("npm")
    if npm is None:
        print("npm is needed to install the map assets (Debian: apt-get install -y npm)", file=sys.stderr)
        return 1
    subprocess.run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=ROOT,
        check=True,
    )
    for package, (target, files) in ASSETS.items():
        destination = STATIC / target
        if destination.exists():
            shutil.rmtree(destination)
        destination.mkdir(parents=True)
        for relative in files:
            source = ROOT / "node_modules" / package / relative
            if source.is_dir():
                shutil.copytree(source, destination / source.name)
            else:
                shutil.copy2(source, destination / source.name)
        print(f"static/{target}: {', '.join(sorted(p.name for p in destination.iterdir()))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
