"""The store interface, run against every backend (the ``store_url`` fixture's params).

Records are small and made up; one test merges with the real bundled catalogue. The PostGIS
runs use the database in ``$KZATLAS_TEST_POSTGRES_URL`` (``scripts/test.sh`` starts a throw-away
cluster and sets it), each test in a schema of its own that is dropped afterwards.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import geopandas as gpd
import pytest
import shapely
import sqlalchemy as sa
from shapely.geometry import Point, Polygon

from kzatlas import store as store_api
from kzatlas.catalog import FEATURE_COLUMNS
from kzatlas.config import CRS, STORE_FILE_NAME
from kzatlas.store import Change, StoreError, merge, open_store
from kzatlas.store.migrate import head_revisions
from kzatlas.store.records import empty_feature_frame, normalise_record, records_to_frame
from kzatlas.store.sql import SqlStore

SHIPPED_IDS = frozenset({"pa-shipped", "pa-other"})
SHA = "ab" * 32
WHO = "editor@example.org"


@pytest.fixture(params=["sqlite", "postgis"])
def store_url(request, tmp_path) -> str:
    """An address of an empty store for each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    if request.param == "postgis":
        return request.getfixturevalue("postgres_schema")
    raise AssertionError(request.param)


@pytest.fixture()
def open_at(store_url):
    """Open (and later close) stores at the fixture's address."""
    opened = []

    def _open():
        opened.append(open_store(store_url, catalogue_ids=SHIPPED_IDS))
        return opened[-1]

    yield _open
    for item in opened:
        item.close()


@pytest.fixture()
def store(open_at):
    return open_at()


def record(feature_id: str, *, kind: str = "national_park", name: str = "", geometry=None, **extra) -> dict:
    return {"id": feature_id, "kind": kind, "name_en": name or feature_id, "geometry": geometry, **extra}


def apply(target, records, comment="why", action="edit", **kwargs) -> Change:
    return target.apply(records, who=WHO, comment=comment, action=action, **kwargs)


def names(target) -> dict[str, str]:
    frame = target.saved()
    return dict(zip(frame["id"], frame["name_en"]))


def test_add_writes_one_version_with_its_features(store):
    assert store.version() == 0
    change = apply(store, [record("new-1", geometry=Point(70, 45)), record("new-2", kind="undp_site")], action="import")
    assert change.version == store.version() == 1
    assert change.feature_ids == ("new-1", "new-2")
    assert change.action == "import" and change.undoes is None and change.undone_by is None
    saved = store.saved()
    assert list(saved["id"]) == ["new-1", "new-2"]
    assert set(saved["origin"]) == {"added"}
    assert saved.crs == CRS
    assert saved.geometry.iloc[0].equals(Point(70, 45))
    assert saved.geometry.iloc[1] is None
    assert list(saved.columns) == [*FEATURE_COLUMNS, "origin", "geometry"]


def test_values_keep_their_types_and_text(store):
    apply(
        store,
        [
            record(
                "typed",
                name="Алтын Дала",
                name_kk="Алтын Дала",
                year=2012,
                area_ha=489766.0,
                undp_supported=True,
                themes="biodiversity;land",
                geometry=Point(65.1, 48.2),
            )
        ],
    )
    row = store.saved().iloc[0]
    assert row["name_en"] == "Алтын Дала" and row["name_kk"] == "Алтын Дала"
    assert row["year"] == 2012 and row["area_ha"] == 489766.0 and bool(row["undp_supported"]) is True
    assert row["themes"] == "biodiversity;land" and row["notes"] == ""
    frame = store.saved()
    assert str(frame["year"].dtype) == "Int64" and frame["area_ha"].dtype == "float64"


def test_change_replaces_the_record_and_keeps_both_states(store):
    apply(store, [record("pa-shipped", name="first")])
    second = apply(store, [record("pa-shipped", name="second")])
    assert names(store) == {"pa-shipped": "second"}
    states = store.feature_history("pa-shipped")
    assert [state.version for state in states] == [second.version, 1]
    assert [state.record["name_en"] for state in states] == ["second", "first"]
    assert states[0].change.comment == "why" and states[0].state == "present"


