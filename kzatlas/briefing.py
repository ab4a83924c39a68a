"""Briefing packs: a PDF and a PPTX about one scope (the country, a region or one feature).

People present the atlas to ministries and donors, often where there is no internet and no
browser to screenshot. A pack therefore carries everything on its own: a static map drawn
here with matplotlib (no tiles, no network), the key numbers, the list of sites and
programmes, the sources with the dates they were read, the notes on what the shapes mean,
the UN boundary disclaimer, the data version, the date, and a QR code with the link back to
the same view in the app.

The flow is pure and in three steps, so the UI can cache or test each one:

1. :func:`build_briefing` picks the texts and numbers (already translated) from the catalogue;
2. :func:`static_map_png` and :func:`qr_png` draw the pictures;
3. :func:`pdf_bytes` and :func:`pptx_bytes` lay them out.

Nothing here imports Streamlit. PDF and PPTX are not HTML, so nothing is escaped, but every
value from data goes through :func:`clean_text` so that ``None``/NaN, control characters or
odd glyphs never stop a pack from being made. Only absolute http and https addresses become
links (:func:`pack_link`); any other address is printed as plain text.
"""

from __future__ import annotations

import io
import json
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import geopandas as gpd
import pandas as pd
import segno
import shapely

from kzatlas import analysis, facts, reports, spatial
from kzatlas.analysis import located
from kzatlas.catalog import Catalogue, feature_frame, region_frame, split_list
from kzatlas.config import (
    AREA_KINDS,
    CRS,
    KAZAKHSTAN_BOUNDS,
    KIND_COLOURS,
    KIND_CORRIDOR,
    KIND_UNDP_SITE,
    KINDS,
    MAP_BACKGROUND,
    NEARBY_KM,
    PROTECTED_KINDS,
    REGION_FILL_COLOUR,
    REGION_LINE_COLOUR,
    REGIONS_LAYER,
    UN_DISCLAIMER,
)
from kzatlas.i18n import (
    KIND_LABELS,
    KIND_SHORT_LABELS,
    N_,
    QUALITY_LABELS,
    Translate,
    format_hectares,
    format_number,
    local_name,
)
from kzatlas.safety import safe_link

SCOPE_COUNTRY = "country"
SCOPE_REGION = "region"
SCOPE_FEATURE = "feature"
SCOPE_KINDS = (SCOPE_COUNTRY, SCOPE_REGION, SCOPE_FEATURE)

UNCERTAIN_QUALITIES = ("approximate", "schematic")

# The items table: internal column keys -> heading msgid. Keys stay stable for the
# renderers; headings are translated into ``Briefing.headers``.
ITEM_HEADINGS = {
    "name": N_("Name"),
    "kind": N_("Kind"),
    "area": N_("Official area"),
    "year": N_("Year"),
    "shape": N_("Shape"),
    "distance": N_("Distance (km)"),
    "source": N_("Source"),
}
# Relative column widths (PDF and PPTX); a long name or URL needs the room.
ITEM_WEIGHTS = {"name": 28, "kind": 16, "area": 11, "year": 6, "shape": 13, "distance": 10, "source": 26}

LABELS = {
    "numbers": N_("Key numbers"),
    "items": N_("Sites and programmes"),
    "sources": N_("Sources"),
    "notes": N_("Notes"),
    "accessed": N_("Accessed"),
    "data_version": N_("Data version"),
    "date": N_("Date"),
    "link": N_("Open this view in the atlas"),
    "map": N_("Map and key numbers"),
    "briefing": N_("Briefing"),
    "atlas": N_("Kazakhstan environment atlas"),
    "full_name": N_("Full name"),
}

# Fonts: matplotlib ships DejaVu Sans, which covers Kazakh and Russian Cyrillic
# (ә ғ қ ң ө ұ ү һ і), so the PDF needs no system font and no download.
PDF_FONT = "DejaVu"
# PPTX is rendered by the viewer's fonts; Arial is everywhere and covers Kazakh Cyrillic.
PPTX_FONT = "Arial"
QR_SCALE = 8
QR_BORDER = 4
QR_ERROR = "m"
PPTX_ROWS_PER_SLIDE = 10
# Longest title shown on the title slide or page 1 (about three lines); a longer name is
# shortened there and given whole in the notes.
TITLE_CHARS = 100
# PowerPoint's document properties (title, subject, keywords) hold at most 255 characters.
PPTX_PROPERTY_CHARS = 255

Numbers = list[tuple[str, str]]
Sources = list[tuple[str, str, str]]  # (title, url, accessed)


@dataclass(frozen=True)
class Scope:
    """What a briefing is about.

    Parameters
    ----------
    kind : str
        ``"country"``, ``"region"`` (``id`` is an ISO 3166-2 code such as ``"KZ-39"``) or
        ``"feature"`` (``id`` is a feature id such as ``"pa-naurzum"``).
    id : str, optional
        Required for regions and features, ignored for the country.
    """

    kind: str
    id: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in SCOPE_KINDS:
            raise ValueError(f"unknown scope kind {self.kind!r}")
        if self.kind != SCOPE_COUNTRY and not self.id:
            raise ValueError(f"a {self.kind} scope needs an id")


@dataclass(frozen=True, eq=False)
class Briefing:
    """Everything a pack shows, already translated; the renderers add no words of their own.

    ``items`` has the columns of ``ITEM_HEADINGS`` that apply (``distance`` only for a
    feature's neighbours) plus ``url`` (the source link, for clickable cells); ``headers``
    maps each column to its translated heading and ``labels`` holds the layout's headings.
    """

    title: str
    subtitle: str
    numbers: Numbers
    items: pd.DataFrame
    sources: Sources
    notes: list[str]
    link: str
    data_version: str
    made_on: str
    disclaimer: str
    headers: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------- text helpers

# Characters that XML (PPTX) cannot hold; PDF would show them as boxes.
_NONCHARACTERS = {"\ufffe", "\uffff"}


