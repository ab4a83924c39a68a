"""The PostGIS store's check, and its backup as a portable SQLite file and restore from one.

Runs in a schema of its own in ``$KZATLAS_TEST_POSTGRES_URL`` (``scripts/test.sh`` starts a
throw-away cluster and sets it), like ``test_store_postgres.py``.
"""

from __future__ import annotations

import sqlalchemy as sa
from shapely.geometry import Point

from kzatlas.store import open_store
from kzatlas.store.backups import backup, backup_problems, restore

WHO = "editor@example.org"


def site(feature_id: str, x: float) -> dict:
    return {"id": feature_id, "kind": "undp_site", "name_en": feature_id, "geometry": Point(x, 48.0)}


def history(opened) -> list[tuple]:
    return [(c.version, c.who, c.action, c.comment, c.feature_ids, c.undoes, c.undone_by) for c in opened.history()]


def test_check_reads_every_table_and_names_a_missing_one(postgres_schema):
    with open_store(postgres_schema, catalogue_ids=frozenset()) as opened:
        opened.apply([site("s-1", 70)], who=WHO, comment="first", action="draw")
        result = opened.check()
        assert result.ok, result.problems
        assert "the connection works" in result.checked
        assert {"table store_changes: count and every key", "table store_features: count and every key"} <= set(
            result.checked
        )
        with opened.exclusive_write() as connection:
            connection.execute(sa.text("DROP TABLE store_features CASCADE"))
        assert "table store_features is missing" in opened.check().problems


def test_backup_to_a_file_and_restore_bring_back_the_history_and_the_next_version(postgres_schema, tmp_path):
    with open_store(postgres_schema, catalogue_ids=frozenset()) as opened:
        opened.apply([site("s-1", 70), site("s-2", 71)], who=WHO, comment="two sites", action="import")
        opened.apply([site("s-1", 72)], who=WHO, comment="moved", action="edit")
        opened.undo(2, who=WHO, comment="wrong place")
        kept = history(opened)
        file = tmp_path / "server.sqlite"
        made = backup(opened, file)
        assert backup_problems(file) == [] and made.changes == 3 and made.newest_version == 3

        opened.apply([site("s-3", 73)], who=WHO, comment="after the backup", action="draw")
        held = restore(opened, file)
        assert held.newest_version == 3
        assert history(opened) == kept
        assert sorted(opened.saved()["id"]) == ["s-1", "s-2"]
        assert opened.check().ok
        assert opened.apply([site("s-4", 74)], who=WHO, comment="next", action="draw").version == 4

    # The same file restores into the embedded store too.
    with open_store(f"sqlite:///{tmp_path / 'embedded.sqlite'}", catalogue_ids=frozenset()) as embedded:
        restore(embedded, file)
    with open_store(f"sqlite:///{tmp_path / 'embedded.sqlite'}", catalogue_ids=frozenset()) as embedded:
        assert history(embedded) == kept
