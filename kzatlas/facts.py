"""Facts that a page and a briefing pack both state, worked out once and rendered by each.

* :func:`neighbourhood` and :func:`neighbourhood_notes`: what lies around a feature (the
  protected areas and corridors near a UNDP site; the UNDP sites in and near an area, and
  for a corridor the areas its band meets) and the sentences that explain it.
* :func:`target_statement`: Kazakhstan's protected share against its national and global
  targets, with UNDP's contribution, as labelled figures and sourced sentences.

Everything here is plain text already translated; renderers escape it for their medium
(Markdown on a page, nothing in a PDF) and decide how a cited source becomes a link.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

import geopandas as gpd
import pandas as pd

from kzatlas import analysis, reports, spatial
from kzatlas.config import AREA_KINDS, KAZAKHSTAN_AREA_KM2, KIND_CORRIDOR, KIND_UNDP_SITE, NEARBY_KM
from kzatlas.i18n import (
    N_,
    Translate,
    format_hectares,
    format_number,
    format_percent,
    format_share,
    format_square_km,
    shown_name,
)

# ---------------------------------------------------------------------------- neighbourhood


@dataclass(frozen=True)
class Neighbourhood:
    """What lies around one feature, by distances measured from the drawn shapes.

    Attributes
    ----------
    feature_id, kind : str
        The feature described.
    located : bool
        Whether it has a map position; without one nothing else is measured.
    undp_supported : bool
        Whether UNDP supported the feature (for an area: its creation or expansion).
    within_km : float
        How far a UNDP site's neighbourhood reaches.
    nearby : tuple of spatial.Nearby
        For a UNDP site, the protected areas and corridors within ``within_km``; for an area,
        UNDP's work there (:func:`kzatlas.spatial.undp_work`): the UNDP sites inside or touching
        it, then the other UNDP-supported reserves, parks and corridors its drawn shape meets.
    nearest : spatial.Nearby or None
        For a UNDP site, the nearest protected area or corridor when none is within reach;
        for an area, the nearest UNDP site (possibly one of ``nearby``).
    linked_areas : tuple of str
        For a corridor, the ids of the reserves and parks its drawn band meets.
    """

    feature_id: str
    kind: str
    located: bool
    undp_supported: bool
    within_km: float
    nearby: tuple[spatial.Nearby, ...] = ()
    nearest: spatial.Nearby | None = None
    linked_areas: tuple[str, ...] = ()

    @property
    def is_undp_site(self) -> bool:
        """Whether the feature described is a UNDP project site."""
        return self.kind == KIND_UNDP_SITE

    def related(self) -> dict[str, float]:
        """Every feature the neighbourhood names, with its distance in km.

        A UNDP site's neighbours within reach; for an area the UNDP sites in it, the nearest
        one, and for a corridor the areas its band meets (distance 0). Insertion order:
        ``nearby``, then ``nearest``, then ``linked_areas``.
        """
        found = {item.id: item.distance_km for item in self.nearby}
        if not self.is_undp_site:
            if self.nearest is not None:
                found.setdefault(self.nearest.id, self.nearest.distance_km)
            for area_id in self.linked_areas:
                found.setdefault(area_id, 0.0)
        return found


def neighbourhood(feature_id: str, features: gpd.GeoDataFrame, within_km: float = NEARBY_KM) -> Neighbourhood | None:
    """The neighbourhood of ``feature_id``, or ``None`` when it is not in ``features``.

    Parameters
    ----------
    feature_id : str
        Id of a feature in ``features``.
    features : GeoDataFrame
        The catalogue's features (EPSG:4326); unlocated ones are never neighbours.
    within_km : float
        How far to look around a UNDP site (ignored for other kinds).

    Returns
    -------
    Neighbourhood or None
    """
    match = features[features["id"] == feature_id]
    if match.empty:
        return None
    row = match.iloc[0]
    geometry = row.geometry
    hood = Neighbourhood(
        feature_id=feature_id,
        kind=row["kind"],
        located=geometry is not None and not geometry.is_empty,
        undp_supported=bool(row["undp_supported"]),
        within_km=within_km,
    )
    if not hood.located:
        return hood
    if hood.is_undp_site:
        nearby = tuple(spatial.features_near(feature_id, features, AREA_KINDS, within_km))
        nearest = None if nearby else spatial.nearest(feature_id, features, AREA_KINDS)
        return replace(hood, nearby=nearby, nearest=nearest)
    linked = tuple(spatial.protected_areas_linked_by(feature_id, features)) if hood.kind == KIND_CORRIDOR else ()
    partners = spatial.un_partner(features)
    return replace(
        hood,
        nearby=(*spatial.undp_sites_in(feature_id, features), *spatial.undp_areas_meeting(feature_id, features)),
        nearest=spatial.nearest(feature_id, features[~partners], (KIND_UNDP_SITE,)),
        linked_areas=linked,
    )


def neighbourhood_notes(
    hood: Neighbourhood, features: pd.DataFrame, translate: Translate, name_column: str
) -> list[str]:
    """The sentences that go with a neighbourhood, in reading order, as plain text.

    Parameters
    ----------
    hood : Neighbourhood
        From :func:`neighbourhood`.
    features : DataFrame
        The frame the neighbourhood was measured in (for the names of its features).
    translate : callable
        Translation function.
    name_column : str
        Which name to show (empty local names fall back to English).

    Returns
    -------
    list of str
        Unescaped sentences; data names are inside them, so a Markdown renderer escapes them.
    """
    if not hood.located:
        return [translate("This item has no map position, so nothing can be measured from it.")]
    by_id = features.set_index("id")

    def name(feature_id: str) -> str:
        return shown_name(by_id.loc[feature_id], name_column, translate)

    def km(distance: float) -> str:
        return format_number(distance, translate)

    notes = []
    if hood.is_undp_site:
        if not hood.nearby:
            text = translate("None within {km} km.").format(km=hood.within_km)
            if hood.nearest is not None:
                text += " " + translate("The nearest is {name}, {distance} km away.").format(
                    name=name(hood.nearest.id), distance=km(hood.nearest.distance_km)
                )
            notes.append(text)
    else:
        if not hood.nearby:
            notes.append(
                translate("No UNDP project site, and no other UNDP-supported area, lies inside or touches this area.")
            )
        if hood.nearest is not None:
            notes.append(
                translate("Nearest UNDP project site: {name}, {distance} km.").format(
                    name=name(hood.nearest.id), distance=km(hood.nearest.distance_km)
                )
            )
        if hood.undp_supported:
            notes.append(translate("UNDP supported the creation or expansion of this area (see sources)."))
    notes.append(
        translate("Distances are measured from the drawn shapes, which are approximate for reserves and parks.")
    )
    return notes


# ---------------------------------------------------------------------------- target tracker


@dataclass(frozen=True)
class Source:
    """Where a figure comes from (only sources with an address are cited)."""

    title: str
    publisher: str
    url: str
    accessed: str = ""

    @property
    def label(self) -> str:
        """How a sentence names the source: its publisher, else its title, else its address."""
        return self.publisher or self.title or self.url

    @property
    def heading(self) -> str:
        """How a list of sources names it: its title, else its publisher, else its address."""
        return self.title or self.publisher or self.url

    @classmethod
    def from_record(cls, record: Mapping | None) -> Source | None:
        """The ``source`` of a ``targets.json`` record, or ``None`` when it gives no address."""
        source = (record or {}).get("source") or {}
        if not source.get("url"):
            return None
        return cls(
            title=str(source.get("title") or ""),
            publisher=str(source.get("publisher") or ""),
            url=str(source["url"]),
            accessed=str(source.get("accessed") or ""),
        )


@dataclass(frozen=True)
class Figure:
    """One key number: a translated label and its value as text."""

    label: str
    value: str


@dataclass(frozen=True)
class Sentence:
    """A translated sentence whose ``{placeholders}`` are filled by the renderer.

    ``template`` is our own translated text (it may carry light Markdown such as ``**bold**``);
    ``values`` are filled in as they are (numbers arrive formatted for the language as text,
    and every text value is escaped by a Markdown renderer); ``{source}`` takes the cited source, as a link or as text.
    """

    template: str
    values: Mapping[str, object] = field(default_factory=dict)
    source: Source | None = None

    def render(self, text: Callable[[str], str], cite: Callable[[Source], str]) -> str:
        """Fill the sentence: ``text`` turns each text value into the medium, ``cite`` the source."""
        values = {key: text(value) if isinstance(value, str) else value for key, value in self.values.items()}
        return self.template.format(**values, source=cite(self.source) if self.source else "")

    def plain(self) -> str:
        """The sentence as plain text (no Markdown emphasis), naming its source by its label."""
        return Sentence(self.template.replace("**", ""), self.values, self.source).render(
            str, lambda source: source.label
        )


# ---------------------------------------------------------------------------- protection story

PROTECTION_EXPLANATION = N_(
    "Why the figures differ: the atlas counts only the reserves and national parks it lists, by their "
    "official areas (drawn as approximate shapes); official figures count every kind of protected area, "
    "such as sanctuaries, regional parks and natural monuments."
)


@dataclass(frozen=True)
class ProtectionStory:
    """How much is protected, told the one way the atlas tells it everywhere.

    The official national figure (with its date and source) always stands next to the share
    covered by the reserves and parks in the atlas, with one sentence on why they differ; for a
    region, where no official figure is published, the story says so instead.

    Attributes
    ----------
    official : Figure or None
        The official national share as of its date; ``None`` for a region or when unknown.
    atlas : Figure
        The share of the land covered by the official areas of the atlas's reserves and parks
        (those shown: the place, and the filters, the page applies).
    notes : tuple of Sentence
        Where the official figure comes from (or that none exists for a region), then why
        the figures differ.
    """

    official: Figure | None
    atlas: Figure
    notes: tuple[Sentence, ...]

    @property
    def figures(self) -> tuple[Figure, ...]:
        """The official figure (when there is one), then the atlas's."""
        return tuple(figure for figure in (self.official, self.atlas) if figure is not None)

    def plain(self) -> list[str]:
        """The notes as plain text (for a briefing pack)."""
        return [sentence.plain() for sentence in self.notes]


