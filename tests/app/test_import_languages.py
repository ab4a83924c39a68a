"""Importing a file on the Russian and Kazakh Edit page: every refusal, reason, repair and match in the language.

An editor signs in on the page opened in Russian or Kazakh and imports (a) files refused as a
whole, (b) a file with rows that are rejected and rows that are repaired, (c) a Protected Planet
export that matches catalogue reserves. Every message the page shows must be in the page's
language: Cyrillic, with no English sentence left (each flow is also run in English, and no text
may be the same in both unless it is data or a name), and the catalogue's areas must be named in
the page's language.
"""

from __future__ import annotations

import json
import math
import re

import pytest
import shapely
from pagetest import TIMEOUT, page_path, shown
from streamlit.testing.v1 import AppTest
from test_edit_data import EDIT_PAGE, PASSWORD, editor_secrets, store_url  # noqa: F401 - store_url is a fixture
from test_languages import visible_texts

from kzatlas import catalog
from kzatlas.config import GEODATA_DIR
from kzatlas.i18n import name_column, shown_name, translator
from kzatlas.ingest import check_file

LANGUAGES = ("ru", "kk")
CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]{2,}")
# Words that stay in Latin letters in every language: formats, codes, standards, names of things.
KEPT_WORDS = {
    "GeoJSON", "JSON", "XML", "GeoPackage", "KML", "CSV", "XLSX", "Excel", "EPSG", "WDPA", "SHA", "ISO", "UTF",
    "Feature", "FeatureCollection", "Point", "LineString", "Polygon", "Protected", "Planet", "ZIP", "zip", "MB", "http", "https",
}  # fmt: skip
FEATURES = catalog.feature_frame(catalog.load_catalogue(GEODATA_DIR))
REGIONS = catalog.region_frame(catalog.load_catalogue(GEODATA_DIR))


# ------------------------------------------------------------------ the flow


def signed_in(language: str) -> AppTest:
    """The Edit page in ``language``, with the editor signed in."""
    at = AppTest.from_file(page_path(EDIT_PAGE), default_timeout=TIMEOUT)
    for key, value in editor_secrets().items():
        at.secrets[key] = value
    at.query_params["lang"] = language
    at.run()
    at.text_input(key="auth.username").input("tester")
    at.text_input(key="auth.password").input(PASSWORD)
    sign_in = translator(language)("Sign in")
    next(button for button in at.button if button.label == sign_in).click().run()
    assert not at.exception, at.exception
    assert at.file_uploader, "the editor is not signed in"
    return at


def imported(language: str, name: str, data: bytes) -> AppTest:
    at = signed_in(language)
    at.file_uploader[0].set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest, kind: str) -> list[str]:
    return [shown(str(element.value)) for element in getattr(at, kind)]


def english_words(text: str, data: tuple[str, ...] = ()) -> list[str]:
    """Latin words in ``text`` that are neither kept in every language nor part of ``data``."""
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    text = re.sub(r"https?://\S+|\S+\.(?:geojson|json|csv|zip|kml|gpkg|xlsx|prj|shp)\b|`[^`]*`", " ", text)
    return [word for word in LATIN_WORD.findall(text) if word not in KEPT_WORDS]


def assert_in_language(text: str, language: str, data: tuple[str, ...] = ()) -> None:
    assert CYRILLIC.search(text), f"{language}: not translated: {text!r}"
    assert english_words(text, data) == [], f"{language}: English left in {text!r}"


def assert_no_english_left(at: AppTest, english: AppTest, language: str) -> None:
    """No heading, message, label or column the page shows is the same as in English (unless it is data)."""
    left = sorted(
        text
        for text in visible_texts(at) & visible_texts(english)
        if LATIN_WORD.search(text) and not CYRILLIC.search(text) and english_words(text)
    )
    assert left == [], f"{language}: the page still shows English: {left}"


def table_with(at: AppTest, column: str):
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


# ------------------------------------------------------------------ (a) refused files

REFUSED = [
    ("shapes.zip", b"MZ\x90\x00 not a zip"),  # bytes that do not match the name (said in the app's process)
    ("broken.geojson", b'{"type": "FeatureCollection", "features": ['),  # said by the reading process
    ("places.kml", b"name,lat,lon\nA,48,70\n"),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "data"), REFUSED, ids=[name for name, _ in REFUSED])
def test_a_refused_file_says_why_in_the_page_language(store_url, language, name, data):  # noqa: F811
    reason = check_file(data, name, catalogue_features=FEATURES, regions=REGIONS).refused
    assert reason is not None
    at = imported(language, name, data)
    errors = texts(at, "error")
    assert len(errors) == 1, errors
    translate = translator(language)
    assert reason.translated(translate) in errors[0]
    assert str(reason) not in errors[0]
    assert_in_language(errors[0], language, (name,))
    assert not any(button.label == translate("Save to the atlas") for button in at.button)


def test_the_refusal_follows_a_language_switch(store_url):  # noqa: F811
    at = imported("ru", "broken.geojson", REFUSED[1][1])
    assert "JSON" in texts(at, "error")[0] and CYRILLIC.search(texts(at, "error")[0])
    at.selectbox(key="sidebar.language").set_value("kk").run()
    assert not at.exception, at.exception
    kazakh = texts(at, "error")[0]
    assert kazakh.startswith(translator("kk")("This file cannot be imported: {reason}. Nothing was saved.")[:20])
    assert "файлды GeoJSON ретінде пайдалану мүмкін емес" in kazakh
    at.selectbox(key="sidebar.language").set_value("en").run()
    assert "the file is not valid JSON (line 1, column" in texts(at, "error")[0]