def test_delete_hides_a_feature_and_undo_brings_it_back(store):
    apply(store, [record("new-1"), record("new-2")])
    deleted = apply(store, [], action="delete", deletions=["new-1", "pa-shipped"])
    assert deleted.feature_ids == ("new-1", "pa-shipped")
    assert store.deleted_ids() == {"new-1", "pa-shipped"}
    assert names(store) == {"new-2": "new-2"}
    store.undo(deleted.version, who=WHO, comment="deleted by mistake")
    assert store.deleted_ids() == frozenset()
    assert names(store) == {"new-1": "new-1", "new-2": "new-2"}


def test_undo_of_an_add_leaves_the_feature_out_of_the_store(store):
    added = apply(store, [record("new-1")])
    undo = store.undo(added.version, who=WHO, comment="not wanted")
    assert undo.action == "undo" and undo.undoes == added.version and undo.feature_ids == ("new-1",)
    assert len(store.saved()) == 0 and store.deleted_ids() == frozenset()
    assert [state.state for state in store.feature_history("new-1")] == ["absent", "present"]
    assert store.history()[1].undone_by == undo.version


def test_undo_of_an_edit_restores_the_previous_record(store):
    apply(store, [record("new-1", name="before")])
    edit = apply(store, [record("new-1", name="after")])
    store.undo(edit.version, who=WHO, comment="back")
    assert names(store) == {"new-1": "before"}


def test_undo_of_an_undo_reapplies_the_change(store):
    edit = apply(store, [record("new-1", name="kept")])
    undo = store.undo(edit.version, who=WHO, comment="back")
    redo = store.undo(undo.version, who=WHO, comment="forward again")
    assert names(store) == {"new-1": "kept"}
    by_version = {change.version: change for change in store.history()}
    assert by_version[undo.version].undone_by == redo.version
    # The re-applied change stands again, so it can be undone a second time.
    assert by_version[edit.version].undone_by is None
    store.undo(edit.version, who=WHO, comment="back for good")
    assert names(store) == {}


def test_undo_refuses_a_change_undone_already_or_unknown(store):
    edit = apply(store, [record("new-1")])
    store.undo(edit.version, who=WHO, comment="back")
    with pytest.raises(StoreError, match="already undone"):
        store.undo(edit.version, who=WHO, comment="again")
    with pytest.raises(StoreError, match="no version 99"):
        store.undo(99, who=WHO, comment="nothing")


def test_undo_refuses_while_a_later_change_to_the_same_feature_stands(store):
    first = apply(store, [record("new-1", name="one"), record("new-2")])
    second = apply(store, [record("new-1", name="two")])
    apply(store, [record("new-3")])
    before = store.version()
    with pytest.raises(StoreError, match=f"version {second.version}"):
        store.undo(first.version, who=WHO, comment="too early")
    assert store.version() == before
    # Newest first works, and the pair (change, its undo) no longer blocks the older one.
    store.undo(second.version, who=WHO, comment="first the newer")
    store.undo(first.version, who=WHO, comment="then the older")
    assert names(store) == {"new-3": "new-3"}


def test_redo_is_refused_once_an_older_change_underneath_was_undone(store):
    first = apply(store, [record("new-1", name="one")])
    second = apply(store, [record("new-1", name="two")])
    undo_second = store.undo(second.version, who=WHO, comment="a")
    store.undo(first.version, who=WHO, comment="b")
    with pytest.raises(StoreError, match="cannot be undone"):
        store.undo(undo_second.version, who=WHO, comment="redo on top of nothing")
    assert names(store) == {}


def test_history_is_newest_first_with_who_when_why_and_source(store):
    started = datetime.now(UTC).replace(microsecond=0)
    apply(
        store,
        [record("new-1")],
        comment="from the ministry list",
        action="import",
        source_name="parks.geojson",
        source_sha256=SHA.upper(),
    )
    apply(store, [record("new-2", geometry=Point(71, 51))], comment="drawn", action="draw")
    history = store.history()
    assert [change.version for change in history] == [2, 1]
    assert [change.action for change in history] == ["draw", "import"]
    imported = history[1]
    assert imported.who == WHO and imported.comment == "from the ministry list"
    assert imported.source_name == "parks.geojson" and imported.source_sha256 == SHA
    assert history[0].source_name == "" and history[0].source_sha256 == ""
    assert imported.feature_ids == ("new-1",)
    when = datetime.fromisoformat(imported.when)
    assert when.tzinfo is not None and when.utcoffset().total_seconds() == 0
    assert started <= when <= datetime.now(UTC)
    assert [change.version for change in store.history(limit=1)] == [2]


