"""Importing a file: upload, check, preview, confirm, give the source, and save as a new version.

The file is checked once per upload (the plan is kept in session state); changing a column,
the default kind or the source re-plans it from what was read, without reading the file again.
The plan's refusals, reasons, repairs and notes are messages (:mod:`kzatlas.ingest.messages`),
shown here in the page's language, so changing the language shows them translated at once.
"""

from __future__ import annotations

from pathlib import PurePosixPath

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from kzatlas import store
from kzatlas.catalog import region_frame
from kzatlas.config import KINDS
from kzatlas.edit import guarded_writes
from kzatlas.edit.accounts import Editor
from kzatlas.formats import format_hectares, format_number, format_percent
from kzatlas.i18n import KIND_LABELS, N_, Translate
from kzatlas.ingest import ImportPlan, check_file, encodings, sniff, with_mapping, with_provenance
from kzatlas.ingest.columns import TARGET_LABELS, TARGETS
from kzatlas.ingest.messages import exception_text, sentence, translated
from kzatlas.map.import_preview import import_preview_group
from kzatlas.safety import escape_markdown, markdown_link
from kzatlas.selection import feature_link
from kzatlas.tables import HECTARES_FORMAT
from kzatlas.ui import upload_guard
from kzatlas.ui.frame import PageContext
from kzatlas.ui.history import data_store
from kzatlas.ui.import_reading import reading_choices, reading_key, swap_offer
from kzatlas.ui.live_map import render_preview_map
from kzatlas.ui.signed_in import NotAnEditorError, confirm_editor, directory
from kzatlas.ui.table_display import number_column, show_table

UPLOAD_TYPES = ["geojson", "json", "gpkg", "zip", "kml", "csv", "xlsx"]
UNREACHABLE = N_("the data store cannot be reached")
CHECKED_KEY = "edit_data.checked"  # (upload id, plan as read)
PLANNED_KEY = "edit_data.planned"  # (choices, plan with the user's columns and source)
ROUND_KEY = "edit_data.round"  # bumped after a save, for a fresh uploader
SAVED_KEY = "edit_data.saved"  # the message about the last save
KIND_CONTROL = N_("Kind for all rows (where the file gives none)")


def import_section(page: str, context: PageContext, editor: Editor) -> None:
    """The whole import: upload, checks, preview, choices, and the save button."""
    translate = context.translate
    saved_message = st.session_state.pop(SAVED_KEY, None)
    if saved_message:
        st.success(saved_message)
    st.markdown(
        translate(
            "Import a GeoJSON, GeoPackage, zipped shapefile, KML, CSV or Excel (XLSX) file of at most 50 MB. "
            "Nothing is saved until you check the preview and press **Save to the atlas**. "
            "A Protected Planet (WDPA) export is recognised: confirm which catalogue areas get its real boundaries."
        )
    )
    round_number = st.session_state.setdefault(ROUND_KEY, 0)
    upload = st.file_uploader(
        translate("File to import"), type=UPLOAD_TYPES, key=f"{page}.upload.{round_number}",
        max_upload_size=upload_guard.offer_upload(50),
    )
    if upload is None:
        return
    encoding_key = f"{page}.encoding.{upload.file_id}"
    base = _checked_plan(context, upload, st.session_state.get(encoding_key) or None)
    if base is None:
        return
    if base.refused:
        st.error(
            translate("This file cannot be imported: {reason}. Nothing was saved.").format(
                reason=escape_markdown(translated(base.refused, translate))
            )
        )
        if sniff.EXTENSIONS.get(PurePosixPath(upload.name.lower()).suffix) in (sniff.CSV, sniff.SHAPEFILE):
            _encoding_choice(encoding_key, None, translate)
        return
    base = reading_choices(page, context, upload, base)
    if base.refused:
        st.error(
            translate("This file cannot be imported: {reason}. Nothing was saved.").format(
                reason=escape_markdown(translated(base.refused, translate))
            )
        )
        return
    top, summary, map_box, matches_box, rows_box = (st.container() for _ in range(5))
    plan = _choices(page, base, translate)
    with top:
        swap_offer(page, upload, plan, translate, f"{page}.{base.source_sha256[:12]}{reading_key(base)}.column")
    if plan.needs_kind:
        top.error(
            translate(
                "No kind is given for some rows, so they are rejected: choose a kind for all rows under "
                "**{control}** below (Columns and source), or map a column to Kind."
            ).format(control=translate(KIND_CONTROL))
        )
    confirmed = _matches(page, plan, translate, matches_box)
    _summary(plan, confirmed, translate, summary)
    if encodings.plan_encoding(base):
        with summary:
            _encoding_choice(encoding_key, encodings.plan_encoding(base), translate)
    with map_box:
        _preview_map(page, context, plan)
    _rows(plan, translate, rows_box)
    _save(page, context, editor, plan, confirmed)