def latest_official_share(targets: Mapping | None) -> Mapping | None:
    """The newest ``national_status`` record of ``targets.json`` that publishes a share, or ``None``."""
    records = (targets or {}).get("national_status") or []
    return next((record for record in records if record.get("share_pct") is not None), None)


def protection_story(
    targets: Mapping | None,
    features: pd.DataFrame,
    translate: Translate,
    land_ha: float | None = None,
    regional: bool = False,
) -> ProtectionStory:
    """The protected share of a place, official and as drawn in the atlas, with why they differ.

    Parameters
    ----------
    targets : mapping or None
        The ``targets`` table of the catalogue (``geodata/targets.json``).
    features : DataFrame
        The features whose reserves and parks the atlas's share counts (corridors and UNDP
        items are ignored: they are not protected areas).
    translate : callable
        Translation function (its language formats the numbers).
    land_ha : float, optional
        The land the share is of; the official territory of Kazakhstan when omitted.
    regional : bool
        Whether the place is one or more regions (no official figure is published for them).

    Returns
    -------
    ProtectionStory
    """
    land = land_ha if land_ha is not None else KAZAKHSTAN_AREA_KM2 * 100.0
    share = analysis.protected_hectares(features) / land if land and land > 0 else None
    atlas = Figure(translate("Reserves and parks in this atlas"), format_share(share, translate, 2))
    notes: list[Sentence] = []
    official = None
    if regional:
        notes.append(
            Sentence(
                translate(
                    "No official protected share is published for a region, so only the atlas's own figure is shown."
                )
            )
        )
    else:
        latest = latest_official_share(targets)
        if latest is not None:
            when = str(latest.get("as_of") or latest.get("year") or "")
            official = Figure(
                translate("Official national figure ({date})").format(date=when),
                format_percent(latest.get("share_pct"), translate, 2),
            )
            source = Source.from_record(latest)
            template = N_("Official figure: all protected areas of Kazakhstan as of {date} ({source}).")
            if source is None:
                template = N_("Official figure: all protected areas of Kazakhstan as of {date}.")
            notes.append(Sentence(translate(template), {"date": when}, source))
    notes.append(Sentence(translate(PROTECTION_EXPLANATION)))
    return ProtectionStory(official, atlas, tuple(notes))