def clean_text(value: object) -> str:
    """``value`` as safe display text: ``""`` for None/NaN/NA, control characters dropped.

    Parameters
    ----------
    value : object
        Anything a data cell may hold.

    Returns
    -------
    str
        Printable text; newlines and tabs are kept.
    """
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):  # lists and arrays: pd.isna is element-wise
        pass
    text = str(value)
    return "".join(
        ch
        for ch in text
        if ch in "\n\t" or (unicodedata.category(ch) not in ("Cc", "Cs", "Co") and ch not in _NONCHARACTERS)
    )


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in an ellipsis when cut.

    Cuts at a space when one is near the end, so a long name loses whole words.

    Parameters
    ----------
    text : str
    limit : int
        At least 2.

    Returns
    -------
    str
    """
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space >= limit * 3 // 4:
        head = head[:space]
    return head.rstrip() + "…"


def _title_and_notes(briefing: Briefing) -> tuple[str, list[str]]:
    """The title as shown on the first page or slide, and the notes (with the full title if it was cut)."""
    title = shorten(briefing.title, TITLE_CHARS)
    if title == briefing.title:
        return title, briefing.notes
    return title, [f"{briefing.labels.get('full_name', '')}: {briefing.title}", *briefing.notes]


def shown_url(url: str) -> str:
    """``url`` as people read it: percent-escapes decoded (Cyrillic paths become legible).

    Only for display; links keep the original address. Undecodable input stays as it is.
    """
    text = clean_text(url)
    decoded = clean_text(unquote(text, errors="replace"))
    return text if "\ufffd" in decoded else decoded


def pack_link(url: object) -> str:
    """``url`` if a pack may make it clickable (absolute http or https), else ``""``.

    Anything else (``javascript:``, ``data:``, ``file:``, relative addresses) is still shown
    as text by the caller, but never as a link.
    """
    return safe_link(clean_text(url), allow_relative=False) or ""


def _name(row: pd.Series, name_column: str) -> str:
    return clean_text(local_name(row, name_column)) or clean_text(row.get("id"))


def _year(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


def _has_position(geometry) -> bool:
    return geometry is not None and not geometry.is_empty


def _cleaned(brief: Briefing) -> Briefing:
    """A copy of ``brief`` whose every text is safe to lay out (a hand-made Briefing may hold anything)."""
    items = brief.items.copy()
    for column in items.columns:
        items[column] = [clean_text(value) for value in items[column]]
    return replace(
        brief,
        title=clean_text(brief.title),
        subtitle=clean_text(brief.subtitle),
        numbers=[(clean_text(label), clean_text(value)) for label, value in brief.numbers],
        items=items,
        sources=[(clean_text(t), clean_text(u), clean_text(a)) for t, u, a in brief.sources],
        notes=[clean_text(note) for note in brief.notes if clean_text(note)],
        link=clean_text(brief.link),
        data_version=clean_text(brief.data_version),
        made_on=clean_text(brief.made_on),
        disclaimer=clean_text(brief.disclaimer),
        headers={key: clean_text(value) for key, value in brief.headers.items()},
        labels={key: clean_text(value) for key, value in brief.labels.items()},
    )


# ---------------------------------------------------------------------------- the content


def _items_table(
    rows: pd.DataFrame, translate: Translate, name_column: str, distances: dict[str, float | None] | None = None
) -> pd.DataFrame:
    """One row per feature in ``rows`` (kept in order): name, kind, area, year, shape, source."""
    records = []
    for _, row in rows.iterrows():
        kind = clean_text(row["kind"])
        quality = clean_text(row["geometry_quality"])
        if not _has_position(row.geometry):
            quality = "none"  # listed, never placed, whatever the record says
        record = {
            "name": _name(row, name_column),
            "kind": translate(KIND_LABELS.get(kind, kind)),
            "area": format_hectares(row["area_ha"], translate) if kind in AREA_KINDS else "",
            "year": _year(row["year"]),
            "shape": translate(QUALITY_LABELS.get(quality, quality)),
        }
        if distances is not None:
            distance = distances.get(row["id"])
            record["distance"] = "" if distance is None else format_number(distance, translate, 1)
        record["url"] = clean_text(row.get("source_url"))
        record["source"] = shown_url(record["url"])
        records.append(record)
    columns = [key for key in ITEM_HEADINGS if distances is not None or key != "distance"] + ["url"]
    return pd.DataFrame(records, columns=columns)


def _sorted_features(frame: gpd.GeoDataFrame, name_column: str) -> gpd.GeoDataFrame:
    """Legend order of kinds, then by the name shown (so a reader finds an item quickly)."""
    keys = [
        (KINDS.index(row["kind"]) if row["kind"] in KINDS else len(KINDS), _name(row, name_column).casefold())
        for _, row in frame.iterrows()
    ]
    return frame.iloc[sorted(range(len(frame)), key=keys.__getitem__)]


def _row_sources(rows: pd.DataFrame) -> list[tuple[str, str, str]]:
    return [
        (clean_text(row["source_title"]), clean_text(row["source_url"]), clean_text(row["source_date"]))
        for _, row in rows.iterrows()
    ]


def _feature_sources(row: pd.Series) -> list[tuple[str, str, str]]:
    try:
        sources = json.loads(row["sources_json"] or "[]")
    except (TypeError, ValueError):
        sources = []
    return [
        (clean_text(s.get("title")), clean_text(s.get("url")), clean_text(s.get("accessed")))
        for s in sources
        if isinstance(s, dict)
    ]


def _layer_sources(catalogue: Catalogue, layer: str) -> list[tuple[str, str, str]]:
    # Layer-level sources carry no reading date; the layer's vintage is the closest dating.
    manifest = catalogue.manifest
    if manifest is None or layer not in manifest.layers:
        return []
    record = manifest.layers[layer]
    return [
        (
            clean_text(source.get("title")),
            clean_text(source.get("url")),
            clean_text(source.get("accessed")) or clean_text(record.vintage),
        )
        for source in record.sources
        if isinstance(source, dict)
    ]


def _unique_sources(sources: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """First mention of each URL (or of each title when there is no URL), in order."""
    seen: set[str] = set()
    out = []
    for title, url, accessed in sources:
        key = url or title
        if not key or key in seen:
            continue
        seen.add(key)
        out.append((title or url, url, accessed))
    return out


def _shape_notes(rows: gpd.GeoDataFrame, translate: Translate, count_unlocated: bool) -> list[str]:
    """What the drawn shapes are (for each uncertain quality present) and how many items are not drawn."""
    drawn = located(rows)
    present = set(drawn["geometry_quality"])
    notes = [
        f"{translate(QUALITY_LABELS[quality])}: {translate(reports.QUALITY_EXPLANATIONS[quality])}"
        for quality in UNCERTAIN_QUALITIES
        if quality in present
    ]
    missing = len(rows) - len(drawn)
    if count_unlocated and missing:
        notes.append(
            translate(
                "{count} matching items have no verifiable location and are listed below without a map position."
            ).format(count=missing)
        )
    return notes


def _country_content(
    catalogue: Catalogue, features: gpd.GeoDataFrame, translate: Translate
) -> tuple[Numbers, gpd.GeoDataFrame, list[str], Sources]:
    """Counts by kind, official hectares, the target tracker's statement and UNDP's share."""
    numbers: list[tuple[str, str]] = []
    for kind, count in analysis.counts_by_kind(features).itertuples(index=False):
        numbers.append((translate(KIND_SHORT_LABELS.get(kind, kind)), str(count)))
    numbers.append(
        (
            translate("Official area of reserves and parks"),
            format_hectares(analysis.protected_hectares(features), translate),
        )
    )
    statement = facts.target_statement(catalogue.tables.get("targets"), features, translate)
    tracker = statement.tracker
    numbers += [(figure.label, figure.value) for figure in statement.figures]
    notes = [sentence.plain() for sentence in (*statement.notes, *statement.contribution)]
    sources = [(clean_text(s.heading), clean_text(s.url), clean_text(s.accessed)) for s in statement.sources]
    numbers.append(
        (
            translate("UNDP-supported reserves and parks"),
            f"{tracker.undp_in_atlas_count} · {format_hectares(tracker.undp_in_atlas_ha, translate)}",
        )
    )
    notes += [
        translate(
            "The total covers only the reserves and national parks in this atlas; other kinds of protected area "
            "in Kazakhstan (sanctuaries, regional parks, natural monuments) are not included."
        ),
        translate("Ecological corridors are not protected areas and are not in the total."),
    ]
    return numbers, features, notes, sources


def _region_content(
    iso_code: str, features: gpd.GeoDataFrame, regions: gpd.GeoDataFrame, translate: Translate
) -> tuple[Numbers, gpd.GeoDataFrame, list[str]]:
    """The region profile's numbers and the features listed in the region."""
    profile = spatial.region_profile(iso_code, features, regions)
    if profile is None:
        raise ValueError(f"unknown region {iso_code!r}")
    in_region = features[features["id"].isin(profile.protected_ids + profile.corridor_ids + profile.undp_ids)]
    numbers = [
        (translate("Land area"), translate("{km2} km²").format(km2=format_number(profile.land_ha / 100, translate))),
        (translate("Reserves and parks"), str(len(profile.protected_ids))),
        (translate("Official area of reserves and parks"), format_hectares(profile.official_protected_ha, translate)),
        (translate("Official area protected"), f"{profile.official_share:.1%}"),
        (translate("Ecological corridors"), str(len(profile.corridor_ids))),
        (translate("UNDP sites and programmes"), str(len(profile.undp_ids))),
    ]
    notes = [
        translate(
            "Official area: the published areas of the reserves and parks listed in this region "
            "({hectares} ha; an area shared with another region counts in full). Measured from the drawn, "
            "approximate shapes, {share} of the region lies inside them."
        ).format(hectares=format_number(profile.official_protected_ha, translate), share=f"{profile.drawn_share:.1%}"),
        translate("National UNDP programmes without a single location are listed under Projects and programmes."),
    ]
    return numbers, in_region, notes


