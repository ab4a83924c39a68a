"""Readers for tables: CSV with Python's ``csv`` module, XLSX with openpyxl (formulas reported, never run).

A table has no shapes: its rows are placed later from latitude/longitude or region columns.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kzatlas.ingest import limits
from kzatlas.ingest.errors import RefusalError
from kzatlas.ingest.readers.common import check_columns, count_features, plain


def _table_result(header: list[str], body: list[tuple[int, list, str | None]], notes: list[str]) -> dict:
    if not header:
        raise RefusalError("the file has no header row")
    check_columns(header)
    count_features(len(body))
    if not body:
        raise RefusalError("the file has a header but no rows")
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


def _decode_text(data: bytes) -> tuple[str, list[str]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ["the file is UTF-16 text; read as such"]
        except UnicodeDecodeError as exc:
            raise RefusalError("the file says it is UTF-16 text but is not") from exc
    notes = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RefusalError("the file is not UTF-8 text; save it as 'CSV UTF-8' and upload it again") from exc
    return text, notes


def read_csv(path: Path) -> dict:
    """Read a CSV file with Python's ``csv`` module (cells stay text; nothing is evaluated).

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    dict
        The reader result, one row per line after the header.
    """
    text, notes = _decode_text(path.read_bytes())
    if "\x00" in text:
        raise RefusalError("the file holds NUL characters; it looks binary, not CSV text")
    first_line = text[: text.find("\n")] if "\n" in text[:65536] else text[:65536]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    csv.field_size_limit(limits.MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    body: list[tuple[int, list, str | None]] = []
    try:
        for cells in reader:
            if len(cells) > limits.MAX_COLUMNS:
                raise RefusalError(f"line {reader.line_num} has {len(cells):,} cells; at most {limits.MAX_COLUMNS} columns are accepted")
            if not any(cell.strip() for cell in cells):
                continue
            if not header:
                header = _header(cells)
                continue
            error = None
            if len(cells) > len(header):
                error = f"the row has {len(cells)} cells but the header has {len(header)} columns"
            body.append((reader.line_num, cells + [""] * (len(header) - len(cells)), error))
            count_features(len(body))
    except csv.Error as exc:
        if "field larger" in str(exc):
            raise RefusalError(f"a cell on line {reader.line_num} holds more than {limits.MAX_CELL_CHARS:,} characters") from exc
        raise RefusalError(f"the CSV file cannot be read at line {reader.line_num} (unbalanced quotes?)") from exc
    return _table_result(header, body, notes)


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
        raise RefusalError("the workbook cannot be opened (it may be damaged or not an .xlsx file)") from exc
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise RefusalError("the workbook has no sheets")
        notes = []
        if len(sheets) > 1:
            notes.append(f"only the first sheet is read; {len(sheets) - 1} other sheet(s) are not")
        header: list[str] = []
        body: list[tuple[int, list, str | None]] = []
        for number, cells in enumerate(sheets[0].iter_rows(), start=1):
            values, formula = [], None
            for position, cell in enumerate(cells, start=1):
                if position > limits.MAX_COLUMNS:
                    if getattr(cell, "value", None) is not None:
                        raise RefusalError(f"row {number} has cells beyond column {limits.MAX_COLUMNS}; that many columns are not accepted")
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
                    raise RefusalError(f"the header row holds a formula (cell {formula}); formulas are not run")
                header = _header(values)
                continue
            error = f"cell {formula} holds a formula; formulas are not run, type the value instead" if formula else None
            values = values[: len(header)] + [None] * (len(header) - len(values))
            body.append((number, values, error))
            count_features(len(body))
    finally:
        workbook.close()
    return _table_result(header, body, notes)
