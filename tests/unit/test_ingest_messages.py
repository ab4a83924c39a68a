"""Import and edit messages: English as text, translated on the page, every id in the catalogues."""

from __future__ import annotations

import ast
import json
import pickle
import re
from pathlib import Path

import folium
import pytest
from babel.messages.pofile import read_po

from kzatlas.config import LOCALE_DIR, ROOT_DIR
from kzatlas.edit.drawn_shapes import DrawingError, parse_drawing
from kzatlas.edit.guarded_writes import EditRefusedError, match_table, plan_table
from kzatlas.i18n import translator
from kzatlas.ingest import RefusalError, check_file
from kzatlas.ingest.messages import (
    N_,
    Message,
    Names,
    exception_text,
    from_wire,
    messages_in,
    sentence,
    to_wire,
    translated,
)
from kzatlas.ingest.readers.geojson import json_problem
from kzatlas.ingest.validate import check_number
from kzatlas.map.import_preview import import_preview_group
from kzatlas.safety import JSONLimitError, load_json_limited

LANGUAGES = ("ru", "kk")
CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
# Where messages are written: every N_() there must be in the catalogues.
MESSAGE_SOURCES = ("kzatlas/ingest", "kzatlas/edit")
NBSP = "\u00a0"


def _catalogue(name: str, locale: str | None = None):
    with (LOCALE_DIR / name).open("rb") as handle:
        return read_po(handle, locale=locale)


TEMPLATE = _catalogue("messages.pot")
CATALOGUES = {language: _catalogue(f"{language}.po", language) for language in LANGUAGES}