def _checked_plan(context: PageContext, upload, encoding: str | None = None) -> ImportPlan | None:
    """Check the upload once per text encoding chosen; later reruns reuse the plan."""
    kept = st.session_state.get(CHECKED_KEY)
    if kept and kept[0] == (upload.file_id, encoding):
        return kept[1]
    regions = region_frame(context.catalogue)
    if regions is None:
        st.error(context.translate("The regions layer could not be loaded, so files cannot be checked now."))
        return None
    with st.spinner(context.translate("Checking the file…")):
        plan = check_file(
            upload.getvalue(), upload.name, catalogue_features=context.all_features(), regions=regions, encoding=encoding
        )
    if kept and kept[0][0] == upload.file_id:
        # Read again as another encoding: other column names, so the columns are guessed again.
        tag = f".{plan.source_sha256[:12]}"
        for key in [key for key in st.session_state if tag in str(key) and ".column." in str(key)]:
            del st.session_state[key]
    st.session_state[CHECKED_KEY] = ((upload.file_id, encoding), plan)
    st.session_state.pop(PLANNED_KEY, None)
    return plan


def _choices(page: str, base: ImportPlan, translate: Translate) -> ImportPlan:
    """Columns, default kind and source as the user set them; the plan re-made only when they change."""
    prefix = f"{page}.{base.source_sha256[:12]}"
    st.subheader(translate("Columns and source"))
    with st.expander(translate("Which column holds what (guessed; change any)"), expanded=not base.is_wdpa):
        options = ["", *base.columns]
        mapping = {}
        columns = st.columns(3)
        for position, target in enumerate(TARGETS):
            guessed = base.mapping.get(target) or ""
            mapping[target] = (
                columns[position % 3].selectbox(
                    translate(TARGET_LABELS[target]),
                    options,
                    index=options.index(guessed) if guessed in options else 0,
                    format_func=lambda column: column or translate("(none)"),
                    key=f"{prefix}{reading_key(base)}.column.{target}",
                )
                or None
            )
    # Outside the expander: a file without a kind column needs it, and the message above points here.
    kind = st.selectbox(
        translate(KIND_CONTROL),
        ["", *KINDS],
        format_func=lambda value: translate(KIND_LABELS[value]) if value else translate("(from the file)"),
        key=f"{prefix}.kind",
    )
    st.markdown(translate("**Where the data comes from** (required for every saved feature)"))
    left, middle, right = st.columns([3, 3, 2])
    url = left.text_input(translate("Source web address"), key=f"{prefix}.source_url", max_chars=2000)
    title = middle.text_input(translate("Source title"), key=f"{prefix}.source_title", max_chars=300)
    date = right.date_input(
        translate("Date of the source"), value=None, key=f"{prefix}.source_date", format="YYYY-MM-DD"
    )
    provenance = {
        "source_url": url.strip(),
        "source_title": title.strip(),
        "source_date": date.isoformat() if date else "",
    }
    defaults = {"kind": kind} if kind else {}
    choices = (base.source_sha256, tuple(sorted(mapping.items())), tuple(sorted(provenance.items())), kind)
    kept = st.session_state.get(PLANNED_KEY)
    if kept and kept[0] == choices:
        return kept[1]
    plan = base
    if mapping != {target: base.mapping.get(target) for target in TARGETS}:
        plan = with_mapping(plan, mapping)
    if any(provenance.values()) or defaults:
        plan = with_provenance(plan, {k: v for k, v in provenance.items() if v}, defaults)
    st.session_state[PLANNED_KEY] = (choices, plan)
    return plan


