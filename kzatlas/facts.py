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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import geopandas as gpd
import pandas as pd

from kzatlas import reports, spatial
from kzatlas.config import AREA_KINDS, KAZAKHSTAN_AREA_KM2, KIND_CORRIDOR, KIND_UNDP_SITE, NEARBY_KM
from kzatlas.i18n import Translate, format_percent, local_name

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
        the UNDP sites inside or touching it. Nearest first.
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
    return replace(
        hood,
        nearby=tuple(spatial.undp_sites_in(feature_id, features)),
        nearest=spatial.nearest(feature_id, features, (KIND_UNDP_SITE,)),
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
        return local_name(by_id.loc[feature_id], name_column)

    notes = []
    if hood.is_undp_site:
        if not hood.nearby:
            text = translate("None within {km} km.").format(km=hood.within_km)
            if hood.nearest is not None:
                text += " " + translate("The nearest is {name}, {distance:,.0f} km away.").format(
                    name=name(hood.nearest.id), distance=hood.nearest.distance_km
                )
            notes.append(text)
    else:
        if not hood.nearby:
            notes.append(translate("No UNDP project site lies inside or touches this area."))
        if hood.nearest is not None:
            notes.append(
                translate("Nearest UNDP project site: {name}, {distance:,.0f} km.").format(
                    name=name(hood.nearest.id), distance=hood.nearest.distance_km
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
    ``values`` are filled in as they are (numbers keep their format specs, text from data is
    escaped by a Markdown renderer); ``{source}`` takes the cited source, as a link or as text.
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


@dataclass(frozen=True)
class TargetStatement:
    """What the target tracker says, ready to render.

    Attributes
    ----------
    tracker : reports.TargetTracker
        The figures it is built from (for the published series).
    figures : tuple of Figure
        Under protection as of a date, the national target (``≈`` when computed here), the
        global target; each only when known.
    notes : tuple of Sentence
        Where the status and the targets come from and how a computed share was computed.
    contribution : tuple of Sentence
        UNDP's contribution: the UNDP-supported reserves and parks in the atlas, their share
        of the national total, and what UNDP reports.
    """

    tracker: reports.TargetTracker
    figures: tuple[Figure, ...]
    notes: tuple[Sentence, ...]
    contribution: tuple[Sentence, ...]

    @property
    def available(self) -> bool:
        """Whether a published protected share is known (the tracker shows nothing without one)."""
        return self.tracker.latest is not None

    @property
    def sources(self) -> tuple[Source, ...]:
        """Every source the sentences cite, first mention first, each once."""
        seen, found = set(), []
        for sentence in (*self.notes, *self.contribution):
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
    figures: list[Figure] = []
    notes: list[Sentence] = []
    if latest is not None:
        when = latest.get("as_of") or latest.get("year") or ""
        figures.append(
            Figure(translate("Under protection (as of {date})").format(date=when), format_percent(latest.get("share_pct"), translate, 2))
        )
        status_source = Source.from_record(latest)
        if status_source is not None:
            notes.append(Sentence(translate("Status: {source}."), source=status_source))
    if national and tracker.national_target_share_pct is not None:
        value = f"{tracker.national_target_share_pct:.1f} %"
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
                    translate(
                        "Its share is computed here from {hectares:,.0f} ha and the official territory of 2,724,900 km²."
                    ),
                    {"hectares": national["target_area_ha"]},
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
    return TargetStatement(tracker, tuple(figures), tuple(notes), _contribution(tracker, translate))


def _contribution(tracker: reports.TargetTracker, translate: Translate) -> tuple[Sentence, ...]:
    sentences = [
        Sentence(
            translate(
                "**UNDP's contribution.** The {count} UNDP-supported reserves and parks in this atlas cover {hectares:,.0f} ha."
            ),
            {"count": tracker.undp_in_atlas_count, "hectares": tracker.undp_in_atlas_ha},
        )
    ]
    share = tracker.undp_share_of((tracker.latest or {}).get("area_ha"))
    if share:
        sentences.append(Sentence(translate("That is {share:.1%} of the national protected total."), {"share": share}))
    stated = tracker.undp_stated or {}
    if stated.get("area_ha"):
        sentences.append(
            Sentence(
                translate("UNDP reports {hectares:,.0f} ha added with its support ({source})."),
                {"hectares": stated["area_ha"]},
                Source.from_record(stated),
            )
        )
    return tuple(sentences)
