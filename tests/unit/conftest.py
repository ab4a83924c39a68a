"""Fixtures for the pure core: the real bundled catalogue, throw-away copies of it, and PostGIS.

The PostGIS fixtures use the database in ``$KZATLAS_TEST_POSTGRES_URL`` (``scripts/test.sh``
starts a throw-away cluster and sets it), each test in a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from kzatlas import catalog
from kzatlas.config import GEODATA_DIR, ROOT_DIR

TEST_URL_ENV = "KZATLAS_TEST_POSTGRES_URL"


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


def postgres_test_url() -> str:
    """The test database's address; skips (or, in CI, fails) when none is configured."""
    url = os.environ.get(TEST_URL_ENV, "").strip()
    if url:
        return url
    message = (
        f"PostGIS store tests need ${TEST_URL_ENV}: run them with `bash scripts/test.sh` "
        "(which starts a throw-away cluster when PostgreSQL and PostGIS are installed)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture()
def postgres_schema() -> Iterator[str]:
    """An empty schema in the test database; the address opens stores in it. Dropped afterwards."""
    base = postgres_test_url()
    schema = f"test_{secrets.token_hex(6)}"
    admin = sa.create_engine(base)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = sa.engine.make_url(base).update_query_dict({"options": f"-csearch_path={schema},public"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture(scope="session")
def build():
    """``scripts/build_geodata.py`` loaded as a module (its checks and refusals, without running it)."""
    spec = importlib.util.spec_from_file_location("build_geodata_under_test", ROOT_DIR / "scripts" / "build_geodata.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def sandbox(tmp_path, monkeypatch):
    """A private temporary root: every temporary folder of an import is made (and removed) here."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    yield root
    assert list(root.iterdir()) == [], "an import left files in the temporary folder"