def _encoding_choice(key: str, found: dict | None, translate: Translate) -> None:
    """The text encoding the file is read with, and a choice of another (the file is read again)."""
    if found:
        st.caption(
            translate("Text encoding: {encoding} ({how})").format(
                encoding=found["label"], how=escape_markdown(translate(found["how"]))
            )
        )
    st.selectbox(
        translate("Read the text as"),
        ["", *encodings.ENCODINGS],
        format_func=lambda name: encodings.ENCODINGS.get(name) or translate("(detect the encoding)"),
        key=key,
        help=translate("Choose another encoding when names in the file show as odd letters or signs."),
    )


def _garbled_blocker(page: str, plan: ImportPlan, translate: Translate) -> str | None:
    """Garbled text stops the save until another encoding reads it right or the editor vouches for it."""
    garbled = encodings.plan_garbled(plan)
    if not garbled:
        return None
    columns = ", ".join(f"«{escape_markdown(column)}»" for column in garbled)
    st.error(
        translate(
            "The text of {columns} looks garbled. Choose the file's encoding under “Read the text as”, "
            "or confirm that the text is right as shown."
        ).format(columns=columns)
    )
    if st.checkbox(translate("The text is right as shown; save it as it is"), key=f"{page}.{plan.source_sha256[:12]}.text_ok"):
        return None
    return translate("text that reads right (another encoding, or your confirmation)")


def _summary(plan: ImportPlan, confirmed: list[str], translate: Translate, box) -> None:
    counts = guarded_writes.plan_counts(plan, len(confirmed))
    with box:
        st.subheader(translate("What this file would do"))
        st.caption(
            translate("File: {name} · SHA-256 {sha} · features in the file: {features}").format(
                name=escape_markdown(plan.source_name),
                sha=plan.source_sha256[:12],
                features=format_number(counts["features"], translate),
            )
        )
        shown = {key: format_number(value, translate) for key, value in counts.items()}
        cells = [*st.columns(4), *st.columns(4)]
        cells[0].metric(translate("New features"), shown["added"])
        cells[1].metric(translate("Corrected"), shown["updated"], help=translate("Features imported before, moved or changed"))
        cells[2].metric(translate("Shapes to replace"), f"{shown['changed']} / {shown['matches']}")
        cells[3].metric(translate("Left alone"), shown["left"])
        cells[4].metric(translate("Accepted"), shown["accepted"])
        cells[5].metric(translate("Rejected"), shown["rejected"])
        cells[6].metric(translate("Repaired"), shown["repaired"], help=translate("Features whose data was repaired"))
        cells[7].metric(
            translate("With notes"),
            shown["noted"],
            help=translate("Notes and warnings, not repairs: outside Kazakhstan, already in the atlas, what a correction changes"),
        )
        for note in [*plan.notes, *plan.mapping_problems]:
            st.warning(escape_markdown(sentence(note, translate)))


def _matches(page: str, plan: ImportPlan, translate: Translate, box) -> list[str]:
    """Protected Planet matches: the areas compared and one confirm box each."""
    table = guarded_writes.match_table(plan, translate)
    if table.empty:
        return []
    confirmed = []
    with box:
        st.subheader(translate("Matches to confirm"))
        st.caption(
            translate(
                "Each area of the file that fits a catalogue reserve or park. Tick a match to replace the "
                "catalogue's approximate shape with the file's boundary (shape quality: surveyed)."
            )
        )
        formats = {column: number_column(HECTARES_FORMAT) for column in table.columns if "(ha)" in column}
        formats[translate("Boundary vs official (%)")] = number_column("%+.1f %%")
        show_table(table.drop(columns=[translate(guarded_writes.CONFIRM_COLUMN)]), formats, translate=translate)
        for catalogue_id, row in table.iterrows():
            label = translate("Replace the shape of {area} with the boundary of {name} ({difference})").format(
                area=escape_markdown(row[translate("Catalogue area")]),
                name=escape_markdown(row[translate("In the file")]),
                difference=_difference_text(row, translate),
            )
            if st.checkbox(label, key=f"{page}.{plan.source_sha256[:12]}.confirm.{catalogue_id}"):
                confirmed.append(str(catalogue_id))
    return confirmed


