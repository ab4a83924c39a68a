"""What an import would do: the plan of a whole file and of each of its rows.

:class:`ImportPlan` is what :func:`kzatlas.ingest.check_file` returns: the preview, the CLI's
report and the records for the store all come from it. Building one is the job of
:mod:`kzatlas.ingest.plan`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import shapely

from kzatlas.config import CRS, NAME_COLUMNS
from kzatlas.ingest.messages import N_, Message
from kzatlas.ingest.validate import SOURCE_DATE, check_date
from kzatlas.safety import safe_link

ACTIONS = ("add", "update", "change", "leave", "reject")
# Actions that write a record (a "change" only once its match is confirmed).
WRITING_ACTIONS = ("add", "update", "change")
# Quality of a row placed by its region only (no point is invented for it).
REGION_QUALITY = "region"
# What must still be given before saving (ImportPlan.missing_provenance).
NEEDS_SOURCE = N_("a source (web address or title)")
NEEDS_DATE = N_("the source's date (YYYY-MM-DD)")
BAD_SOURCE_ADDRESS = N_("the source address must be an http(s) web address")
BAD_SOURCE_DATE = N_("the source date must be a date (YYYY-MM-DD)")
# Why a row is rejected when neither its columns nor the user give it a kind.
NO_KIND = N_("the row has no kind; map a column to kind or choose a kind for all rows")


@dataclass(frozen=True, eq=False)
class PlanInputs:
    """Everything a plan is built from, kept so that it can be built again with other choices.

    Attributes
    ----------
    raw : dict
        The reader's result (layers, columns, rows, notes) plus the ``format``.
    fmt, name, sha : str
        The sniffed format, the file's name and the SHA-256 of its bytes.
    features, regions : GeoDataFrame
        The catalogue's features and the regions layer.
    mapping : dict or None
        Catalogue field to column, as the user chose it (``None``: guesses only).
    provenance, defaults : dict
        The source given for all rows, and values for rows whose columns give none.
    header : tuple of int or None
        A table's header as the user chose it: its first and last row (``None``: as found).
    """

    raw: dict
    fmt: str
    name: str
    sha: str
    features: gpd.GeoDataFrame
    regions: gpd.GeoDataFrame
    mapping: dict | None
    provenance: dict
    defaults: dict
    header: tuple[int, int] | None = None


@dataclass
class PlannedRow:
    """One feature of the file and what the import would do with it.

    Attributes
    ----------
    number : int
        Position of the feature in the file (1-based); ``line`` is the spreadsheet row or CSV
        line when there is one; ``label`` is the file's name for it (data, never translated),
        else the message "feature N"; ``names`` are its names by name column, as the file gives them.
    action : str
        ``"add"``, ``"update"`` (a correction of a feature imported before: moved, reshaped or
        with other values), ``"change"`` (a catalogue area gets the file's boundary once the
        match is confirmed), ``"leave"`` (nothing is saved, with a note why) or ``"reject"``
        (see ``reasons``).
    feature_id : str
        The id the record would have (a catalogue id for a change).
    record : dict or None
        The feature record for the store (catalogue columns plus ``geometry``).
    reasons : list of Message
        Why the row is rejected.
    repairs : list of Message
        What was repaired in the file's data: reprojection, dropped heights, shapes made
        valid, text shortened... (messages: English as text, translated on the page).
    notes : list of Message
        Notes and warnings that are not repairs: "outside Kazakhstan", "already in the
        catalogue", what an update changes, a feature of the same name far away...
    match : dict or None
        For a protected area matched to the catalogue: its id, how it matched, the official,
        reported and drawn areas and the difference.
    """

    number: int
    line: int | None
    layer: str
    label: str | Message
    action: str = "add"
    feature_id: str = ""
    record: dict | None = None
    reasons: list[Message] = field(default_factory=list)
    repairs: list[Message] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    match: dict | None = None
    names: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """Return the row as JSON-ready data (the shape as its type and number of points)."""
        record = self.record or {}
        geometry = record.get("geometry")
        return {
            "number": self.number,
            "line": self.line,
            "layer": self.layer,
            "label": self.label,
            "action": self.action,
            "feature_id": self.feature_id,
            "kind": record.get("kind"),
            "geometry_type": None if geometry is None else geometry.geom_type,
            "points": None if geometry is None else int(shapely.get_num_coordinates(geometry)),
            "geometry_quality": record.get("geometry_quality"),
            "reasons": list(self.reasons),
            "repairs": list(self.repairs),
            "notes": list(self.notes),
            "match": self.match,
        }


@dataclass
class ImportPlan:
    """Everything an import would do, for the preview, the CLI and the store.

    Attributes
    ----------
    source_name, source_sha256 : str
        The file's name (no folders) and the SHA-256 of its bytes.
    format : str or None
        The sniffed format.
    refused : Message or None
        Why the whole file is refused, in plain words; ``None`` when it was read.
    mapping : dict
        Catalogue field to file column, guessed and then as the user changed it.
    mapping_problems : list of Message
        Problems with a mapping the user gave.
    rows : list of PlannedRow
        One per feature of the file.
    notes : list of Message
        File-level notes (assumed CRS, sheets and tables not read, unmatched WDPA ids...).
        Every message here and in the rows is English as text; the page shows it translated
        (:mod:`kzatlas.ingest.messages`).
    is_wdpa : bool
        Whether the file is a Protected Planet export.
    provenance : dict
        The source (``source_url`` or ``source_title``) and ``source_date`` for all rows.
    sheets, sheet : list of str, str
        A workbook's sheets and the one read.
    header, header_choices : list of int
        A table's header rows (first and last; two for a header over merged cells) and the
        rows a header can be chosen from.
    swap_suggested : bool
        Whether the points would lie in Kazakhstan with latitude and longitude exchanged
        (the first note says so).
    """

    source_name: str
    source_sha256: str
    format: str | None
    refused: Message | None = None
    mapping: dict = field(default_factory=dict)
    mapping_problems: list[Message] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    is_wdpa: bool = False
    provenance: dict = field(default_factory=dict)
    defaults: dict = field(default_factory=dict)
    sheets: list[str] = field(default_factory=list)
    sheet: str = ""
    header: list[int] = field(default_factory=list)
    header_choices: list[int] = field(default_factory=list)
    swap_suggested: bool = False
    inputs: PlanInputs | None = field(default=None, repr=False, compare=False)

    # -------------------------------------------------------------- summaries

    def counts(self) -> dict[str, int]:
        """Counts of features: accepted, repaired, with notes, rejected, and added, updated, changed, left.

        ``repaired`` counts accepted features whose data was repaired; ``noted`` those with a
        note or warning (outside Kazakhstan, already in the catalogue...), which is no repair.
        """
        accepted = [row for row in self.rows if row.action != "reject"]
        return {
            "features": len(self.rows),
            "accepted": len(accepted),
            "repaired": sum(1 for row in accepted if row.repairs),
            "noted": sum(1 for row in accepted if row.notes),
            "rejected": len(self.rows) - len(accepted),
            "added": sum(1 for row in self.rows if row.action == "add"),
            "updated": sum(1 for row in self.rows if row.action == "update"),
            "changed": sum(1 for row in self.rows if row.action == "change"),
            "left": sum(1 for row in self.rows if row.action == "leave"),
        }

    @property
    def needs_kind(self) -> bool:
        """Whether rows are rejected only because no kind is given (choose a kind for all rows)."""
        return any(row.action == "reject" and row.reasons == [NO_KIND] for row in self.rows)

    @property
    def importable(self) -> bool:
        """Whether anything in the file could be saved (once provenance is given)."""
        return self.refused is None and any(row.action in WRITING_ACTIONS for row in self.rows)

    def matches(self) -> list[dict]:
        """The catalogue matches of a WDPA file, one per matched row."""
        return [dict(row.match, number=row.number) for row in self.rows if row.match]

    def missing_provenance(self) -> list[Message]:
        """What must still be given before anything can be saved (empty when complete).

        Every added, updated or changed row needs a source (a web address or a title) and the date
        of that source, from ``provenance`` or from the file's own columns.
        """
        missing: list[Message] = []
        for row in self.rows:
            if row.action not in WRITING_ACTIONS or row.record is None:
                continue
            source = row.record.get("_source_url") or row.record.get("_source_title")
            if not source and NEEDS_SOURCE not in missing:
                missing.append(Message(NEEDS_SOURCE))
            if not row.record.get("_source_date") and NEEDS_DATE not in missing:
                missing.append(Message(NEEDS_DATE))
        return missing + [problem for problem in self._provenance_problems() if problem not in missing]

    def _provenance_problems(self) -> list[Message]:
        problems = []
        url = self.provenance.get("source_url")
        if url and safe_link(str(url), allow_relative=False) is None:
            problems.append(Message(BAD_SOURCE_ADDRESS))
        date = self.provenance.get("source_date")
        if date and check_date(SOURCE_DATE, date).error:
            problems.append(Message(BAD_SOURCE_DATE))
        return problems

    def records(self, confirmed_ids: tuple[str, ...] | list[str] | set[str] = ()) -> list[dict]:
        """The feature records to save.

        Parameters
        ----------
        confirmed_ids : collection of str
            Catalogue ids whose match the user confirmed; a matched area's boundary
            replaces the catalogue's shape only when its id is here.

        Returns
        -------
        list of dict
            Records for ``Store.apply``; empty while the file is refused or provenance is
            missing (see :meth:`missing_provenance`).
        """
        if self.refused or self.missing_provenance():
            return []
        confirmed = set(confirmed_ids)
        out = []
        for row in self.rows:
            if row.record is None or row.action not in WRITING_ACTIONS:
                continue
            if row.action == "change" and row.feature_id not in confirmed:
                continue
            out.append({key: value for key, value in row.record.items() if not key.startswith("_")})
        return out

    def frame(self) -> gpd.GeoDataFrame:
        """Rows with a shape, as a GeoDataFrame for the preview map (id, names, kind, action)."""
        rows = [row for row in self.rows if row.record is not None and row.record.get("geometry") is not None]
        data = {
            "id": [row.feature_id for row in rows],
            **{column: [row.record.get(column) or "" for row in rows] for column in NAME_COLUMNS},
            "kind": [row.record.get("kind", "") for row in rows],
            "action": [row.action for row in rows],
            "geometry_quality": [row.record.get("geometry_quality", "") for row in rows],
        }
        return gpd.GeoDataFrame(data, geometry=[row.record["geometry"] for row in rows], crs=CRS)

    def to_json(self) -> dict:
        """The whole report as JSON-ready data (the CLI's ``--json``)."""
        return {
            "file": self.source_name,
            "sha256": self.source_sha256,
            "format": self.format,
            "refused": self.refused,
            "wdpa": self.is_wdpa,
            "counts": self.counts(),
            "mapping": dict(self.mapping),
            "sheet": self.sheet or None,
            "header_rows": list(self.header),
            "swap_suggested": self.swap_suggested,
            "mapping_problems": list(self.mapping_problems),
            "notes": list(self.notes),
            "missing_provenance": self.missing_provenance() if not self.refused else [],
            "rows": [row.to_json() for row in self.rows],
        }
