"""A throw-away copy of the app whose configuration a test extends, run in a child process.

Used to show that something the configuration declares (a language, a kind) reaches every page,
map and file with no other code edited: the test changes the copy's ``kzatlas/config.py`` and
data, then asks a small probe script, run in the copy, what a user would see.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from kzatlas.config import GEODATA_DIR, ROOT_DIR

APP_FOLDERS = ("kzatlas", "views", ".streamlit")
CONFIG_ANCHOR = "KINDS = tuple(KIND_SETTINGS)\n"


def copy_app(root: Path) -> Path:
    """Copy the app (package, pages, router, Streamlit config without secrets) into ``root``."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "secrets.toml")
    for folder in APP_FOLDERS:
        shutil.copytree(ROOT_DIR / folder, root / folder, ignore=ignore)
    shutil.copy2(ROOT_DIR / "app.py", root / "app.py")
    return root


def extend_config(root: Path, anchor: str, lines: str) -> None:
    """Insert ``lines`` into the copy's ``kzatlas/config.py`` just before ``anchor`` (which must be there once)."""
    config = root / "kzatlas" / "config.py"
    text = config.read_text(encoding="utf-8")
    assert text.count(anchor) == 1, f"{anchor!r} is not in config.py exactly once"
    config.write_text(text.replace(anchor, lines + anchor), encoding="utf-8")


def copy_geodata(target: Path, change: Callable[[str, dict, dict], bool]) -> Path:
    """Copy the bundled data to ``target``, letting ``change(layer, record, document)`` edit each layer.

    ``change`` edits the GeoJSON document and the manifest record in place and returns whether
    it changed anything; the layer's checksum is then recomputed, so the copy stays true to
    its manifest.
    """
    shutil.copytree(GEODATA_DIR, target)
    manifest_path = target / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for records in (manifest["layers"], manifest["basemap"]):
        for name, record in records.items():
            path = target / record["file"]
            document = json.loads(path.read_text(encoding="utf-8"))
            if change(name, record, document):
                path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
                record["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def run_probe(root: Path, probe: str, *args: str, timeout: int = 600) -> dict:
    """Run ``probe`` (Python that prints one JSON object last) in the copy; its answer."""
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "KZATLAS_GEODATA_DIR": str(root / "geodata"),
        "KZATLAS_DATA_DIR": str(root / "data"),
    }
    result = subprocess.run(
        [sys.executable, "-c", probe, *args], cwd=root, env=env, capture_output=True, text=True, timeout=timeout,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
