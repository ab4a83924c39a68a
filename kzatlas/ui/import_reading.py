"""How an uploaded table is read: its sheet, its header row, and latitude and longitude exchanged.

The file is checked once with the sheet and header found; choosing another sheet reads the
workbook again (in the limited reading process), another header row splits the rows already
read, and the one-click swap exchanges the latitude and longitude columns. The plan they give
is kept in session state, so reruns do not redo the work.
"""

from __future__ import annotations

import zlib

import streamlit as st

from kzatlas.catalog import region_frame
from kzatlas.i18n import Translate
from kzatlas.ingest import ImportPlan, check_file, encodings, with_header, with_mapping
from kzatlas.ingest.coordinates import LATITUDE, LONGITUDE
from kzatlas.ui.frame import PageContext

READ_KEY = "edit_data.read"  # (what was chosen, the plan read that way)
SWAP_KEY = "edit_data.swapped_columns"  # upload id -> the latitude and longitude columns after a swap


def reading_key(plan: ImportPlan) -> str:
    """A suffix for widget keys that depend on the table's columns (its sheet and header)."""
    return f".{zlib.crc32(plan.sheet.encode())}.{'-'.join(str(line) for line in plan.header)}"


def _header_label(option: tuple[int, int], translate: Translate) -> str:
    first, last = option
    if first == last:
        return translate("row {row}").format(row=first)
    return translate("rows {first} and {last} (a header over merged cells)").format(first=first, last=last)


def reading_choices(page: str, context: PageContext, upload, base: ImportPlan) -> ImportPlan:
    """The sheet and header choices of a table (select boxes), and the plan read that way.

    Parameters
    ----------
    page : str
        The page name (for widget keys).
    context : PageContext
        The page's context (catalogue, language).
    upload : UploadedFile
        The upload, read again when another sheet is chosen.
    base : ImportPlan
        The plan read with the sheet and header found.

    Returns
    -------
    ImportPlan
        The plan with the chosen sheet, header and any swap (possibly refused, with why).
    """
    translate = context.translate
    if not base.header_choices:
        return base
    prefix = f"{page}.{base.source_sha256[:12]}"
    left, right = st.columns(2)
    sheet = base.sheet
    if len(base.sheets) > 1:
        sheet = left.selectbox(
            translate("Sheet to read"),
            base.sheets,
            index=base.sheets.index(base.sheet) if base.sheet in base.sheets else 0,
            key=f"{prefix}.sheet",
            help=translate("The first sheet that holds a table is proposed; a cover page is passed over."),
        )
    plan = _read(context, upload, base, sheet)
    if plan.refused or not plan.header_choices:
        return plan
    lines = plan.header_choices
    options = [(line, line) for line in lines] + [(a, b) for a, b in zip(lines, lines[1:], strict=False) if b == a + 1]
    options.sort()
    found = tuple(plan.header[:2]) if len(plan.header) == 2 else options[0]
    header = right.selectbox(
        translate("Header row (column names)"),
        options,
        index=options.index(found) if found in options else 0,
        format_func=lambda option: _header_label(option, translate),
        key=f"{prefix}.header.{zlib.crc32(sheet.encode())}",
        help=translate("Found as the first row that looks like column names above rows of data."),
    )
    # The encoding too: a CSV file read again as another encoding has other columns and text.
    encoding = (encodings.plan_encoding(base) or {}).get("name")
    chosen = (upload.file_id, sheet, header, st.session_state.get(SWAP_KEY, {}).get(upload.file_id), encoding)
    kept = st.session_state.get(READ_KEY)
    if kept and kept[0] == chosen:
        return kept[1]
    if header != found:
        plan = with_header(plan, header)
    swap = chosen[3]
    if swap and not plan.refused and all(column in plan.columns for column in swap.values() if column):
        plan = with_mapping(plan, swap)
    st.session_state[READ_KEY] = (chosen, plan)
    return plan


def _read(context: PageContext, upload, base: ImportPlan, sheet: str) -> ImportPlan:
    """The plan of another sheet (read once per sheet and kept), or ``base`` for its own."""
    if sheet == base.sheet:
        return base
    key = (upload.file_id, "sheet", sheet)
    kept = st.session_state.get(READ_KEY + ".sheet")
    if kept and kept[0] == key:
        return kept[1]
    with st.spinner(context.translate("Checking the file…")):
        plan = check_file(
            upload.getvalue(),
            upload.name,
            catalogue_features=context.all_features(),
            regions=region_frame(context.catalogue),
            sheet=sheet,
        )
    st.session_state[READ_KEY + ".sheet"] = (key, plan)
    return plan


def swap_offer(page: str, upload, plan: ImportPlan, translate: Translate, column_key: str) -> None:
    """When the points would lie in Kazakhstan with latitude and longitude exchanged: say so, offer the swap.

    Parameters
    ----------
    page : str
        The page name (for the button's key).
    upload : UploadedFile
        The upload (the swap is kept per upload).
    plan : ImportPlan
        The plan as the page shows it.
    translate : Translate
        The page's language.
    column_key : str
        The key prefix of the column select boxes (``{column_key}.latitude``...), reset by the swap.
    """
    if not plan.swap_suggested:
        return
    st.warning(
        translate(
            "Latitude and longitude look exchanged: the points lie outside Kazakhstan, but would lie "
            "inside it with the two swapped."
        )
    )

    def swap() -> None:
        swaps = dict(st.session_state.get(SWAP_KEY, {}))
        swaps[upload.file_id] = {LATITUDE: plan.mapping.get(LONGITUDE), LONGITUDE: plan.mapping.get(LATITUDE)}
        st.session_state[SWAP_KEY] = swaps
        for target in (LATITUDE, LONGITUDE):
            st.session_state.pop(f"{column_key}.{target}", None)

    st.button(translate("Swap latitude and longitude"), key=f"{page}.swap", on_click=swap, type="primary")