# feature_facts rows too long for the key-number column; they go to the notes.
_LONG_FACTS = (N_("Area notes"), N_("How it is drawn"), N_("Links (from sources)"), N_("Notes"), N_("Partners"))


def _feature_content(
    row: pd.Series,
    features: gpd.GeoDataFrame,
    translate: Translate,
    name_column: str,
    region_names: dict[str, str],
) -> tuple[Numbers, gpd.GeoDataFrame, list[str], dict[str, float | None]]:
    """The details panel's facts, and the features of its neighbourhood with their distances.

    The neighbourhood is the details panel's (:func:`facts.neighbourhood`): a reserve, park or
    corridor lists the UNDP sites inside it and the nearest one (and a corridor the areas its
    band meets); a UNDP site lists what lies within ``NEARBY_KM``.
    """
    fact_rows = reports.feature_facts(row, translate, region_names)
    long_fields = {translate(msgid) for msgid in _LONG_FACTS}
    numbers, notes = [], []
    for label, value in fact_rows.itertuples(index=False):
        text = clean_text(value)
        if label in long_fields:
            notes.append(f"{label}: {text}")
        else:
            numbers.append((clean_text(label), text))
    by_id = features.set_index("id", drop=False)
    feature_id = row["id"]
    hood = facts.neighbourhood(feature_id, features, NEARBY_KM)
    if hood.located:
        if hood.is_undp_site:
            label = translate("Reserves, parks and corridors within {km} km").format(km=NEARBY_KM)
        else:
            label = translate("What UNDP does here")
        numbers.append((label, str(len(hood.nearby))))
    notes += facts.neighbourhood_notes(hood, features, translate, name_column)
    related = hood.related()
    ordered = sorted(related, key=lambda key: (related[key], key))
    rows = pd.concat([features[features["id"] == feature_id], by_id.loc[ordered].reset_index(drop=True)])
    distances = {feature_id: None, **related}
    return numbers, gpd.GeoDataFrame(rows, geometry="geometry", crs=features.crs), notes, distances


def build_briefing(
    catalogue: Catalogue,
    scope: Scope,
    translate: Translate,
    name_column: str = "name_en",
    link: str = "",
    made_on: str | None = None,
) -> Briefing:
    """Collect the texts and numbers of a briefing pack for ``scope``.

    Parameters
    ----------
    catalogue : Catalogue
        The loaded catalogue (layers, tables and manifest).
    scope : Scope
        The country, a region (ISO code) or a feature (id).
    translate : callable
        ``translate(msgid) -> str`` for the pack's language.
    name_column : str
        ``name_en``, ``name_ru`` or ``name_kk``; empty names fall back to English.
    link : str
        Address of the same view in the app (printed and encoded in the QR code).
    made_on : str, optional
        Date printed on the pack (ISO ``YYYY-MM-DD``); today when omitted.

    Returns
    -------
    Briefing

    Raises
    ------
    ValueError
        If the region or feature is not in the catalogue (the message names the id only).
    """
    features = feature_frame(catalogue)
    regions = region_frame(catalogue)
    region_names: dict[str, str] = {}
    if regions is not None:
        region_names = {
            code: _name(row, name_column) for code, (_, row) in zip(regions["iso_code"], regions.iterrows())
        }
    atlas = translate(LABELS["atlas"])
    distances = None
    sources: list[tuple[str, str, str]] = []
    if scope.kind == SCOPE_COUNTRY:
        title, subtitle = translate("Kazakhstan"), f"{atlas} · {translate(LABELS['briefing'])}"
        numbers, rows, notes, sources = _country_content(catalogue, features, translate)
    elif scope.kind == SCOPE_REGION:
        if regions is None or scope.id not in region_names:
            raise ValueError(f"unknown region {scope.id!r}")
        title, subtitle = region_names[scope.id], f"{atlas} · {translate('Region profile')}"
        numbers, rows, notes = _region_content(scope.id, features, regions, translate)
    else:
        match = features[features["id"] == scope.id]
        if match.empty:
            raise ValueError(f"unknown feature {scope.id!r}")
        row = match.iloc[0]
        kind = clean_text(row["kind"])
        title, subtitle = _name(row, name_column), f"{atlas} · {translate(KIND_LABELS.get(kind, kind))}"
        numbers, rows, notes, distances = _feature_content(row, features, translate, name_column, region_names)
        sources = _feature_sources(row)
    if scope.kind != SCOPE_FEATURE:
        rows = _sorted_features(rows, name_column)
    notes = _shape_notes(rows, translate, count_unlocated=scope.kind != SCOPE_FEATURE) + notes
    sources = _unique_sources([*sources, *_row_sources(rows), *_layer_sources(catalogue, REGIONS_LAYER)])
    manifest = catalogue.manifest
    return Briefing(
        title=clean_text(title),
        subtitle=clean_text(subtitle),
        numbers=[(clean_text(label), clean_text(value)) for label, value in numbers],
        items=_items_table(rows, translate, name_column, distances),
        sources=sources,
        notes=[clean_text(note) for note in notes if note],
        link=clean_text(link),
        data_version=clean_text(manifest.data_version if manifest else "unknown"),
        made_on=clean_text(made_on or date.today().isoformat()),
        disclaimer=translate(UN_DISCLAIMER),
        headers={key: translate(msgid) for key, msgid in ITEM_HEADINGS.items()},
        labels={key: translate(msgid) for key, msgid in LABELS.items()},
    )


