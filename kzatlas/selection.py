"""Typed values from the map and the address bar.

* ``st_folium``'s return dict -> :class:`MapClick`.
* Query parameters <-> :class:`Filters`, the selected feature, :class:`MapView`, the profiled
  region, the scene being played and the language, each through an allowlist parser: unknown or
  malformed values give the default plus a :class:`Notice`, never an exception.

Every query parameter's name is declared here, once.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from kzatlas.analysis import Filters
from kzatlas.config import DEFAULT_LANGUAGE, LANGUAGES
from kzatlas.i18n import Translate, kind_label, theme_label

# Query parameter names (short, stable: they end up in shared links).
PARAM_QUERY = "q"
PARAM_REGIONS = "regions"
PARAM_KINDS = "kinds"
PARAM_THEMES = "themes"
PARAM_YEARS = "years"
PARAM_UNDP = "undp"
PARAM_SELECTED = "sel"
PARAM_VIEW = "view"
PARAM_REGION = "region"  # the region profile's region
PARAM_SCENE = "scene"  # the scene being presented (1-based)
PARAM_LANGUAGE = "lang"
PARAM_TIME = "year"  # the year the map's time line shows (read in the browser; kept by scenes)
TIME_RANGE = (1800, 2100)
FILTER_PARAMS = (PARAM_QUERY, PARAM_REGIONS, PARAM_KINDS, PARAM_THEMES, PARAM_YEARS, PARAM_UNDP)

MAX_QUERY_CHARS = 80
VIEW_LAT_RANGE = (30.0, 65.0)
VIEW_LON_RANGE = (30.0, 110.0)
VIEW_ZOOM_RANGE = (3.0, 12.0)
# ASCII digits only: ``\d`` and ``str.isdigit`` also accept Arabic-Indic digits and superscripts.
_YEARS_PATTERN = re.compile(r"([0-9]{4})-([0-9]{4})")
# A plain decimal: optional minus, ASCII digits, optional fraction; no exponent, NaN or Infinity.
_DECIMAL_PATTERN = re.compile(r"-?[0-9]{1,4}(?:\.[0-9]{1,10})?")
MAX_INTEGER_DIGITS = 6
SELECTED_ZOOM = 7.0  # the zoom of a view opened on one feature


@dataclass(frozen=True)
class MapClick:
    """What the last map click picked: a feature id, or ``None`` for empty map."""

    feature_id: str | None


@dataclass(frozen=True)
class MapView:
    """Centre and zoom of the map."""

    lat: float
    lng: float
    zoom: float

    def to_param(self) -> str:
        """The value of ``view=lat,lng,zoom`` for this view."""
        return f"{self.lat:.4f},{self.lng:.4f},{self.zoom:g}"


@dataclass(frozen=True)
class Notice:
    """A URL value that was ignored, to show the user (never raised)."""

    param: str
    value: str


@dataclass(frozen=True)
class Allowed:
    """The values a link may ask for, taken from the loaded catalogue."""

    regions: frozenset[str]
    kinds: frozenset[str]
    themes: frozenset[str]
    feature_ids: frozenset[str]
    year_bounds: tuple[int, int] | None


def parse_click(returned: dict | None, known_ids: frozenset[str]) -> MapClick | None:
    """Read ``last_object_clicked`` from ``st_folium``'s return value.

    Returns ``None`` when the map has not reported a click, ``MapClick(None)`` for a click on
    empty map (or on something that is not a known feature), ``MapClick(id)`` for a feature.
    """
    if not isinstance(returned, dict) or "last_object_clicked" not in returned:
        return None
    clicked = returned["last_object_clicked"]
    if not isinstance(clicked, dict):
        return MapClick(None)
    feature_id = clicked.get("id")
    return MapClick(feature_id if isinstance(feature_id, str) and feature_id in known_ids else None)


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _allowed_list(params: dict[str, str], name: str, allowed: frozenset[str], notices: list[Notice]) -> tuple[str, ...]:
    raw = params.get(name)
    if raw is None:
        return ()
    items = _split(raw)
    good = tuple(dict.fromkeys(item for item in items if item in allowed))
    if len(good) != len(items):
        notices.append(Notice(name, raw))
    return good


def parse_filters(params: dict[str, str], allowed: Allowed) -> tuple[Filters, list[Notice]]:
    """Filters from query parameters; anything not allowed is dropped with a notice."""
    notices: list[Notice] = []
    query = params.get(PARAM_QUERY, "")
    if len(query) > MAX_QUERY_CHARS:
        notices.append(Notice(PARAM_QUERY, query))
        query = ""
    year_range = None
    raw_years = params.get(PARAM_YEARS)
    if raw_years is not None:
        match = _YEARS_PATTERN.fullmatch(raw_years)
        bounds = allowed.year_bounds
        if match and bounds:
            low, high = int(match.group(1)), int(match.group(2))
            if bounds[0] <= low <= high <= bounds[1]:
                year_range = (low, high)
        if year_range is None:
            notices.append(Notice(PARAM_YEARS, raw_years))
    undp_raw = params.get(PARAM_UNDP)
    if undp_raw not in (None, "1", "0"):
        notices.append(Notice(PARAM_UNDP, undp_raw))
    filters = Filters(
        regions=_allowed_list(params, PARAM_REGIONS, allowed.regions, notices),
        themes=_allowed_list(params, PARAM_THEMES, allowed.themes, notices),
        kinds=_allowed_list(params, PARAM_KINDS, allowed.kinds, notices),
        year_range=year_range,
        undp_only=undp_raw == "1",
        name_query=query.strip(),
    )
    return filters, notices


def filters_to_params(filters: Filters, year_bounds: tuple[int, int] | None) -> dict[str, str]:
    """Query parameters for ``filters``; defaults are left out so links stay short."""
    params: dict[str, str] = {}
    if filters.name_query:
        params[PARAM_QUERY] = filters.name_query
    if filters.regions:
        params[PARAM_REGIONS] = ",".join(filters.regions)
    if filters.kinds:
        params[PARAM_KINDS] = ",".join(filters.kinds)
    if filters.themes:
        params[PARAM_THEMES] = ",".join(filters.themes)
    if filters.year_range is not None and filters.year_range != year_bounds:
        params[PARAM_YEARS] = f"{filters.year_range[0]}-{filters.year_range[1]}"
    if filters.undp_only:
        params[PARAM_UNDP] = "1"
    return params


def _one_of(
    params: dict[str, str], name: str, allowed: frozenset[str] | tuple[str, ...]
) -> tuple[str | None, list[Notice]]:
    """The value of ``name`` when it is one of ``allowed``; anything else gives a notice."""
    raw = params.get(name)
    if raw is None:
        return None, []
    if raw in allowed:
        return raw, []
    return None, [Notice(name, raw)]


def filters_text(filters: Filters) -> str:
    """The filters in words for an export's citation (the link parameters, readable)."""
    params = filters_to_params(filters, None)
    return "; ".join(f"{key}={value}" for key, value in params.items()) or "none"


