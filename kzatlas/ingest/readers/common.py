"""What every reader shares: plain property values, base64 WKB and the file-wide limits."""

from __future__ import annotations

import base64
import datetime as dt
import json

from kzatlas.ingest import limits
from kzatlas.ingest.errors import RefusalError
from kzatlas.ingest.messages import N_, Message

NO_FEATURES = N_("the file holds no features")
NO_GEOMETRY = N_("the feature has no geometry")


def b64(wkb: bytes | None) -> str | None:
    """WKB as base64 text, so that a reader's result is plain JSON (``None`` stays ``None``)."""
    return None if wkb is None else base64.b64encode(wkb).decode("ascii")


def plain(value: object) -> object:
    """A property value as JSON-ready plain data.

    Parameters
    ----------
    value : object
        What a library gave for a cell: numbers, dates, bytes, numpy scalars, nested data.

    Returns
    -------
    object
        ``None``, a bool, int, float or str; bytes give ``None`` and nested data its JSON text.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**63 else str(value)
    if isinstance(value, float):
        return value
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return plain(value.item())
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)[: limits.MAX_CELL_CHARS]
    return str(value)


def count_features(count: int) -> None:
    """Refuse the file when it holds more features than one import accepts."""
    if count > limits.MAX_FEATURES:
        raise RefusalError(
            N_("the file holds {count} features; at most {limit} are accepted"), count=count, limit=limits.MAX_FEATURES
        )


def check_columns(columns: list[str]) -> None:
    """Refuse the file when it has more columns than one import accepts."""
    if len(columns) > limits.MAX_COLUMNS:
        raise RefusalError(
            N_("the file has {count} columns; at most {limit} are accepted"), count=len(columns), limit=limits.MAX_COLUMNS
        )


class Vertices:
    """Counts vertices across the file, refusing it when the total passes the limit."""

    def __init__(self) -> None:
        self.total = 0

    def add(self, count: int) -> Message | None:
        """Count one shape's points; the reason to reject that shape when it alone has too many."""
        self.total += count
        if self.total > limits.MAX_VERTICES:
            raise RefusalError(N_("the file's shapes have more than {limit} points in all"), limit=limits.MAX_VERTICES)
        if count > limits.MAX_FEATURE_VERTICES:
            return Message(
                N_("the shape has {count} points; one shape may have at most {limit}"),
                count=count,
                limit=limits.MAX_FEATURE_VERTICES,
            )
        return None