def _difference_text(row, translate: Translate) -> str:
    """The boundary's area against the official one, in words."""
    drawn, official = row[translate("Boundary's area (ha)")], row[translate("Official area (ha)")]
    if drawn is None or official is None or pd.isna(drawn) or pd.isna(official) or not official:
        return translate("no official area to compare")
    return translate("boundary {drawn}, official {official}: {difference}").format(
        drawn=format_hectares(drawn, translate),
        official=format_hectares(official, translate),
        difference=("+" if drawn > official else "")
        + format_percent((drawn - official) / official * 100, translate, 1),
    )


def _preview_map(page: str, context: PageContext, plan: ImportPlan) -> None:
    planned = plan.frame()
    # A correction replaces a feature's position or shape: the map draws it as a replacing shape.
    planned["action"] = planned["action"].replace({"update": "change"})
    shown = planned[planned["action"].isin(("add", "change"))]
    bounds = tuple(shown.total_bounds) if not shown.empty else None
    st.caption(
        context.translate(
            "Dashed magenta: new shapes from the file; dashed purple: shapes that replace or correct a feature's; "
            "none is saved yet. Other colours: the atlas as it is now."
        )
    )
    render_preview_map(
        page, context, context.all_features(), [import_preview_group(planned, context.translate)], bounds
    )


def _rows(plan: ImportPlan, translate: Translate, box) -> None:
    with box:
        st.subheader(translate("Every feature of the file"))
        st.caption(translate("Rejected rows are listed with the reason; nothing is dropped without a word."))
        show_table(guarded_writes.plan_table(plan, translate))


def _save(page: str, context: PageContext, editor: Editor, plan: ImportPlan, confirmed: list[str]) -> None:
    translate = context.translate
    st.subheader(translate("Save"))
    comment = st.text_input(
        translate("Why are you making this change? (required, a few words)"), key=f"{page}.comment", max_chars=500
    )
    missing = plan.missing_provenance()
    counts = guarded_writes.plan_counts(plan, len(confirmed))
    blockers = [escape_markdown(translated(item, translate)) for item in missing]
    garbled = _garbled_blocker(page, plan, translate)
    if garbled:
        blockers.append(garbled)
    if not comment.strip():
        blockers.append(translate("a comment saying why"))
    if counts["added"] + counts["updated"] + len(confirmed) == 0:
        blockers.append(translate("something to save: a new or corrected feature, or a confirmed match"))
    if blockers:
        st.caption(translate("Still needed before saving: {items}.").format(items="; ".join(blockers)))
    if not st.button(translate("Save to the atlas"), type="primary", key=f"{page}.save", disabled=bool(blockers)):
        return
    saved = data_store(context)
    try:
        editor = confirm_editor(editor)
        if saved is None:
            raise guarded_writes.EditRefusedError(UNREACHABLE)
        change = guarded_writes.save_import(saved, plan, editor, directory(), comment=comment, confirmed_ids=confirmed)
    except NotAnEditorError:
        st.error(translate("Sign in as an editor to change data."))
        return
    except (store.StoreError, SQLAlchemyError) as exc:
        reason = exception_text(exc, translate) if isinstance(exc, store.StoreError) else type(exc).__name__
        st.error(translate("Nothing was saved: {reason}").format(reason=escape_markdown(reason)))
        return
    first = change.feature_ids[0] if change.feature_ids else ""
    st.session_state[SAVED_KEY] = translate(
        "Saved as version {version} from {file}; features written: {count}. {link}"
    ).format(
        version=change.version,
        count=len(change.feature_ids),
        file=escape_markdown(plan.source_name),
        link=markdown_link(translate("See it on the map"), feature_link(first)) if first else "",
    )
    for key in (CHECKED_KEY, PLANNED_KEY, f"{page}.comment"):
        st.session_state.pop(key, None)
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
    st.rerun()
