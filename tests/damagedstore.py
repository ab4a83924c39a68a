"""A real store file worth damaging, shared by the store, command-line and page tests of damage."""

from __future__ import annotations

import hashlib
import math
import random
import sqlite3
from pathlib import Path

from shapely.geometry import Polygon

from kzatlas.store import open_store

FEATURES = 300
DAMAGE_BYTES = 64 * 1024


def ellipse(number: int) -> Polygon:
    """A small 40-corner area, a different one for each number."""
    x, y = 50 + (number % 100) * 0.3, 41 + (number // 100) * 0.1
    return Polygon([(x + 0.1 * math.cos(k / 40 * math.tau), y + 0.05 * math.sin(k / 40 * math.tau)) for k in range(40)])


def build_store(path: Path, id_prefix: str = "area-") -> None:
    """A store with FEATURES features in three versions, checkpointed into the one file."""
    with open_store(f"sqlite:///{path}", catalogue_ids=frozenset()) as opened:
        for start in range(0, FEATURES, 100):
            records = [
                {"id": f"{id_prefix}{n}", "kind": "national_park", "name_en": f"Area {n}", "geometry": ellipse(n)}
                for n in range(start, start + 100)
            ]
            opened.apply(records, who="editor@example.org", comment=f"batch {start}", action="import")
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert path.stat().st_size > 4 * DAMAGE_BYTES


def damage(path: Path) -> None:
    """Overwrite 64 KiB in the middle of the file with random bytes."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2 - DAMAGE_BYTES // 2)
        handle.write(random.Random(20250630).randbytes(DAMAGE_BYTES))


def sha256(path: Path) -> str:
    """The file's SHA-256, to show it was left as it was."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
