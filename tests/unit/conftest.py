"""Fixtures for the pure core: the real bundled catalogue, and throw-away copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kzatlas import catalog
from kzatlas.config import GEODATA_DIR


@pytest.fixture(scope="session")
def bundled() -> catalog.Catalogue:
    return catalog.load_catalogue(GEODATA_DIR)


@pytest.fixture(scope="session")
def features(bundled):
    return catalog.feature_frame(bundled)


@pytest.fixture(scope="session")
def regions(bundled):
    return catalog.region_frame(bundled)


@pytest.fixture()
def geodata_copy(tmp_path: Path) -> Path:
    """A writable copy of geodata/ (layers and manifest only)."""
    target = tmp_path / "geodata"
    target.mkdir()
    for path in GEODATA_DIR.iterdir():
        if path.is_file():
            shutil.copy2(path, target / path.name)
    return target