@dataclass(frozen=True)
class TargetStatement:
    """What the target tracker says, ready to render.

    Attributes
    ----------
    tracker : reports.TargetTracker
        The figures it is built from (for the published series).
    figures : tuple of Figure
        The official national figure as of its date, the national target (``≈`` when computed here), the
        global target; each only when known.
    notes : tuple of Sentence
        Where the status and the targets come from and how a computed share was computed.
    contribution : tuple of Sentence
        UNDP's contribution: the UNDP-supported reserves and parks in the atlas, their share
        of the national total, and what UNDP reports.
    protection : ProtectionStory or None
        The official share beside the atlas's own (:func:`protection_story`); its official
        figure is the first of ``figures``.
    """

    tracker: reports.TargetTracker
    figures: tuple[Figure, ...]
    notes: tuple[Sentence, ...]
    contribution: tuple[Sentence, ...]
    protection: ProtectionStory | None = None

    @property
    def available(self) -> bool:
        """Whether a published protected share is known (the tracker shows nothing without one)."""
        return self.tracker.latest is not None

    @property
    def sources(self) -> tuple[Source, ...]:
        """Every source the sentences cite, first mention first, each once."""
        seen, found = set(), []
        story = self.protection.notes if self.protection else ()
        for sentence in (*story, *self.notes, *self.contribution):
            if sentence.source is not None and sentence.source.url not in seen:
                seen.add(sentence.source.url)
                found.append(sentence.source)
        return tuple(found)


