"""How a reserve's or park's official area changed over the years, as its sources date it.

A curated record may carry ``area_history``: dated entries, each one of

* ``created``: the area it was created with (often smaller than today's);
* ``expanded`` / ``reduced``: the area after a dated change, or only the area added or taken
  out (``added_ha``) where no source gives the new total;
* ``reported``: an area a source published for that year, not a change (the area before a
  later expansion where its creation figure is not known).

Each entry names the act where a source gives it (who issued it, its number and date) and the
sources it rests on (addresses or titles of the record's own sources). The build keeps the list
as JSON in the ``area_history_json`` column.

**The one rule for the area in a year** (:func:`area_in_year`): the area of the last dated
entry with an area at or before that year (before the first one, the first one's); from the year
of the last dated entry with an area on, the record's latest official area (``area_ha``). A
later change that no source dates therefore counts from that last dated year, and a change
whose new total is not published leaves the area as it was.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from kzatlas.formats import format_date, format_hectares, format_number
from kzatlas.i18n import N_, Translate

CHANGES = ("created", "expanded", "reduced", "reported")
# Who issued an act, as a citation names it.
ACT_ISSUERS = {
    "government": N_("Government decree"),
    "kazssr_council_of_ministers": N_("Decree of the Council of Ministers of the Kazakh SSR"),
}
FIRST_YEAR, LAST_YEAR = 1800, 2100
# The rule in a reader's words, under every chart and map of the network through time.
AREA_RULE = N_(
    "Each area counts at its size in that year: as created and after each expansion where sources date "
    "them, and at its latest official size from its last dated change on."
)


@dataclass(frozen=True)
class AreaChange:
    """One dated entry of a record's area history."""

    year: int
    date: str
    change: str
    area_ha: float | None
    added_ha: float | None
    act: dict | None
    sources: tuple[str, ...]


def _number(value) -> float | None:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def parse(text: object) -> tuple[AreaChange, ...]:
    """The entries kept in an ``area_history_json`` value, oldest first; anything malformed is left out.

    The layers come from the build, which refuses bad entries (:func:`problems`); a value from an
    edited or imported store is read the same careful way and never stops a page.
    """
    if not isinstance(text, str) or not text.strip():
        return ()
    try:
        entries = json.loads(text)
    except ValueError:
        return ()
    if not isinstance(entries, list):
        return ()
    changes = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("change") not in CHANGES:
            continue
        year = entry.get("year")
        if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
            continue
        act = entry.get("act") if isinstance(entry.get("act"), dict) else None
        sources = tuple(str(source) for source in entry.get("sources") or () if isinstance(source, str))
        changes.append(
            AreaChange(year, str(entry.get("date") or year), entry["change"], _number(entry.get("area_ha")),
                       _number(entry.get("added_ha")), act, sources)
        )
    return tuple(sorted(changes, key=lambda change: change.year))


def of_rows(frame) -> list[tuple[AreaChange, ...]]:
    """Each row's dated area changes, in the frame's order (``()`` where it has none or the column is missing)."""
    texts = frame["area_history_json"] if "area_history_json" in frame else [""] * len(frame)
    return [parse(text) for text in texts]


def area_in_year(changes: tuple[AreaChange, ...], latest_ha: float | None, year: int) -> float | None:
    """The official area counted for ``year`` (see the module's rule); ``latest_ha`` is the record's ``area_ha``."""
    known = [change for change in changes if change.area_ha is not None]
    if not known or year >= known[-1].year:
        return latest_ha
    before = [change for change in known if change.year <= year]
    return (before[-1] if before else known[0]).area_ha


def last_dated_year(changes: tuple[AreaChange, ...]) -> int | None:
    """The year from which the latest official area counts (``None``: from the first year)."""
    known = [change.year for change in changes if change.area_ha is not None]
    return known[-1] if known else None


