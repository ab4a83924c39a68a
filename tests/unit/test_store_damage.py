"""A damaged store is named and never written; backups are checked; the CLI says one line.

Real SQLite files: a store of a few hundred features, its write-ahead log checkpointed, then
64 KiB in the middle of the file overwritten with random bytes (as a faulty disk or a hostile
process would), and the command line run in a subprocess against it.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from damagedstore import FEATURES, build_store, damage, sha256
from shapely.geometry import Point

from kzatlas.config import ROOT_DIR, STORE_FILE_NAME
from kzatlas.i18n import translator
from kzatlas.ingest.messages import exception_text
from kzatlas.store import StoreError, open_store
from kzatlas.store.backups import backup_problems
from kzatlas.store.health import DAMAGED_MESSAGE, StoreDamagedError

DAMAGED_START = "The saved-data store is damaged"
DOWN_URL = "postgresql://kzatlas@127.0.0.1:1/none"
SOURCE = ["--source-title", "Field survey", "--source-date", "2025-06-30"]
SITES_CSV = "name,latitude,longitude,kind\nNew monitoring post,50.42,69.05,undp_site\n"










def history_of(path: Path) -> list[tuple]:
    with open_store(f"sqlite:///{path}", catalogue_ids=frozenset()) as opened:
        return [(c.version, c.who, c.action, c.comment, c.feature_ids) for c in opened.history()]


def kzatlas(data_dir: Path, *args: str, store_url: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "KZATLAS_DATA_DIR": str(data_dir)}
    env.pop("KZATLAS_STORE_URL", None)
    if store_url:
        env["KZATLAS_STORE_URL"] = store_url
    return subprocess.run(
        [sys.executable, "-m", "kzatlas", *args], cwd=ROOT_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def one_line(result: subprocess.CompletedProcess) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    build_store(folder / STORE_FILE_NAME)
    return folder


@pytest.fixture()
def sites(tmp_path: Path) -> Path:
    path = tmp_path / "sites.csv"
    path.write_text(SITES_CSV, encoding="utf-8")
    return path


# ------------------------------------------------------------------ the store API


def test_opening_a_damaged_store_names_the_damage_and_leaves_the_file(data_dir):
    path = data_dir / STORE_FILE_NAME
    damage(path)
    before = sha256(path)
    with pytest.raises(StoreDamagedError) as raised:
        open_store(f"sqlite:///{path}", catalogue_ids=frozenset())
    assert isinstance(raised.value, StoreError)
    assert str(raised.value) == DAMAGED_MESSAGE and str(raised.value).startswith(DAMAGED_START)
    assert "store check" in str(raised.value) and "store restore FILE" in str(raised.value)
    assert raised.value.problems
    assert sha256(path) == before


def test_a_store_damaged_while_open_refuses_the_write_and_the_next_read(data_dir):
    path = data_dir / STORE_FILE_NAME
    opened = open_store(f"sqlite:///{path}", catalogue_ids=frozenset())
    try:
        # Every page is now in the connection's cache, which SQLite would trust after the damage.
        assert len(opened.saved()) == FEATURES and opened.version() == 3
        damage(path)
        before = sha256(path)
        with pytest.raises(StoreDamagedError) as refused:
            opened.apply(
                [{"id": "new-post", "kind": "undp_site", "name_en": "Post", "geometry": Point(69.05, 50.42)}],
                who="editor@example.org",
                comment="after the damage",
                action="draw",
            )
        # The save forms show the refusal in the page's language.
        assert exception_text(refused.value, translator("ru")).startswith("Хранилище сохранённых данных повреждено")
        assert "store restore" in exception_text(refused.value, translator("kk"))
        assert exception_text(refused.value, translator("kk")) != DAMAGED_MESSAGE
        # What a running app reads on every page view: the changed file is checked again.
        with pytest.raises(StoreDamagedError):
            opened.version()
        assert opened.check().problems
    finally:
        opened.close()
    assert sha256(path) == before


# ------------------------------------------------------------------ the command line


def test_import_into_a_damaged_store_exits_with_one_line_and_the_file_unchanged(data_dir, sites):
    path = data_dir / STORE_FILE_NAME
    damage(path)
    before = sha256(path)
    result = kzatlas(data_dir, "import", str(sites), "--comment", "after the damage", *SOURCE)
    assert result.returncode == 1
    assert one_line(result) == f"kzatlas: {DAMAGED_MESSAGE}"
    assert "saved version" not in result.stdout
    assert sha256(path) == before


def test_store_check_says_ok_then_reports_the_damage(data_dir):
    path = data_dir / STORE_FILE_NAME
    good = kzatlas(data_dir, "store", "check")
    assert good.returncode == 0, good.stderr
    assert "quick_check" in good.stdout and "\nok (" in good.stdout and "newest version 3" in good.stdout
    damage(path)
    before = sha256(path)
    bad = kzatlas(data_dir, "store", "check")
    assert bad.returncode == 1
    assert "problem: " in bad.stdout and f"damaged: {DAMAGED_MESSAGE}" in bad.stdout
    assert "\nok" not in bad.stdout
    assert sha256(path) == before


def test_restore_from_a_backup_made_before_the_damage_brings_the_history_back(data_dir, tmp_path):
    path = data_dir / STORE_FILE_NAME
    history = history_of(path)
    backup = tmp_path / "before.sqlite"
    made = kzatlas(data_dir, "store", "backup", str(backup))
    assert made.returncode == 0, made.stderr
    assert "3 changes, newest version 3" in made.stdout and backup_problems(backup) == []
    damage(path)
    damaged = sha256(path)

    unasked = kzatlas(data_dir, "store", "restore", str(backup))
    assert unasked.returncode == 1 and "--yes" in one_line(unasked)
    assert sha256(path) == damaged

    restored = kzatlas(data_dir, "store", "restore", str(backup), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "restored" in restored.stdout and "newest version 3" in restored.stdout
    checked = kzatlas(data_dir, "store", "check")
    assert checked.returncode == 0, checked.stdout
    assert history_of(path) == history
    with open_store(f"sqlite:///{path}", catalogue_ids=frozenset()) as opened:
        assert len(opened.saved()) == FEATURES


def test_restore_refuses_a_file_that_is_not_a_good_backup(data_dir, tmp_path):
    path = data_dir / STORE_FILE_NAME
    before = sha256(path)
    damaged_copy = tmp_path / "damaged-copy.sqlite"
    damaged_copy.write_bytes(path.read_bytes())
    damage(damaged_copy)
    not_a_store = tmp_path / "notes.sqlite"
    with sqlite3.connect(not_a_store) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    for candidate in (damaged_copy, not_a_store, tmp_path / "missing.sqlite"):
        result = kzatlas(data_dir, "store", "restore", str(candidate), "--yes")
        assert result.returncode == 1
        assert "is not a usable store backup" in one_line(result)
        assert sha256(path) == before


def test_backup_refuses_to_overwrite_a_file_unless_forced(data_dir, tmp_path):
    target = tmp_path / "backup.sqlite"
    target.write_bytes(b"yesterday's backup")
    refused = kzatlas(data_dir, "store", "backup", str(target))
    assert refused.returncode == 1
    assert "exists; pass --force" in one_line(refused)
    assert target.read_bytes() == b"yesterday's backup"
    forced = kzatlas(data_dir, "store", "backup", str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    assert backup_problems(target) == []
    assert not [name for name in os.listdir(tmp_path) if ".partial-" in name]


def test_backup_of_a_damaged_store_is_refused_and_writes_no_file(data_dir, tmp_path):
    damage(data_dir / STORE_FILE_NAME)
    target = tmp_path / "backup.sqlite"
    result = kzatlas(data_dir, "store", "backup", str(target))
    assert result.returncode == 1
    assert DAMAGED_START in one_line(result)
    assert not target.exists() and not [name for name in os.listdir(tmp_path) if ".partial-" in name]


@pytest.mark.parametrize(
    "args",
    [
        ("history",),
        ("undo", "1", "--comment", "take it back"),
        ("import", "SITES", "--comment", "new post", *SOURCE),
        ("export", "--output", "OUT", "--force"),
        ("store", "check"),
        ("store", "backup", "OUT"),
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_with_the_database_down_every_command_prints_one_line(tmp_path, sites, args):
    filled = [str(sites) if arg == "SITES" else str(tmp_path / "out.file") if arg == "OUT" else arg for arg in args]
    result = kzatlas(tmp_path / "data", *filled, store_url=DOWN_URL)
    assert result.returncode == 1, result.stderr
    line = one_line(result)
    assert line.startswith("kzatlas: ")
    assert "127.0.0.1" not in line
