"""The details panel and the About page in Russian and Kazakh: local names, their marks, local texts."""

from __future__ import annotations

import pytest
from pagetest import headings, run_page, shown

from kzatlas.i18n import ENGLISH_MARKER, TRANSLATION_MARKER, TRANSLATION_NOTE, translator

NBSP = "\u00a0"
NAMES = {
    ("undp-siberian-pine-alley-astana", "ru"): "Аллея сибирского кедра в честь 60-летия ПРООН, Ботанический сад Астаны",
    (
        "undp-siberian-pine-alley-astana",
        "kk",
    ): "БҰҰДБ-ның 60 жылдығына арналған сібір самырсыны аллеясы, Астана ботаникалық бағы",
    ("pa-bokeyorda", "ru"): "Государственный природный резерват «Бокейорда»",
    ("pa-bokeyorda", "kk"): "«Бөкейорда» мемлекеттік табиғи резерваты",
}


def panel_texts(at) -> list[str]:
    texts = [
        shown(str(element.value)) for kind in ("subheader", "caption", "markdown") for element in getattr(at, kind)
    ]
    for table in at.dataframe:
        texts += [str(value) for value in table.value.astype(str).to_numpy().ravel()]
    return texts


@pytest.mark.parametrize("feature, language", sorted(NAMES))
def test_the_details_panel_names_the_feature_in_the_language_and_marks_the_atlas_translation(feature, language):
    translate = translator(language)
    at = run_page("map_explorer", lang=language, sel=feature)
    mark = translate(TRANSLATION_MARKER)
    assert f"{NAMES[feature, language]} {mark}" in headings(at)
    texts = panel_texts(at)
    assert not any(translate(ENGLISH_MARKER) in text for text in texts)
    assert shown(translate(TRANSLATION_NOTE)) in texts  # the mark is explained beside it
    facts = at.dataframe[0].value
    notes = facts[facts.iloc[:, 0] == translate("Notes")].iloc[0, 1]
    assert notes.endswith(mark)


def test_area_notes_are_written_with_the_languages_numbers():
    translate = translator("ru")
    at = run_page("map_explorer", lang="ru", sel="pa-tarbagatai")
    facts = at.dataframe[0].value
    area_note = facts[facts.iloc[:, 0] == translate("Area notes")].iloc[0, 1]
    assert f"143{NBSP}550,5 га" in area_note and "143,550.5" not in area_note


def test_a_published_name_is_not_marked():
    at = run_page("map_explorer", lang="kk", sel="pa-korgalzhyn")
    assert "Қорғалжын мемлекеттік табиғи қорығы" in headings(at)


def test_the_about_page_lists_where_each_name_comes_from():
    translate = translator("ru")
    at = run_page("about_data", lang="ru")
    assert translate("Where the names come from") in headings(at)
    table = next(frame.value for frame in at.dataframe if translate("Origin of the name") in frame.value.columns)
    assert set(table[translate("Origin of the name")]) == {translate("published"), translate("atlas translation")}
    published = table[table[translate("Origin of the name")] == translate("published")]
    assert published[translate("Source of the name")].str.startswith("http").all()
