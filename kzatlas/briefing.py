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
odd glyphs never stop a pack from being made.
"""

from __future__ import annotations

import io
import json
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import segno
import shapely

from kzatlas import analysis, reports, spatial
from kzatlas.analysis import PROTECTED_KINDS, located
from kzatlas.catalog import Catalogue, feature_frame, region_frame, split_list
from kzatlas.config import (
    CRS,
    KAZAKHSTAN_AREA_KM2,
    KAZAKHSTAN_BOUNDS,
    KIND_COLOURS,
    KIND_CORRIDOR,
    KIND_UNDP_SITE,
    KINDS,
    MAP_BACKGROUND,
    REGION_FILL_COLOUR,
    REGION_LINE_COLOUR,
    REGIONS_LAYER,
    UN_DISCLAIMER,
)
from kzatlas.i18n import KIND_LABELS, KIND_SHORT_LABELS, N_, QUALITY_LABELS, Translate

SCOPE_COUNTRY = "country"
SCOPE_REGION = "region"
SCOPE_FEATURE = "feature"
SCOPE_KINDS = (SCOPE_COUNTRY, SCOPE_REGION, SCOPE_FEATURE)

# A UNDP site's briefing lists the reserves, parks and corridors this close (the details
# panel's default distance, so the pack and the app agree).
NEARBY_KM = 100
NEARBY_KINDS = (*PROTECTED_KINDS, KIND_CORRIDOR)
UNCERTAIN_QUALITIES = ("approximate", "schematic")
AREA_KINDS = reports.AREA_KINDS

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
ITEM_WEIGHTS = {"name": 30, "kind": 17, "area": 11, "year": 6, "shape": 13, "distance": 8, "source": 28}

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
PPTX_SOURCES_PER_SLIDE = 12


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
    numbers: list[tuple[str, str]]
    items: pd.DataFrame
    sources: list[tuple[str, str, str]]  # (title, url, accessed)
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


def _name(row: pd.Series, name_column: str) -> str:
    # Russian and Kazakh names are not known for every item; English is always there.
    return clean_text(row.get(name_column)) or clean_text(row.get("name_en")) or clean_text(row.get("id"))


def _hectares(value: object, translate: Translate) -> str:
    if value is None or pd.isna(value):
        return translate("not published")
    return translate("{hectares} ha").format(hectares=f"{float(value):,.0f}")


def _year(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


def _has_position(geometry) -> bool:
    return geometry is not None and not geometry.is_empty


# ---------------------------------------------------------------------------- the content


def _kind_order(kind: str) -> int:
    return KINDS.index(kind) if kind in KINDS else len(KINDS)


def _items_table(
    rows: pd.DataFrame, translate: Translate, name_column: str, distances: dict[str, float] | None = None
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
            "area": _hectares(row["area_ha"], translate) if kind in AREA_KINDS else "",
            "year": _year(row["year"]),
            "shape": translate(QUALITY_LABELS.get(quality, quality)),
        }
        if distances is not None:
            distance = distances.get(row["id"])
            record["distance"] = "" if distance is None else f"{distance:,.1f}"
        record["source"] = clean_text(row.get("source_url"))
        record["url"] = record["source"]
        records.append(record)
    columns = [key for key in ITEM_HEADINGS if distances is not None or key != "distance"] + ["url"]
    return pd.DataFrame(records, columns=columns)


def _sorted_features(frame: pd.DataFrame, name_column: str) -> pd.DataFrame:
    """Legend order of kinds, then by the name shown."""
    keys = [
        (_kind_order(kind), _name(row, name_column).casefold())
        for kind, (_, row) in zip(frame["kind"], frame.iterrows())
    ]
    order = sorted(range(len(frame)), key=keys.__getitem__)
    return frame.iloc[order]


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


def _target_source(record: dict | None) -> list[tuple[str, str, str]]:
    source = (record or {}).get("source") or {}
    if not source.get("url"):
        return []
    title = source.get("title") or source.get("publisher") or source["url"]
    return [(clean_text(title), clean_text(source["url"]), clean_text(source.get("accessed")))]


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


def _shape_notes(rows: gpd.GeoDataFrame, translate: Translate) -> list[str]:
    notes = []
    drawn = located(rows)
    if drawn["geometry_quality"].isin(UNCERTAIN_QUALITIES).any():
        notes.append(
            translate("Approximate or schematic shape, not a boundary")
            + ": "
            + translate(QUALITY_LABELS["approximate"])
            + ", "
            + translate(QUALITY_LABELS["schematic"])
            + "."
        )
    missing = len(rows) - len(drawn)
    if missing:
        notes.append(
            translate(
                "{count} matching items have no verifiable location and are listed below without a map position."
            ).format(count=missing)
        )
    return notes


def _country_content(catalogue: Catalogue, features: gpd.GeoDataFrame, translate: Translate):
    numbers: list[tuple[str, str]] = []
    for kind, count in analysis.counts_by_kind(features).itertuples(index=False):
        numbers.append((translate(KIND_SHORT_LABELS.get(kind, kind)), str(count)))
    numbers.append(
        (translate("Official area of reserves and parks"), _hectares(analysis.protected_hectares(features), translate))
    )
    tracker = reports.target_tracker(catalogue.tables.get("targets"), features, KAZAKHSTAN_AREA_KM2)
    notes: list[str] = []
    sources: list[tuple[str, str, str]] = []
    if tracker.latest is not None:
        latest = tracker.latest
        when = latest.get("as_of") or latest.get("year") or ""
        numbers.append((translate("Under protection (as of {date})").format(date=when), f"{latest['share_pct']:.2f} %"))
        publisher = (latest.get("source") or {}).get("publisher") or ""
        if publisher:
            notes.append(translate("Status: {source}.").format(source=clean_text(publisher)))
        sources += _target_source(latest)
    national = tracker.national_target
    if national and tracker.national_target_share_pct is not None:
        value = f"{tracker.national_target_share_pct:.1f} %"
        if tracker.national_target_share_computed:
            value = "≈ " + value
            notes.append(
                translate(
                    "Its share is computed here from {hectares:,.0f} ha and the official territory of 2,724,900 km²."
                ).format(hectares=national["target_area_ha"])
            )
        numbers.append((translate("National target by {year}").format(year=national.get("by_year") or "—"), value))
        sources += _target_source(national)
    global_target = tracker.global_target
    if global_target:
        numbers.append(
            (
                translate("Global target by {year}").format(year=global_target.get("by_year")),
                f"{global_target.get('target_pct')} %",
            )
        )
        sources += _target_source(global_target)
    numbers.append(
        (
            translate("UNDP-supported reserves and parks"),
            f"{tracker.undp_in_atlas_count} · {_hectares(tracker.undp_in_atlas_ha, translate)}",
        )
    )
    notes += [
        translate(
            "The total covers only the reserves and national parks in this atlas; other kinds of protected area "
            "in Kazakhstan (sanctuaries, regional parks, zoological parks and others) are not included, so it is "
            "far below the national figure."
        ),
        translate("Ecological corridors are not protected areas and are not in the total."),
    ]
    return numbers, features, notes, sources


def _region_content(iso_code: str, features: gpd.GeoDataFrame, regions: gpd.GeoDataFrame, translate: Translate):
    profile = spatial.region_profile(iso_code, features, regions)
    if profile is None:
        raise ValueError(f"unknown region {iso_code!r}")
    in_region = features[features["id"].isin(profile.protected_ids + profile.corridor_ids + profile.undp_ids)]
    numbers = [
        (translate("Land area"), translate("{km2} km²").format(km2=f"{profile.land_ha / 100:,.0f}")),
        (translate("Reserves and parks"), str(len(profile.protected_ids))),
        (translate("Official area of reserves and parks"), _hectares(profile.official_protected_ha, translate)),
        (translate("Official area protected"), f"{profile.official_share:.1%}"),
        (translate("Ecological corridors"), str(len(profile.corridor_ids))),
        (translate("UNDP sites and programmes"), str(len(profile.undp_ids))),
    ]
    notes = [
        translate(
            "Official area: the published areas of the reserves and parks listed in this region "
            "({hectares} ha; an area shared with another region counts in full). Measured from the drawn, "
            "approximate shapes, {share} of the region lies inside them."
        ).format(hectares=f"{profile.official_protected_ha:,.0f}", share=f"{profile.drawn_share:.1%}"),
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
):
    facts = reports.feature_facts(row, translate, region_names)
    long_fields = {translate(msgid) for msgid in _LONG_FACTS}
    numbers, notes = [], []
    for label, value in facts.itertuples(index=False):
        text = clean_text(value)
        if label in long_fields:
            notes.append(f"{label}: {text}")
        else:
            numbers.append((clean_text(label), text))
    by_id = features.set_index("id", drop=False)
    related: dict[str, float] = {}
    feature_id = row["id"]
    if not _has_position(row.geometry):
        notes.append(translate("This item has no map position, so nothing can be measured from it."))
    elif row["kind"] == KIND_UNDP_SITE:
        nearby = spatial.features_near(feature_id, features, NEARBY_KINDS, NEARBY_KM)
        numbers.append(
            (translate("Reserves, parks and corridors within {km} km").format(km=NEARBY_KM), str(len(nearby)))
        )
        related = {item.id: item.distance_km for item in nearby}
        if not nearby:
            closest = spatial.nearest(feature_id, features, NEARBY_KINDS)
            text = translate("None within {km} km.").format(km=NEARBY_KM)
            if closest:
                text += " " + translate("The nearest is {name}, {distance:,.0f} km away.").format(
                    name=_name(by_id.loc[closest.id], name_column), distance=closest.distance_km
                )
            notes.append(text)
    else:
        inside = spatial.undp_sites_in(feature_id, features)
        numbers.append((translate("What UNDP does here"), str(len(inside))))
        related = {item.id: item.distance_km for item in inside}
        if not inside:
            notes.append(translate("No UNDP project site lies inside or touches this area."))
        closest = spatial.nearest(feature_id, features, (KIND_UNDP_SITE,))
        if closest:
            notes.append(
                translate("Nearest UNDP project site: {name}, {distance:,.0f} km.").format(
                    name=_name(by_id.loc[closest.id], name_column), distance=closest.distance_km
                )
            )
            related.setdefault(closest.id, closest.distance_km)
        if row["kind"] == KIND_CORRIDOR:
            for area_id in spatial.protected_areas_linked_by(feature_id, features):
                related.setdefault(area_id, 0.0)
        if row["undp_supported"]:
            notes.append(translate("UNDP supported the creation or expansion of this area (see sources)."))
    if _has_position(row.geometry):
        notes.append(
            translate("Distances are measured from the drawn shapes, which are approximate for reserves and parks.")
        )
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
    notes = _shape_notes(rows, translate) + notes
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


def _extent(scope: Scope, features: gpd.GeoDataFrame, regions: gpd.GeoDataFrame | None, focus) -> tuple:
    """(west, south, east, north) of what the map should show, with some margin."""
    (south, west), (north, east) = KAZAKHSTAN_BOUNDS
    if scope.kind == SCOPE_COUNTRY or focus is None or focus.is_empty:
        return west, south, east, north
    x0, y0, x1, y1 = focus.bounds
    # Keep some surroundings: at least 3 degrees across, plus 12 % on each side.
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w = max((x1 - x0) * 0.62, 1.5)
    half_h = max((y1 - y0) * 0.62, 1.0)
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
    name_column: str = "name_en",
) -> bytes:
    """Draw the scope's map as a PNG, on the server, without tiles or network.

    Region outlines are the base; reserves, parks and corridors are filled in their
    ``KIND_COLOURS`` (dashed outline when the shape is approximate or schematic); UNDP sites
    are dots. The scope is outlined in black and the view fitted to it (the whole country
    for a country pack; 100 km around a UNDP site). Items without a map position are not
    drawn. A caption carries the UN boundary disclaimer.

    Parameters
    ----------
    catalogue : Catalogue
    scope : Scope
    width_px, height_px : int
        Size of the image in pixels.
    translate : callable, optional
        For the legend and caption; English when omitted.
    name_column : str
        Unused names are not printed on the map; kept for symmetry with the other builders.

    Returns
    -------
    bytes
        PNG image data, exactly ``width_px`` by ``height_px``.
    """
    # Object-oriented matplotlib with the Agg canvas: no pyplot, so no global figure state
    # and no GUI backend on a server thread.
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    translate = translate or (lambda message: message)
    width_px, height_px = max(int(width_px), 200), max(int(height_px), 150)
    features = feature_frame(catalogue)
    regions = region_frame(catalogue)
    scale = width_px / 1600
    dpi = 100 * scale
    # A quarter pixel of slack: Agg truncates the figure's float size to whole pixels.
    figure = Figure(figsize=((width_px + 0.25) / dpi, (height_px + 0.25) / dpi), dpi=dpi, facecolor="white")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    caption_height = 0.05
    axes = figure.add_axes((0, caption_height, 1, 1 - caption_height))
    axes.set_facecolor(MAP_BACKGROUND)
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_edgecolor("#B0B0B0")

    focus, highlighted_codes = _focus_geometry(scope, features, regions)
    west, south, east, north = _extent(scope, features, regions, focus)

    if regions is not None:
        paths, fills, edges, widths = [], [], [], []
        highlight_paths = []
        for code, geometry in zip(regions["iso_code"], regions.geometry):
            if not _has_position(geometry):
                continue
            chosen = scope.kind == SCOPE_COUNTRY or code in highlighted_codes
            for path in _polygon_paths(geometry):
                paths.append(path)
                fills.append(REGION_FILL_COLOUR if chosen else _OTHER_REGION_FILL)
                edges.append(REGION_LINE_COLOUR)
                widths.append(0.8 * scale)
                if scope.kind == SCOPE_REGION and code in highlighted_codes:
                    highlight_paths.append(path)
        axes.add_collection(
            PathCollection(paths, facecolors=fills, edgecolors=edges, linewidths=widths, zorder=1), autolim=False
        )
        if highlight_paths:
            axes.add_collection(
                PathCollection(
                    highlight_paths, facecolors="none", edgecolors=_HIGHLIGHT, linewidths=2.6 * scale, zorder=5
                ),
                autolim=False,
            )

    drawn = located(features)
    drawn_kinds: list[str] = []
    any_uncertain = False
    # Corridors under the areas they link, UNDP dots on top (the interactive map's order).
    for zorder, kind in enumerate((KIND_CORRIDOR, *reversed(PROTECTED_KINDS)), start=2):
        of_kind = drawn[drawn["kind"] == kind]
        if of_kind.empty:
            continue
        colour = KIND_COLOURS.get(kind, "#666666")
        for quality_uncertain in (False, True):
            chosen = of_kind[of_kind["geometry_quality"].isin(UNCERTAIN_QUALITIES) == quality_uncertain]
            paths = [path for geometry in chosen.geometry for path in _polygon_paths(geometry)]
            if not paths:
                continue
            any_uncertain |= quality_uncertain
            axes.add_collection(
                PathCollection(
                    paths,
                    facecolors=[_with_alpha(colour, 0.45)],
                    edgecolors=[colour],
                    linewidths=2.0 * scale,
                    linestyles=[_DASHED if quality_uncertain else "solid"],
                    zorder=zorder,
                ),
                autolim=False,
            )
        drawn_kinds.append(kind)

    sites = drawn[drawn["kind"] == KIND_UNDP_SITE]
    if not sites.empty:
        points = [geometry.representative_point() for geometry in sites.geometry]
        axes.scatter(
            [p.x for p in points],
            [p.y for p in points],
            s=(11 * scale) ** 2,
            c=KIND_COLOURS[KIND_UNDP_SITE],
            edgecolors="white",
            linewidths=1.2 * scale,
            zorder=7,
        )
        drawn_kinds.append(KIND_UNDP_SITE)

    if scope.kind == SCOPE_FEATURE:
        match = drawn[drawn["id"] == scope.id]
        if not match.empty:
            geometry = match.geometry.iloc[0]
            if match["kind"].iloc[0] == KIND_UNDP_SITE:
                point = geometry.representative_point()
                axes.scatter(
                    [point.x], [point.y], s=(24 * scale) ** 2, facecolors="none",
                    edgecolors=_HIGHLIGHT, linewidths=2.4 * scale, zorder=8,
                )  # fmt: skip
                axes.add_collection(
                    PathCollection(
                        _polygon_paths(focus),
                        facecolors="none",
                        edgecolors="#555555",
                        linewidths=1.2 * scale,
                        linestyles=[(0, (2, 3))],
                        zorder=6,
                    ),
                    autolim=False,
                )
            else:
                axes.add_collection(
                    PathCollection(
                        _polygon_paths(geometry),
                        facecolors="none",
                        edgecolors=_HIGHLIGHT,
                        linewidths=2.8 * scale,
                        zorder=8,
                    ),  # fmt: skip
                    autolim=False,
                )

    # Degrees of longitude shrink with latitude; this aspect keeps shapes undistorted at the centre.
    middle = math.radians((south + north) / 2)
    axes.set_xlim(west, east)
    axes.set_ylim(south, north)
    axes.set_aspect(1 / max(math.cos(middle), 0.2), adjustable="datalim")

    handles = []
    for kind in KINDS:
        if kind not in drawn_kinds:
            continue
        label = translate(KIND_SHORT_LABELS.get(kind, kind))
        colour = KIND_COLOURS[kind]
        if kind == KIND_UNDP_SITE:
            handles.append(
                Line2D([], [], marker="o", linestyle="", markersize=9 * scale, markerfacecolor=colour,
                       markeredgecolor="white", label=label)
            )  # fmt: skip
        else:
            handles.append(Patch(facecolor=colour, edgecolor=colour, label=label))
    if any_uncertain:
        handles.append(
            Patch(
                facecolor="none", edgecolor="#444444", linestyle="--", linewidth=1.5 * scale,
                label=translate("Approximate or schematic shape, not a boundary"),
            )
        )  # fmt: skip
    if scope.kind == SCOPE_FEATURE and focus is not None:
        match = drawn[drawn["id"] == scope.id]
        if not match.empty and match["kind"].iloc[0] == KIND_UNDP_SITE:
            handles.append(
                Line2D([], [], color="#555555", linestyle=":", linewidth=1.5 * scale, label=f"{NEARBY_KM} km")
            )
    if handles:
        axes.legend(
            handles=handles,
            loc="upper right",
            fontsize=11 * scale,
            framealpha=0.92,
            borderpad=0.6,
            handlelength=2.2,
        )
    figure.text(
        0.008,
        caption_height / 2,
        translate(UN_DISCLAIMER),
        fontsize=10 * scale,
        color="#444444",
        va="center",
        ha="left",
    )
    buffer = io.BytesIO()
    # No timestamps or software version in the file, so the same map gives the same bytes.
    canvas.print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()


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


def pdf_bytes(briefing: Briefing, map_png: bytes | None, qr_png: bytes | None) -> bytes:
    """Lay a briefing out as an A4 landscape PDF.

    Page 1 holds the title, subtitle, date, data version, the map and the key numbers; the
    following pages hold the items table, the sources (with links), the notes, the UN
    disclaimer and the QR code with the link. Every page's footer repeats the disclaimer.

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
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos
    from fpdf.fonts import FontFace

    labels = briefing.labels
    regular, bold = _font_paths()

    class BriefingPDF(FPDF):
        def footer(self) -> None:
            self.set_y(-13)
            self.set_font(PDF_FONT, size=7)
            self.set_text_color(110, 110, 110)
            self.multi_cell(self.epw - 22, 3.2, briefing.disclaimer, new_x=XPos.RIGHT, new_y=YPos.TOP)
            self.cell(22, 3.2, f"{self.page_no()} / {{nb}}", align="R")

    pdf = BriefingPDF(orientation="L", unit="mm", format="A4")
    pdf.add_font(PDF_FONT, "", str(regular))
    pdf.add_font(PDF_FONT, "B", str(bold))
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(briefing.title)
    pdf.set_subject(briefing.subtitle)
    pdf.set_creator(labels.get("atlas", ""))
    pdf.set_keywords(f"{labels.get('data_version', '')} {briefing.data_version}")

    def heading(text: str, size: float = 13) -> None:
        pdf.set_font(PDF_FONT, "B", size)
        pdf.set_text_color(20, 20, 20)
        pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)

    def paragraph(text: str, size: float = 9, colour: tuple[int, int, int] = (30, 30, 30), link: str = "") -> None:
        pdf.set_font(PDF_FONT, "", size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(0, size * 0.48, text, link=link or None, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # Page 1: who, when, which data; the map and the numbers side by side.
    pdf.add_page()
    pdf.set_font(PDF_FONT, "B", 20)
    pdf.set_text_color(10, 10, 10)
    pdf.multi_cell(0, 9, briefing.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    paragraph(briefing.subtitle, 12, (70, 70, 70))
    paragraph(
        f"{labels.get('date', '')}: {briefing.made_on}    ·    {labels.get('data_version', '')}: {briefing.data_version}",
        9,
        (90, 90, 90),
    )
    top = pdf.get_y() + 3
    map_width = 0.0
    if map_png:
        pixels_w, pixels_h = _image_size(map_png)
        box_w, box_h = 180.0, pdf.h - 17 - top
        map_width = min(box_w, box_h * pixels_w / pixels_h)
        pdf.image(io.BytesIO(map_png), x=pdf.l_margin, y=top, w=map_width, alt_text=briefing.title)
    column_x = pdf.l_margin + (map_width + 7 if map_width else 0)
    column_w = pdf.w - pdf.r_margin - column_x
    pdf.set_xy(column_x, top)
    pdf.set_font(PDF_FONT, "B", 12)
    pdf.set_text_color(20, 20, 20)
    pdf.multi_cell(column_w, 6, labels.get("numbers", ""), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.ln(1)
    for label, value in briefing.numbers:
        pdf.set_x(column_x)
        pdf.set_font(PDF_FONT, "", 8)
        pdf.set_text_color(95, 95, 95)
        pdf.multi_cell(column_w, 3.8, label, new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(PDF_FONT, "B", 10.5)
        pdf.set_text_color(15, 15, 15)
        pdf.multi_cell(column_w, 5, value or "—", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.ln(1.2)

    # Page 2 on: the items, then where everything comes from.
    pdf.add_page()
    heading(labels.get("items", ""))
    columns = [column for column in briefing.items.columns if column != "url"]
    if columns and not briefing.items.empty:
        pdf.set_font(PDF_FONT, "", 7.5)
        pdf.set_text_color(20, 20, 20)
        with pdf.table(
            col_widths=_weights(columns),
            first_row_as_headings=True,
            headings_style=FontFace(emphasis="BOLD", fill_color=(228, 234, 238)),
            line_height=3.6,
            text_align="LEFT",
            borders_layout="HORIZONTAL_LINES",
            padding=1,
        ) as table:
            header = table.row()
            for column in columns:
                header.cell(briefing.headers.get(column, column))
            for record in briefing.items.to_dict("records"):
                row = table.row()
                for column in columns:
                    url = clean_text(record.get("url")) if column == "source" else ""
                    row.cell(clean_text(record.get(column)), link=url or None)
    pdf.ln(4)
    if briefing.sources:
        heading(labels.get("sources", ""), 12)
        accessed = labels.get("accessed", "")
        for number, (title, url, when) in enumerate(briefing.sources, start=1):
            paragraph(f"{number}. {title}" + (f" ({accessed}: {when})" if when else ""), 8)
            if url:
                pdf.set_x(pdf.l_margin + 4)
                pdf.set_font(PDF_FONT, "", 7.5)
                pdf.set_text_color(0, 80, 160)
                pdf.multi_cell(0, 3.6, url, link=url, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(0.6)
        pdf.ln(3)
    if briefing.notes:
        heading(labels.get("notes", ""), 12)
        for note in briefing.notes:
            paragraph(f"• {note}", 8.5)
            pdf.ln(0.6)
        pdf.ln(3)
    paragraph(briefing.disclaimer, 9, (40, 40, 40))
    pdf.ln(4)
    # The QR block stays in one piece: start a page when it would not fit.
    qr_size = 34.0
    if pdf.get_y() + qr_size + 4 > pdf.h - 16:
        pdf.add_page()
    top = pdf.get_y()
    text_x = pdf.l_margin
    if qr_png:
        pdf.image(io.BytesIO(qr_png), x=pdf.l_margin, y=top, w=qr_size, link=briefing.link or "")
        text_x += qr_size + 6
    pdf.set_xy(text_x, top + 2)
    pdf.set_font(PDF_FONT, "B", 10)
    pdf.set_text_color(20, 20, 20)
    pdf.multi_cell(0, 5, labels.get("link", ""), new_x=XPos.LEFT, new_y=YPos.NEXT)
    if briefing.link:
        pdf.set_font(PDF_FONT, "", 8.5)
        pdf.set_text_color(0, 80, 160)
        pdf.multi_cell(0, 4.2, briefing.link, link=briefing.link, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(PDF_FONT, "", 8.5)
    pdf.set_text_color(70, 70, 70)
    pdf.multi_cell(
        0,
        4.2,
        f"{labels.get('data_version', '')}: {briefing.data_version}    ·    {labels.get('date', '')}: {briefing.made_on}",
        new_x=XPos.LEFT,
        new_y=YPos.NEXT,
    )
    return bytes(pdf.output())


# ---------------------------------------------------------------------------- PPTX


def _chunks(values: Sequence, size: int) -> list[Sequence]:
    return [values[start : start + size] for start in range(0, len(values), size)] or [values[:0]]


def pptx_bytes(briefing: Briefing, map_png: bytes | None, qr_png: bytes | None) -> bytes:
    """Lay a briefing out as 16:9 PowerPoint slides.

    Slides: the title slide (title, subtitle, date, data version); the map with the key
    numbers; the items as tables (``PPTX_ROWS_PER_SLIDE`` rows each); the sources; and a
    last slide with the notes, the UN disclaimer, the QR code and the link.

    Parameters
    ----------
    briefing : Briefing
    map_png : bytes or None
    qr_png : bytes or None

    Returns
    -------
    bytes
        The PPTX document.
    """
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    labels = briefing.labels
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    deck.core_properties.title = briefing.title
    deck.core_properties.subject = briefing.subtitle
    deck.core_properties.keywords = f"{labels.get('data_version', '')} {briefing.data_version}"
    title_only = deck.slide_layouts[5]  # a real title placeholder: outline view and screen readers see it
    grey = RGBColor(0x55, 0x55, 0x55)
    blue = RGBColor(0x00, 0x50, 0xA0)
    margin = Inches(0.5)
    content_width = deck.slide_width - 2 * margin

    def style(run, size: float, bold: bool = False, colour: RGBColor | None = None) -> None:
        run.font.name = PPTX_FONT
        run.font.size = Pt(size)
        run.font.bold = bold
        if colour is not None:
            run.font.color.rgb = colour

    def new_slide(title: str, top=Inches(0.35), height=Inches(0.9), size: float = 28):
        slide = deck.slides.add_slide(title_only)
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = margin, top, content_width, height
        shape.text_frame.word_wrap = True
        shape.text_frame.text = title
        for paragraph in shape.text_frame.paragraphs:
            paragraph.alignment = 1  # left
            for run in paragraph.runs:
                style(run, size, bold=True)
        return slide

    def text_box(slide, left, top, width, height, lines: list[tuple[str, float, bool, RGBColor | None, str]]):
        """``lines`` are (text, size, bold, colour, hyperlink) paragraphs."""
        frame = slide.shapes.add_textbox(left, top, width, height).text_frame
        frame.word_wrap = True
        for index, (text, size, bold, colour, link) in enumerate(lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            run = paragraph.add_run()
            run.text = text
            style(run, size, bold, colour)
            if link:
                run.hyperlink.address = link
        return frame

    # 1. Title.
    slide = new_slide(briefing.title, top=Inches(2.2), height=Inches(1.4), size=36)
    stamp = f"{labels.get('date', '')}: {briefing.made_on}    ·    {labels.get('data_version', '')}: {briefing.data_version}"
    text_box(
        slide, margin, Inches(3.7), content_width, Inches(1.4),
        [(briefing.subtitle, 20, False, grey, ""), (stamp, 14, False, grey, "")],
    )  # fmt: skip

    # 2. Map and key numbers.
    slide = new_slide(labels.get("map", ""), size=24)
    top = Inches(1.3)
    numbers_left = margin
    if map_png:
        pixels_w, pixels_h = _image_size(map_png)
        height = Inches(5.8)
        width = int(height * pixels_w / pixels_h)
        if width > Inches(8.4):
            width = Inches(8.4)
            height = int(width * pixels_h / pixels_w)
        picture = slide.shapes.add_picture(io.BytesIO(map_png), margin, top, width, height)
        picture.name = "Map"
        numbers_left = margin + width + Inches(0.3)
    size = 14 if len(briefing.numbers) <= 8 else 11 if len(briefing.numbers) <= 13 else 9
    lines: list[tuple[str, float, bool, RGBColor | None, str]] = []
    for label, value in briefing.numbers:
        lines.append((label, size - 2, False, grey, ""))
        lines.append((value or "—", size, True, None, ""))
    text_box(slide, numbers_left, top, deck.slide_width - margin - numbers_left, Inches(5.8), lines)

    # 3. Items, split over slides so each table stays readable.
    columns = [column for column in briefing.items.columns if column != "url"]
    records = briefing.items.to_dict("records")
    pages = _chunks(records, PPTX_ROWS_PER_SLIDE)
    weights = _weights(columns)
    for page, chunk in enumerate(pages, start=1):
        title = labels.get("items", "") + (f" ({page}/{len(pages)})" if len(pages) > 1 else "")
        slide = new_slide(title, size=24)
        if not columns:
            continue
        shape = slide.shapes.add_table(len(chunk) + 1, len(columns), margin, Inches(1.3), content_width, Inches(0.4))
        table = shape.table
        for index, weight in enumerate(weights):
            table.columns[index].width = int(content_width * weight / sum(weights))
        for row_index in range(len(chunk) + 1):
            table.rows[row_index].height = Inches(0.35)
        for col_index, column in enumerate(columns):
            cell = table.cell(0, col_index)
            cell.text_frame.text = briefing.headers.get(column, column)
            for run in cell.text_frame.paragraphs[0].runs:
                style(run, 11, bold=True)
        for row_index, record in enumerate(chunk, start=1):
            for col_index, column in enumerate(columns):
                cell = table.cell(row_index, col_index)
                cell.text_frame.word_wrap = True
                run = cell.text_frame.paragraphs[0].add_run()
                run.text = clean_text(record.get(column))
                style(run, 8 if column == "source" else 10)
                if column == "source" and clean_text(record.get("url")):
                    run.hyperlink.address = clean_text(record.get("url"))

    # 4. Sources, with the date each was read.
    accessed = labels.get("accessed", "")
    source_pages = _chunks(briefing.sources, PPTX_SOURCES_PER_SLIDE) if briefing.sources else []
    for page, chunk in enumerate(source_pages, start=1):
        title = labels.get("sources", "") + (f" ({page}/{len(source_pages)})" if len(source_pages) > 1 else "")
        slide = new_slide(title, size=24)
        lines = []
        for title_text, url, when in chunk:
            lines.append((title_text + (f" ({accessed}: {when})" if when else ""), 11, False, None, ""))
            if url:
                lines.append((url, 9, False, blue, url))
        text_box(slide, margin, Inches(1.3), content_width, Inches(5.8), lines)

    # 5. Notes, disclaimer, QR and link.
    slide = new_slide(labels.get("notes", ""), size=24)
    text_width = content_width - Inches(3.0)
    lines = [(f"• {note}", 11, False, None, "") for note in briefing.notes]
    lines.append((briefing.disclaimer, 11, True, grey, ""))
    text_box(slide, margin, Inches(1.3), text_width, Inches(5.8), lines)
    right = margin + text_width + Inches(0.3)
    if qr_png:
        picture = slide.shapes.add_picture(io.BytesIO(qr_png), right, Inches(1.3), Inches(2.4), Inches(2.4))
        picture.name = "QR code"
    link_lines = [(labels.get("link", ""), 11, True, None, "")]
    if briefing.link:
        link_lines.append((briefing.link, 9, False, blue, briefing.link))
    link_lines.append((stamp, 9, False, grey, ""))
    text_box(slide, right, Inches(3.8), Inches(2.7), Inches(2.5), link_lines)

    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