def marked_messages() -> dict[str, str]:
    """Every literal ``N_("...")`` in the import and edit packages, with the file it is in."""
    found: dict[str, str] = {}
    for folder in MESSAGE_SOURCES:
        for path in sorted((ROOT_DIR / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", None) == "N_"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    found.setdefault(node.args[0].value, str(path.relative_to(ROOT_DIR)))
    return found


def assert_catalogued(message: Message) -> None:
    """``message`` and every message inside it are in the template and translated in ru and kk."""
    for part in messages_in(message):
        assert TEMPLATE.get(part.msgid) is not None, f"not in messages.pot: {part.msgid!r}"
        for language, catalogue in CATALOGUES.items():
            entry = catalogue.get(part.msgid)
            assert entry is not None and entry.string, f"{language}: untranslated {part.msgid!r}"


def test_every_message_id_of_the_import_is_in_the_catalogues_and_translated():
    marked = marked_messages()
    assert len(marked) > 150
    for msgid, where in marked.items():
        assert TEMPLATE.get(msgid) is not None, (
            f"{where}: {msgid!r} is not in messages.pot (run scripts/extract_messages.py)"
        )
        for language, catalogue in CATALOGUES.items():
            entry = catalogue.get(msgid)
            assert entry is not None and entry.string, f"{where}: {msgid!r} is not translated in {language}.po"
            assert not entry.fuzzy, f"{where}: {msgid!r} is fuzzy in {language}.po"
            if any(ch.isalpha() for ch in msgid) and msgid not in ("GeoJSON", "GeoPackage", "KML", "CSV"):
                assert CYRILLIC.search(entry.string), f"{language}: {msgid!r} -> {entry.string!r}"


# ------------------------------------------------------------------ the message itself


def test_a_message_is_its_english_text_and_translates_with_local_numbers():
    message = Message(N_("the file holds {count} features; at most {limit} are accepted"), count=50_001, limit=50_000)
    assert message == "the file holds 50,001 features; at most 50,000 are accepted"
    assert str(message) == message and isinstance(message, str)
    assert "50,001" in message and "; ".join([message, "x"]).endswith("; x")
    assert message.translated(translator("en")) == str(message)
    russian = message.translated(translator("ru"))
    assert russian == f"объектов в файле: 50{NBSP}001; допускается не более 50{NBSP}000"
    kazakh = message.translated(translator("kk"))
    assert f"50{NBSP}001" in kazakh and CYRILLIC.search(kazakh)


def test_signed_decimals_and_nested_labels_follow_the_language():
    message = Message(
        N_("invalid geometry repaired ({reason}; area {change:+.1} %)"),
        reason=Message(N_("self-intersection")),
        change=1.25,
    )
    assert message == "invalid geometry repaired (self-intersection; area +1.2 %)"
    assert message.translated(translator("ru")) == "исправлена некорректная геометрия (самопересечение; площадь +1,2 %)"
    checked = check_number(N_("latitude"), "95,5", -90, 90)
    assert checked.error == "latitude 95.5 is outside -90 to 90"
    assert checked.error.translated(translator("ru")) == "широта: 95,5 — вне диапазона от -90 до 90"
    assert checked.error.translated(translator("kk")).startswith("ендік: 95,5")


def test_data_in_a_message_is_never_translated_and_a_broken_translation_falls_back_to_english():
    # A value that happens to be a message id (a theme called "Water") stays as the file gives it.
    message = Message(N_("theme '{theme}' is not one of the atlas's themes; left out"), theme="Water")
    assert "«Water»" in message.translated(translator("ru"))
    assert translated("Water", translator("ru")) == "Water"

    def lossy(msgid: str) -> str:
        return "{missing} field"

    lossy.language = "ru"
    assert message.translated(lossy) == "theme 'Water' is not one of the atlas's themes; left out"


def test_names_show_in_the_page_language():
    names = Names(name_en="Naurzum State Nature Reserve", name_ru="Наурзумский заповедник")
    message = Message(N_("already in the catalogue as {name} ({id}); not added again"), name=names, id="pa-naurzum")
    assert message == "already in the catalogue as Naurzum State Nature Reserve (pa-naurzum); not added again"
    assert "Наурзумский заповедник (pa-naurzum)" in message.translated(translator("ru"))
    assert "Naurzum State Nature Reserve" in message.translated(translator("kk"))  # no Kazakh name: English, marked


def test_messages_cross_the_process_boundary_and_pickle():
    message = Message(
        N_("the file is not usable GeoJSON: {problem}"),
        problem=Message(N_("the file is not valid JSON (line {line}, column {column})"), line=1, column=44),
    )
    wire = json.loads(json.dumps(to_wire(message)))
    rebuilt = from_wire(wire)
    assert isinstance(rebuilt, Message) and rebuilt == message and rebuilt.msgid == message.msgid
    assert rebuilt.translated(translator("ru")) == message.translated(translator("ru"))
    assert "строка 1, столбец 44" in rebuilt.translated(translator("ru"))
    assert pickle.loads(pickle.dumps(message)).translated(translator("kk")) == message.translated(translator("kk"))
    assert from_wire("plain text") == "plain text" and from_wire({"nonsense": 1}) == "{'nonsense': 1}"


def test_errors_read_in_english_and_show_translated():
    refusal = RefusalError(N_("the file is larger than {megabytes} MB"), megabytes=50)
    assert (
        str(refusal) == "the file is larger than 50 MB"
        and refusal.reason.msgid == "the file is larger than {megabytes} MB"
    )
    assert exception_text(refusal, translator("ru")) == "файл больше 50 МБ"
    with pytest.raises(DrawingError, match="Nothing is drawn yet") as caught:
        parse_drawing([])
    assert exception_text(caught.value, translator("kk")).startswith("Әзірге ештеңе сызылмаған")
    refused = EditRefusedError(N_("Say in a few words why you are making this change."))
    assert CYRILLIC.search(exception_text(refused, translator("ru")))
    assert exception_text(ValueError("plain"), translator("ru")) == "plain"
    assert sentence(Message(N_("outside Kazakhstan")), translator("ru")) == "За пределами Казахстана"


@pytest.mark.parametrize(
    "document",
    [
        b'{"type": "FeatureCollection", "features": [',
        b"[" * 40 + b"]" * 40,
        b'{"a": NaN}',
        b'{"a": 1e999}',
        b'{"a": 1' + b"0" * 40 + b"}",
        b"\xff\xfe",
        b"{" + b" " * 2000 + b"}",
    ],
)
def test_every_bounded_json_problem_has_a_message(document):
    with pytest.raises(JSONLimitError) as caught:
        load_json_limited(document, max_bytes=1000)
    message = json_problem(caught.value)
    assert message == str(caught.value)
    assert_catalogued(message)
    assert CYRILLIC.search(message.translated(translator("ru")))


# ------------------------------------------------------------------ plans made in the reading process


def geojson_bytes(features: list[dict]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def test_the_reading_process_sends_message_ids_not_english(features, regions):
    refused = check_file(
        b'{"type": "FeatureCollection", "features": []}', "none.geojson", catalogue_features=features, regions=regions
    )
    assert isinstance(refused.refused, Message) and refused.refused.msgid == "the file holds no features"
    assert refused.refused.translated(translator("kk")) == "файлда нысандар жоқ"
    plan = check_file(
        geojson_bytes(
            [
                {"type": "Banana"},
                {"type": "Feature", "properties": {"name": "A", "kind": "undp_site"}, "geometry": None},
            ]
        ),
        "rows.geojson",
        catalogue_features=features,
        regions=regions,
    )
    first, second = (row.reasons[0] for row in plan.rows)
    assert first.msgid == "the entry is not a GeoJSON Feature" and second.msgid == "the feature has no geometry"
    assert first.translated(translator("ru")) == "запись не является объектом GeoJSON (Feature)"


def test_the_plan_tables_and_preview_map_speak_the_page_language(features, regions):
    features_json = [
        {
            "type": "Feature",
            "properties": {"name": "Steppe plot", "name_ru": "Степной участок", "kind": "undp_site"},
            "geometry": {"type": "Point", "coordinates": [70.0, 48.0, 350.0]},
        },
        {
            "type": "Feature",
            "properties": {"name": "Bad year", "kind": "undp_site", "year": "abc"},
            "geometry": {"type": "Point", "coordinates": [70.0, 48.0]},
        },
    ]
    plan = check_file(geojson_bytes(features_json), "plots.geojson", catalogue_features=features, regions=regions)
    english = plan_table(plan, translator("en"))
    assert list(english["Repairs"])[0] == "Z dropped (heights are not kept)"
    ru = translator("ru")
    table = plan_table(plan, ru)
    assert list(table[ru("Name")]) == ["Степной участок", "Bad year"]
    assert list(table[ru("Repairs")])[0] == "координата Z отброшена (высоты не сохраняются)"
    assert list(table[ru("Why rejected")])[1] == "год: «abc» — не число"
    assert match_table(plan, ru).empty

    group = import_preview_group(plan.frame(), ru)
    layer = next(child for child in group._children.values() if isinstance(child, folium.GeoJson))
    tips = [feature["properties"]["tip"] for feature in layer.data["features"]]
    assert tips and "Степной участок" in tips[0] and ru("New from the file") in tips[0]
    assert "UNDP" not in tips[0] or CYRILLIC.search(tips[0])


def test_a_message_written_elsewhere_keeps_working_as_text(tmp_path: Path, features, regions):
    path = tmp_path / "p.csv"
    path.write_text("name,lat,lon,kind\nA site,48,70,undp_site\n", encoding="utf-8")
    plan = check_file(path, path.name, catalogue_features=features, regions=regions)
    report = json.dumps(plan.to_json(), ensure_ascii=False)
    assert "a source (web address or title)" in report
    assert plan.missing_provenance() == ["a source (web address or title)", "the source's date (YYYY-MM-DD)"]
    assert [m.translated(translator("ru")) for m in plan.missing_provenance()] == [
        "источник (веб-адрес или название)",
        "дата источника (ГГГГ-ММ-ДД)",
    ]