def act_text(act: dict | None, translate: Translate) -> str:
    """An act as a citation names it ("Government decree No. 121 of 06.02.2009"); ``""`` for none."""
    if not act or act.get("by") not in ACT_ISSUERS:
        return ""
    issuer = translate(ACT_ISSUERS[act["by"]])
    number, day = act.get("number"), format_date(act.get("date"), translate)
    if number and day:
        return translate("{act} No. {number} of {date}").format(act=issuer, number=number, date=day)
    if day:
        return translate("{act} of {date}").format(act=issuer, date=day)
    return issuer


def change_text(change: AreaChange, translate: Translate) -> str:
    """What a dated change did, in words: "expanded to 127,050 ha", "reduced by 370 ha (new total not published)"."""
    if change.change == "created":
        text = translate("created with {area}").format(area=format_hectares(change.area_ha, translate)) \
            if change.area_ha is not None else translate("created")
    elif change.area_ha is not None:
        message = N_("expanded to {area}") if change.change == "expanded" else N_("reduced to {area}")
        text = translate(message).format(area=format_hectares(change.area_ha, translate))
    elif change.added_ha is not None:
        message = N_("expanded by {area}") if change.added_ha >= 0 else N_("reduced by {area}")
        area = translate("{hectares} ha").format(hectares=format_number(abs(change.added_ha), translate, 2 if abs(change.added_ha) % 1 else 0))
        text = translate(message).format(area=area) + " " + translate("(new total not published)")
    else:
        text = translate("expanded") if change.change == "expanded" else translate("reduced")
    act = act_text(change.act, translate)
    return f"{text} ({act})" if act else text


def cited_source(sources_json: object, key: str) -> tuple[str, str]:
    """The title and address of the record's source that an entry names by address or title."""
    try:
        sources = json.loads(sources_json) if isinstance(sources_json, str) and sources_json else []
    except ValueError:
        sources = []
    for source in sources if isinstance(sources, list) else []:
        if isinstance(source, dict) and key in (source.get("url"), source.get("title")):
            return str(source.get("title") or key), str(source.get("url") or "")
    return key, key if key.startswith(("http://", "https://")) else ""


def problems(label: str, entries: object, established: object, sources: list[dict]) -> list[str]:
    """Why a curated ``area_history`` cannot be used (an empty list when it can).

    Every entry needs a known change, a year from the record's ``established`` on, a date that
    starts with that year, an area after the change or the area added (never neither), an act
    with a known issuer, and sources that are the record's own (by address or title).
    """
    if entries is None:
        return []
    if not isinstance(entries, list) or not entries:
        return [f"{label}: area_history must be a non-empty list"]
    cited = {str(source.get(key)) for source in sources or () for key in ("url", "title") if source.get(key)}
    found, last = [], None
    for index, entry in enumerate(entries):
        where = f"{label} area_history[{index}]"
        if not isinstance(entry, dict):
            found.append(f"{where}: expected an object")
            continue
        year = entry.get("year")
        if entry.get("change") not in CHANGES:
            found.append(f"{where}: change must be one of {', '.join(CHANGES)}")
        if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
            found.append(f"{where}: year must be a whole year")
            continue
        if isinstance(established, int) and year < established and entry.get("change") != "reported":
            found.append(f"{where}: {year} is before the record's established year {established}")
        if last is not None and year < last:
            found.append(f"{where}: entries must be oldest first")
        last = year
        if not str(entry.get("date") or "").startswith(str(year)):
            found.append(f"{where}: date must start with its year")
        area, added = _number(entry.get("area_ha")), _number(entry.get("added_ha"))
        if (area is None or area <= 0) and added is None:
            found.append(f"{where}: needs area_ha (after the change) or added_ha")
        act = entry.get("act")
        if act is not None and (not isinstance(act, dict) or act.get("by") not in ACT_ISSUERS):
            found.append(f"{where}: act.by must be one of {', '.join(ACT_ISSUERS)}")
        named = entry.get("sources")
        if not isinstance(named, list) or not named:
            found.append(f"{where}: needs sources")
        else:
            found.extend(f"{where}: source {source!r} is not one of the record's sources"
                         for source in named if source not in cited)
    return found
