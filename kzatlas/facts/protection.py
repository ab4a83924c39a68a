"""How much of Kazakhstan is protected, and how it stands against its targets.

* :func:`protection_story`: the official protected share beside the atlas's own, with why
  they differ.
* :func:`target_statement`: the protected share against the national and global targets,
  with UNDP's contribution, as labelled figures and sourced sentences.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from kzatlas import analysis, reports
from kzatlas.config import KAZAKHSTAN_AREA_KM2, PROTECTED_KINDS
from kzatlas.facts.sentences import Figure, Sentence, Source
from kzatlas.formats import format_date, format_number, format_percent, format_share
from kzatlas.i18n import N_, Translate, local_text

# ---------------------------------------------------------------------------- protection story

PROTECTION_EXPLANATION = N_(
    "Why the figures differ: the atlas counts only the reserves and national parks it lists, by their "
    "official areas (drawn as approximate shapes); official figures count every kind of protected area, "
    "such as sanctuaries, regional parks and natural monuments."
)


SUBSET_EXPLANATION = N_(
    "This share counts only the reserves and parks that match the filters, so it is not compared with the "
    "official national figure, which counts every protected area of Kazakhstan; clear the filters to see both."
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
    subset: bool = False,
) -> ProtectionStory:
    """The protected share of a place, official and as drawn in the atlas, with why they differ.

    The atlas's share stands beside the official national figure only as its counterpart: all
    the reserves and parks the atlas lists for the whole country. For a part of them (``subset``:
    filters by theme, kind, year, UNDP support or name) the share says what it is, the N matching
    reserves and parks, and no official figure is set beside it.

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
    subset : bool
        Whether ``features`` holds only some of the place's reserves and parks.

    Returns
    -------
    ProtectionStory
    """
    land = land_ha if land_ha is not None else KAZAKHSTAN_AREA_KM2 * 100.0
    share = analysis.protected_share_of_land(analysis.protected_hectares(features), land)
    notes: list[Sentence] = []
    official = None
    if subset:
        count = int(features["kind"].isin(PROTECTED_KINDS).sum())
        label = (
            N_("Share of the chosen regions covered by the {count} matching reserves and parks")
            if regional
            else N_("Share of Kazakhstan covered by the {count} matching reserves and parks")
        )
        atlas = Figure(translate(label).format(count=format_number(count, translate)), format_share(share, translate, 2))
        notes.append(Sentence(translate(SUBSET_EXPLANATION)))
        return ProtectionStory(None, atlas, tuple(notes))
    atlas = Figure(translate("Reserves and parks in this atlas"), format_share(share, translate, 2))
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
            when = format_date(latest.get("as_of") or latest.get("year") or "", translate)
            official = Figure(
                translate("Official national figure ({date})").format(date=when),
                format_percent(latest.get("share_pct"), translate, 2),
            )
            source = Source.from_record(latest, translate)
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
        The catalogue's status and target records, as read from ``geodata/targets.json``;
        ``None`` when the catalogue has none.
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
    tracker = reports.target_tracker(targets, features, territory_km2, translate)
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
                {"document": local_text(national, "document", translate)},
                Source.from_record(national, translate),
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
                {"name": local_text(global_target, "name", translate), "date": format_date(global_target.get("adopted"), translate)},
                Source.from_record(global_target, translate),
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
                Source.from_record(stated, translate),
            )
        )
    return tuple(sentences)