# ---------------------------------------------------------------------------- the map

_DASHED = (0, (5, 3))
_HIGHLIGHT = "#1A1A1A"
_OTHER_REGION_FILL = "#ECEBE7"


def _polygon_paths(geometry) -> list:
    """matplotlib Paths for a (Multi)Polygon, holes included (even-odd via compound paths)."""
    from matplotlib.path import Path as MplPath

    polygons = getattr(geometry, "geoms", [geometry])
    paths = []
    for polygon in polygons:
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        rings = [polygon.exterior, *polygon.interiors]
        paths.append(MplPath.make_compound_path(*[MplPath(list(ring.coords), closed=True) for ring in rings]))
    return paths


def _extent(focus) -> tuple[float, float, float, float]:
    """(west, south, east, north) to show: ``focus`` with a margin, else the whole country."""
    (south, west), (north, east) = KAZAKHSTAN_BOUNDS
    if focus is None or focus.is_empty:
        return west, south, east, north
    x0, y0, x1, y1 = focus.bounds
    # Keep the surroundings in view (at least about 6 by 4 degrees, a few hundred km), so a
    # small reserve is seen next to its neighbours; larger shapes get 12 % on each side.
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w = max((x1 - x0) * 0.62, 3.0)
    half_h = max((y1 - y0) * 0.62, 2.0)
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


def _focus_geometry(scope: Scope, features: gpd.GeoDataFrame, regions: gpd.GeoDataFrame | None):
    """The shape the map centres on, and the region codes to highlight."""
    if scope.kind == SCOPE_REGION:
        if regions is None:
            return None, (scope.id,)
        chosen = regions[regions["iso_code"] == scope.id]
        return (None if chosen.empty else chosen.geometry.iloc[0]), (scope.id,)
    if scope.kind == SCOPE_FEATURE:
        match = features[features["id"] == scope.id]
        if match.empty:
            return None, ()
        row = match.iloc[0]
        codes = tuple(split_list(row["region_codes"]))
        if _has_position(row.geometry):
            geometry = row.geometry
            if row["kind"] == KIND_UNDP_SITE:
                geometry = _circle(geometry, NEARBY_KM)
            return geometry, codes
        # No map position: show the regions it names (never a guessed point).
        if regions is not None and codes:
            chosen = regions[regions["iso_code"].isin(codes)]
            if not chosen.empty:
                return shapely.union_all(chosen.geometry.values), codes
        return None, codes
    return None, ()


def _circle(point, radius_km: float):
    """A true-distance circle around ``point`` (EPSG:4326), built in a local equidistant projection."""
    anchor = point.representative_point()
    local = spatial.equidistant_crs(anchor.y, anchor.x)
    ring = gpd.GeoSeries([anchor], crs=CRS).to_crs(local).buffer(radius_km * 1000.0, 64)
    return ring.to_crs(CRS).iloc[0]


