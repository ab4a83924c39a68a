"""The protected network through time: when each feature appears, the yearly curve, each year's events.

* **When a feature appears.** A reserve, park or corridor appears in the year of its decree (its
  ``year``: the year it was created as it exists today); a UNDP site or programme in the first
  year a source gives for it (``years``, else ``year``). A feature with no known year has none
  here: it is listed apart and never placed in a guessed year. UNDP work whose end year a source
  gives (:func:`end_years`) is drawn paler in the years after it.
* **How large.** An area counts at its size in that year by the one rule of
  :func:`kzatlas.area_history.area_in_year`: its dated creation and expansions where sources give
  them (Charyn, Markakol, Irgiz-Turgay...), and its latest official area from the last dated one on.
* **The curve.** For each year, the share of Kazakhstan's territory covered by the official areas
  of the listed reserves and parks founded by then (:func:`analysis.protected_share_of_land`, the
  one rule for that share), and the part of it supported by UNDP; beside it the official national
  share series with each point's publisher, the national target and the global 30 % (all from
  ``geodata/targets.json`` through :func:`reports.target_tracker`).
* **Events.** What appeared in each year, with its area then, UNDP's part and its source, and each
  dated expansion or reduction with its act and source.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kzatlas import analysis, area_history, reports
from kzatlas.catalog import split_list
from kzatlas.config import KAZAKHSTAN_AREA_KM2, PROTECTED_KINDS, UNDP_KINDS
from kzatlas.formats import format_hectares
from kzatlas.i18n import N_, Translate, citation_label, kind_label, shown_names

HECTARES_PER_KM2 = 100.0
# How the curve and its parts are named, wherever it is drawn (the map's time line, the packs).
CURVE_LABELS = {
    "share": N_("Share of Kazakhstan's territory, %"),
    "listed": N_("Reserves and parks in this atlas"),
    "undp": N_("of them supported by UNDP"),
    "official": N_("Official national share (all protected areas)"),
    "national": N_("National target by {year}"),
    "world": N_("Global target by {year}"),
    "count": N_("{count} on the map"),
}


def appearance_years(features: pd.DataFrame) -> dict[str, int]:
    """Feature id -> the year it appears on the time line (features with no known year are left out)."""
    years: dict[str, int] = {}
    for feature_id, kind, year, listed in zip(features["id"], features["kind"], features["year"], features["years"]):
        known = [int(value) for value in split_list(listed)] if kind in UNDP_KINDS and isinstance(listed, str) else []
        if known:
            years[str(feature_id)] = min(known)
        elif not pd.isna(year):
            years[str(feature_id)] = int(year)
    return years


def end_years(features: pd.DataFrame) -> dict[str, int]:
    """UNDP item id -> the last year of its work, where a source gives one (from its first year on)."""
    if "end_year" not in features:
        return {}
    first = appearance_years(features)
    ends: dict[str, int] = {}
    for feature_id, kind, end in zip(features["id"], features["kind"], features["end_year"]):
        if kind in UNDP_KINDS and not pd.isna(end) and int(end) >= first.get(str(feature_id), int(end)):
            ends[str(feature_id)] = int(end)
    return ends


def drawn_sizes(features: pd.DataFrame) -> dict[str, list[tuple[int, float]]]:
    """Feature id -> ``[(from year, linear scale), ...]`` for areas smaller before their last dated change.

    The scale is the square root of the area in that year over the latest official area (a
    shape drawn from its area, like the atlas's approximate circles, then covers the area of
    that year); from the last dated change on the shape is drawn as it is (scale 1).
    """
    sizes: dict[str, list[tuple[int, float]]] = {}
    years = appearance_years(features)
    for feature_id, latest, changes in zip(features["id"], features["area_ha"], area_history.of_rows(features)):
        last = area_history.last_dated_year(changes)
        first = years.get(str(feature_id))
        if last is None or first is None or pd.isna(latest) or latest <= 0:
            continue
        steps = []
        for year in sorted({first, *(change.year for change in changes if change.area_ha is not None)}):
            if first <= year < last:
                area = area_history.area_in_year(changes, float(latest), year)
                steps.append((year, min(1.0, (area / float(latest)) ** 0.5)))
        if steps:
            sizes[str(feature_id)] = [*steps, (last, 1.0)]
    return sizes


def undated(features: pd.DataFrame) -> pd.DataFrame:
    """The features with no known year (listed beside the time line, never placed on it)."""
    dated = appearance_years(features)
    return features[~features["id"].astype(str).isin(dated)]


@dataclass(frozen=True)
class CurvePoint:
    """One year of the curve: shares of the territory in percent."""

    year: int
    listed_pct: float
    undp_pct: float


@dataclass(frozen=True)
class OfficialPoint:
    """One published national share, with who published it."""

    year: int
    share_pct: float
    publisher: str
    url: str


@dataclass(frozen=True)
class Target:
    """A target share by a year."""

    year: int
    share_pct: float
    title: str
    computed: bool = False


@dataclass(frozen=True)
class Curve:
    """Everything the time line's chart draws."""

    points: tuple[CurvePoint, ...]
    official: tuple[OfficialPoint, ...]
    national_target: Target | None
    global_target: Target | None


