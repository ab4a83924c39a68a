"""Pages with the PostGIS store: edits show on the next rerun; a lost database gives a notice.

Each test uses a throw-away cluster of its own (``tests/pgcluster.py``), so it can stop it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from pagetest import metric, run_page, shown
from pgcluster import PgCluster, free_port, missing_reason
from shapely.geometry import Point

from kzatlas.store import open_store

LAST_LOADED = "The data store is unreachable, showing the last loaded catalogue read-only"
SHIPPED_READ_ONLY = "The data store is unreachable, so the shipped catalogue is shown read-only"


@pytest.fixture(scope="module")
def cluster() -> Iterator[PgCluster]:
    reason = missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with PgCluster() as started:
        yield started


def warnings(at) -> list[str]:
    return [shown(item.value) for item in at.warning]


def test_an_edit_shows_on_the_next_rerun_and_a_lost_database_keeps_the_last_catalogue(cluster, monkeypatch):
    url = cluster.create_database("pages")
    monkeypatch.setenv("KZATLAS_STORE_URL", url)
    at = run_page("map_explorer")
    before = int(metric(at, "Matching features"))
    assert not [text for text in warnings(at) if "unreachable" in text]
    with open_store(url) as other_server:
        other_server.apply(
            [{"id": "site-from-another-server", "kind": "undp_site", "name_en": "New site", "geometry": Point(71.4, 51.1)}],
            who="editor@example.org",
            comment="added on another replica",
            action="draw",
        )
    at.run()
    assert not at.exception
    assert int(metric(at, "Matching features")) == before + 1

    cluster.stop()
    try:
        at.run()
        assert not at.exception, at.exception
        banners = [text for text in warnings(at) if "unreachable" in text]
        assert len(banners) == 1 and banners[0].startswith(LAST_LOADED), banners
        assert url.split("@")[0].split(":")[-1] not in banners[0]  # never the password
        # The last loaded catalogue, edit included, not the shipped one.
        assert int(metric(at, "Matching features")) == before + 1
    finally:
        cluster.start()
    at.run()
    assert not [text for text in warnings(at) if "unreachable" in text]


def test_a_database_never_reached_shows_the_shipped_catalogue_read_only(monkeypatch):
    monkeypatch.setenv("KZATLAS_STORE_URL", f"postgresql://atlas:pw-never-shown@127.0.0.1:{free_port()}/kzatlas")
    at = run_page("map_explorer")
    banners = [text for text in warnings(at) if "unreachable" in text]
    assert len(banners) == 1 and banners[0].startswith(SHIPPED_READ_ONLY), banners
    assert "pw-never-shown" not in banners[0] and "127.0.0.1" not in banners[0]
