"""Text encodings of imported files, on the command line: Cyrillic names come through exactly.

Each file is written in the test (a shapefile without its ``.cpg``, Russian Excel's CSV, KOI8-R,
UTF-16) and checked or imported by ``python -m kzatlas`` in a real subprocess.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from test_cli import SOURCE, kzatlas

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from textfiles import CASES, ECHOED, GARBLED, NAME, SECOND, echo_csv, garbled_csv, shapefile_zip  # noqa: E402

from kzatlas.ingest import encodings  # noqa: E402
from kzatlas.safety import escape_markdown, plain_snippet  # noqa: E402


def written(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def check_json(tmp_path: Path, path: Path, *extra: str, importable: bool = True) -> dict:
    result = kzatlas(tmp_path / "data", "check", str(path), "--json", "--kind", "undp_site", *extra)
    assert result.returncode == (0 if importable else 1), result.stdout + result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_encoding_is_found_and_the_names_come_through_exactly(tmp_path, case):
    filename, make, codec, label = CASES[case]
    path = written(tmp_path, filename, make())
    report = check_json(tmp_path, path)
    assert report["encoding"]["name"] == codec and report["encoding"]["label"] == label
    assert [row["label"] for row in report["rows"]] == [NAME, SECOND]
    assert [row["action"] for row in report["rows"]] == ["add", "add"]
    assert report["garbled_columns"] == []

    plain = kzatlas(tmp_path / "data", "check", str(path), "--kind", "undp_site")
    assert f"text encoding: {label} (detected from its bytes)" in plain.stdout or (
        codec == "utf-16" and "text encoding: UTF-16 (marked in the file)" in plain.stdout
    ), plain.stdout


def test_a_windows_1251_shapefile_is_imported_and_saved_with_its_names(tmp_path):
    path = written(tmp_path, "sites.zip", shapefile_zip("cp1251"))
    data = tmp_path / "data"
    result = kzatlas(data, "import", str(path), "--comment", "Sites of the Kostanay office", "--kind", "undp_site", *SOURCE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "saved version 1: 2 features" in result.stdout
    exported = tmp_path / "atlas.geojson"
    assert kzatlas(data, "export", "--format", "geojson", "--output", str(exported)).returncode == 0
    names = {feature["properties"].get("name_ru") or feature["properties"].get("name_en") for feature in json.loads(exported.read_text(encoding="utf-8"))["features"]}
    assert {NAME, SECOND} <= names


def test_the_encoding_can_be_chosen_and_a_wrong_choice_is_flagged_and_stops_the_import(tmp_path):
    path = written(tmp_path, "sites.zip", shapefile_zip("cp1251"))
    wrong = check_json(tmp_path, path, "--encoding", "cp866", importable=False)
    assert wrong["encoding"] == {"name": "cp866", "label": "CP866", "how": "as chosen"}
    assert NAME not in [row["label"] for row in wrong["rows"]]
    assert len(wrong["garbled_columns"]) == 2  # box-drawing characters where the names were

    blocked = kzatlas(tmp_path / "data", "import", str(path), "--encoding", "cp866", "--comment", "x", "--kind", "undp_site", *SOURCE)
    assert blocked.returncode == 2
    assert "saved version" not in blocked.stdout

    right = check_json(tmp_path, path, "--encoding", "Windows-1251")
    assert right["encoding"]["how"] == "as chosen"
    assert [row["label"] for row in right["rows"]] == [NAME, SECOND]


def test_an_encoding_outside_the_allowlist_is_a_usage_error(tmp_path):
    path = written(tmp_path, "sites.csv", CASES["csv-russian-excel"][1]())
    result = kzatlas(tmp_path / "data", "check", str(path), "--encoding", "latin-1")
    assert result.returncode == 2
    assert "--encoding" in result.stderr and "windows-1251" in result.stderr


def test_garbled_text_is_flagged_and_saved_only_when_confirmed(tmp_path):
    path = written(tmp_path, "sites.csv", garbled_csv())
    report = check_json(tmp_path, path)
    assert report["garbled_columns"] == ["name"]
    assert any("looks garbled" in note and GARBLED[:20] in note for note in report["notes"])
    data = tmp_path / "data"
    blocked = kzatlas(data, "import", str(path), "--comment", "Sites", "--kind", "undp_site", *SOURCE)
    assert blocked.returncode == 2 and "looks garbled" in blocked.stderr
    confirmed = kzatlas(data, "import", str(path), "--comment", "Sites", "--kind", "undp_site", "--confirm-text", *SOURCE)
    assert confirmed.returncode == 0, confirmed.stderr
    assert "saved version 1: 2 features" in confirmed.stdout


def test_an_echoed_value_keeps_its_degrees_quotes_and_parentheses(tmp_path):
    path = written(tmp_path, "sites.csv", echo_csv())
    result = kzatlas(tmp_path / "data", "check", str(path))
    assert f"kind '{ECHOED}' is not one of the atlas's kinds" in result.stdout, result.stdout


# ------------------------------------------------------------------ the rules themselves


def test_plain_snippet_keeps_printable_characters_and_drops_control_and_direction_marks():
    assert plain_snippet(ECHOED) == ECHOED
    assert plain_snippet("«Наурзум» — 51°06′10″ №3") == "«Наурзум» — 51°06′10″ №3"
    assert plain_snippet("a\u202eb\x1b[31mc\nd\u200be") == "ab[31mc de"
    assert plain_snippet("x" * 50, 10) == "x" * 9 + "…"
    # Markup stays as characters; the Markdown sink escapes it.
    assert escape_markdown(plain_snippet("[a](http://x.example)")).startswith("\\[a\\]\\(http")


def test_detection_prefers_letters_over_box_drawing_and_accented_latin():
    for codec in ("cp1251", "cp866", "koi8-r"):
        assert encodings.detect(f"{NAME};{SECOND}".encode(codec)).encoding == codec
    assert encodings.detect(NAME.encode()).encoding == "utf-8"
    assert encodings.detect(b"\xff\xfe" + NAME.encode("utf-16-le")).encoding == "utf-16"
    assert encodings.looks_garbled(GARBLED) and encodings.looks_garbled(NAME.encode().decode("cp1251"))
    assert not encodings.looks_garbled(NAME) and not encodings.looks_garbled("Société Générale, 51°06′")
    assert encodings.normalise("Windows-1251") == "cp1251" and encodings.normalise("latin-1") is None
