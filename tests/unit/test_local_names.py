"""Names and texts of the data in Russian and Kazakh: where each comes from, and how it is shown.

Every feature has its name in every language with a recorded origin (a published source, or
the atlas's own translation); the atlas's translations are marked on screen and in packs; the
notes, area notes, places and target titles follow the page's language with its numbers.
"""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
from pypdf import PdfReader

from kzatlas import briefing, reports, tables
from kzatlas.catalog import TRANSLATED_TEXT_COLUMNS
from kzatlas.config import LANGUAGES, NAME_COLUMNS
from kzatlas.facts import protection
from kzatlas.i18n import (
    ENGLISH_MARKER,
    ORIGIN_ATLAS,
    ORIGIN_PUBLISHED,
    TRANSLATION_MARKER,
    TRANSLATION_NOTE,
    local_text,
    name_column,
    origin_column,
    shown_name,
    shown_names,
    source_column,
    translated_column,
    translator,
)
from kzatlas.safety import safe_link
from scripts.geodata_build.sources import SourceError, check_records

EN, RU, KK = translator("en"), translator("ru"), translator("kk")
NBSP = "\u00a0"
OTHER_LANGUAGES = [language for language in LANGUAGES if language != "en"]
# An English thousands separator, or a decimal point before a unit: not how Russian and Kazakh write numbers.
ENGLISH_NUMBER = re.compile(r"\d,\d{3}(?!\d)|\d\.\d+\s*(?:га|км|млн|тыс|мың|%)")


def marker(translate) -> str:
    return translate(TRANSLATION_MARKER)


# ---------------------------------------------------------------------------- the data


def test_every_feature_has_every_name_and_where_it_comes_from(features):
    assert len(features) == 46
    for _, row in features.iterrows():
        for column in NAME_COLUMNS:
            assert str(row[column]).strip(), (row["id"], column)
            origin, source = row[origin_column(column)], row[source_column(column)]
            assert origin in (ORIGIN_PUBLISHED, ORIGIN_ATLAS), (row["id"], column, origin)
            if origin == ORIGIN_PUBLISHED:
                assert safe_link(source), (row["id"], column, source)
            else:
                assert source == "", (row["id"], column, source)


def test_the_names_users_found_missing_are_there(features):
    by_id = features.set_index("id")
    undp = features[features["kind"].isin(["undp_site", "undp_programme"])]
    assert len(undp) == 13
    for column in ("name_ru", "name_kk"):
        assert undp[column].str.strip().ne("").all()
    assert by_id.loc["pa-bokeyorda", "name_kk"] == "«Бөкейорда» мемлекеттік табиғи резерваты"
    assert by_id.loc["corr-kapshagay-balkhash", "name_kk"] == "«Қапшағай – Балқаш» экологиялық дәлізі"
    assert by_id.loc["corr-yrgyz-torgay-zhylanshyk", "name_kk"] == "«Ырғыз – Торғай – Жыланшық» экологиялық дәлізі"
    # A name a published source prints is recorded with that source.
    assert by_id.loc["pa-korgalzhyn", "name_kk_origin"] == ORIGIN_PUBLISHED
    assert by_id.loc["pa-korgalzhyn", "name_kk_source"] == "https://kgpz.kz/kz"


def test_every_text_has_its_translations_with_the_languages_numbers(features):
    for _, row in features.iterrows():
        for column in TRANSLATED_TEXT_COLUMNS:
            if not row[column]:
                continue
            for language in OTHER_LANGUAGES:
                text = row[translated_column(column, language)]
                assert text, (row["id"], column, language)
                assert not ENGLISH_NUMBER.search(text), (row["id"], column, language, ENGLISH_NUMBER.search(text))
                if column in ("partners", "donors", "links"):
                    assert text.count(";") == row[column].count(";"), (row["id"], column, language)


