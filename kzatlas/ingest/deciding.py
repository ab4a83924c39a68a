"""What the import does with each row: add it, correct it, change a catalogue area, leave it, or reject it.

A Protected Planet (WDPA) row that matches a catalogue area becomes a change to that area (its
boundary replaces the drawn one once the user confirms). A row that is a feature the catalogue
holds (by id, else by name and kind nearby: :mod:`kzatlas.ingest.matching`) corrects it when it
was imported before or is named by its id and something differs ("changed: moved 12 km"), and
is left alone when nothing differs or it is one of the shipped catalogue's own features; anything
else complete enough is added under a new id, with a warning when a feature of the same name
lies far away.
"""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd

from kzatlas.catalog import FEATURE_COLUMNS, LIST_SEPARATOR
from kzatlas.config import NAME_COLUMN_PREFIX, NAME_COLUMNS, PROTECTED_KINDS, UNDP_KINDS
from kzatlas.i18n import origin_column
from kzatlas.ingest import matching, wdpa
from kzatlas.ingest.messages import N_, Message, Names
from kzatlas.ingest.planned import NO_KIND, ImportPlan, PlannedRow
from kzatlas.ingest.values import row_label

_SOURCE_KEYS = ("source_url", "source_title", "source_date")


def _sources_entry(record: dict, provenance: dict, plan: ImportPlan) -> dict:
    return {
        "title": record.get("_source_title") or provenance.get("source_title") or plan.source_name,
        "url": record.get("_source_url") or provenance.get("source_url") or "",
        "accessed": record.get("_source_date") or provenance.get("source_date") or "",
        "file": plan.source_name,
        "sha256": plan.source_sha256,
    }


# Values a correction never takes from the file: the id, the sources kept so far, what is measured.
_KEPT_ON_CORRECTION = ("id", "sources_json", "area_drawn_ha", "undp_supported")
ALREADY_THERE = N_("already in the catalogue as {name} ({id}); not added again")
UNCHANGED = N_("the same as {name} ({id}) in the atlas; left alone")


def _incomplete(record: dict, is_wdpa: bool) -> Message | None:
    """Why a row that passed its checks still cannot be used: no kind or no name."""
    if not record["kind"] and not is_wdpa:
        designation = record.get("_designation")
        if designation:
            return Message(N_("kind '{kind}' is not one of the atlas's kinds; choose one"), kind=designation)
        return Message(NO_KIND)
    if not any(record.get(column) for column in NAME_COLUMNS):
        return Message(N_("the row has no name"))
    return None


def feature_names(row) -> Names:
    """A catalogue feature's names in every language, for messages and the match list.

    Every text field whose column starts like a name column is kept (``name_ru`` and what the
    catalogue says about it, such as where it comes from), so the page shows the name by the
    same rule as everywhere else (:func:`kzatlas.i18n.shown_name`).
    """
    keys = row.keys() if hasattr(row, "keys") else ()
    return Names({str(key): row[key] for key in keys if str(key).startswith(NAME_COLUMN_PREFIX) and _present(row[key])})


