"""Checks and repairs for imported cell values: text, numbers, years and dates.

Each function returns a :class:`Checked`: what it kept plus plain-words notes, or a reason to
reject the row, as translatable :class:`~kzatlas.ingest.messages.Message` objects; none raises for
bad data. A field's ``label`` is a message id (``N_("latitude")``, a column label), translated
with the message. Regions are read by :mod:`kzatlas.ingest.regions`,
shapes and coordinate systems by :mod:`kzatlas.ingest.shapes`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from kzatlas.ingest.messages import N_, Message
from kzatlas.safety import plain_snippet, starts_formula

# Control characters (other than tab and line breaks) and the bidirectional overrides that hide text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f_']")
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
YEAR_RANGE = (1800, 2100)
SHORTENED = N_("{label} shortened to {limit} characters")
NOT_A_NUMBER = N_("{label} '{value}' is not a number")
YEAR_LABEL = N_("year")
SOURCE_DATE = N_("source date")
NOT_A_DATE = N_("{label} '{value}' is not a date (YYYY-MM-DD)")


@dataclass
class Checked:
    """A value that passed (possibly changed), with notes, or the reason it was rejected."""

    value: object = None
    notes: list[Message] = field(default_factory=list)
    error: Message | None = None


# ------------------------------------------------------------------ text and numbers


def is_blank(value: object) -> bool:
    """Whether a cell is empty (``None``, NaN or only spaces)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def clean_text(label: str, value: object, limit: int) -> Checked:
    """Text from a file, checked for hidden characters and length.

    Parameters
    ----------
    label : str
        The field, for messages: a message id (``TARGET_LABELS[...]``, ``N_("source title")``).
    value : object
        The cell.
    limit : int
        Longest kept text; longer text is shortened with a note.

    Returns
    -------
    Checked
        The text ("" for a blank cell). Control and text-direction characters reject the row;
        text that a spreadsheet would take as a formula is kept as text, with a note.
    """
    if is_blank(value):
        return Checked("")
    text = str(value).strip()
    if _CONTROL.search(text):
        return Checked(error=Message(N_("{label} holds control or text-direction characters"), label=Message(label)))
    notes = []
    if len(text) > limit:
        text = text[:limit].rstrip()
        notes.append(Message(SHORTENED, label=Message(label), limit=limit))
    if starts_formula(text):
        notes.append(
            Message(N_("{label} starts like a spreadsheet formula; kept as plain text, never run"), label=Message(label))
        )
    return Checked(text, notes)


def parse_number(value: object) -> float | None:
    """A number from a cell: plain, with thousands separators or a decimal comma.

    Parameters
    ----------
    value : object
        The cell.

    Returns
    -------
    float or None
        ``None`` for a blank cell.

    Raises
    ------
    ValueError
        When the cell is not a finite number.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("a true/false value")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = _SPACES.sub("", str(value).strip())
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        elif _DECIMAL_COMMA.match(text):
            text = text.replace(",", ".")
        if not _NUMBER.match(text):
            raise ValueError("not a number")
        number = float(text)
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number


def _shown(value: object) -> str:
    return plain_snippet(value, 30)


def check_number(label: str, value: object, low: float | None = None, high: float | None = None) -> Checked:
    """A number within ``[low, high]``; a blank cell gives ``None``.

    Parameters
    ----------
    label : str
        What the number is, as a message id (``N_("latitude")``, ``N_("budget")``).
    value : object
        A number, or text such as ``"1 234,5"`` that :func:`parse_number` reads.
    low, high : float, optional
        Bounds (inclusive).

    Returns
    -------
    Checked
        The number, or the reason it is not one.
    """
    try:
        number = parse_number(value)
    except ValueError:
        return Checked(error=Message(NOT_A_NUMBER, label=Message(label), value=_shown(value)))
    if number is None:
        return Checked(None)
    if (low is not None and number < low) or (high is not None and number > high):
        return Checked(error=outside_message(label, number, low, high))
    return Checked(number)


def outside_message(label: str, number: float, low: float | None, high: float | None) -> Message:
    """Why ``number`` is refused: out of ``[low, high]`` (a year is written as it is, not grouped).

    Parameters
    ----------
    label : str
        The field, as a message id.
    number : float
        The value read.
    low, high : float or None
        The bounds (``high`` ``None``: no upper bound).

    Returns
    -------
    Message
        "{label} {value} is outside {low} to {high}" (or "is less than {low}").
    """
    shown: tuple = (number, low, high)
    if label == YEAR_LABEL:
        shown = tuple(None if bound is None else f"{bound:g}" for bound in shown)
    value, low_shown, high_shown = shown
    if high is None:
        return Message(N_("{label} {value} is less than {low}"), label=Message(label), value=value, low=low_shown)
    return Message(
        N_("{label} {value} is outside {low} to {high}"), label=Message(label), value=value, low=low_shown, high=high_shown
    )


def check_year(value: object) -> Checked:
    """A whole year between 1800 and 2100; a blank cell gives ``None``."""
    checked = check_number(YEAR_LABEL, value, *YEAR_RANGE)
    if checked.error or checked.value is None:
        return checked
    if not float(checked.value).is_integer():
        return Checked(error=Message(N_("year '{value}' is not a whole year"), value=_shown(value)))
    return Checked(int(checked.value))


def check_date(label: str, value: object) -> Checked:
    """A date as ``YYYY-MM-DD`` (``DD.MM.YYYY`` is converted, with a note); ``label`` is a message id."""
    if is_blank(value):
        return Checked("")
    text = str(value).strip()[:32]
    notes = []
    dotted = _DOTTED_DATE.match(text)
    if dotted:
        day, month, year = dotted.groups()
        text = f"{year}-{int(month):02d}-{int(day):02d}"
        notes.append(Message(N_("{label} read as day.month.year"), label=Message(label)))
    if "T" in text:
        text = text.split("T", 1)[0]
    try:
        parsed = dt.date.fromisoformat(text)
    except ValueError:
        return Checked(error=Message(NOT_A_DATE, label=Message(label), value=_shown(value)))
    if len(text) != 10:
        return Checked(error=Message(NOT_A_DATE, label=Message(label), value=_shown(value)))
    return Checked(parsed.isoformat(), notes)