def test_versions_increase_with_every_write_and_undo(store):
    seen = [store.version()]
    change = apply(store, [record("new-1")])
    seen.append(store.version())
    apply(store, [record("new-2")])
    seen.append(store.version())
    store.undo(change.version, who=WHO, comment="back")
    seen.append(store.version())
    assert seen == sorted(set(seen)) and seen[0] == 0 and len(seen) == 4


@pytest.mark.parametrize(
    ("who", "comment", "message"),
    [
        ("", "why", "name of the editor"),
        ("   ", "why", "name of the editor"),
        (WHO, "", "comment"),
        (WHO, "  \n", "comment"),
    ],
)
def test_writes_without_who_or_comment_are_refused(store, who, comment, message):
    with pytest.raises(StoreError, match=message):
        store.apply([record("new-1")], who=who, comment=comment, action="edit")
    apply(store, [record("new-1")])
    with pytest.raises(StoreError, match=message):
        store.undo(1, who=who, comment=comment)
    assert store.version() == 1


@pytest.mark.parametrize(
    ("records", "kwargs", "message"),
    [
        ([{"kind": "national_park"}], {}, "no id"),
        ([record("x", kind="volcano")], {}, "unknown kind"),
        ([{**record("x"), "colour": "red"}], {}, "columns the atlas does not know"),
        ([record("x", year="soon")], {}, "year"),
        ([record("x", geometry=Point(500000, 5000000))], {}, "longitude/latitude"),
        ([record("x", geometry=Polygon([(70, 45), (71, 46), (71, 45), (70, 46)]))], {}, "invalid geometry"),
        ([record("x"), record("x")], {}, "more than once"),
        ([record("x")], {"deletions": ["x"]}, "more than once"),
        ([], {}, "no features"),
        ([record("x")], {"action": "undo"}, "Unknown kind of change"),
        ([record("x")], {"source_sha256": "not-a-hash"}, "SHA-256"),
        ([record("x{{ 7*7 }}")], {}, "id with characters other than"),
        ([record("<b>x")], {}, "id with characters other than"),
    ],
)
def test_bad_writes_are_refused_with_a_plain_message(store, records, kwargs, message):
    with pytest.raises(StoreError, match=message):
        apply(store, records, **kwargs)
    assert store.version() == 0


def test_one_bad_record_in_a_large_batch_writes_nothing(store):
    batch = [record(f"new-{number}", geometry=Point(60 + number / 1000, 45)) for number in range(500)]
    batch[417] = record("new-417", kind="not-a-kind")
    with pytest.raises(StoreError, match="new-417"):
        apply(store, batch)
    assert store.version() == 0 and store.history() == [] and len(store.saved()) == 0


def test_a_failure_inside_the_transaction_leaves_the_store_unchanged(store, monkeypatch):
    apply(store, [record("new-1", name="kept")])
    real_write = SqlStore._write_states

    def write_then_fail(self, connection, version, rows):
        real_write(self, connection, version, rows)
        raise RuntimeError("power cut")

    monkeypatch.setattr(SqlStore, "_write_states", write_then_fail)
    with pytest.raises(RuntimeError):
        apply(store, [record("new-1", name="lost"), record("new-2")])
    with pytest.raises(RuntimeError):
        store.undo(1, who=WHO, comment="also lost")
    monkeypatch.undo()
    assert store.version() == 1
    assert names(store) == {"new-1": "kept"}
    assert [change.version for change in store.history()] == [1]
    assert store.history()[0].undone_by is None
    assert len(store.feature_history("new-1")) == 1


def test_saved_data_survives_close_and_reopen(open_at):
    first = open_at()
    apply(first, [record("new-1", geometry=Point(70, 45))], comment="keep me")
    first.close()
    again = open_at()
    assert again.version() == 1
    assert names(again) == {"new-1": "new-1"}
    assert again.history()[0].comment == "keep me"