def filters_in_words(
    filters: Filters,
    translate: Translate,
    region_names: dict[str, str],
    year_bounds: tuple[int, int] | None = None,
) -> str:
    """The filters as a reader would say them, translated (for a banner or a caption).

    Parameters
    ----------
    filters : Filters
        The filters to describe.
    translate : Translate
        The page's translate function.
    region_names : dict of str to str
        ISO code -> region name in the page's language (unknown codes are shown as they are).
    year_bounds : tuple of int, optional
        The catalogue's full year range; a year filter equal to it is not mentioned.

    Returns
    -------
    str
        For example ``"Regions: Kostanay Region; Kinds: National park; UNDP-supported only"``,
        or a sentence saying that nothing is filtered.
    """
    parts = []
    if filters.name_query:
        parts.append(translate("Name contains “{text}”").format(text=filters.name_query))
    if filters.regions:
        names = ", ".join(region_names.get(code, code) for code in filters.regions)
        parts.append(translate("Regions: {names}").format(names=names))
    if filters.kinds:
        labels = ", ".join(kind_label(kind, translate) for kind in filters.kinds)
        parts.append(translate("Kinds: {labels}").format(labels=labels))
    if filters.themes:
        labels = ", ".join(theme_label(theme, translate) for theme in filters.themes)
        parts.append(translate("Themes: {labels}").format(labels=labels))
    if filters.year_range is not None and filters.year_range != year_bounds:
        low, high = filters.year_range
        parts.append(translate("Years {low}–{high}").format(low=low, high=high))
    if filters.undp_only:
        parts.append(translate("UNDP-supported only"))
    return "; ".join(parts) if parts else translate("All features, no filter")


