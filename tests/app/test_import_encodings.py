"""Importing Cyrillic files in the encodings offices save them in, on the Edit data page.

Each file is written in the test: shapefiles without a ``.cpg`` in Windows-1251 and CP866, a CSV
saved by Russian Excel, KOI8-R and UTF-16 CSV files. The page must name the encoding in "What
this file would do", show the names exactly, let the editor read the file as another encoding,
and stop the save of garbled text until the editor chooses an encoding or confirms the text.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pagetest import shown
from streamlit.testing.v1 import AppTest
from test_edit_data import EDIT_PAGE, fill_provenance_and_comment, save_button, store_version
from test_import_languages import signed_in

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from textfiles import CASES, ECHOED, GARBLED, NAME, SECOND, echo_csv, garbled_csv, shapefile_zip  # noqa: E402

from kzatlas import store  # noqa: E402


@pytest.fixture()
def edits(tmp_path, monkeypatch) -> str:
    """A fresh store for each test (the cached store is keyed by its address)."""
    url = f"sqlite:///{tmp_path / 'edits.sqlite'}"
    monkeypatch.setenv("KZATLAS_STORE_URL", url)
    return url


def imported(name: str, data: bytes, language: str = "en") -> AppTest:
    at = signed_in(language)
    at.file_uploader[0].set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, at.exception
    return at


def captions(at: AppTest) -> list[str]:
    return [shown(str(caption.value)) for caption in at.caption]


def table_text(at: AppTest) -> str:
    return " ".join(frame.value.astype(str).to_string() for frame in at.dataframe)


def choose_kind(at: AppTest) -> None:
    key = next(box.key for box in at.selectbox if str(box.key).endswith(".kind") and ".column." not in str(box.key))
    at.selectbox(key=key).set_value("undp_site").run()


def encoding_box(at: AppTest):
    return next(box for box in at.selectbox if str(box.key).startswith(f"{EDIT_PAGE}.encoding."))


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_page_names_the_encoding_and_shows_the_names_exactly(edits, case):
    filename, make, _codec, label = CASES[case]
    at = imported(filename, make())
    assert any(text.startswith(f"Text encoding: {label} (") for text in captions(at)), captions(at)
    assert NAME in table_text(at) and SECOND in table_text(at)
    assert not any("garbled" in str(error.value) for error in at.error)


def test_reading_the_file_as_another_encoding_re_reads_it_and_garbled_text_stops_the_save(edits):
    at = imported("sites.zip", shapefile_zip("cp1251"))
    at.text_input(key=next(k for k in (w.key for w in at.text_input) if k and k.endswith(".source_url"))).input(
        "https://www.undp.org/kazakhstan"
    )
    encoding_box(at).set_value("cp866").run()
    assert not at.exception, at.exception
    assert "Text encoding: CP866 (as chosen)" in captions(at)
    assert NAME not in table_text(at)
    errors = [shown(str(error.value)) for error in at.error]
    assert any("looks garbled" in error and "Read the text as" in error for error in errors), errors

    encoding_box(at).set_value("cp1251").run()
    assert "Text encoding: Windows-1251 (as chosen)" in captions(at)
    assert NAME in table_text(at)
    assert not any("looks garbled" in shown(str(error.value)) for error in at.error)


def test_garbled_text_is_saved_only_once_the_editor_confirms_it(edits):
    at = imported("sites.csv", garbled_csv())
    assert GARBLED in table_text(at)
    fill_provenance_and_comment(at)
    choose_kind(at)
    assert save_button(at).disabled
    assert any("looks garbled" in shown(str(error.value)) for error in at.error)
    next(box for box in at.checkbox if box.key and box.key.endswith(".text_ok")).check().run()
    assert not save_button(at).disabled
    save_button(at).click().run()
    assert not at.exception, at.exception
    assert store_version(edits) == 1


def test_a_russian_excel_csv_is_saved_with_its_cyrillic_names(edits):
    at = imported("sites.csv", CASES["csv-russian-excel"][1]())
    fill_provenance_and_comment(at)
    choose_kind(at)
    assert not save_button(at).disabled
    save_button(at).click().run()
    assert not at.exception, at.exception
    with store.open_store(edits) as opened:
        saved = opened.saved()
    names = {str(value) for column in ("name_en", "name_ru") if column in saved for value in saved[column]}
    assert {NAME, SECOND} <= names


def test_the_garbled_text_message_is_in_the_pages_language(edits):
    at = imported("sites.csv", garbled_csv(), "ru")
    errors = [shown(str(error.value)) for error in at.error]
    assert any("выглядит искажённым" in error and "Читать текст в кодировке" in error for error in errors), errors


def test_an_echoed_value_keeps_its_degrees_quotes_and_parentheses(edits):
    at = imported("sites.csv", echo_csv())
    assert f"kind '{ECHOED}' is not one of the atlas's kinds" in table_text(at)


def test_a_csv_file_read_as_another_encoding_is_read_again(edits):
    at = imported("sites.csv", CASES["csv-russian-excel"][1]())
    encoding_box(at).set_value("koi8-r").run()
    assert "Text encoding: KOI8-R (as chosen)" in captions(at)
    assert NAME not in table_text(at)
    encoding_box(at).set_value("").run()
    assert "Text encoding: Windows-1251 (detected from its bytes)" in captions(at)
    assert NAME in table_text(at) and SECOND in table_text(at)
