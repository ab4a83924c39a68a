"""The command line, run as ``python -m kzatlas`` in a subprocess with its own data folder."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kzatlas.cli.parser import CommandError, who_for
from kzatlas.config import ROOT_DIR
from kzatlas.safety import terminal_text

SITES_CSV = (
    "name,latitude,longitude,kind\n"
    "Shymkent seed orchard,42.32,69.59,undp_site\n"
    "Lake Tengiz monitoring post,50.42,69.05,undp_site\n"
    "Nowhere,123,69.0,undp_site\n"
)
SOURCE = ["--source-url", "https://example.org/yearly-update", "--source-date", "2025-12-31"]


def kzatlas(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KZATLAS_DATA_DIR": str(data_dir)}
    env.pop("KZATLAS_STORE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "kzatlas", *args], cwd=ROOT_DIR, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture()
def sites(tmp_path: Path) -> Path:
    path = tmp_path / "sites.csv"
    path.write_text(SITES_CSV, encoding="utf-8")
    return path


def test_check_reports_counts_and_reasons_and_writes_nothing(tmp_path, sites):
    data = tmp_path / "data"
    result = kzatlas(data, "check", str(sites))
    assert result.returncode == 0, result.stderr
    assert "accepted 2 (repaired 0, with notes 0), rejected 1" in result.stdout
    assert "rejected feature 3 (line 4) Nowhere: latitude 123 is outside -90 to 90" in result.stdout
    assert not data.exists(), "check must not create the store"

    as_json = kzatlas(data, "check", str(sites), "--json", *SOURCE)
    assert as_json.returncode == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    assert report["counts"]["accepted"] == 2 and report["counts"]["rejected"] == 1
    assert report["missing_provenance"] == []
    assert [row["action"] for row in report["rows"]] == ["add", "add", "reject"]


def test_check_exits_non_zero_for_a_refused_file_or_nothing_importable(tmp_path):
    refused = tmp_path / "layer.exe"
    refused.write_bytes(b"MZ\x90\x00")
    result = kzatlas(tmp_path / "data", "check", str(refused))
    assert result.returncode == 1
    assert "refused" in result.stdout
    nothing = tmp_path / "bad.csv"
    nothing.write_text("name,latitude,longitude,kind\nA,95,70,undp_site\n", encoding="utf-8")
    result = kzatlas(tmp_path / "data", "check", str(nothing))
    assert result.returncode == 1
    assert "nothing in the file can be imported" in result.stdout


def test_import_history_undo_and_export(tmp_path, sites):
    data = tmp_path / "data"
    missing_comment = kzatlas(data, "import", str(sites), *SOURCE)
    assert missing_comment.returncode == 2
    assert len(missing_comment.stderr.strip().splitlines()) == 1 and "--comment" in missing_comment.stderr

    imported = kzatlas(data, "import", str(sites), "--comment", "yearly update 2025", "--who", "Aigerim", *SOURCE)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("saved version 1: 2 features")

    history = json.loads(kzatlas(data, "history", "--json").stdout)
    assert [change["version"] for change in history] == [1]
    assert history[0]["action"] == "import" and history[0]["comment"] == "yearly update 2025"
    assert history[0]["who"].startswith("Aigerim (") and history[0]["who"].endswith(", command line)")
    assert history[0]["source_name"] == "sites.csv" and len(history[0]["source_sha256"]) == 64

    exported = tmp_path / "atlas.csv"
    result = kzatlas(data, "export", "--format", "csv", "--output", str(exported))
    assert result.returncode == 0, result.stderr
    lines = exported.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("# Kazakhstan environment atlas")
    rows = list(csv.DictReader(io.StringIO("\n".join(line for line in lines if not line.startswith("#")))))
    names = {row["name_en"] for row in rows}
    assert {"Shymkent seed orchard", "Lake Tengiz monitoring post"} <= names
    assert kzatlas(data, "export", "--output", str(exported)).returncode == 1, "an existing file needs --force"

    undone = kzatlas(data, "undo", "1", "--comment", "wrong year")
    assert undone.returncode == 0, undone.stderr
    assert "undoes version 1" in undone.stdout
    text = kzatlas(data, "history").stdout
    assert "(undone by 2)" in text and "(undoes 1)" in text
    again = kzatlas(data, "undo", "1", "--comment", "twice")
    assert again.returncode == 1 and len(again.stderr.strip().splitlines()) == 1
    assert "Traceback" not in again.stderr

    geojson = tmp_path / "atlas.geojson"
    assert kzatlas(data, "export", "--output", str(geojson)).returncode == 0
    document = json.loads(geojson.read_text(encoding="utf-8"))
    assert "metadata" in document
    assert "Shymkent seed orchard" not in {f["properties"]["name_en"] for f in document["features"]}


def test_who_names_the_system_account_and_refuses_control_characters():
    assert who_for(None, "ops") == "ops (command line)"
    assert who_for(" Aigerim ", "ops") == "Aigerim (ops, command line)"
    for bad in ("", "Ai\x1b[2Jgerim", "a\u202eb"):
        with pytest.raises(CommandError):
            who_for(bad, "ops")


def test_terminal_text_cannot_drive_the_terminal():
    assert terminal_text("Reserve\x1b[31m red\r\nnext\u202eevil\x9b") == "Reserve?[31m red  next?evil?"
    assert terminal_text(None) == ""
    assert terminal_text("x" * 50, 10) == "x" * 9 + "\u2026"