def parse_selected(params: dict[str, str], allowed_ids: frozenset[str]) -> tuple[str | None, list[Notice]]:
    """The selected feature (or region) id from ``sel``, if it is a known one."""
    return _one_of(params, PARAM_SELECTED, allowed_ids)


def parse_count(raw: object, max_digits: int = MAX_INTEGER_DIGITS) -> int | None:
    """A whole number written in plain ASCII digits, or ``None``.

    Refuses signs, spaces, underscores, superscripts, other scripts' digits and anything
    longer than ``max_digits``, so no input can make ``int()`` raise or work hard.

    Parameters
    ----------
    raw : object
        A value from the address bar or a file.
    max_digits : int
        Longest accepted number of digits.

    Returns
    -------
    int or None
    """
    if not isinstance(raw, str) or not 0 < len(raw) <= max_digits:
        return None
    if not (raw.isascii() and raw.isdigit()):
        return None
    return int(raw)


def parse_decimal(raw: object) -> float | None:
    """A finite decimal such as ``-12.5`` written in ASCII, or ``None``.

    No exponent, ``nan``, ``inf``, spaces, underscores or other scripts' digits.

    Parameters
    ----------
    raw : object
        A value from the address bar or a file.

    Returns
    -------
    float or None
    """
    if not isinstance(raw, str) or not _DECIMAL_PATTERN.fullmatch(raw):
        return None
    value = float(raw)
    return value if math.isfinite(value) else None


def parse_view(params: dict[str, str]) -> tuple[MapView | None, list[Notice]]:
    """``view=lat,lng,zoom`` within Kazakhstan's surroundings and the map's zoom range."""
    raw = params.get(PARAM_VIEW)
    if raw is None:
        return None, []
    parts = [parse_decimal(part) for part in str(raw).split(",")]
    if len(parts) != 3 or None in parts:
        return None, [Notice(PARAM_VIEW, raw)]
    lat, lng, zoom = parts
    values_ok = all(math.isfinite(v) for v in (lat, lng, zoom))
    in_range = (
        VIEW_LAT_RANGE[0] <= lat <= VIEW_LAT_RANGE[1]
        and VIEW_LON_RANGE[0] <= lng <= VIEW_LON_RANGE[1]
        and VIEW_ZOOM_RANGE[0] <= zoom <= VIEW_ZOOM_RANGE[1]
    )
    if not (values_ok and in_range):
        return None, [Notice(PARAM_VIEW, raw)]
    return MapView(lat, lng, zoom), []


def parse_time(params: dict[str, str]) -> tuple[int | None, list[Notice]]:
    """The time line's year from ``year=``: four ASCII digits within :data:`TIME_RANGE`."""
    raw = params.get(PARAM_TIME)
    if raw is None:
        return None, []
    text = str(raw).strip()
    # ASCII digits only, as the browser reads them (``isdigit`` alone would take other scripts' digits).
    if len(text) != 4 or not (text.isascii() and text.isdigit()) or not TIME_RANGE[0] <= int(text) <= TIME_RANGE[1]:
        return None, [Notice(PARAM_TIME, raw)]
    return int(text), []


