"""Readers for tables: CSV with Python's ``csv`` module, XLSX with openpyxl (formulas reported, never run).

A table has no shapes: its rows are placed later from latitude/longitude or region columns.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kzatlas.ingest import encodings, limits
from kzatlas.ingest.errors import RefusalError
from kzatlas.ingest.messages import N_, Message
from kzatlas.ingest.readers.common import check_columns, count_features, plain


def _table_result(header: list[str], body: list[tuple[int, list, Message | None]], notes: list[Message]) -> dict:
    if not header:
        raise RefusalError(N_("the file has no header row"))
    check_columns(header)
    count_features(len(body))
    if not body:
        raise RefusalError(N_("the file has a header but no rows"))
    rows = []
    for line, values, error in body:
        props = dict(zip(header, values, strict=False))
        rows.append({"props": props, "wkb": None, "error": error, "notes": [], "layer": 0, "line": line})
    return {"layers": [{"name": "", "crs": None}], "columns": header, "rows": rows, "notes": notes, "table": True}


def _header(cells: list) -> list[str]:
    names: list[str] = []
    for position, cell in enumerate(cells, start=1):
        name = " ".join(str(cell if cell is not None else "").split())[:100] or f"column {position}"
        while name in names:
            name = f"{name} ({position})"
        names.append(name)
    return names


def read_csv(path: Path, encoding: str | None = None) -> dict:
    """Read a CSV file with Python's ``csv`` module (cells stay text; nothing is evaluated).

    Parameters
    ----------
    path : Path
        The file.
    encoding : str, optional
        The text encoding the user chose (:data:`kzatlas.ingest.encodings.ENCODINGS`); by
        default it is detected.

    Returns
    -------
    dict
        The reader result, one row per line after the header, and the ``encoding`` read with.
    """
    text, detection = encodings.decode(path.read_bytes(), encoding)
    notes: list[Message] = []
    if "\x00" in text:
        raise RefusalError(N_("the file holds NUL characters; it looks binary, not CSV text"))
    first_line = text[: text.find("\n")] if "\n" in text[:65536] else text[:65536]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    csv.field_size_limit(limits.MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    body: list[tuple[int, list, Message | None]] = []
    try:
        for cells in reader:
            if len(cells) > limits.MAX_COLUMNS:
                raise RefusalError(
                    N_("line {line} has {count} cells; at most {limit} columns are accepted"),
                    line=reader.line_num,
                    count=len(cells),
                    limit=limits.MAX_COLUMNS,
                )
            if not any(cell.strip() for cell in cells):
                continue
            if not header:
                header = _header(cells)
                continue
            error = None
            if len(cells) > len(header):
                error = Message(
                    N_("the row has {cells} cells but the header has {columns} columns"), cells=len(cells), columns=len(header)
                )
            body.append((reader.line_num, cells + [""] * (len(header) - len(cells)), error))
            count_features(len(body))
    except csv.Error as exc:
        if "field larger" in str(exc):
            raise RefusalError(
                N_("a cell on line {line} holds more than {limit} characters"), line=reader.line_num, limit=limits.MAX_CELL_CHARS
            ) from exc
        raise RefusalError(N_("the CSV file cannot be read at line {line} (unbalanced quotes?)"), line=reader.line_num) from exc
    return {**_table_result(header, body, notes), "encoding": detection.to_json()}


def read_xlsx(path: Path) -> dict:
    """Read the first sheet of an XLSX workbook with openpyxl; formulas are reported, never run.

    Parameters
    ----------
    path : Path
        The workbook (its zip directory has been checked already).

    Returns
    -------
    dict
        The reader result; a row with a formula carries an error naming the cell.
    """
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False, keep_vba=False)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise RefusalError(N_("the workbook cannot be opened (it may be damaged or not an .xlsx file)")) from exc
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise RefusalError(N_("the workbook has no sheets"))
        notes = []
        if len(sheets) > 1:
            notes.append(Message(N_("only the first sheet is read; {count} other sheet(s) are not"), count=len(sheets) - 1))
        header: list[str] = []
        body: list[tuple[int, list, Message | None]] = []
        for number, cells in enumerate(sheets[0].iter_rows(), start=1):
            values, formula = [], None
            for position, cell in enumerate(cells, start=1):
                if position > limits.MAX_COLUMNS:
                    if getattr(cell, "value", None) is not None:
                        raise RefusalError(
                            N_("row {row} has cells beyond column {limit}; that many columns are not accepted"),
                            row=number,
                            limit=limits.MAX_COLUMNS,
                        )
                    continue
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f":
                    formula = formula or f"{get_column_letter(position)}{number}"
                    value = None
                values.append(plain(value))
            if not any(value not in (None, "") for value in values) and formula is None:
                continue
            if not header:
                if formula:
                    raise RefusalError(N_("the header row holds a formula (cell {cell}); formulas are not run"), cell=formula)
                header = _header(values)
                continue
            error = (
                Message(N_("cell {cell} holds a formula; formulas are not run, type the value instead"), cell=formula)
                if formula
                else None
            )
            values = values[: len(header)] + [None] * (len(header) - len(values))
            body.append((number, values, error))
            count_features(len(body))
    finally:
        workbook.close()
    return _table_result(header, body, notes)