def network_curve(
    features: pd.DataFrame,
    targets: dict | None,
    first_year: int,
    last_year: int,
    translate: Translate | None = None,
    territory_km2: float = KAZAKHSTAN_AREA_KM2,
) -> Curve:
    """The yearly shares from ``first_year`` to ``last_year``, the official series and the targets."""
    land_ha = territory_km2 * HECTARES_PER_KM2
    areas = features[features["kind"].isin(PROTECTED_KINDS)]
    years = appearance_years(areas)
    founded = areas.assign(first=areas["id"].astype(str).map(years)).dropna(subset=["first"])
    histories = area_history.of_rows(founded)
    latest = founded["area_ha"].tolist()
    # Plain arrays, not a copy of the frame per year: the areas are reserves and parks already,
    # so each year's total is the official hectares of those standing then.
    firsts = founded["first"].to_numpy(dtype=float)
    supported = founded["undp_supported"].fillna(False).astype(bool).to_numpy()
    points = []
    for year in range(first_year, last_year + 1):
        then = np.array(
            [area_history.area_in_year(changes, area, year) for changes, area in zip(histories, latest)], dtype=float
        )
        standing = firsts <= year
        listed = analysis.protected_share_of_land(analysis.official_hectares(then[standing]), land_ha)
        undp = analysis.protected_share_of_land(analysis.official_hectares(then[standing & supported]), land_ha)
        points.append(CurvePoint(year, round(100.0 * (listed or 0.0), 3), round(100.0 * (undp or 0.0), 3)))
    tracker = reports.target_tracker(targets, features, territory_km2, translate)
    official = tuple(
        sorted(
            (
                OfficialPoint(int(row.year), float(row.share_pct), str(row.publisher or ""), str(row.url or ""))
                for row in tracker.status.itertuples()
                if not pd.isna(row.share_pct) and not pd.isna(row.year)
            ),
            key=lambda point: point.year,
        )
    )
    national = None
    if tracker.national_target and tracker.national_target_share_pct is not None and tracker.national_target.get("by_year"):
        national = Target(
            int(tracker.national_target["by_year"]),
            round(float(tracker.national_target_share_pct), 2),
            citation_label(tracker.national_target, "document", translate) if translate else str(tracker.national_target.get("document") or ""),
            tracker.national_target_share_computed,
        )
    global_target = tracker.global_target
    world = None
    if global_target and global_target.get("target_pct") is not None and global_target.get("by_year"):
        title = citation_label(global_target, "name", translate) if translate else str(global_target.get("name") or "")
        world = Target(int(global_target["by_year"]), float(global_target["target_pct"]), title)
    return Curve(tuple(points), official, national, world)


def year_events(features: pd.DataFrame, translate: Translate, name_column: str) -> dict[int, list[dict]]:
    """Year -> what appeared that year: name, kind, official area, UNDP's part and the source (plain text)."""
    years = appearance_years(features)
    dated = features[features["id"].astype(str).isin(years)]
    names = shown_names(dated, name_column, translate)
    events: dict[int, list[dict]] = {}
    ends = end_years(features)
    wanted = ["id", "kind", "area_ha", "undp_supported", "area_history_json", "source_title", "source_url", "sources_json"]
    rows = dated[[column for column in wanted if column in dated]].to_dict("records")
    for row, name in zip(rows, names):
        first = years[str(row["id"])]
        changes = area_history.parse(row.get("area_history_json"))
        created = next((change for change in changes if change.change == "created" and change.year == first), None)
        facts = [kind_label(row["kind"], translate)]
        if created is not None:
            facts.append(area_history.change_text(created, translate))
        elif row["kind"] in PROTECTED_KINDS and not pd.isna(row.get("area_ha")):
            area = area_history.area_in_year(changes, float(row["area_ha"]), first)
            facts.append(format_hectares(area, translate))
        if row["kind"] not in UNDP_KINDS and bool(row.get("undp_supported")):
            facts.append(translate("supported by UNDP"))
        events.setdefault(first, []).append(
            _event(row, name, ", ".join(facts), created.sources if created else ())
        )
        end = ends.get(str(row["id"]))
        if end is not None:
            facts = translate("work ended in {year} (begun in {first})").format(year=end, first=first)
            events.setdefault(end, []).append(_event(row, name, facts, ()))
        for change in changes:
            if change.change in ("expanded", "reduced"):
                events.setdefault(change.year, []).append(
                    _event(row, name, area_history.change_text(change, translate), change.sources)
                )
    return dict(sorted(events.items()))


def _event(row, name: str, facts: str, cited: tuple[str, ...]) -> dict:
    """One line of a year's events; its source is the first one the change cites, else the feature's."""
    source, url = str(row.get("source_title") or ""), str(row.get("source_url") or "")
    if cited:
        source, url = area_history.cited_source(row.get("sources_json"), cited[0])
    return {"id": str(row["id"]), "name": str(name), "facts": facts, "source": source, "url": url}