def parse_region(params: dict[str, str], allowed_codes: frozenset[str]) -> tuple[str | None, list[Notice]]:
    """The region to profile from ``region``, if it is a known ISO 3166-2 code."""
    return _one_of(params, PARAM_REGION, allowed_codes)


def parse_scene(params: dict[str, str], scene_count: int) -> tuple[int | None, list[Notice]]:
    """The 1-based scene to play from ``scene``, if the scene list has it."""
    raw = params.get(PARAM_SCENE)
    if raw is None:
        return None, []
    number = parse_count(raw)
    if number is not None and 1 <= number <= scene_count:
        return number, []
    return None, [Notice(PARAM_SCENE, raw)]


def parse_language(params: dict[str, str]) -> tuple[str | None, list[Notice]]:
    """The language asked for by ``lang``, if the atlas speaks it."""
    return _one_of(params, PARAM_LANGUAGE, LANGUAGES)


def language_to_params(language: str) -> dict[str, str]:
    """Query parameters for ``language``; the default language is left out."""
    return {} if language == DEFAULT_LANGUAGE else {PARAM_LANGUAGE: language}


def scene_to_params(number: int | None) -> dict[str, str]:
    """Query parameters that play scene ``number`` (none when not presenting)."""
    return {PARAM_SCENE: str(number)} if number else {}


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0", "[::1]"})


def public_base(value: object) -> str | None:
    """A configured public address as ``scheme://host[/prefix]``, or ``None`` when it is not one.

    Only ``http`` and ``https`` addresses with a host are taken; a query, fragment and trailing
    slash are dropped, so page links can be appended (``base + feature_link(...)``).
    """
    if not isinstance(value, str) or not value.strip():
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or any(ch.isspace() for ch in value.strip()):
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def is_local_address(url: str) -> bool:
    """Whether ``url`` points at the computer it is opened on (a link that works for nobody else)."""
    host = (urlsplit(url).hostname or "").lower()
    return host in LOCAL_HOSTS or host.startswith("127.") or host.endswith(".localhost")


def feature_link(feature_id: str) -> str:
    """Relative address of the map explorer with ``feature_id`` selected."""
    return f"/?{PARAM_SELECTED}={feature_id}"


def region_link(iso_code: str) -> str:
    """Relative address of the region profile for ``iso_code``."""
    return f"/region_profile?{PARAM_REGION}={iso_code}"


def with_language(link: str, language: str) -> str:
    """``link`` with the page language added (``lang=``), unless it is the default language.

    Parameters
    ----------
    link : str
        An address of the atlas, absolute or relative, with or without a query.
    language : str
        The language the link should open in.

    Returns
    -------
    str
        The address with ``lang`` set (replacing one it had), or unchanged for English.
    """
    extra = language_to_params(language)
    if not extra:
        return link
    parts = urlsplit(link)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != PARAM_LANGUAGE]
    return urlunsplit(parts._replace(query=urlencode([*query, *extra.items()])))


def scene_link(number: int) -> str:
    """Relative address of the presenter playing scene ``number``."""
    return f"/present?{PARAM_SCENE}={number}"


def feature_view(features, feature_id: str) -> MapView | None:
    """A view centred on a feature (for links that name a feature but no view).

    Parameters
    ----------
    features : geopandas.GeoDataFrame
        Features with ``id`` and geometry.
    feature_id : str
        The feature to centre on.

    Returns
    -------
    MapView or None
        ``None`` when the feature is unknown or has no map position.
    """
    match = features[features["id"] == feature_id]
    if match.empty or match.geometry.iloc[0] is None or match.geometry.iloc[0].is_empty:
        return None
    point = match.geometry.iloc[0].representative_point()
    return MapView(round(point.y, 4), round(point.x, 4), SELECTED_ZOOM)
