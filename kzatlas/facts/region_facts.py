"""What the region profile and a region's briefing pack state: land area, protection, UNDP's work."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from kzatlas import spatial
from kzatlas.facts.protection import ProtectionStory, protection_story
from kzatlas.facts.sentences import Figure, Sentence, Source
from kzatlas.formats import format_hectares, format_number, format_share, format_square_km
from kzatlas.i18n import N_, Translate

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
    drawn = _measured_share(protected, profile.drawn_share, translate)
    counted = Sentence(
        translate(
            "UNDP's work counts its project sites and programmes here and the reserves, parks and corridors "
            "created or expanded with UNDP support; UN partner sites are shown but not counted."
        )
    )
    return RegionStatement(tuple(figures), (*land_notes, *story.notes, drawn, counted), story)


# How the share of a region inside its reserves and parks is described, by the shapes' quality.
MEASURED_APPROXIMATE = N_(
    "An area shared with another region counts in full. Measured from the drawn, approximate shapes, "
    "{share} of the region lies inside them."
)
MEASURED_SURVEYED = N_(
    "An area shared with another region counts in full. Measured from the surveyed boundaries, "
    "{share} of the region lies inside them."
)
MEASURED_MIXED = N_(
    "An area shared with another region counts in full. Measured from the shapes ({surveyed} of {count} "
    "surveyed boundaries, the others drawn and approximate), {share} of the region lies inside them."
)


def _measured_share(protected, share: float, translate: Translate) -> Sentence:
    """The sentence on the share inside the reserves and parks, saying what their shapes are."""
    qualities = protected["geometry_quality"] if "geometry_quality" in protected else None
    count = len(protected)
    surveyed = int((qualities == "surveyed").sum()) if qualities is not None else 0
    values = {"share": format_share(share, translate, 2)}
    if count and surveyed == count:
        return Sentence(translate(MEASURED_SURVEYED), values)
    if surveyed:
        values |= {"surveyed": format_number(surveyed, translate), "count": format_number(count, translate)}
        return Sentence(translate(MEASURED_MIXED), values)
    return Sentence(translate(MEASURED_APPROXIMATE), values)