def static_map_png(
    catalogue: Catalogue,
    scope: Scope,
    width_px: int = 1600,
    height_px: int = 1000,
    translate: Translate | None = None,
) -> bytes:
    """Draw the scope's map as a PNG, on the server, without tiles or network.

    Region outlines are the base; reserves, parks and corridors are filled in their
    ``KIND_COLOURS`` (dashed outline when the shape is approximate or schematic); UNDP sites
    are dots. The scope is outlined in black and the view fitted to it: the whole country,
    a region, a feature with its surroundings, or 100 km around a UNDP site. Items without a
    map position are never drawn (for one of them the map shows the regions it names). A
    band under the map holds the legend (kinds in view only) and the UN disclaimer.

    Parameters
    ----------
    catalogue : Catalogue
    scope : Scope
    width_px, height_px : int
        Size of the image in pixels (at least 320 by 200).
    translate : callable, optional
        For the legend and the disclaimer; English when omitted.

    Returns
    -------
    bytes
        PNG image data (RGB), exactly ``width_px`` by ``height_px``.

    Raises
    ------
    ValueError
        If the region or feature is not in the catalogue.
    """
    # Object-oriented matplotlib on the Agg canvas: no pyplot, so no global figure state
    # and no GUI backend on a server thread.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from PIL import Image

    translate = translate or _untranslated
    width_px, height_px = max(int(width_px), 320), max(int(height_px), 200)
    features, regions = feature_frame(catalogue), region_frame(catalogue)
    if scope.kind == SCOPE_FEATURE and scope.id not in set(features["id"]):
        raise ValueError(f"unknown feature {scope.id!r}")
    if scope.kind == SCOPE_REGION and regions is not None and scope.id not in set(regions["iso_code"]):
        raise ValueError(f"unknown region {scope.id!r}")
    scale = width_px / 1600
    dpi = 100 * scale
    # A quarter pixel of slack: Agg truncates the figure's float size to whole pixels.
    figure = Figure(figsize=((width_px + 0.25) / dpi, (height_px + 0.25) / dpi), dpi=dpi, facecolor="white")
    canvas = FigureCanvasAgg(figure)
    # Legend and disclaimer sit under the map, so they never hide a feature.
    band = min(128 * scale / height_px, 0.35)
    axes = figure.add_axes((0, band, 1, 1 - band))
    axes.set_facecolor(MAP_BACKGROUND)
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_edgecolor("#B0B0B0")

    focus, codes = _focus_geometry(scope, features, regions)
    west, south, east, north = _fit_to_box(_extent(focus), width_px / (height_px * (1 - band)))
    axes.set_xlim(west, east)
    axes.set_ylim(south, north)
    view = shapely.box(west, south, east, north)
    drawn = located(features)
    drawn = drawn[drawn.geometry.intersects(view)]
    selected = drawn[drawn["id"] == scope.id] if scope.kind == SCOPE_FEATURE else drawn.iloc[0:0]
    outline_regions = scope.kind == SCOPE_REGION or (scope.kind == SCOPE_FEATURE and selected.empty)

    if regions is not None:
        paths, fills, outlined = [], [], []
        for code, geometry in zip(regions["iso_code"], regions.geometry):
            if not _has_position(geometry):
                continue
            # Nothing to single out (the country, or an item that names no region): all look alike.
            chosen = not codes or code in codes
            for path in _polygon_paths(geometry):
                paths.append(path)
                fills.append(REGION_FILL_COLOUR if chosen else _OTHER_REGION_FILL)
                if chosen and outline_regions:
                    outlined.append(path)
        axes.add_collection(
            PathCollection(paths, facecolors=fills, edgecolors=REGION_LINE_COLOUR, linewidths=0.8 * scale, zorder=1)
        )
        if outlined:
            axes.add_collection(
                PathCollection(outlined, facecolors="none", edgecolors=_HIGHLIGHT, linewidths=2.6 * scale, zorder=6)
            )

    shown_kinds: list[str] = []
    any_uncertain = False
    # Corridors under the areas they link, UNDP dots on top (the interactive map's order).
    for zorder, kind in enumerate((KIND_CORRIDOR, *reversed(PROTECTED_KINDS)), start=2):
        of_kind = drawn[drawn["kind"] == kind]
        colour = KIND_COLOURS.get(kind, "#666666")
        for uncertain in (False, True):
            chosen = of_kind[of_kind["geometry_quality"].isin(UNCERTAIN_QUALITIES) == uncertain]
            paths = [path for geometry in chosen.geometry for path in _polygon_paths(geometry)]
            if not paths:
                continue
            any_uncertain |= uncertain
            axes.add_collection(
                PathCollection(
                    paths,
                    facecolors=[_with_alpha(colour, 0.45)],
                    edgecolors=[colour],
                    linewidths=2.0 * scale,
                    linestyles=[_DASHED if uncertain else "solid"],
                    zorder=zorder,
                )
            )
        if not of_kind.empty:
            shown_kinds.append(kind)
    sites = drawn[drawn["kind"] == KIND_UNDP_SITE]
    if not sites.empty:
        points = [geometry.representative_point() for geometry in sites.geometry]
        axes.scatter(
            [point.x for point in points],
            [point.y for point in points],
            s=(11 * scale) ** 2,
            c=KIND_COLOURS[KIND_UNDP_SITE],
            edgecolors="white",
            linewidths=1.2 * scale,
            zorder=8,
        )
        shown_kinds.append(KIND_UNDP_SITE)

    handles: list = []
    if not selected.empty:
        geometry = selected.geometry.iloc[0]
        if selected["kind"].iloc[0] == KIND_UNDP_SITE:
            point = geometry.representative_point()
            axes.scatter(
                [point.x], [point.y], s=(24 * scale) ** 2, facecolors="none", edgecolors=_HIGHLIGHT,
                linewidths=2.4 * scale, zorder=9,
            )  # fmt: skip
            axes.add_collection(
                PathCollection(
                    _polygon_paths(focus), facecolors="none", edgecolors="#555555", linewidths=1.4 * scale,
                    linestyles=[(0, (2, 3))], zorder=7,
                )
            )  # fmt: skip
            handles.append(
                Line2D([], [], color="#555555", linestyle=":", linewidth=1.5 * scale, label=f"{NEARBY_KM} km")
            )
        else:
            axes.add_collection(
                PathCollection(
                    _polygon_paths(geometry), facecolors="none", edgecolors=_HIGHLIGHT, linewidths=2.8 * scale,
                    linestyles=[_DASHED if selected["geometry_quality"].iloc[0] in UNCERTAIN_QUALITIES else "solid"],
                    zorder=9,
                )
            )  # fmt: skip

    legend = []
    for kind in KINDS:
        if kind not in shown_kinds:
            continue
        label, colour = translate(KIND_SHORT_LABELS.get(kind, kind)), KIND_COLOURS[kind]
        if kind == KIND_UNDP_SITE:
            legend.append(
                Line2D([], [], marker="o", linestyle="", markersize=12 * scale, markerfacecolor=colour,
                       markeredgecolor="white", label=label)
            )  # fmt: skip
        else:
            legend.append(Patch(facecolor=colour, edgecolor=colour, label=label))
    if any_uncertain:
        legend.append(
            Patch(
                facecolor="none", edgecolor="#444444", linestyle="--", linewidth=1.5 * scale,
                label=translate("Approximate or schematic shape, not a boundary"),
            )
        )  # fmt: skip
    legend += handles
    if legend:
        figure.legend(
            handles=legend,
            loc="upper left",
            bbox_to_anchor=(0.004, band),
            ncol=min(4, len(legend)),
            fontsize=14 * scale,
            frameon=False,
            handlelength=2.2,
            columnspacing=1.6,
        )
    figure.text(
        0.008,
        0.012,
        translate(UN_DISCLAIMER),
        fontsize=12.5 * scale,
        color="#444444",
        va="bottom",
        ha="left",
        wrap=True,
    )
    canvas.draw()
    # RGB without alpha (the figure is opaque): a smaller PNG, and the PDF needs no soft mask.
    # Saved by Pillow without timestamps, so the same map gives the same bytes.
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _untranslated(message: str) -> str:
    return message


def _fit_to_box(extent: tuple[float, float, float, float], box_ratio: float) -> tuple[float, float, float, float]:
    """Widen ``extent`` in x or y so its ground proportions match the axes' ``box_ratio`` (w / h).

    A degree of longitude is ``cos(latitude)`` of a degree of latitude; scaling x by that
    factor at the centre keeps shapes undistorted there, and the image is filled.
    """
    west, south, east, north = extent
    squash = max(math.cos(math.radians((south + north) / 2)), 0.2)
    span_x, span_y = (east - west) * squash, north - south
    if span_x / span_y < box_ratio:
        grow = (span_y * box_ratio / squash - (east - west)) / 2
        return west - grow, south, east + grow, north
    grow = (span_x / box_ratio - span_y) / 2
    return west, south - grow, east, north + grow


def _with_alpha(colour: str, alpha: float) -> tuple[float, float, float, float]:
    from matplotlib.colors import to_rgba

    return to_rgba(colour, alpha)


# ---------------------------------------------------------------------------- QR code


def qr_png(url: str) -> bytes:
    """A QR code of ``url`` as PNG (black on white, ``QR_SCALE`` pixels per module).

    Parameters
    ----------
    url : str
        The link to encode; must not be empty.

    Returns
    -------
    bytes
        PNG image data.
    """
    if not url:
        raise ValueError("nothing to encode")
    buffer = io.BytesIO()
    segno.make(url, error=QR_ERROR, micro=False).save(buffer, kind="png", scale=QR_SCALE, border=QR_BORDER)
    return buffer.getvalue()


# ---------------------------------------------------------------------------- PDF


def _font_paths() -> tuple[Path, Path]:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


