"""Changing the data: guarded writes, and the tables the editing and history views show.

Every write goes through :func:`save_drawing`, :func:`save_import` or :func:`undo_change`.
Each takes the same guard: the ``store`` where edits live, the signed-in ``editor`` (an
:class:`~kzatlas.edit.accounts.Editor`, or ``None``), the ``directory`` of editors this server knows
now (checked again at every write) and the ``comment`` saying why (required).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from kzatlas.edit.accounts import Editor, EditorDirectory
from kzatlas.formats import format_date
from kzatlas.i18n import KIND_LABELS, N_, QUALITY_LABELS, Translate, language_of, local_name, name_column, shown_name
from kzatlas.ingest import ImportPlan
from kzatlas.ingest.messages import Message, translated
from kzatlas.store import Change, Store, StoreError
from kzatlas.store.records import MAX_COMMENT_CHARS

ACTION_LABELS = {
    "add": N_("add"),
    "update": N_("correct"),
    "change": N_("change the shape"),
    "leave": N_("leave alone"),
    "reject": N_("rejected"),
}
CHANGE_LABELS = {
    "import": N_("import"),
    "edit": N_("edit"),
    "draw": N_("drawing"),
    "delete": N_("deletion"),
    "undo": N_("undo"),
}
MATCH_LABELS = {"WDPA id": N_("WDPA id"), "name": N_("name")}
CONFIRM_COLUMN = N_("Confirm")


class EditRefusedError(StoreError):
    """A write refused before it reached the store; the message is plain words, safe to show.

    Its argument is a :class:`~kzatlas.ingest.messages.Message`: ``str(error)`` is English, the
    page shows it translated (:func:`~kzatlas.ingest.messages.exception_text`).
    """

    def __init__(self, message: str, /, **params: object) -> None:
        super().__init__(message if isinstance(message, Message) and not params else Message(message, **params))


def _check(editor: Editor | None, directory: EditorDirectory, comment: str) -> str:
    if not directory.allows(editor):
        raise EditRefusedError(N_("Only a signed-in editor can change data."))
    text = " ".join(str(comment or "").split())
    if not text:
        raise EditRefusedError(N_("Say in a few words why you are making this change."))
    return text[:MAX_COMMENT_CHARS]


def save_drawing(
    store: Store,
    record: dict,
    editor: Editor | None,
    directory: EditorDirectory,
    *,
    comment: str,
) -> Change:
    """Save one feature drawn on the map (a new one, or a new shape for an existing one).

    Parameters
    ----------
    record : dict
        The checked feature record (``kzatlas.edit.drawn_records``), geometry quality ``digitised`` or ``point``.
    store, editor, directory, comment
        The guard every write takes (see the module's description).

    Returns
    -------
    Change
        The new version (action ``draw``).

    Raises
    ------
    StoreError
        When the editor or comment is not acceptable, or the store refuses; nothing is written then.
    """
    text = _check(editor, directory, comment)
    return store.apply([record], who=editor.who, comment=text, action="draw", source_name="", source_sha256="")


def save_import(
    store: Store,
    plan: ImportPlan,
    editor: Editor | None,
    directory: EditorDirectory,
    *,
    comment: str,
    confirmed_ids: Iterable[str] = (),
) -> Change:
    """Save what an import plan adds and corrects, and the matches the editor confirmed, as one new version.

    A correction replaces the feature imported before under its id, so the version before it
    stays in the history and undoing this version brings it back.

    Parameters
    ----------
    plan : ImportPlan
        The checked file with its mapping and provenance.
    confirmed_ids : iterable of str
        Catalogue ids whose WDPA match the editor confirmed.
    store, editor, directory, comment
        The guard every write takes (see the module's description).

    Returns
    -------
    Change
        The version that holds the imported records (action ``import``).

    Raises
    ------
    StoreError
        When the store refuses, or the editor, comment, file or provenance is not acceptable;
        nothing is written then.
    """
    text = _check(editor, directory, comment)
    if plan.refused:
        raise EditRefusedError(N_("The file was refused: {reason}."), reason=plan.refused)
    missing = plan.missing_provenance()
    if missing:
        raise EditRefusedError(N_("Still needed before saving: {items}."), items=missing)
    records = plan.records(confirmed_ids=tuple(confirmed_ids))
    if not records:
        raise EditRefusedError(N_("Nothing to save: no feature is added or corrected and no match is confirmed."))
    return store.apply(
        records,
        who=editor.who,
        comment=text,
        action="import",
        source_name=plan.source_name,
        source_sha256=plan.source_sha256,
    )


def undo_change(
    store: Store, version: int, editor: Editor | None, directory: EditorDirectory, *, comment: str
) -> Change:
    """Take one version back as a new version.

    Parameters
    ----------
    version : int
        The version to undo.
    store, editor, directory, comment
        The guard every write takes (see the module's description).

    Returns
    -------
    Change
        The undo's version.

    Raises
    ------
    StoreError
        When the editor or comment is not acceptable or the version cannot be undone.
    """
    text = _check(editor, directory, comment)
    return store.undo(int(version), who=editor.who, comment=text)


def undoable(changes: Iterable[Change]) -> list[Change]:
    """Changes that still stand (not undone); the store decides the rest when asked."""
    return [change for change in changes if change.undone_by is None]


def plan_counts(plan: ImportPlan, confirmed: int = 0) -> dict[str, int]:
    """The preview's counts; ``changed`` counts confirmed matches only."""
    counts = plan.counts()
    return {**counts, "matches": counts["changed"], "changed": confirmed}


def plan_table(plan: ImportPlan, translate: Translate) -> pd.DataFrame:
    """One row per feature of the file: what happens to it, and every repair and reason.

    Parameters
    ----------
    plan : ImportPlan
        The checked file.
    translate : callable
        The page's translation function.

    Returns
    -------
    pandas.DataFrame
        Columns: action, name, kind, shape, repairs, notes and warnings (what a correction
        changes, outside Kazakhstan...), reasons for rejection, feature id,
        number and line (left out when the file has no lines); plain text, shown as data, never markup.
        Every message is in the language of ``translate``; the name is the file's in the page's
        language where the file gives one.
    """
    column = name_column(language_of(translate))
    rows = []
    for row in plan.rows:
        record = row.record or {}
        kind = record.get("kind") or ""
        quality = record.get("geometry_quality") or ""
        rows.append(
            {
                translate("What happens"): translate(ACTION_LABELS.get(row.action, row.action)),
                translate("Name"): local_name(row.names, column) or translated(row.label, translate),
                translate("Kind"): translate(KIND_LABELS.get(kind, kind)) if kind else "",
                translate("Shape"): translate(QUALITY_LABELS.get(quality, quality)) if quality else "",
                translate("Repairs"): translated(row.repairs, translate),
                translate("Notes and warnings"): translated(row.notes, translate),
                translate("Why rejected"): translated(row.reasons, translate),
                translate("Id"): row.feature_id,
                translate("#"): row.number,
                translate("Line"): row.line,
            }
        )
    table = pd.DataFrame(rows)
    if not table.empty and table[translate("Line")].isna().all():
        table = table.drop(columns=[translate("Line")])  # files without lines (GeoJSON, GeoPackage...)
    return table


def match_table(plan: ImportPlan, translate: Translate, confirmed: Iterable[str] = ()) -> pd.DataFrame:
    """The WDPA matches with the areas compared, and a confirm column (unticked unless ``confirmed``).

    Parameters
    ----------
    plan : ImportPlan
        A checked Protected Planet export.
    translate : callable
        The page's translation function.
    confirmed : iterable of str
        Catalogue ids already confirmed.

    Returns
    -------
    pandas.DataFrame
        One row per match, indexed by the catalogue id. The catalogue area is named in the
        language of ``translate`` (an English name is marked as such), the file's area by the
        file's name in that language where it gives one.
    """
    chosen = set(confirmed)
    column = name_column(language_of(translate))
    rows = []
    for row in plan.rows:
        match = row.match
        if not match:
            continue
        how = MATCH_LABELS.get(match.get("how"), str(match.get("how") or ""))
        names = match.get("catalogue_names") or {"name_en": match.get("catalogue_name") or ""}
        rows.append(
            {
                "id": match["catalogue_id"],
                translate(CONFIRM_COLUMN): match["catalogue_id"] in chosen,
                translate("Catalogue area"): shown_name(names, column, translate) or match["catalogue_id"],
                translate("In the file"): local_name(row.names, column) or translated(row.label, translate),
                translate("Official area (ha)"): match.get("official_area_ha"),
                translate("Boundary's area (ha)"): match.get("drawn_area_ha"),
                translate("Boundary vs official (%)"): match.get("difference_pct"),
                translate("Circle's area now (ha)"): match.get("previous_drawn_area_ha"),
                translate("Area in the file (ha)"): match.get("reported_area_ha"),
                translate("Matched by"): translate(how),
                translate("WDPA id"): str(match.get("wdpa_id") or ""),
            }
        )
    return pd.DataFrame(rows).set_index("id") if rows else pd.DataFrame()


def _moment(when: str, translate: Translate) -> str:
    """A stored UTC moment (``2026-12-06T03:00:00Z``) with its day in the page's language."""
    day, _, clock = when.replace("T", " ").removesuffix("Z").partition(" ")
    return f"{format_date(day, translate)} {clock}".strip()


def history_table(changes: Iterable[Change], translate: Translate) -> pd.DataFrame:
    """The store's changes, newest first, as the data page lists them.

    Parameters
    ----------
    changes : iterable of Change
        From ``Store.history()``.
    translate : callable
        The page's translation function.

    Returns
    -------
    pandas.DataFrame
        Version, when (UTC), who, what, comment, file and short SHA-256, features touched,
        and the undo links between versions.
    """
    rows = []
    for change in changes:
        if change.undone_by is not None:
            status = translate("undone by version {version}").format(version=change.undone_by)
        elif change.undoes is not None:
            status = translate("undoes version {version}").format(version=change.undoes)
        else:
            status = ""
        rows.append(
            {
                translate("Version"): change.version,
                translate("When (UTC)"): _moment(change.when, translate),
                translate("Who"): change.who,
                translate("What"): translate(CHANGE_LABELS.get(change.action, change.action)),
                translate("Why"): change.comment,
                translate("File"): change.source_name,
                translate("SHA-256"): change.source_sha256[:12],
                translate("Features"): len(change.feature_ids),
                translate("Feature ids"): ", ".join(change.feature_ids[:20])
                + (" …" if len(change.feature_ids) > 20 else ""),
                translate("Undo"): status,
            }
        )
    return pd.DataFrame(rows)
