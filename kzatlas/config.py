"""Paths, constants and palettes for the atlas. Nothing else lives here."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT_DIR = PACKAGE_DIR.parent
GEODATA_DIR = ROOT_DIR / "geodata"
MANIFEST_PATH = GEODATA_DIR / "manifest.json"
STATIC_DIR = ROOT_DIR / "static"
LOCALE_DIR = PACKAGE_DIR / "locale"
APP_ICON = PACKAGE_DIR / "assets" / "icon.png"

# Streamlit serves ROOT_DIR/static at this URL prefix (server.enableStaticServing).
STATIC_URL = "/app/static"
LEAFLET_JS_URL = f"{STATIC_URL}/leaflet/leaflet.js"
LEAFLET_CSS_URL = f"{STATIC_URL}/leaflet/leaflet.css"
# Leaflet.draw (npm leaflet-draw), the drawing tools of the editing map.
LEAFLET_DRAW_JS_URL = f"{STATIC_URL}/leaflet-draw/leaflet.draw.js"
LEAFLET_DRAW_CSS_URL = f"{STATIC_URL}/leaflet-draw/leaflet.draw.css"

CRS = "EPSG:4326"
# Equal-area projection for hectares and shares (World Cylindrical Equal Area is
# exact for areas everywhere; Kazakhstan spans 40-87 degrees east, too wide for one UTM zone).
EQUAL_AREA_CRS = "EPSG:6933"
# Kazakhstan's official territory, km2 (used to report the share the map covers).
KAZAKHSTAN_AREA_KM2 = 2_724_900

# The layers of the catalogue, in drawing order (bottom first).
REGIONS_LAYER = "regions"
PROTECTED_AREAS_LAYER = "protected_areas"
CORRIDORS_LAYER = "corridors"
UNDP_SITES_LAYER = "undp_sites"
FEATURE_LAYERS = (PROTECTED_AREAS_LAYER, CORRIDORS_LAYER, UNDP_SITES_LAYER)

# Feature kinds. Adding one takes an entry in KIND_SETTINGS (and its labels in the catalogues);
# the web map, the pack's map, their legends, filters and tables all follow.
KIND_STRICT_RESERVE = "strict_nature_reserve"
KIND_NATURE_RESERVE = "nature_reserve"
KIND_NATIONAL_PARK = "national_park"
KIND_CORRIDOR = "ecological_corridor"
KIND_UNDP_SITE = "undp_site"
KIND_UNDP_PROGRAMME = "undp_programme"
# How the maps draw a kind: a filled shape, a band (lighter fill, dashed edge: a corridor),
# a dot, or not at all (no single map position).
DRAWN_AS_AREA = "area"
DRAWN_AS_BAND = "band"
DRAWN_AS_POINT = "point"
# Each kind, in legend order: its label and short label (English; translated through the
# catalogues), its colour (Okabe-Ito: distinguishable with the common colour-vision
# deficiencies) and how the maps draw it.
KIND_SETTINGS = {
    KIND_STRICT_RESERVE: {
        "label": "Strict nature reserve (zapovednik)",
        "short_label": "Strict reserves",
        "colour": "#009E73",  # bluish green
        "drawn_as": DRAWN_AS_AREA,
    },
    KIND_NATURE_RESERVE: {
        "label": "Nature reserve (rezervat)",
        "short_label": "Nature reserves",
        "colour": "#E69F00",  # orange
        "drawn_as": DRAWN_AS_AREA,
    },
    KIND_NATIONAL_PARK: {
        "label": "National park",
        "short_label": "National parks",
        "colour": "#0072B2",  # blue
        "drawn_as": DRAWN_AS_AREA,
    },
    KIND_CORRIDOR: {
        "label": "Ecological corridor",
        "short_label": "Corridors",
        "colour": "#CC79A7",  # reddish purple
        "drawn_as": DRAWN_AS_BAND,
    },
    KIND_UNDP_SITE: {
        "label": "UNDP project site",
        "short_label": "UNDP sites",
        "colour": "#D55E00",  # vermillion
        "drawn_as": DRAWN_AS_POINT,
    },
    KIND_UNDP_PROGRAMME: {
        "label": "UNDP programme (no single location)",
        "short_label": "UNDP programmes",
        "colour": "#56B4E9",  # sky blue (never drawn on the map)
        "drawn_as": None,
    },
}
KINDS = tuple(KIND_SETTINGS)
# Reserves and parks: the kinds that count as protected territory.
PROTECTED_KINDS = (KIND_STRICT_RESERVE, KIND_NATURE_RESERVE, KIND_NATIONAL_PARK)
# Protected areas plus corridors: the kinds with an official area, and a UNDP site's neighbours.
AREA_KINDS = (*PROTECTED_KINDS, KIND_CORRIDOR)
# UNDP's work: located sites and programmes with no single location.
UNDP_KINDS = (KIND_UNDP_SITE, KIND_UNDP_PROGRAMME)
# The optional ``relationship`` column of a UNDP-layer record: a UN entity listed with UNDP's
# work that UNDP did not build (shown, never counted as UNDP work). Missing means UNDP's own.
RELATIONSHIP_COLUMN = "relationship"
RELATIONSHIP_UN_PARTNER = "un_partner"
# How far around a UNDP site its neighbourhood reaches by default, km (details panel and packs).
NEARBY_KM = 100
# A re-imported row is the same feature as a catalogue one of its name and kind only this close, km;
# farther away it is another place (or a file with latitude and longitude swapped).
IMPORT_MATCH_KM = 25

# ISO 3166-2:KZ codes of the 2022 division: 17 regions and the cities Almaty, Astana, Shymkent.
REGION_CODES = (
    "KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35", "KZ-39",
    "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", "KZ-71", "KZ-75", "KZ-79",
)  # fmt: skip
REGION_KINDS = ("region", "city")

KIND_COLOURS = {kind: settings["colour"] for kind, settings in KIND_SETTINGS.items()}
REGION_LINE_COLOUR = "#8C8C8C"
REGION_FILL_COLOUR = "#F4F1EA"
MAP_BACKGROUND = "#C9DCE8"
# The offline basemap: neighbours in a quiet grey, water a soft blue, names in grey.
BASEMAP_LAND_COLOUR = "#E4E4E1"
BASEMAP_BORDER_COLOUR = "#B4B4B0"
BASEMAP_WATER_COLOUR = "#C9DCE8"
BASEMAP_WATER_LINE_COLOUR = "#9DBCD2"
BASEMAP_RIVER_COLOUR = "#8FB5D0"

# Geometry quality vocabulary (every feature carries one; "none" = no map position;
# "region" = placed by its region only, no point invented).
GEOMETRY_QUALITIES = ("surveyed", "digitised", "approximate", "schematic", "point", "region", "none")

# Map framing: Kazakhstan's extent ((south, west), (north, east)). Maps open fitted to it in the
# browser, at whatever size their frame has; the centre and zoom below are only where Leaflet
# starts (and the zoom the features' detail is prepared for).
KAZAKHSTAN_BOUNDS = ((40.5, 46.4), (55.5, 87.4))
MAP_CENTER = (48.5, 69.0)
MAP_ZOOM = 4.5
# The explorer map's height before the browser sizes it to the window (see map.screen_fit).
MAP_HEIGHT_PX = 640
# What the offline basemap covers ((south, west), (north, east)): the map never shows past it.
# It stops at 37.1 N, north of Jammu and Kashmir (scripts/geodata_build/basemap_inputs.py).
BASEMAP_BOUNDS = ((37.1, 30.0), (65.0, 110.0))
# The closest zoom the offline basemap is drawn for (it is simplified for zooms up to about 7):
# scenes and the map's own moves to a feature or place never go closer.
BASEMAP_DETAIL_ZOOM = 8.0
# Names, lines and the map's controls grow with the map's frame beyond this size (CSS pixels,
# width and height): 1 up to it, 2 on a frame twice as large (a 4K wall).
MAP_SCALE_FROM_PX = (1920, 960)
# A ``view=`` (centre and zoom) stands for what a map frame of this size shows; a scene made from
# a view shows that extent, fitted to the screen it is played on.
VIEW_FRAME_PX = (1000, 520)

# Coordinates sent to the browser are rounded to this many decimals (about 1 m).
COORDINATE_DECIMALS = 5
# Simplification tolerance for region outlines, degrees (about 1 km at 48 N).
REGION_SIMPLIFY_DEGREES = 0.01

# The atlas's languages. Adding one takes an entry here, its catalogue kzatlas/locale/<code>.po
# (scripts/extract_messages.py starts it) and a name_<code> field in the data; no other code.
#   own_name       in the language picker
#   english_name   in labels such as "Name (Russian)"; translated through the catalogues
#   locale         Babel's locale for numbers
#   script         the Unicode script of its letters (an imported name column is told by it)
#   letters        letters only this language uses among those of its script ("" for the
#                  script's first language, which takes the rest)
#   headers        what an imported file may call its name column, besides name_<code>
LANGUAGE_SETTINGS = {
    "en": {
        "own_name": "English",
        "english_name": "English",
        "locale": "en",
        "script": "LATIN",
        "letters": "",
        "headers": ("name", "title", "site", "site_name", "name_eng", "english_name", "наименование_en"),
        # Days as the data keeps them (ISO 2026-11-23), which no English reader misreads.
        "date_pattern": "",
    },
    "ru": {
        "own_name": "Русский",
        "english_name": "Russian",
        "locale": "ru",
        "script": "CYRILLIC",
        "letters": "",
        "headers": ("название", "наименование", "name_rus", "russian_name"),
        "date_pattern": "dd.MM.yyyy",
    },
    "kk": {
        "own_name": "Қазақша",
        "english_name": "Kazakh",
        "locale": "kk",
        "script": "CYRILLIC",
        "letters": "әғқңөұүһіӘҒҚҢӨҰҮҺІ",
        "headers": ("name_kz", "атауы", "атауи", "kazakh_name"),
        "date_pattern": "dd.MM.yyyy",
    },
}
LANGUAGES = tuple(LANGUAGE_SETTINGS)
DEFAULT_LANGUAGE = "en"
# Every feature and region carries its name in each language: name_en, name_ru, ...
NAME_COLUMN_PREFIX = "name_"
NAME_COLUMNS = tuple(NAME_COLUMN_PREFIX + code for code in LANGUAGES)
ENGLISH_NAME_COLUMN = NAME_COLUMN_PREFIX + DEFAULT_LANGUAGE

# Optional web basemap; off by default so the map never needs the network.
WEB_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
WEB_TILES_ATTRIBUTION = "&copy; OpenStreetMap contributors"

UN_DISCLAIMER = (
    "The boundaries and names shown and the designations used on this map do not imply "
    "official endorsement or acceptance by the United Nations."
)

# Saved layers and edits (kzatlas/store/): one SQLite file in a data folder that is not versioned.
DATA_DIR = ROOT_DIR / "data"
DATA_DIR_ENV = "KZATLAS_DATA_DIR"
STORE_FILE_NAME = "kzatlas.sqlite"

# The store's address; unset means the embedded file in the data folder (kzatlas.store).
STORE_URL_ENV = "KZATLAS_STORE_URL"

# The atlas's public address (https://atlas.example.org, or with a path prefix), for the links
# and QR codes that packs and offline kits carry: this variable, else [atlas] public_url in
# .streamlit/secrets.toml. Unset, the address the browser used serves, unless it is this
# computer's own (localhost): then packs carry no link and say why.
PUBLIC_URL_ENV = "KZATLAS_PUBLIC_URL"
PUBLIC_URL_SECRET = ("atlas", "public_url")

# Where a feature shown on the map comes from: the shipped catalogue, a shipped feature an
# editor changed, or one an editor added (kzatlas.store).
ORIGIN_COLUMN = "origin"
ORIGIN_CATALOGUE = "catalogue"
ORIGIN_EDITED = "edited"
ORIGIN_ADDED = "added"
ORIGINS = (ORIGIN_CATALOGUE, ORIGIN_EDITED, ORIGIN_ADDED)


def _kinds_drawn_as(drawn_as: str) -> tuple[str, ...]:
    return tuple(kind for kind, settings in KIND_SETTINGS.items() if settings["drawn_as"] == drawn_as)


# Kinds drawn as dots, and as bands (a lighter fill, dashed edge).
POINT_KINDS = _kinds_drawn_as(DRAWN_AS_POINT)
BAND_KINDS = _kinds_drawn_as(DRAWN_AS_BAND)
# Kinds that get a layer on the maps, bottom first: bands under the areas they link, areas in
# the legend's order reversed (the strictest protection on top), dots above everything.
MAP_KINDS = (*BAND_KINDS, *reversed(_kinds_drawn_as(DRAWN_AS_AREA)), *POINT_KINDS)