def _image_size(png: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return image.size


def _weights(columns: Sequence[str]) -> list[float]:
    return [ITEM_WEIGHTS.get(column, 10) for column in columns]


def _wrap(pdf, text: str, width: float) -> list[str]:
    """Greedy word wrap of ``text`` in the PDF's current font; tokens wider than ``width`` are split.

    fpdf2's own ``multi_cell`` re-measures the whole line for every character, which took
    seconds for a country pack full of long URLs; this measures each word once.
    """
    space = pdf.get_string_width(" ")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, line_width = "", 0.0
        for word in paragraph.split(" "):
            word_width = pdf.get_string_width(word)
            if word_width > width:
                # A URL or another long token: break it where it reaches the edge.
                if line:
                    lines.append(line)
                line, line_width = "", 0.0
                for character in word:
                    character_width = pdf.get_string_width(character)
                    if line and line_width + character_width > width:
                        lines.append(line)
                        line, line_width = "", 0.0
                    line += character
                    line_width += character_width
                continue
            wider = word_width if not line else line_width + space + word_width
            if line and wider > width:
                lines.append(line)
                line, line_width = word, word_width
            else:
                line, line_width = (f"{line} {word}" if line else word), wider
        lines.append(line)
    return lines


def _write(pdf, text: str, width: float, line_height: float, link: str = "") -> None:
    """Write wrapped ``text`` from the current position down; pages break between lines."""
    from fpdf.enums import XPos, YPos

    left = pdf.get_x()
    for line in _wrap(pdf, text, width):
        if pdf.get_y() + line_height > pdf.page_break_trigger:
            pdf.add_page()
        pdf.set_x(left)
        pdf.cell(width, line_height, line, link=link or "", new_x=XPos.LEFT, new_y=YPos.NEXT)


def _table(pdf, headers: list[str], rows: list[list[tuple[str, str]]], widths: list[float]) -> None:
    """A wrapped, paginated table; each cell is (text, link). The header repeats on every page."""
    line_height, padding = 3.5, 1.0
    total = sum(widths)

    def draw(cells: list[tuple[str, str]], header: bool) -> None:
        pdf.set_font(PDF_FONT, "B" if header else "", 7.5)
        wrapped = [_wrap(pdf, text, width - 2 * padding) for (text, _), width in zip(cells, widths)]
        height = max(len(lines) for lines in wrapped) * line_height + 2 * padding
        if not header and pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            draw([(text, "") for text in headers], header=True)
            pdf.set_font(PDF_FONT, "", 7.5)
        top, x = pdf.get_y(), pdf.l_margin
        if header:
            pdf.set_fill_color(228, 234, 238)
            pdf.rect(x, top, total, height, style="F")
        for lines, width, (_, link) in zip(wrapped, widths, cells):
            if link:
                pdf.set_text_color(0, 80, 160)
            else:
                pdf.set_text_color(20, 20, 20)
            for index, line in enumerate(lines):
                pdf.set_xy(x + padding, top + padding + index * line_height)
                pdf.cell(width - 2 * padding, line_height, line, link=link or "")
            x += width
        pdf.set_draw_color(200, 200, 200)
        pdf.line(pdf.l_margin, top + height, pdf.l_margin + total, top + height)
        pdf.set_xy(pdf.l_margin, top + height)

    draw([(text, "") for text in headers], header=True)
    for cells in rows:
        draw(cells, header=False)


def pdf_bytes(briefing: Briefing, map_png: bytes | None, qr_png: bytes | None) -> bytes:
    """Lay a briefing out as an A4 landscape PDF.

    Page 1 holds the title, subtitle, date, data version, the map and the key numbers; the
    following pages hold the items table, the sources (with links), the notes, the UN
    disclaimer and the QR code with the link. Every page's footer repeats the disclaimer.
    Text is set in DejaVu Sans (shipped with matplotlib), which covers Kazakh and Russian.

    Parameters
    ----------
    briefing : Briefing
    map_png : bytes or None
        From :func:`static_map_png`; left out when ``None``.
    qr_png : bytes or None
        From :func:`qr_png`; left out when ``None``.

    Returns
    -------
    bytes
        The PDF document.
    """
    briefing = _cleaned(briefing)
    from fpdf import FPDF

    labels = briefing.labels
    regular, bold = _font_paths()
    stamp = f"{labels.get('date', '')}: {briefing.made_on}    ·    {labels.get('data_version', '')}: {briefing.data_version}"

    class BriefingPDF(FPDF):
        width_cache: dict[tuple, float] = {}

        def get_string_width(self, s: str, normalized: bool = False, markdown: bool = False) -> float:
            # Wrapping measures the same words and URL characters again and again; fpdf2
            # re-parses each string every time, which dominated the time of a country pack.
            if normalized or markdown:
                return super().get_string_width(s, normalized, markdown)
            key = (self.font_family, self.font_style, self.font_size_pt, s)
            if key not in self.width_cache:
                self.width_cache[key] = super().get_string_width(s)
            return self.width_cache[key]

        def footer(self) -> None:
            # The map is on page 1, but any page may be shown alone: each carries the disclaimer.
            self.set_font(PDF_FONT, size=7)
            self.set_text_color(110, 110, 110)
            lines = _wrap(self, briefing.disclaimer, self.epw - 24)
            self.set_xy(self.l_margin, self.h - 7 - 3.2 * len(lines))
            for line in lines:
                self.cell(self.epw - 24, 3.2, line, new_x="LEFT", new_y="NEXT")
            self.set_xy(self.w - self.r_margin - 22, self.h - 10.2)
            self.cell(22, 3.2, f"{self.page_no()} / {{nb}}", align="R")

    pdf = BriefingPDF(orientation="L", unit="mm", format="A4")
    pdf.add_font(PDF_FONT, "", str(regular))
    pdf.add_font(PDF_FONT, "B", str(bold))
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(True, margin=18)
    shown_title, notes = _title_and_notes(briefing)
    pdf.set_title(briefing.title)
    pdf.set_subject(briefing.subtitle)
    pdf.set_creator(labels.get("atlas", ""))
    pdf.set_keywords(f"{labels.get('data_version', '')} {briefing.data_version}")

    def text(value: str, size: float, bold: bool = False, colour=(30, 30, 30), link: str = "", indent: float = 0):
        pdf.set_font(PDF_FONT, "B" if bold else "", size)
        pdf.set_text_color(*colour)
        pdf.set_x(pdf.l_margin + indent)
        _write(pdf, value, pdf.epw - indent, size * 0.45, link)

    # Page 1: what, when, which data; the map and the key numbers side by side.
    pdf.add_page()
    text(shown_title, 20, bold=True, colour=(10, 10, 10))
    pdf.ln(1)
    text(briefing.subtitle, 12, colour=(70, 70, 70))
    text(stamp, 9, colour=(90, 90, 90))
    top = pdf.get_y() + 3
    map_width = 0.0
    if map_png:
        pixels_w, pixels_h = _image_size(map_png)
        map_width = min(192.0, (pdf.page_break_trigger - top) * pixels_w / pixels_h)
        pdf.image(io.BytesIO(map_png), x=pdf.l_margin, y=top, w=map_width, alt_text=shown_title)
    column_x = pdf.l_margin + (map_width + 7 if map_width else 0)
    column_width = pdf.w - pdf.r_margin - column_x
    pdf.set_xy(column_x, top)
    pdf.set_font(PDF_FONT, "B", 12)
    pdf.set_text_color(20, 20, 20)
    _write(pdf, labels.get("numbers", ""), column_width, 6)
    for label, value in briefing.numbers:
        pdf.set_xy(column_x, pdf.get_y() + 1.2)
        pdf.set_font(PDF_FONT, "", 8)
        pdf.set_text_color(95, 95, 95)
        _write(pdf, label, column_width, 3.8)
        pdf.set_font(PDF_FONT, "B", 10.5)
        pdf.set_text_color(15, 15, 15)
        _write(pdf, value or "—", column_width, 5)

    # Page 2 on: the items, then where everything comes from.
    pdf.add_page()
    text(labels.get("items", ""), 13, bold=True)
    pdf.ln(1.5)
    columns = [column for column in briefing.items.columns if column != "url"]
    if columns and not briefing.items.empty:
        weights = _weights(columns)
        widths = [pdf.epw * weight / sum(weights) for weight in weights]
        rows = [
            [
                (clean_text(record.get(column)), pack_link(record.get("url")) if column == "source" else "")
                for column in columns
            ]
            for record in briefing.items.to_dict("records")
        ]
        _table(pdf, [briefing.headers.get(column, column) for column in columns], rows, widths)
    pdf.ln(5)
    if briefing.sources:
        text(labels.get("sources", ""), 12, bold=True)
        pdf.ln(1)
        accessed = labels.get("accessed", "")
        for number, (title, url, when) in enumerate(briefing.sources, start=1):
            text(f"{number}. {title}" + (f" ({accessed}: {when})" if when else ""), 8)
            if url:
                link = pack_link(url)
                text(shown_url(url), 7.5, colour=(0, 80, 160) if link else (70, 70, 70), link=link, indent=4)
            pdf.ln(0.8)
        pdf.ln(3)
    if notes:
        text(labels.get("notes", ""), 12, bold=True)
        pdf.ln(1)
        for note in notes:
            text(f"• {note}", 8.5)
            pdf.ln(0.8)
        pdf.ln(3)
    text(briefing.disclaimer, 9, bold=True, colour=(40, 40, 40))
    pdf.ln(4)
    # The QR block stays in one piece: start a page when it would not fit.
    qr_size = 34.0
    if pdf.get_y() + qr_size > pdf.page_break_trigger:
        pdf.add_page()
    top = pdf.get_y()
    text_x = pdf.l_margin
    if qr_png:
        pdf.image(io.BytesIO(qr_png), x=pdf.l_margin, y=top, w=qr_size, link=pack_link(briefing.link))
        text_x += qr_size + 6
    text_width = pdf.w - pdf.r_margin - text_x
    pdf.set_xy(text_x, top + 2)
    pdf.set_font(PDF_FONT, "B", 10)
    pdf.set_text_color(20, 20, 20)
    _write(pdf, labels.get("link", ""), text_width, 5)
    if briefing.link:
        pdf.set_font(PDF_FONT, "", 8.5)
        pdf.set_text_color(0, 80, 160)
        _write(pdf, briefing.link, text_width, 4.2, pack_link(briefing.link))
    pdf.set_font(PDF_FONT, "", 8.5)
    pdf.set_text_color(70, 70, 70)
    _write(pdf, stamp, text_width, 4.2)
    return bytes(pdf.output())


# ---------------------------------------------------------------------------- PPTX

# Slide geometry in inches: PowerPoint's own 16:9 size (12,192,000 by 6,858,000 EMU).
SLIDE_WIDTH_IN, SLIDE_HEIGHT_IN = 40 / 3, 7.5
SLIDE_MARGIN_IN = 0.5
BODY_TOP_IN, BODY_HEIGHT_IN = 1.3, 5.8


def _text_height_in(text: str, width_in: float, size_pt: float) -> float:
    """Rough height of wrapped ``text`` in a PPTX box (no font metrics at hand).

    Assumes an average glyph of 0.55 em, generous for Arial in Latin and Cyrillic, so
    an estimate errs on the side of a new slide rather than text running off one.
    """
    per_line = max(int(width_in * 72 / (0.55 * size_pt)), 1)
    lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
    return lines * size_pt * 1.2 / 72


def _pages(heights: Sequence[float], room: float, most: int | None = None) -> list[tuple[int, int]]:
    """Split consecutive blocks of ``heights`` into (start, stop) pages that fit ``room``."""
    pages, start, used = [], 0, 0.0
    for index, height in enumerate(heights):
        full = used + height > room or (most is not None and index - start >= most)
        if index > start and full:
            pages.append((start, index))
            start, used = index, 0.0
        used += height
    if start < len(heights) or not pages:
        pages.append((start, len(heights)))
    return pages


def pptx_bytes(briefing: Briefing, map_png: bytes | None, qr_png: bytes | None) -> bytes:
    """Lay a briefing out as 16:9 PowerPoint slides.

    Slides: the title (title, subtitle, date, data version); the map with the key numbers;
    the items as tables; the sources with the dates they were read; the notes; and a last
    slide with the QR code, the link and the UN disclaimer. Tables, sources and notes run
    over as many slides as they need (at most ``PPTX_ROWS_PER_SLIDE`` table rows each).
    Text is set in Arial, which covers Kazakh and Russian Cyrillic.

    Parameters
    ----------
    briefing : Briefing
    map_png : bytes or None
        From :func:`static_map_png`; left out when ``None``.
    qr_png : bytes or None
        From :func:`qr_png`; left out when ``None``.

    Returns
    -------
    bytes
        The PPTX document.
    """
    briefing = _cleaned(briefing)
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Emu, Inches, Pt

    labels = briefing.labels
    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(12_192_000), Emu(6_858_000)
    shown_title, notes = _title_and_notes(briefing)
    deck.core_properties.title = shorten(briefing.title, PPTX_PROPERTY_CHARS)
    deck.core_properties.subject = shorten(briefing.subtitle, PPTX_PROPERTY_CHARS)
    deck.core_properties.keywords = shorten(
        f"{labels.get('data_version', '')} {briefing.data_version}", PPTX_PROPERTY_CHARS
    )
    title_only = deck.slide_layouts[5]  # a real title placeholder: outline view and screen readers see it
    grey, blue = RGBColor(0x55, 0x55, 0x55), RGBColor(0x00, 0x50, 0xA0)
    margin = Inches(SLIDE_MARGIN_IN)
    full_width_in = SLIDE_WIDTH_IN - 2 * SLIDE_MARGIN_IN
    stamp = f"{labels.get('date', '')}: {briefing.made_on}    ·    {labels.get('data_version', '')}: {briefing.data_version}"

    def style(run, size: float, bold: bool = False, colour: RGBColor | None = None) -> None:
        run.font.name = PPTX_FONT
        run.font.size = Pt(size)
        run.font.bold = bold
        if colour is not None:
            run.font.color.rgb = colour

    def new_slide(title: str, page: int = 1, pages: int = 1, top_in: float = 0.35, height_in: float = 0.9, size=24):
        slide = deck.slides.add_slide(title_only)
        shape = slide.shapes.title
        shape.left, shape.top = margin, Inches(top_in)
        shape.width, shape.height = Inches(full_width_in), Inches(height_in)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.text = title + (f" ({page}/{pages})" if pages > 1 else "")
        frame.paragraphs[0].alignment = PP_ALIGN.LEFT
        for run in frame.paragraphs[0].runs:
            style(run, size, bold=True)
        return slide

    def text_box(slide, left_in: float, top_in: float, width_in: float, height_in: float, lines: list) -> None:
        """``lines`` are (text, size, bold, colour, hyperlink) paragraphs."""
        frame = slide.shapes.add_textbox(
            Inches(left_in), Inches(top_in), Inches(width_in), Inches(height_in)
        ).text_frame
        frame.word_wrap = True
        for index, (text, size, bold, colour, link) in enumerate(lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            run = paragraph.add_run()
            run.text = text
            style(run, size, bold, colour)
            if pack_link(link):
                run.hyperlink.address = pack_link(link)

    def paged_text(title: str, blocks: list[list], width_in: float) -> None:
        """Blocks of lines (kept together) over as many slides as they need."""
        heights = [sum(_text_height_in(text, width_in, size) + 0.05 for text, size, *_ in block) for block in blocks]
        pages = _pages(heights, BODY_HEIGHT_IN)
        for page, (start, stop) in enumerate(pages, start=1):
            slide = new_slide(title, page, len(pages))
            lines = [line for block in blocks[start:stop] for line in block]
            text_box(slide, SLIDE_MARGIN_IN, BODY_TOP_IN, width_in, BODY_HEIGHT_IN, lines)

    # 1. Title.
    slide = new_slide(shown_title, top_in=2.0, height_in=1.6, size=34)
    if shown_title != briefing.title:  # the whole name, for the presenter
        slide.notes_slide.notes_text_frame.text = briefing.title
    text_box(
        slide, SLIDE_MARGIN_IN, 3.7, full_width_in, 1.4,
        [(briefing.subtitle, 20, False, grey, ""), (stamp, 14, False, grey, "")],
    )  # fmt: skip

    # 2. Map and key numbers; the numbers' size shrinks until they fit beside the map.
    slide = new_slide(labels.get("map", ""))
    numbers_left_in = SLIDE_MARGIN_IN
    if map_png:
        pixels_w, pixels_h = _image_size(map_png)
        width_in = min(8.4, BODY_HEIGHT_IN * pixels_w / pixels_h)
        height_in = width_in * pixels_h / pixels_w
        picture = slide.shapes.add_picture(
            io.BytesIO(map_png), margin, Inches(BODY_TOP_IN), Inches(width_in), Inches(height_in)
        )
        picture.name = "Map"
        numbers_left_in += width_in + 0.3
    numbers_width_in = SLIDE_WIDTH_IN - SLIDE_MARGIN_IN - numbers_left_in
    for size in (14, 12, 11, 10, 9, 8):
        needed = sum(
            _text_height_in(label, numbers_width_in, size - 2) + _text_height_in(value or "—", numbers_width_in, size)
            for label, value in briefing.numbers
        )
        if needed <= BODY_HEIGHT_IN:
            break
    lines: list = []
    for label, value in briefing.numbers:
        lines += [(label, size - 2, False, grey, ""), (value or "—", size, True, None, "")]
    text_box(slide, numbers_left_in, BODY_TOP_IN, numbers_width_in, BODY_HEIGHT_IN, lines)

    # 3. Items, as tables split so each slide's rows fit.
    columns = [column for column in briefing.items.columns if column != "url"]
    records = briefing.items.to_dict("records")
    weights = _weights(columns)
    widths_in = [full_width_in * weight / sum(weights) for weight in weights]
    sizes = {column: 8 if column == "source" else 10 for column in columns}
    # Cell text is inset 0.1 in on each side and 0.05 in above and below.
    row_heights = [
        max(
            [
                _text_height_in(clean_text(record.get(column)), width - 0.2, sizes[column])
                for column, width in zip(columns, widths_in)
            ]
            or [0.2]
        )
        + 0.12
        for record in records
    ]
    header_height = 0.45
    pages = _pages(row_heights, BODY_HEIGHT_IN - header_height, PPTX_ROWS_PER_SLIDE) if records else []
    for page, (start, stop) in enumerate(pages, start=1):
        slide = new_slide(labels.get("items", ""), page, len(pages))
        if not columns:
            continue
        chunk = records[start:stop]
        shape = slide.shapes.add_table(
            len(chunk) + 1, len(columns), margin, Inches(BODY_TOP_IN), Inches(full_width_in), Inches(header_height)
        )
        shape.name = "Items"
        table = shape.table
        for index, width in enumerate(widths_in):
            table.columns[index].width = Inches(width)
        table.rows[0].height = Inches(header_height)
        for col_index, column in enumerate(columns):
            frame = table.cell(0, col_index).text_frame
            frame.text = briefing.headers.get(column, column)
            for run in frame.paragraphs[0].runs:
                style(run, 11, bold=True)
        for row_index, (record, height) in enumerate(zip(chunk, row_heights[start:stop]), start=1):
            table.rows[row_index].height = Inches(height)
            for col_index, column in enumerate(columns):
                frame = table.cell(row_index, col_index).text_frame
                frame.word_wrap = True
                run = frame.paragraphs[0].add_run()
                run.text = clean_text(record.get(column))
                style(run, sizes[column])
                url = pack_link(record.get("url")) if column == "source" else ""
                if url:
                    run.hyperlink.address = url

    # 4. Sources, with the date each was read.
    accessed = labels.get("accessed", "")
    if briefing.sources:
        blocks = []
        for title, url, when in briefing.sources:
            block = [(title + (f" ({accessed}: {when})" if when else ""), 11, False, None, "")]
            if url:
                block.append((shown_url(url), 9, False, blue if pack_link(url) else grey, url))
            blocks.append(block)
        paged_text(labels.get("sources", ""), blocks, full_width_in)

    # 5. Notes.
    if notes:
        paged_text(labels.get("notes", ""), [[(f"• {note}", 12, False, None, "")] for note in notes], full_width_in)

    # 6. The way back to the app, and the disclaimer.
    slide = new_slide(labels.get("link", ""))
    text_left_in = SLIDE_MARGIN_IN
    if qr_png:
        picture = slide.shapes.add_picture(io.BytesIO(qr_png), margin, Inches(BODY_TOP_IN), Inches(3.2), Inches(3.2))
        picture.name = "QR code"
        text_left_in += 3.6
    lines = [(briefing.link, 14, False, blue, briefing.link)] if briefing.link else []
    lines += [(stamp, 12, False, grey, ""), ("", 8, False, None, ""), (briefing.disclaimer, 12, True, grey, "")]
    text_box(slide, text_left_in, BODY_TOP_IN, SLIDE_WIDTH_IN - SLIDE_MARGIN_IN - text_left_in, BODY_HEIGHT_IN, lines)

    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