def target_statement(
    targets: dict | None,
    features: pd.DataFrame,
    translate: Translate,
    territory_km2: float = KAZAKHSTAN_AREA_KM2,
) -> TargetStatement:
    """Kazakhstan's protected share against its targets, as figures and sourced sentences.

    Parameters
    ----------
    targets : dict or None
        The ``targets`` table of the catalogue (``geodata/targets.json``).
    features : DataFrame
        The catalogue's features (for the UNDP-supported reserves and parks).
    translate : callable
        Translation function.
    territory_km2 : float
        The official territory, for a national share computed from hectares.

    Returns
    -------
    TargetStatement
    """
    tracker = reports.target_tracker(targets, features, territory_km2)
    latest, national, global_target = tracker.latest, tracker.national_target, tracker.global_target
    protection = protection_story(targets, features, translate, territory_km2 * 100.0)
    figures: list[Figure] = [protection.official] if latest is not None and protection.official else []
    notes: list[Sentence] = []
    if national and tracker.national_target_share_pct is not None:
        value = format_percent(tracker.national_target_share_pct, translate, 1)
        if tracker.national_target_share_computed:
            value = "≈ " + value
        figures.append(
            Figure(translate("National target by {year}").format(year=national.get("by_year") or "—"), value)
        )
    if global_target:
        figures.append(
            Figure(
                translate("Global target by {year}").format(year=global_target.get("by_year")),
                format_percent(global_target.get("target_pct"), translate),
            )
        )
    if national:
        notes.append(
            Sentence(
                translate("National target: {document} ({source})."),
                {"document": str(national.get("document") or "")},
                Source.from_record(national),
            )
        )
        if tracker.national_target_share_computed:
            notes.append(
                Sentence(
                    translate("Its share is computed here from {hectares} ha and the official territory of {km2} km²."),
                    {
                        "hectares": format_number(national["target_area_ha"], translate),
                        "km2": format_number(territory_km2, translate),
                    },
                )
            )
    if global_target:
        notes.append(
            Sentence(
                translate("Global target: {name}, adopted {date} ({source})."),
                {"name": str(global_target.get("name") or ""), "date": str(global_target.get("adopted") or "")},
                Source.from_record(global_target),
            )
        )
    return TargetStatement(tracker, tuple(figures), tuple(notes), _contribution(tracker, translate), protection)


def _contribution(tracker: reports.TargetTracker, translate: Translate) -> tuple[Sentence, ...]:
    sentences = [
        Sentence(
            translate(
                "**UNDP's contribution.** The {count} UNDP-supported reserves and parks in this atlas cover {hectares} ha."
            ),
            {"count": tracker.undp_in_atlas_count, "hectares": format_number(tracker.undp_in_atlas_ha, translate)},
        )
    ]
    share = tracker.undp_share_of((tracker.latest or {}).get("area_ha"))
    if share:
        sentences.append(
            Sentence(
                translate("That is {share} of the national protected total."), {"share": format_share(share, translate)}
            )
        )
    stated = tracker.undp_stated or {}
    if stated.get("area_ha"):
        sentences.append(
            Sentence(
                translate("UNDP reports {hectares} ha added with its support ({source})."),
                {"hectares": format_number(stated["area_ha"], translate)},
                Source.from_record(stated),
            )
        )
    return tuple(sentences)


# ---------------------------------------------------------------------------- region land area


def _layer_title(url: str, layer_sources: Iterable[Mapping]) -> str:
    return next((str(source.get("title") or "") for source in layer_sources if source.get("url") == url), "")