def _present(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def decide(
    plan: ImportPlan,
    rows: list[PlannedRow],
    values: list[dict],
    features: gpd.GeoDataFrame,
    ids: list[str] | None = None,
) -> None:
    """Choose each row's action and build its record (WDPA matches, corrections, new ids).

    Parameters
    ----------
    plan : ImportPlan
        The plan being built; a note is added when WDPA areas can be matched by name only.
    rows : list of PlannedRow
        The rows; each gets its label, action, id and record.
    values : list of dict
        The rows' working records, placed.
    features : GeoDataFrame
        The catalogue's features.
    ids : list of str, optional
        Each row's id from the file's id column (:func:`kzatlas.ingest.matching.file_ids`).
    """
    provenance = plan.provenance
    matcher = wdpa.Matcher(features) if plan.is_wdpa else None
    if matcher is not None and not matcher.has_ids:
        plan.notes.append(Message(N_("the catalogue records no WDPA ids, so areas are matched by name; check each match")))
    catalogue = features.set_index("id", drop=False) if len(features) else features
    known = matching.Catalogue(features)
    ids = ids or [""] * len(rows)
    claimed: dict[str, int] = {}
    for planned, record, file_id in zip(rows, values, ids, strict=True):
        planned.label = row_label(record, planned.number)
        planned.names = Names({column: record[column] for column in NAME_COLUMNS if _present(record.get(column))})
        for key in _SOURCE_KEYS:
            record[f"_{key}"] = record.get(f"_{key}") or provenance.get(key) or ""
        if not planned.reasons:
            problem = _incomplete(record, plan.is_wdpa)
            if problem:
                planned.reasons.append(problem)
        if planned.reasons:
            planned.action, planned.record = "reject", None
            continue
        record["region_codes"] = LIST_SEPARATOR.join(record.pop("_regions"))
        record["undp_supported"] = record["kind"] in UNDP_KINDS
        for key in _SOURCE_KEYS:
            record[key] = record[f"_{key}"]
        record["sources_json"] = json.dumps([_sources_entry(record, provenance, plan)], ensure_ascii=False)
        if plan.is_wdpa and record.get("geometry") is not None:
            if _decide_protected_area(plan, planned, record, matcher, catalogue, claimed):
                continue
        found = known.find(record, file_id, claimed)
        if found.feature_id:
            claimed[found.feature_id] = planned.number
            _decide_known(plan, planned, record, known, found)
            continue
        planned.notes += matching.far_notes(found)
        planned.action = "add"
        planned.feature_id = f"imp-{plan.source_sha256[:8]}-{planned.number}"
        record["id"] = planned.feature_id
        planned.record = _finish(record)


def _decide_known(plan: ImportPlan, planned: PlannedRow, record: dict, known: matching.Catalogue, found) -> None:
    """A row that is a catalogue feature: corrected when it differs, else left alone with a note.

    A shipped catalogue feature matched by name only is left alone (an import corrects what
    was imported, or a feature it names by id).
    """
    existing = known.rows[found.feature_id]
    names = feature_names(existing)
    planned.feature_id = found.feature_id
    planned.record = None
    planned.action = "leave"
    if found.how != "id" and not known.is_imported(found.feature_id):
        planned.notes.append(Message(ALREADY_THERE, name=names, id=found.feature_id))
        return
    changes = matching.differences(record, existing)
    if not changes:
        planned.notes.append(Message(UNCHANGED, name=names, id=found.feature_id))
        return
    planned.action = "update"
    planned.notes += changes
    planned.record = _corrected(plan, record, existing)


def _corrected(plan: ImportPlan, record: dict, existing) -> dict:
    """The catalogue feature with the file's values where the file gives one, and the file as its source."""
    updated = _plain_values(existing)
    for column in FEATURE_COLUMNS:
        value = record.get(column)
        if column in _KEPT_ON_CORRECTION or value is None or value == "":
            continue
        if column in NAME_COLUMNS and value != updated.get(column) and origin_column(column) in FEATURE_COLUMNS:
            updated[origin_column(column)] = ""  # the file's name, no longer the atlas's translation
        updated[column] = value
    updated["undp_supported"] = bool(updated.get("undp_supported")) or updated.get("kind") in UNDP_KINDS
    if record.get("geometry") is not None:
        updated["geometry"] = record["geometry"]
        updated["area_drawn_ha"] = record.get("area_drawn_ha")
    else:  # a row placed by its region only keeps the feature's position and how it was found
        updated["geometry"] = existing.get("geometry")
        for column in ("geometry_quality", "geometry_method", "region_codes"):
            updated[column] = _plain_values(existing).get(column)
    _take_source(updated, record, plan)
    return _finish(updated)


def _take_source(updated: dict, record: dict, plan: ImportPlan) -> None:
    """Make the imported file the feature's main source, and add it to the feature's sources."""
    for key in _SOURCE_KEYS:
        updated[key] = record[f"_{key}"]
        updated[f"_{key}"] = record[f"_{key}"]
    try:
        sources = json.loads(updated.get("sources_json") or "[]")
        if not isinstance(sources, list):
            sources = []
    except ValueError:
        sources = []
    updated["sources_json"] = json.dumps([*sources, _sources_entry(record, plan.provenance, plan)], ensure_ascii=False)


def _decide_protected_area(
    plan: ImportPlan,
    planned: PlannedRow,
    record: dict,
    matcher: wdpa.Matcher,
    catalogue: gpd.GeoDataFrame,
    claimed: dict[str, int],
) -> bool:
    """A WDPA row with a boundary: a change to its catalogue match, or left out; ``False`` to go on.

    A row that matches no catalogue area but is of a kind the atlas shows goes on to the
    duplicate check and may be added.
    """
    wdpa_id = record.get("_wdpa_id")
    record["geometry_quality"] = "surveyed"
    record["geometry_method"] = f"boundary from the Protected Planet (WDPA) file {plan.source_name}"
    if wdpa_id:
        link = f"https://www.protectedplanet.net/{wdpa_id}"
        record["links"] = LIST_SEPARATOR.join(filter(None, [record["links"], link]))
    names = [record.get(column) for column in NAME_COLUMNS if record.get(column)]
    candidate, note = matcher.match(wdpa_id, names, record["kind"] or None)
    if note:
        planned.notes.append(note)
    if candidate is not None and candidate.feature_id in claimed:
        planned.notes.append(
            Message(
                N_("catalogue area {id} is already matched by feature {number}"),
                id=candidate.feature_id,
                number=claimed[candidate.feature_id],
            )
        )
        candidate = None
    if candidate is not None:
        claimed[candidate.feature_id] = planned.number
        _change(plan, planned, record, catalogue.loc[candidate.feature_id], candidate)
        return True
    if record["kind"] not in PROTECTED_KINDS:
        what = record.get("_designation") or record["kind"]
        planned.action = "leave"
        if what:
            note = Message(
                N_("its designation ('{designation}') is not a kind of protected area the atlas shows; not added"),
                designation=what,
            )
        else:
            note = Message(N_("it has no designation of a kind of protected area the atlas shows; not added"))
        planned.notes.append(note)
        planned.record = None
        planned.feature_id = ""
        return True
    return False


def _finish(record: dict) -> dict:
    """Drop the working keys and give numbers their plain types; keeps ``_source_*`` for checks."""
    out = {key: value for key, value in record.items() if key not in ("_regions", "_designation", "_wdpa_id")}
    for column, dtype in FEATURE_COLUMNS.items():
        value = out.get(column)
        if dtype == "float" and value is not None and not (isinstance(value, float) and math.isnan(value)):
            out[column] = float(value)
    return out


def _plain_values(existing: pd.Series) -> dict:
    """The catalogue record as plain Python values (NaN as ``None``, numpy scalars unwrapped)."""
    updated = {column: existing.get(column) for column in FEATURE_COLUMNS}
    for column, value in updated.items():
        if isinstance(value, float) and math.isnan(value):
            updated[column] = None
        elif isinstance(value, np.generic):
            updated[column] = value.item()
    return updated


def _change(plan: ImportPlan, planned: PlannedRow, record: dict, existing: pd.Series, candidate: wdpa.Candidate) -> None:
    """A matched catalogue area: its record with the file's boundary and the areas compared."""
    updated = _plain_values(existing)
    updated["geometry"] = record["geometry"]
    updated["geometry_quality"] = "surveyed"
    updated["geometry_method"] = record["geometry_method"]
    updated["area_drawn_ha"] = record.get("area_drawn_ha")
    updated["coord_source"] = record["_source_url"] or record["_source_title"]
    if not updated.get("iucn_category") and record.get("iucn_category"):
        updated["iucn_category"] = record["iucn_category"]
        planned.repairs.append(Message(N_("IUCN category {category} taken from the file"), category=record["iucn_category"]))
    if record.get("links"):
        known = str(updated.get("links") or "")
        extra = [link for link in record["links"].split(LIST_SEPARATOR) if link not in known]
        updated["links"] = LIST_SEPARATOR.join(filter(None, [known, *extra]))
    _take_source(updated, record, plan)
    official = updated.get("area_ha")
    drawn = record.get("area_drawn_ha")
    reported = record.get("area_ha")
    planned.action = "change"
    planned.feature_id = str(existing["id"])
    planned.record = updated
    planned.match = {
        "catalogue_id": str(existing["id"]),
        "catalogue_name": str(existing.get("name_en") or ""),
        "catalogue_names": feature_names(existing),
        "how": candidate.how,
        "score": candidate.score,
        "wdpa_id": record.get("_wdpa_id"),
        "official_area_ha": official,
        "reported_area_ha": reported,
        "drawn_area_ha": drawn,
        "previous_drawn_area_ha": existing.get("area_drawn_ha") if pd.notna(existing.get("area_drawn_ha")) else None,
        "difference_pct": round((drawn - official) / official * 100, 1) if official and drawn is not None else None,
    }