def test_sources_say_what_they_support_in_every_language(features):
    for text in features["sources_json"]:
        for source in json.loads(text):
            if source.get("supports"):
                assert source.get("supports_ru") and source.get("supports_kk"), source["supports"]


def test_target_titles_and_scopes_are_translated(bundled):
    targets = bundled.tables["targets"]
    records = [targets["global_target"], *targets["national_targets"], *targets["national_status"]]
    for record in records:
        for field in ("name", "document", "scope", "text"):
            if record.get(field):
                assert record.get(f"{field}_ru") and record.get(f"{field}_kk"), (field, record[field][:40])
    assert targets["national_targets"][0]["document_ru_origin"] == ORIGIN_PUBLISHED


# ---------------------------------------------------------------------------- the rules


ATLAS_ROW = {
    "name_en": "Genetic seed bank",
    "name_ru": "Генетический банк семян",
    "name_ru_origin": ORIGIN_ATLAS,
    "name_kk": "Генетикалық банк",
    "name_kk_origin": ORIGIN_PUBLISHED,
    "name_kk_source": "https://example.org",
    "name_en_origin": ORIGIN_ATLAS,
}


def test_names_say_where_they_come_from_in_the_pages_language():
    assert shown_name(ATLAS_ROW, "name_ru", RU) == f"Генетический банк семян {marker(RU)}"
    assert marker(RU) == "(перевод атласа)" and marker(KK) == "(атлас аудармасы)"
    assert shown_name(ATLAS_ROW, "name_kk", KK) == "Генетикалық банк"  # published: no mark
    assert shown_name(ATLAS_ROW, "name_en", EN) == "Genetic seed bank"  # English is never a translation
    # A name without a recorded origin (an editor's, an import's) is shown as it is.
    assert shown_name({"name_en": "A", "name_ru": "Б"}, "name_ru", RU) == "Б"
    frame = pd.DataFrame([ATLAS_ROW, {**ATLAS_ROW, "name_ru": "", "name_ru_origin": ""}])
    assert shown_names(frame, "name_ru", RU).tolist() == [
        f"Генетический банк семян {marker(RU)}",
        f"Genetic seed bank {RU(ENGLISH_MARKER)}",
    ]


def test_texts_follow_the_language_and_say_where_they_come_from():
    row = {"notes": "Created in 2022.", "notes_ru": "Создан в 2022 году.", "notes_kk": ""}
    assert local_text(row, "notes", EN) == "Created in 2022."
    assert local_text(row, "notes", RU) == f"Создан в 2022 году. {marker(RU)}"
    assert local_text(row, "notes", KK) == f"Created in 2022. {KK(ENGLISH_MARKER)}"
    published = {"document": "Concept", "document_ru": "Концепция", "document_ru_origin": ORIGIN_PUBLISHED}
    assert local_text(published, "document", RU) == "Концепция"
    assert local_text({"notes": ""}, "notes", RU) == ""


@pytest.mark.parametrize(
    "change, message",
    [
        ({"name_kk": ""}, "no name_kk"),
        ({"name_ru_origin": "guessed"}, "name_ru_origin must be one of"),
        ({"name_ru_origin": ORIGIN_PUBLISHED}, "name_ru_source is the page"),
        ({"name_kk_source": "https://example.org"}, "name_kk_source is the page"),
        ({"partners_ru": ["Один"]}, "partners_ru must translate partners item for item"),
        ({"notes": "", "notes_ru": "Заметка"}, "notes_ru translates an empty notes"),
    ],
)
def test_the_build_refuses_a_name_without_an_origin_or_a_mismatched_translation(change, message):
    record = {
        "id": "undp-x",
        "kind": "undp_site",
        "name_en": "X",
        "name_ru": "Х",
        "name_kk": "Х",
        "name_en_origin": ORIGIN_ATLAS,
        "name_ru_origin": ORIGIN_ATLAS,
        "name_kk_origin": ORIGIN_ATLAS,
        "partners": ["One", "Two"],
        "partners_ru": ["Один", "Два"],
        "notes": "A note.",
        "notes_ru": "Заметка.",
    }
    check_records("undp_sites.json", [record])
    with pytest.raises(SourceError, match=message):
        check_records("undp_sites.json", [{**record, **change}])


