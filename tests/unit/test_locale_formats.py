"""Numbers, areas and percentages follow the page's language; English fallbacks say so."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kzatlas import briefing, catalog, charts, tables
from kzatlas.facts import protection
from kzatlas.formats import format_date, format_hectares, format_number, format_percent, format_share, format_square_km
from kzatlas.i18n import language_of, local_text, shown_name, shown_names, translator
from kzatlas.map import folium_maps
from kzatlas.selection import with_language

EN, RU, KK = translator("en"), translator("ru"), translator("kk")
NBSP = "\u00a0"


def test_translators_know_their_language():
    assert (language_of(EN), language_of(RU), language_of(KK)) == ("en", "ru", "kk")
    assert language_of(str) == "en"  # a plain function stands for English
    assert language_of(translator("xx")) == "en"


@pytest.mark.parametrize("translate", [RU, KK], ids=["ru", "kk"])
def test_russian_and_kazakh_group_with_a_non_breaking_space_and_use_a_decimal_comma(translate):
    assert format_hectares(191_381, translate) == f"191{NBSP}381 га"
    assert format_percent(3.5, translate, 1) == f"3,5{NBSP}%"
    assert format_share(0.035, translate) == f"3,5{NBSP}%"
    assert format_number(1_234_567.25, translate, 2) == f"1{NBSP}234{NBSP}567,25"
    assert format_square_km(185_937.6, translate) == f"185{NBSP}938 км²"


def test_english_groups_with_commas_and_keeps_the_sign_apart():
    assert format_hectares(191_381, EN) == "191,381 ha"
    assert format_percent(11.37, EN, 2) == f"11.37{NBSP}%"
    assert format_share(0.0286, EN, 2) == f"2.86{NBSP}%"
    assert format_number(12.345, EN, 1) == "12.3"


def test_a_missing_number_is_a_dash():
    for value in (None, float("nan"), "n/a", float("inf")):
        assert format_number(value, RU) == format_percent(value, RU) == format_share(value, RU) == "—"


def test_an_english_only_name_is_marked_outside_english():
    row = {"name_en": "Astana Civil Service Hub", "name_ru": "", "name_kk": None}
    marker = RU("(in English)")
    assert marker != "(in English)"
    assert shown_name(row, "name_ru", RU) == f"Astana Civil Service Hub {marker}"
    assert shown_name(row, "name_kk", KK) == f"Astana Civil Service Hub {KK('(in English)')}"
    assert shown_name(row, "name_en", EN) == "Astana Civil Service Hub"
    assert shown_name({"name_en": "Naurzum", "name_ru": "Наурзум"}, "name_ru", RU) == "Наурзум"
    frame = pd.DataFrame({"name_en": ["A", "B"], "name_ru": ["А", ""]})
    assert shown_names(frame, "name_ru", RU).tolist() == ["А", f"B {marker}"]
    # A text the data gives only in English says so; with a translation, it follows the language.
    assert local_text({"notes": "Almaty (city-level)"}, "notes", RU) == f"Almaty (city-level) {marker}"
    assert local_text({"notes": None}, "notes", RU) == "" and local_text({"notes": "Almaty"}, "notes", EN) == "Almaty"


def test_charts_group_digits_the_way_the_language_does():
    growth = pd.DataFrame({"year": [2000, 2010], "cumulative_count": [1, 2], "cumulative_area_ha": [1e5, 2e5]})
    locale = charts.growth_chart(growth, RU).to_dict()["config"]["locale"]["number"]
    assert locale["decimal"] == "," and locale["thousands"] == NBSP
    assert charts.growth_chart(growth, EN).to_dict()["config"]["locale"]["number"]["thousands"] == ","


def test_table_number_formats_never_group_with_a_comma_in_russian_or_kazakh():
    assert set(tables.number_formats(EN).values()) == {"%,.0f", "%d"}
    for translate in (RU, KK):
        assert "," not in "".join(tables.number_formats(translate).values())


def test_the_scale_bar_is_metric_only():
    html = folium_maps.build_base_map(None, EN, "name_en", web_tiles=False).get_root().render()
    assert "new Scale({imperial: false})" in html
    assert "L.control.scale()" not in html


def test_a_pack_link_keeps_the_language():
    assert with_language("http://host:8501/region_profile?region=KZ-39", "kk") == (
        "http://host:8501/region_profile?region=KZ-39&lang=kk"
    )
    assert with_language("http://host:8501/", "ru") == "http://host:8501/?lang=ru"
    assert with_language("http://host:8501/?sel=pa-naurzum", "en") == "http://host:8501/?sel=pa-naurzum"


def test_the_protection_story_shows_both_figures_in_the_page_language():
    targets = {
        "national_status": [
            {"as_of": "2025-01-01", "share_pct": 11.37, "source": {"publisher": "P", "url": "https://example.org"}}
        ]
    }
    parks = pd.DataFrame({"kind": ["national_park"], "area_ha": [272_490.0]})
    story = protection.protection_story(targets, parks, RU)
    assert [figure.value for figure in story.figures] == [f"11,37{NBSP}%", f"0,10{NBSP}%"]
    assert story.notes[-1].plain() == RU(protection.PROTECTION_EXPLANATION) != protection.PROTECTION_EXPLANATION
    regional = protection.protection_story(targets, parks, EN, land_ha=1_000_000.0, regional=True)
    assert regional.official is None and regional.atlas.value == f"27.25{NBSP}%"


@pytest.mark.parametrize(("language", "shown"), [("en", "2026-11-23"), ("ru", "23.11.2026"), ("kk", "23.11.2026")])
def test_a_day_reads_the_languages_way(language, shown):
    translate = translator(language)
    assert format_date("2026-11-23", translate) == shown
    # A year or a month alone, a broken date and nothing at all stay as they are.
    assert format_date("2025", translate) == "2025"
    assert format_date("2025-02-30", translate) == "2025-02-30"
    assert format_date(None, translate) == ""


def test_a_russian_table_of_sources_and_a_russian_pack_write_days_the_russian_way(bundled):
    features = catalog.feature_frame(bundled)
    ru = translator("ru")
    texts = tables.source_texts(features.head(5), ru)
    assert any(re.search(r"\(прочитано \d{2}\.\d{2}\.\d{4}\)", text) for text in texts), texts
    brief = briefing.build_briefing(bundled, briefing.Scope("country"), ru, "name_ru", "", "2026-12-06")
    assert brief.made_on == "06.12.2026"
    assert all(not re.fullmatch(r"\d{4}-\d{2}-\d{2}", accessed) for _, _, accessed in brief.sources)