def land_area_statement(
    region: Mapping, translate: Translate, layer_sources: Iterable[Mapping] = ()
) -> tuple[Figure, tuple[Sentence, ...]]:
    """A region's land area and where it comes from.

    The area the atlas divides by is measured from the region's drawn boundary, so it cites
    the boundary's source; a published area is added only where the regions layer carries its
    source too (``area_source_url``, with ``area_source_title`` and ``area_source_date``).

    Parameters
    ----------
    region : mapping or pandas.Series
        A row of the regions layer (``area_km2``, ``source_url``, ``source_date``; optionally
        ``area_official_km2`` and the ``area_source_*`` columns).
    translate : callable
        Translation function (its language formats the numbers).
    layer_sources : iterable of mapping
        The regions layer's manifest sources (``url``, ``title``), to name a cited address.

    Returns
    -------
    tuple
        The land area as a :class:`Figure`, and the sentences citing it.
    """
    layer_sources = list(layer_sources)
    figure = Figure(translate("Land area"), format_square_km(region.get("area_km2"), translate))
    sentences = []
    url = str(region.get("source_url") or "")
    if url:
        source = Source(_layer_title(url, layer_sources), "", url, str(region.get("source_date") or ""))
        sentences.append(Sentence(translate("Land area measured from the region's boundary ({source})."), source=source))
    official, area_url = region.get("area_official_km2"), str(region.get("area_source_url") or "")
    if area_url and official is not None and not pd.isna(official):
        source = Source(
            str(region.get("area_source_title") or "") or _layer_title(area_url, layer_sources),
            "",
            area_url,
            str(region.get("area_source_date") or ""),
        )
        sentences.append(
            Sentence(
                translate("Published area: {km2} ({source})."),
                {"km2": format_square_km(official, translate)},
                source,
            )
        )
    return figure, tuple(sentences)


@dataclass(frozen=True)
class RegionStatement:
    """What the region profile and a region's briefing pack both say, ready to render.

    Attributes
    ----------
    figures : tuple of Figure
        Land area, reserves and parks, their official area, the atlas's protected share,
        corridors, UNDP's work, and UN partner sites when there are any.
    notes : tuple of Sentence
        Where the land area comes from, the protection story's notes, and the share measured
        from the drawn shapes.
    protection : ProtectionStory
        The region's protection story (no official figure: none is published for regions).
    """

    figures: tuple[Figure, ...]
    notes: tuple[Sentence, ...]
    protection: ProtectionStory

    @property
    def sources(self) -> tuple[Source, ...]:
        """Every source the notes cite, first mention first, each once."""
        found: dict[str, Source] = {}
        for sentence in self.notes:
            if sentence.source is not None:
                found.setdefault(sentence.source.url, sentence.source)
        return tuple(found.values())


UNDP_WORK_LABEL = N_("UNDP's work here")


def region_statement(
    profile: spatial.RegionProfile,
    region: Mapping,
    features: pd.DataFrame,
    targets: Mapping | None,
    translate: Translate,
    layer_sources: Iterable[Mapping] = (),
) -> RegionStatement:
    """The region profile's figures and notes (see :class:`RegionStatement`).

    Parameters
    ----------
    profile : spatial.RegionProfile
        From :func:`kzatlas.spatial.region_profile`.
    region : mapping or pandas.Series
        The region's row of the regions layer.
    features : DataFrame
        The catalogue's features (the profile's ids are looked up here).
    targets : mapping or None
        The ``targets`` table (for the protection story).
    translate : callable
        Translation function.
    layer_sources : iterable of mapping
        The regions layer's manifest sources.
    """
    land, land_notes = land_area_statement(region, translate, layer_sources)
    protected = features[features["id"].isin(profile.protected_ids)]
    story = protection_story(targets, protected, translate, profile.land_ha, regional=True)
    figures = [
        land,
        Figure(translate("Reserves and parks"), format_number(len(profile.protected_ids), translate)),
        Figure(translate("Official area of reserves and parks"), format_hectares(profile.official_protected_ha, translate)),
        story.atlas,
        Figure(translate("Ecological corridors"), format_number(len(profile.corridor_ids), translate)),
        Figure(translate(UNDP_WORK_LABEL), format_number(len(profile.undp_ids), translate)),
    ]
    if profile.partner_ids:
        figures.append(Figure(translate("UN partner sites"), format_number(len(profile.partner_ids), translate)))
    drawn = Sentence(
        translate(
            "An area shared with another region counts in full. Measured from the drawn, approximate shapes, "
            "{share} of the region lies inside them."
        ),
        {"share": format_share(profile.drawn_share, translate, 2)},
    )
    counted = Sentence(
        translate(
            "UNDP's work counts its project sites and programmes here and the reserves, parks and corridors "
            "created or expanded with UNDP support; UN partner sites are shown but not counted."
        )
    )
    return RegionStatement(tuple(figures), (*land_notes, *story.notes, drawn, counted), story)