# ---------------------------------------------------------------------------- on screen and in packs


@pytest.mark.parametrize("translate", [RU, KK], ids=["ru", "kk"])
def test_details_facts_follow_the_language_with_its_numbers(features, translate):
    row = features.set_index("id", drop=False).loc["pa-tarbagatai"]
    facts = reports.feature_facts(row, translate, {})
    values = dict(zip(facts.iloc[:, 0], facts.iloc[:, 1]))
    area_note = values[translate("Area notes")]
    assert f"143{NBSP}550,5 га" in area_note and area_note.endswith(marker(translate))
    assert values[translate("Notes")].endswith(marker(translate))
    assert not any(translate(ENGLISH_MARKER) in str(value) for value in values.values())


def test_partners_places_and_what_sources_support_are_in_russian(features):
    row = features.set_index("id", drop=False).loc["undp-siberian-pine-alley-astana"]
    facts = reports.feature_facts(row, RU, {})
    values = dict(zip(facts.iloc[:, 0], facts.iloc[:, 1]))
    assert values[RU("Place")].startswith("Ботанический сад, Астана")
    assert "Министерство экологии и природных ресурсов Республики Казахстан" in values[RU("Partners")]
    akzhayik = features.set_index("id", drop=False).loc["pa-akzhayik"]
    supports = reports.feature_sources(akzhayik, RU)[RU("What it supports")]
    supports = supports[supports != ""]
    assert supports.str.startswith("Роль ПРООН").any() and supports.str.endswith(marker(RU)).all()


def test_tables_show_russian_names_marked_and_russian_places(features):
    items = reports.undp_portfolio(features)
    table = tables.portfolio_table(items, RU, "name_ru")
    names = table[RU("Name")].tolist()
    assert f"Генетический банк семян особо ценных древесных пород {marker(RU)}" in names
    assert any(text.startswith("Ботанический сад, Астана") for text in table[RU("Location")])
    # A partner is found in the language the reader types it in.
    assert len(reports.portfolio_filter(items, (), "Министерство иностранных дел")) == 2


def test_the_target_titles_are_in_russian(bundled, features):
    statement = protection.target_statement(bundled.tables["targets"], features, RU)
    text = " ".join(sentence.plain() for sentence in statement.notes)
    assert "Концепция по сохранению и устойчивому использованию биологического разнообразия" in text
    assert (
        f"Куньминско-Монреальская глобальная рамочная программа в области биоразнообразия, задача 3 {marker(RU)}"
        in text
    )
    assert "Kunming" not in text and RU(ENGLISH_MARKER) not in text


def test_a_russian_pack_names_undp_sites_in_russian(bundled):
    scope = briefing.Scope("feature", "undp-semipalatinsk-rehabilitation")
    brief = briefing.build_briefing(bundled, scope, RU, name_column("ru"), "", "2026-12-06")
    title = "Реабилитация региона бывшего Семипалатинского ядерного испытательного полигона"
    assert brief.title == f"{title} {marker(RU)}"
    assert RU(TRANSLATION_NOTE) in brief.notes
    assert not any(RU(ENGLISH_MARKER) in note for note in brief.notes)
    pdf = briefing.pdf_bytes(brief, briefing.static_map_png(bundled, scope, translate=RU), None)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert title in text and "(перевод атласа)" in text
    country = briefing.build_briefing(bundled, briefing.Scope("country"), RU, name_column("ru"), "", "2026-12-06")
    assert f"Аллея сибирского кедра в честь 60-летия ПРООН, Ботанический сад Астаны {marker(RU)}" in set(
        country.items["name"]
    )