def test_two_stores_on_one_file_see_each_others_writes(open_at):
    one, two = open_at(), open_at()
    apply(one, [record("new-1")])
    assert two.version() == 1 and names(two) == {"new-1": "new-1"}
    apply(two, [record("new-1", name="changed by two")])
    assert one.version() == 2 and names(one) == {"new-1": "changed by two"}
    one.undo(2, who=WHO, comment="one takes it back")
    assert two.version() == 3 and names(two) == {"new-1": "new-1"}


def test_merge_marks_each_row_by_origin(store):
    shipped = [record("pa-shipped", name="shipped"), record("pa-other", name="other")]
    catalogue = records_to_frame([normalise_record(item, place) for place, item in enumerate(shipped, start=1)])
    apply(store, [record("pa-shipped", name="edited"), record("new-1", name="added")])
    apply(store, [], action="delete", deletions=["pa-other"])
    saved = store.saved()
    assert dict(zip(saved["id"], saved["origin"])) == {"pa-shipped": "edited", "new-1": "added"}
    merged = merge(catalogue, saved, deleted=store.deleted_ids())
    assert list(merged["id"]) == ["pa-shipped", "new-1"]
    assert list(merged["origin"]) == ["edited", "added"]
    assert list(merged["name_en"]) == ["edited", "added"]
    untouched = merge(catalogue, empty_feature_frame())
    assert list(untouched["origin"]) == ["catalogue", "catalogue"]


def test_a_drawn_polygon_replaces_a_shipped_circle_until_undone(store_url, features):
    shipped = features[features.geom_type == "Polygon"].iloc[0]
    circle = shipped.geometry
    x, y = circle.centroid.x, circle.centroid.y
    drawn = Polygon([(x - 0.2, y - 0.1), (x + 0.2, y - 0.1), (x + 0.2, y + 0.1), (x - 0.2, y + 0.1)])
    edited = {column: shipped[column] for column in FEATURE_COLUMNS}
    edited.update(geometry=drawn, geometry_quality="digitised")
    shipped_store = open_store(store_url, catalogue_ids=set(features["id"]))
    try:
        change = apply(shipped_store, [edited], action="draw", comment="boundary from the park map")
        merged = merge(features, shipped_store.saved(), shipped_store.deleted_ids())
        row = merged[merged["id"] == shipped["id"]].iloc[0]
        assert row["origin"] == "edited" and row.geometry.equals(drawn) and row["geometry_quality"] == "digitised"
        assert len(merged) == len(features)
        shipped_store.undo(change.version, who=WHO, comment="wrong park")
        merged = merge(features, shipped_store.saved(), shipped_store.deleted_ids())
        row = merged[merged["id"] == shipped["id"]].iloc[0]
        assert row["origin"] == "catalogue" and row.geometry.equals(circle)
    finally:
        shipped_store.close()


def test_merge_with_the_real_catalogue_keeps_its_order_and_dtypes(store_url, features):
    catalogue_ids = list(features["id"])
    real = open_store(store_url, catalogue_ids=catalogue_ids)
    try:
        changed = {column: features.iloc[3][column] for column in FEATURE_COLUMNS}
        changed.update(name_en="Renamed", geometry=features.geometry.iloc[3])
        apply(real, [changed, record("new-site", kind="undp_site", geometry=Point(71.4, 51.1))])
        apply(real, [], action="delete", deletions=[catalogue_ids[0]])
        merged = merge(features, real.saved(), real.deleted_ids())
    finally:
        real.close()
    assert list(merged["id"]) == catalogue_ids[1:] + ["new-site"]
    origins = dict(zip(merged["id"], merged["origin"]))
    assert origins[catalogue_ids[3]] == "edited" and origins["new-site"] == "added"
    assert list(merged["origin"]).count("catalogue") == len(features) - 2
    assert merged.loc[merged["id"] == catalogue_ids[3], "name_en"].item() == "Renamed"
    for column in FEATURE_COLUMNS:
        assert merged[column].dtype == features[column].dtype, column
    assert isinstance(merged, gpd.GeoDataFrame) and merged.crs == features.crs


def test_origin_comes_from_the_bundled_catalogue_when_not_given(store_url, features):
    with open_store(store_url) as fresh:
        apply(fresh, [record(features["id"].iloc[0]), record("new-1")])
        saved = fresh.saved()
    assert dict(zip(saved["id"], saved["origin"])) == {features["id"].iloc[0]: "edited", "new-1": "added"}


