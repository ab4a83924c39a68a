"""A language is added by configuration, a catalogue and the data's name fields: no other code.

The test copies the app, adds a made-up fourth language ("Xenish", code ``xx``) to the copy's
``kzatlas/config.py`` (the one edit to code), writes its catalogue from ``messages.pot`` (every
text marked ``⟦…⟧`` so that a text left out of the catalogue stands out) and gives every feature,
region and basemap place a ``name_xx`` (and the features their other ``_xx`` columns, as a rebuild
of the data would). It then runs the copy in a child process and looks at what
a user of the new language would see: every page, the language picker, the feature tables, an
export and the import's column guesses.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from pagetest import router_pages
from sandbox import copy_app, copy_geodata, extend_config, run_probe

from kzatlas.config import LOCALE_DIR

CODE = "xx"
SETTINGS = {
    "own_name": "Xenish",
    "english_name": "Xenish",
    "locale": "de",  # a real locale for its numbers: 1.234,5
    "script": "LATIN",
    "letters": "ẍẌ",
    "headers": ("nimi",),
}
CONFIG_LINE = "LANGUAGES = tuple(LANGUAGE_SETTINGS)\n"


def marked(text: str) -> str:
    return f"⟦{text}⟧"


def xenish_name(name: str) -> str:
    return f"Ẍ-{name}" if name else name


def write_catalogue(target: Path) -> None:
    with (LOCALE_DIR / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    for message in template:
        if message.id:
            message.string = marked(str(message.id))
    with (target / f"{CODE}.po").open("wb") as handle:
        write_po(handle, template)


def add_names(_layer: str, record: dict, document: dict) -> bool:
    """Give every feature, region and basemap place its name in the new language.

    A layer that carries per-language columns beside its names (``name_ru_origin``, ``notes_ru``...)
    gets the new language's too, as a rebuild would write them: the name marked as the atlas's
    own translation, the texts not yet translated (shown in English, marked as such).
    """
    if "name_en" not in record["columns"]:
        return False
    per_language = [column for column in record["columns"] if "_ru" in column and column != "name_ru"]
    for feature in document["features"]:
        properties = feature["properties"]
        properties[f"name_{CODE}"] = xenish_name(properties.get("name_en") or "")
        for column in per_language:
            properties[column.replace("_ru", f"_{CODE}", 1)] = "atlas" if column == "name_ru_origin" else ""
    record["columns"][f"name_{CODE}"] = "str"
    for column in per_language:
        record["columns"][column.replace("_ru", f"_{CODE}", 1)] = "str"
    return True


# What the child process checks, in the copy; prints one JSON object.
PROBE = r"""
import json, sys
from streamlit.testing.v1 import AppTest
from kzatlas import catalog, exports
from kzatlas.config import LANGUAGES
from kzatlas.formats import format_number
from kzatlas.i18n import LANGUAGE_NAMES, translator
from kzatlas.ingest.columns import guess_mapping

pages = json.loads(sys.argv[1])
found = {"languages": list(LANGUAGES), "picker": LANGUAGE_NAMES.get("xx"), "pages": {}}
for page in pages:
    at = AppTest.from_file(f"views/{page}.py", default_timeout=90)
    at.query_params["lang"] = "xx"
    at.run()
    texts = [str(e.value) for kind in ("title", "header", "subheader", "caption", "markdown") for e in getattr(at, kind)]
    cells = [str(v) for table in at.dataframe for v in table.value.astype(str).to_numpy().ravel()]
    columns = [str(c) for table in at.dataframe for c in table.value.columns]
    found["pages"][page] = {
        "exception": [str(e.value) for e in at.exception],
        "marked_texts": sum("\u27e6" in text for text in texts),
        "texts": len(texts),
        "xenish_cells": sum(cell.startswith("\u1e8c-") for cell in cells),
        "columns": columns,
        "picker": [list(s.options) for s in at.selectbox if "xx" in [str(o) for o in s.options] or "Xenish" in s.options],
    }
loaded = catalog.load_catalogue()
found["problems"] = [p.message for p in loaded.problems]
features = catalog.feature_frame(loaded)
csv = exports.csv_bytes(features.head(3), exports.catalogue_citation(loaded, "Xenish test", "2026-12-01"))
found["export_header"] = next((line for line in csv.decode("utf-8-sig").splitlines() if line.startswith("id,")), "")
found["number"] = format_number(1234.5, translator("xx"), 1)
found["guess_by_header"] = guess_mapping(["nimi", "name_en"], [{"nimi": "Ẍ-Aksu", "name_en": "Aksu"}])["name_xx"]
found["guess_by_column"] = guess_mapping(["name_xx"], [{"name_xx": "Aksu"}])["name_xx"]
found["guess_by_letters"] = guess_mapping(["name"], [{"name": "Ẍaksu ẍoriq"}])["name_xx"]
print(json.dumps(found, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def with_fourth_language(tmp_path_factory) -> dict:
    root = copy_app(tmp_path_factory.mktemp("xenish"))
    extend_config(root, CONFIG_LINE, f"LANGUAGE_SETTINGS[{CODE!r}] = {SETTINGS!r}\n")
    write_catalogue(root / "kzatlas" / "locale")
    copy_geodata(root / "geodata", add_names)
    return run_probe(root, PROBE, json.dumps(router_pages()))


def test_the_new_language_is_offered_and_its_data_loads(with_fourth_language):
    found = with_fourth_language
    assert found["languages"] == ["en", "ru", "kk", CODE]
    assert found["picker"] == "Xenish"
    assert found["problems"] == []
    assert found["number"] == "1.234,5"


@pytest.mark.parametrize("page", router_pages())
def test_every_page_speaks_the_new_language(with_fourth_language, page):
    shown = with_fourth_language["pages"][page]
    assert shown["exception"] == []
    # Headings and prose come from the new catalogue (marked), not from English.
    assert shown["marked_texts"] >= max(1, shown["texts"] // 2), shown
    assert all(column.startswith("⟦") for column in shown["columns"]), shown["columns"]
    assert any("Xenish" in options for options in shown["picker"])


def test_feature_tables_show_the_new_names(with_fourth_language):
    pages = with_fourth_language["pages"]
    assert pages["protected_areas"]["xenish_cells"] > 20
    assert pages["projects"]["xenish_cells"] > 5


def test_exports_and_import_guesses_pick_up_the_new_language(with_fourth_language):
    found = with_fourth_language
    assert f"name_{CODE}" in found["export_header"].split(",")
    assert found["guess_by_header"] == "nimi"
    assert found["guess_by_column"] == "name_xx"
    assert found["guess_by_letters"] == "name"