# ------------------------------------------------------------------ (b) rejected and repaired rows


def feature(name: str, geometry: dict | None, **properties) -> dict:
    return {"type": "Feature", "properties": {"name": name, "kind": "undp_site", **properties}, "geometry": geometry}


def crossed_octagon(x: float, y: float, radius: float) -> shapely.Polygon:
    """An octagon with two neighbouring corners swapped: its ring crosses itself, its area is not zero."""
    corners = [(x + radius * math.cos(math.pi * k / 4 + 0.2), y + radius * math.sin(math.pi * k / 4 + 0.2)) for k in range(8)]
    corners[2], corners[3] = corners[3], corners[2]
    return shapely.Polygon(corners)


def point(lon: float, lat: float, *rest: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat, *rest]}


ROWS_FILE = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            feature("Kokshetau ranger post", point(69.4, 53.1, 240.0), name_ru="Кокшетауский кордон"),
            feature("Crossed plot", shapely.geometry.mapping(crossed_octagon(66.0, 49.0, 0.1))),
            feature("Paris office", point(2.35, 48.85)),
            feature("Nursery", point(66.0, 49.0), themes="forests;castles"),
            feature("No shape", None),
            feature("Bad year", point(70.0, 48.0), year="abc"),
            feature("Bad link", point(70.0, 48.0), links="javascript:alert(1)"),
            feature("Far north", point(70.0, 95.0)),
        ],
    }
).encode()
# What the file says, quoted in the messages as it is (control characters shown as "?").
ROW_DATA = ("castles", "abc", "javascript:alert(1)")


@pytest.fixture(scope="module")
def english_rows() -> AppTest:
    return imported("en", "rows.geojson", ROWS_FILE)


@pytest.mark.parametrize("language", LANGUAGES)
def test_rejected_and_repaired_rows_give_their_reasons_in_the_page_language(store_url, english_rows, language):  # noqa: F811
    translate = translator(language)
    at = imported(language, "rows.geojson", ROWS_FILE)
    table = table_with(at, translate("Why rejected"))
    repairs = [cell for column in ("Repairs", "Notes and warnings") for cell in table[translate(column)] if cell]
    reasons = [cell for cell in table[translate("Why rejected")] if cell]
    assert len(repairs) >= 4 and len(reasons) == 4, (repairs, reasons)
    for cell in [*repairs, *reasons]:
        assert_in_language(cell, language, ROW_DATA)
    english = table_with(english_rows, "Why rejected")
    assert not set(table[translate("Why rejected")]) & {cell for cell in english["Why rejected"] if cell}
    # Numbers in messages are written the page's way (a comma before the decimals).
    crossed = next(cell for cell in table[translate("Repairs")] if "%" in cell)
    assert re.search(r"[+−-]?\d+,\d %", crossed), crossed
    # The file's own name in the page's language where the file gives one.
    if language == "ru":
        assert "Кокшетауский кордон" in list(table[translate("Name")])
    for text in [*texts(at, "warning"), *texts(at, "caption")]:
        if LATIN_WORD.search(text):
            assert CYRILLIC.search(text), f"{language}: {text!r}"
    assert_no_english_left(at, english_rows, language)


# ------------------------------------------------------------------ (c) catalogue matches


def wdpa_file() -> bytes:
    areas = [
        (555001, "Korgalzhynskiy", "Коргалжынский", "State Nature Reserve", 5431.71, 1968, 69.18889, 50.43369),
        (555002, "Naurzumskiy", "Наурзумский", "Zapovednik", 1913.81, 1931, 64.43889, 51.53346),
    ]
    features = [
        {
            "type": "Feature",
            "properties": {
                "WDPAID": wdpa_id,
                "NAME": name,
                "ORIG_NAME": original,
                "DESIG_ENG": designation,
                "IUCN_CAT": "Ia",
                "REP_AREA": area,
                "STATUS_YR": year,
            },
            "geometry": shapely.geometry.mapping(shapely.Point(lon, lat).buffer(0.3, quad_segs=4)),
        }
        for wdpa_id, name, original, designation, area, year, lon, lat in areas
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


@pytest.fixture(scope="module")
def english_matches() -> AppTest:
    return imported("en", "wdpa.geojson", wdpa_file())


@pytest.mark.parametrize("language", LANGUAGES)
def test_matches_name_the_catalogue_areas_in_the_page_language(store_url, english_matches, language):  # noqa: F811
    translate = translator(language)
    at = imported(language, "wdpa.geojson", wdpa_file())
    table = table_with(at, translate("Catalogue area"))
    catalogue = FEATURES.set_index("id", drop=False)
    expected = {
        catalogue_id: shown_name(catalogue.loc[catalogue_id], name_column(language), translate)
        for catalogue_id in ("pa-korgalzhyn", "pa-naurzum")
    }
    assert dict(zip(table.index, table[translate("Catalogue area")])) == expected
    for catalogue_id, name in expected.items():
        assert CYRILLIC.search(name) and name != catalogue.loc[catalogue_id, "name_en"]
        assert catalogue.loc[catalogue_id, "name_en"] not in name
    assert all(CYRILLIC.search(str(how)) for how in table[translate("Matched by")])
    labels = [box.label for box in at.checkbox]
    for name in expected.values():
        assert any(name in label for label in labels), labels
    for label in labels:
        assert_in_language(shown(label), language, ("Korgalzhynskiy", "Naurzumskiy"))
    warnings = texts(at, "warning")
    assert warnings, "the note about matching by name is missing"
    for warning in warnings:
        assert_in_language(warning, language)
    assert_no_english_left(at, english_matches, language)