def test_default_store_is_one_file_in_the_data_folder(tmp_path, monkeypatch):
    folder = tmp_path / "nested" / "data"
    monkeypatch.setenv("KZATLAS_DATA_DIR", str(folder))
    assert store_api.default_store_path() == folder / STORE_FILE_NAME
    with open_store(catalogue_ids=SHIPPED_IDS) as default:
        apply(default, [record("new-1")])
    assert (folder / STORE_FILE_NAME).is_file()
    with open_store(f"sqlite:///{folder / STORE_FILE_NAME}", catalogue_ids=SHIPPED_IDS) as same:
        assert same.version() == 1


def test_sqlite_file_uses_wal_and_the_newest_schema(tmp_path):
    path = tmp_path / "store.sqlite"
    open_store(f"sqlite:///{path}", catalogue_ids=SHIPPED_IDS).close()
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    finally:
        engine.dispose()
    assert revision == sorted(head_revisions())[-1]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://user:secret@host/db", "address 'mysql' is not supported"),
        ("ftp://host/file", "address 'ftp' is not supported"),
        ("just-a-name", "without a scheme is not supported"),
        ("sqlite://", "needs a file path"),
        ("sqlite:///:memory:", "needs a file path"),
    ],
)
def test_unknown_or_unusable_addresses_are_refused(url, message):
    with pytest.raises(StoreError, match=message) as raised:
        open_store(url)
    assert "secret" not in str(raised.value) and "host" not in str(raised.value)


def test_a_file_from_a_newer_atlas_is_refused(tmp_path):
    path = tmp_path / "store.sqlite"
    open_store(f"sqlite:///{path}", catalogue_ids=SHIPPED_IDS).close()
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    with pytest.raises(StoreError, match="newer version"):
        open_store(f"sqlite:///{path}", catalogue_ids=SHIPPED_IDS)


def test_ten_thousand_points_in_one_transaction(store):
    batch = [
        record(f"pt-{number:05d}", kind="undp_site", geometry=Point(50 + (number % 300) / 10, 41 + number // 300 / 10))
        for number in range(10_000)
    ]
    started = time.perf_counter()
    change = apply(store, batch, action="import", source_name="points.geojson", source_sha256=SHA)
    applied = time.perf_counter() - started
    started = time.perf_counter()
    saved = store.saved()
    read = time.perf_counter() - started
    print(f"\n10,000 point records: apply {applied:.2f} s, saved() {read:.2f} s")
    assert change.version == 1 and len(change.feature_ids) == 10_000
    assert len(saved) == 10_000 and shapely.get_num_geometries(saved.geometry.values).sum() == 10_000
    undo = store.undo(change.version, who=WHO, comment="wrong file")
    assert len(undo.feature_ids) == 10_000 and len(store.saved()) == 0


def test_writers_in_several_threads_take_turns(open_at):
    stores = [open_at(), open_at()]
    failures = []

    def write(worker: int) -> None:
        try:
            for number in range(10):
                apply(stores[worker % 2], [record(f"t{worker}-{number}")])
                stores[worker % 2].saved()
        except Exception as exc:  # any failure at all is reported below
            failures.append(repr(exc))

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    history = stores[0].history(limit=100)
    assert [change.version for change in history] == list(range(40, 0, -1))
    assert len(stores[1].saved()) == 40


def test_a_store_that_cannot_be_made_says_why_without_a_server_path(tmp_path):
    blocker = tmp_path / "taken"
    blocker.write_text("a file where the data folder should be", encoding="utf-8")
    with pytest.raises(StoreError) as raised:
        open_store(f"sqlite:///{blocker / 'sub' / 'kzatlas.sqlite'}")
    assert "KZATLAS_DATA_DIR" in str(raised.value) and str(tmp_path) not in str(raised.value)
    (tmp_path / "folder.sqlite").mkdir()
    with pytest.raises(StoreError) as raised:
        open_store(f"sqlite:///{tmp_path / 'folder.sqlite'}")
    assert "taken by a folder" in str(raised.value) and str(tmp_path) not in str(raised.value)
