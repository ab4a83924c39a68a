"""The offline meeting kit: one self-contained HTML file of a map, for a USB stick.

Leaflet's code and stylesheet (with its images as data URIs) are written into the page, the
offline basemap and the names come with the map builder, and the web tile layer is left out,
so the file opens and draws with no network at all.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from pathlib import Path

import folium
import geopandas as gpd
from branca.element import MacroElement

from kzatlas.config import KAZAKHSTAN_BOUNDS, LEAFLET_CSS_URL, LEAFLET_JS_URL, STATIC_DIR, UN_DISCLAIMER
from kzatlas.i18n import Translate
from kzatlas.map import browser_code, folium_maps
from kzatlas.safety import escape_html, safe_link
from kzatlas.selection import MapView

LEAFLET_DIR = STATIC_DIR / "leaflet"


class OfflineExportError(Exception):
    """The offline file cannot be made; the message is safe to show."""


def _leaflet_assets(leaflet_dir: Path) -> tuple[str, str]:
    try:
        script = (leaflet_dir / "leaflet.js").read_text(encoding="utf-8")
        style = (leaflet_dir / "leaflet.css").read_text(encoding="utf-8")
    except OSError as exc:
        raise OfflineExportError("the map library is not installed (run scripts/setup.sh)") from exc

    def inline_image(match: re.Match) -> str:
        path = leaflet_dir / match.group(1)
        if not path.is_file():
            return match.group(0)
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    style = re.sub(r"url\((images/[\w.-]+\.png)\)", inline_image, style)
    # A literal "</script" inside the inlined code would end the script element early.
    return script.replace("</script", "<\\/script"), style


def standalone_map_html(
    regions: gpd.GeoDataFrame | None,
    features: gpd.GeoDataFrame,
    translate: Translate,
    name_column: str,
    region_names: dict[str, str],
    *,
    title: str,
    caption: str = "",
    data_version: str = "",
    made_on: str = "",
    selected_id: str | None = None,
    view: MapView | None = None,
    link: str = "",
    leaflet_dir: Path = LEAFLET_DIR,
    time_line: Callable[[tuple[str, ...]], MacroElement] | None = None,
) -> str:
    """A complete HTML document of the map that needs no server and no network.

    ``link``, when given (an http or https address), is the same view in the atlas: the banner
    offers it for when a network is there. ``time_line``, given the names of the file's feature
    groups, makes the map's time line (:class:`kzatlas.map.time_control.TimeControl`). The file opens at ``view``, or without one fitted
    to Kazakhstan on the screen that opens it.

    Raises
    ------
    OfflineExportError
        If the Leaflet files are missing.
    """
    script, style = _leaflet_assets(leaflet_dir)
    centre = (view.lat, view.lng) if view else folium_maps.MAP_CENTER
    zoom = view.zoom if view else folium_maps.MAP_ZOOM
    fmap = folium_maps.build_full_map(
        regions,
        features,
        translate,
        name_column,
        region_names,
        selected_id=selected_id,
        web_tiles=False,
        centre=centre,
        zoom=zoom,
        # Without a view the file opens fitted to the country on whatever screen shows it.
        home=None if view else KAZAKHSTAN_BOUNDS,
    )
    browser_code.MapStyle().add_to(fmap)
    if time_line is not None:
        # The time line works on the file's own feature groups (it plays with no network too).
        names = tuple(child.get_name() for child in fmap._children.values() if isinstance(child, folium.FeatureGroup))
        time_line(names).add_to(fmap)
    fmap.get_root().header.add_child(_Heading(title, caption, data_version, made_on, translate, link))
    html = fmap.get_root().render()
    html = html.replace(f'<script src="{LEAFLET_JS_URL}"></script>', f"<script>{script}</script>")
    html = html.replace(f'<link rel="stylesheet" href="{LEAFLET_CSS_URL}"/>', f"<style>{style}</style>")
    if LEAFLET_JS_URL in html or LEAFLET_CSS_URL in html:
        raise OfflineExportError("the map library could not be written into the file")
    return html


class _Heading:
    """A fixed banner with the title, caption, version and disclaimer (all escaped)."""

    def __init__(self, title: str, caption: str, data_version: str, made_on: str, translate: Translate, link: str = ""):
        self._name = "heading"
        self.link = safe_link(link) or ""
        self._id = "heading"
        self._parent = None
        self.title, self.caption = title, caption
        self.data_version, self.made_on, self.translate = data_version, made_on, translate

    def get_name(self) -> str:
        return "heading"

    def render(self, **_kwargs) -> str:
        translate = self.translate
        facts = translate("Data version {version}, exported {date}.").format(
            version=self.data_version or "?", date=self.made_on or "?"
        )
        return (
            "<style>#kz-heading{position:fixed;top:8px;left:60px;z-index:1000;max-width:55%;"
            "background:rgba(255,255,255,.93);padding:8px 12px;border-radius:6px;font:14px/1.4 sans-serif;"
            "box-shadow:0 1px 4px rgba(0,0,0,.3)}#kz-heading h1{font-size:18px;margin:0 0 4px}</style>"
            f'<div id="kz-heading"><h1>{escape_html(self.title)}</h1>'
            f"<div>{escape_html(self.caption)}</div>"
            + (
                f'<div style="font-size:12px;margin-top:2px"><a href="{escape_html(self.link)}">'
                f"{escape_html(translate('Open this view in the atlas'))}</a></div>"
                if self.link
                else ""
            )
            + f'<div style="font-size:11px;color:#555;margin-top:4px">{escape_html(facts)} '
            f"{escape_html(translate(UN_DISCLAIMER))}</div></div>"
        )
