"""Scene lists for presenting: a scene is a caption plus the link parameters of a view.

A scene holds exactly what a shared link holds (filters, selected feature, map view), so every
scene has its own address and is checked by the same allowlists. Scene lists are JSON files a
presenter saves, shares and opens again.

A scene is played fitted to its *extent* (:func:`scene_extent`), so it fills a projector, a
laptop and a 4K wall alike: the area its view stands for, else its regions, else its feature,
else the whole country; never closer than the offline basemap is drawn for.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from kzatlas.analysis import Filters
from kzatlas.config import BASEMAP_DETAIL_ZOOM, KAZAKHSTAN_BOUNDS, VIEW_FRAME_PX
from kzatlas.safety import JSONLimitError, load_json_limited, plain_snippet
from kzatlas.selection import (
    FILTER_PARAMS,
    PARAM_SELECTED,
    PARAM_TIME,
    PARAM_VIEW,
    Allowed,
    MapView,
    filters_to_params,
    parse_filters,
    parse_selected,
    parse_time,
    parse_view,
)

DECK_FORMAT = "kz-atlas-scenes"
DECK_VERSION = 1
MAX_DECK_BYTES = 200_000
MAX_SCENES = 60
MAX_CAPTION_CHARS = 160
# A scene list is four levels deep (document, scenes, scene, params); leave a little room.
MAX_DECK_DEPTH = 8
SCENE_PARAMS = (*FILTER_PARAMS, PARAM_SELECTED, PARAM_VIEW, PARAM_TIME)
DEFAULT_DECK_PATH = Path(__file__).resolve().parent / "decks" / "default.json"
# The story of the protected network: chosen years of the time line, each with its caption.
STORY_DECK_PATH = Path(__file__).resolve().parent / "decks" / "story.json"


class DeckError(ValueError):
    """A scene list that cannot be used; the message is safe to show."""


@dataclass(frozen=True)
class Scene:
    """One step of a presentation."""

    caption: str
    filters: Filters = Filters()
    selected: str | None = None
    view: MapView | None = None
    # A story scene: the year the map's time line shows (None: today, everything).
    year: int | None = None

    def params(self, year_bounds: tuple[int, int] | None = None) -> dict[str, str]:
        """The link parameters that reproduce this scene in the map explorer."""
        params = filters_to_params(self.filters, year_bounds)
        if self.selected:
            params[PARAM_SELECTED] = self.selected
        if self.view:
            params[PARAM_VIEW] = self.view.to_param()
        if self.year is not None:
            params[PARAM_TIME] = str(self.year)
        return params

    def explorer_url(self, year_bounds: tuple[int, int] | None = None) -> str:
        """Relative address of the map explorer showing this scene."""
        query = urlencode(self.params(year_bounds))
        return "/" + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Deck:
    """An ordered list of scenes with a title."""

    title: str
    scenes: tuple[Scene, ...] = field(default_factory=tuple)

    def with_scene(self, scene: Scene) -> Deck:
        """The deck with ``scene`` added at the end (a full deck raises :class:`DeckError`)."""
        if len(self.scenes) >= MAX_SCENES:
            raise DeckError(f"a scene list holds at most {MAX_SCENES} scenes")
        return Deck(self.title, (*self.scenes, scene))

    def without(self, index: int) -> Deck:
        """The deck without scene ``index``."""
        return Deck(self.title, tuple(s for i, s in enumerate(self.scenes) if i != index))

    def moved(self, index: int, step: int) -> Deck:
        """The deck with scene ``index`` moved ``step`` places (clamped to the ends)."""
        target = max(0, min(len(self.scenes) - 1, index + step))
        scenes = list(self.scenes)
        scenes.insert(target, scenes.pop(index))
        return Deck(self.title, tuple(scenes))


def deck_to_json(deck: Deck, year_bounds: tuple[int, int] | None = None) -> bytes:
    """The scene-list file: readable JSON with a format marker and version."""
    document = {
        "format": DECK_FORMAT,
        "version": DECK_VERSION,
        "title": deck.title,
        "scenes": [{"caption": s.caption, "params": s.params(year_bounds)} for s in deck.scenes],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def parse_deck(data: bytes, allowed: Allowed) -> tuple[Deck, list[str]]:
    """Read a scene-list file; every value goes through the link allowlists.

    Returns the deck and a list of warnings (values that were dropped).

    Raises
    ------
    DeckError
        If the file is too large, too deeply nested, holds an over-long number, is not
        JSON, or is not a scene list.
    """
    try:
        document = load_json_limited(data, max_bytes=MAX_DECK_BYTES, max_depth=MAX_DECK_DEPTH)
    except JSONLimitError as exc:
        raise DeckError(str(exc)) from exc
    if not isinstance(document, dict) or document.get("format") != DECK_FORMAT:
        raise DeckError("the file is not an atlas scene list")
    version = document.get("version")
    # ``True == 1`` in Python, so the type is checked too.
    if type(version) is not int or version != DECK_VERSION:
        raise DeckError(f"scene list version {plain_snippet(version, 12)} is not supported")
    raw_scenes = document.get("scenes")
    if not isinstance(raw_scenes, list) or not raw_scenes:
        raise DeckError("the scene list has no scenes")
    if len(raw_scenes) > MAX_SCENES:
        raise DeckError(f"a scene list holds at most {MAX_SCENES} scenes")
    warnings: list[str] = []
    scenes = []
    for number, raw in enumerate(raw_scenes, start=1):
        if not isinstance(raw, dict) or not isinstance(raw.get("params", {}), dict):
            raise DeckError(f"scene {number} is not an object with params")
        params = {str(k): str(v) for k, v in raw.get("params", {}).items() if k in SCENE_PARAMS}
        filters, filter_notices = parse_filters(params, allowed)
        selected, selected_notices = parse_selected(params, allowed.feature_ids)
        view, view_notices = parse_view(params)
        view = capped_view(view)
        year, year_notices = parse_time(params)
        for notice in (*filter_notices, *selected_notices, *view_notices, *year_notices):
            warnings.append(f"scene {number}: ignored {notice.param}")
        caption = str(raw.get("caption", ""))[:MAX_CAPTION_CHARS]
        scenes.append(Scene(caption=caption, filters=filters, selected=selected, view=view, year=year))
    title = str(document.get("title", ""))[:MAX_CAPTION_CHARS]
    return Deck(title=title, scenes=tuple(scenes)), warnings


def load_default_deck(allowed: Allowed) -> Deck:
    """The scene list that ships with the atlas."""
    deck, _ = parse_deck(DEFAULT_DECK_PATH.read_bytes(), allowed)
    return deck


def load_story_deck(allowed: Allowed) -> Deck:
    """The story of the protected network through the years, as it ships with the atlas."""
    deck, _ = parse_deck(STORY_DECK_PATH.read_bytes(), allowed)
    return deck


# ---------------------------------------------------------------- where a scene is played

TILE_PX = 256


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _latitude(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def capped_view(view: MapView | None) -> MapView | None:
    """``view`` no closer than the offline basemap is drawn for (``BASEMAP_DETAIL_ZOOM``).

    Parameters
    ----------
    view : MapView or None
        A scene's view.

    Returns
    -------
    MapView or None
        The same centre, at most at the basemap's detail zoom.
    """
    if view is None or view.zoom <= BASEMAP_DETAIL_ZOOM:
        return view
    return MapView(view.lat, view.lng, BASEMAP_DETAIL_ZOOM)


def view_extent(view: MapView, frame_px: tuple[int, int] = VIEW_FRAME_PX) -> list[list[float]]:
    """What a map frame of ``frame_px`` (width, height in CSS pixels) shows at ``view``.

    Parameters
    ----------
    view : MapView
        Centre and zoom.
    frame_px : tuple of int
        The frame a view stands for (``VIEW_FRAME_PX``).

    Returns
    -------
    list
        ``[[south, west], [north, east]]`` (Leaflet's order), rounded to 4 decimals.
    """
    world_px = TILE_PX * 2**view.zoom
    half_lng = frame_px[0] / 2 / world_px * 360.0
    half_y = frame_px[1] / 2 / world_px * 2 * math.pi
    centre_y = _mercator_y(view.lat)
    south, north = _latitude(centre_y - half_y), _latitude(centre_y + half_y)
    return [
        [round(south, 4), round(view.lng - half_lng, 4)],
        [round(north, 4), round(view.lng + half_lng, 4)],
    ]


def extent_view(extent: list[list[float]], frame_px: tuple[int, int]) -> MapView:
    """The centre and (quarter-step) zoom that fit ``extent`` into a frame of ``frame_px``.

    The browser does the real fit; this is for what is prepared before it (the features'
    detail). Never closer than ``BASEMAP_DETAIL_ZOOM``, nor farther than zoom 3.

    Parameters
    ----------
    extent : list
        ``[[south, west], [north, east]]``.
    frame_px : tuple of int
        Width and height of the frame, CSS pixels.

    Returns
    -------
    MapView
    """
    (south, west), (north, east) = extent
    lng_share = max(east - west, 1e-6) / 360.0
    y_share = max(_mercator_y(north) - _mercator_y(south), 1e-6) / (2 * math.pi)
    zoom = min(math.log2(frame_px[0] / TILE_PX / lng_share), math.log2(frame_px[1] / TILE_PX / y_share))
    zoom = max(3.0, min(BASEMAP_DETAIL_ZOOM, math.floor(zoom * 4) / 4))
    centre_lat = _latitude((_mercator_y(south) + _mercator_y(north)) / 2)
    return MapView(round(centre_lat, 4), round((west + east) / 2, 4), zoom)


def scene_extent(
    scene: Scene,
    region_bounds: Callable[[tuple[str, ...]], list | None],
    feature_bounds: Callable[[str], list | None],
) -> list[list[float]]:
    """The area a scene is fitted to on any screen: ``[[south, west], [north, east]]``.

    Its view's area (see :func:`view_extent`) if it has a view; else its regions (a scene about a
    region shows all of it, the selected feature highlighted in it); else its selected feature;
    else Kazakhstan.

    Parameters
    ----------
    scene : Scene
        The scene.
    region_bounds : callable
        Regions' ISO codes -> their bounds (``None`` when unknown).
    feature_bounds : callable
        A feature id -> its bounds (``None`` when it is not shown or has no shape).

    Returns
    -------
    list
    """
    if scene.view is not None:
        return view_extent(scene.view)
    found = region_bounds(scene.filters.regions) if scene.filters.regions else None
    if found is None and scene.selected:
        found = feature_bounds(scene.selected)
    if found is not None:
        return found
    (south, west), (north, east) = KAZAKHSTAN_BOUNDS
    return [[south, west], [north, east]]
