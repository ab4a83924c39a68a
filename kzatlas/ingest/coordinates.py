"""Latitude and longitude as people write them, and files whose two coordinates are exchanged.

:func:`read_coordinate` reads decimal degrees (``51.1028``, ``51,1028``), degrees-minutes-seconds
(``51°06'10"N``, ``51 06 10``, ``51°06′10″``) and degrees-decimal-minutes (``51°06.17'``), with a
sign or a hemisphere letter before or after the number: Latin ``N S E W`` or Cyrillic
``С Ю В З`` (also ``с.ш.``, ``в.д.`` and the Kazakh ``с.е.``, ``ш.б.``...); south and west are
negative. :func:`check_coordinate` is the one check of a latitude or longitude cell, and
:func:`swap_suggested` tells a file whose points would lie in Kazakhstan with the two exchanged.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from kzatlas.ingest.messages import N_, Message
from kzatlas.ingest.validate import Checked, is_blank, outside_message
from kzatlas.safety import plain_snippet

LATITUDE, LONGITUDE = "latitude", "longitude"
LABELS = {LATITUDE: N_("latitude"), LONGITUDE: N_("longitude")}
RANGES = {LATITUDE: (-90, 90), LONGITUDE: (-180, 180)}
UNREADABLE = N_("{label} '{value}' cannot be read as a coordinate (write e.g. 51.1028, 51,1028, 51°06'10\"N or 51 06 10)")
SIXTY = N_("{label} '{value}' has minutes or seconds of 60 or more")
OTHER_AXIS = N_("{label} '{value}' has the hemisphere letter of a {other}")
SWAP_SUGGESTED = N_(
    "latitude and longitude look exchanged: {outside} of {total} points lie outside Kazakhstan "
    "but would lie inside it with the two swapped"
)

# Hemisphere words and letters: (axis, sign). Longer words first, so "с.ш." is not read as "с".
_HEMISPHERES = {
    "с.ш.": (LATITUDE, 1), "ю.ш.": (LATITUDE, -1), "в.д.": (LONGITUDE, 1), "з.д.": (LONGITUDE, -1),
    "с.е.": (LATITUDE, 1), "о.е.": (LATITUDE, -1), "ш.б.": (LONGITUDE, 1), "б.б.": (LONGITUDE, -1),
    "n": (LATITUDE, 1), "s": (LATITUDE, -1), "e": (LONGITUDE, 1), "w": (LONGITUDE, -1),
    "с": (LATITUDE, 1), "ю": (LATITUDE, -1), "в": (LONGITUDE, 1), "з": (LONGITUDE, -1),
}  # fmt: skip
_WORDS = "|".join(re.escape(word) for word in sorted(_HEMISPHERES, key=len, reverse=True))
_LEADING = re.compile(rf"^({_WORDS})(?![a-zа-я])\s*", re.IGNORECASE)
_TRAILING = re.compile(rf"(?<![a-zа-я])\s*({_WORDS})\.?$", re.IGNORECASE)
# Symbols after a number: degrees, minutes, seconds (two primes or apostrophes are seconds too).
_DEGREE = "°º˚"
_MINUTE = "'′’‘´`"
_SECOND = "\"″”“"
_PART = re.compile(
    rf"\s*(\d+(?:[.,]\d+)?)\s*(''|′′|’’|[{_DEGREE}]|[{_MINUTE}]|[{_SECOND}]|:)?\s*"
)
_ROLES = {**dict.fromkeys(_DEGREE, 0), **dict.fromkeys(_MINUTE, 1), **dict.fromkeys(_SECOND, 2)}


def _role(symbol: str | None) -> int | None:
    """0 degrees, 1 minutes, 2 seconds; ``None`` for no symbol or a colon."""
    if not symbol or symbol == ":":
        return None
    return 2 if len(symbol) == 2 else _ROLES[symbol]


def read_coordinate(value: object) -> tuple[float | None, str | None]:
    """A coordinate in decimal degrees from a cell, and the axis its hemisphere letter names.

    Parameters
    ----------
    value : object
        A number, or text such as ``"51.1028"``, ``"51,1028"``, ``51°06'10"N``,
        ``"N 51 06 10"``, ``"51°06.17'"``, ``"-71.4328"`` or ``"71°25′58″ В"``.

    Returns
    -------
    tuple
        The value (``None`` for a blank cell; south and west negative) and ``"latitude"``,
        ``"longitude"`` or ``None`` as the hemisphere letter says.

    Raises
    ------
    ValueError
        When the text is not a coordinate; ``ValueError("sixty")`` when minutes or seconds
        are 60 or more.
    """
    if is_blank(value):
        return None, None
    if isinstance(value, bool):
        raise ValueError("a true/false value")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError("not finite")
        return float(value), None
    text = " ".join(str(value).replace("\u00a0", " ").split())[:80]
    axis, sign = None, 1
    for pattern in (_LEADING, _TRAILING):
        found = pattern.search(text)
        if found:
            if axis is not None:
                raise ValueError("two hemisphere letters")
            axis, sign = _HEMISPHERES[found.group(1).casefold()]
            text = (text[: found.start()] + text[found.end() :]).strip()
    if text and text[0] in "+-−":
        if axis is not None and text[0] != "+":
            raise ValueError("a minus sign and a hemisphere letter")
        sign = -sign if text[0] != "+" else sign
        text = text[1:]
    return sign * _degrees(text), axis


def _degrees(text: str) -> float:
    """Degrees from ``D``, ``D M`` or ``D M S`` (each with its optional symbol)."""
    parts, position = [], 0
    while position < len(text):
        found = _PART.match(text, position)
        if not found or found.end() == position:
            raise ValueError("not a coordinate")
        parts.append((found.group(1).replace(",", "."), _role(found.group(2))))
        position = found.end()
    if not 1 <= len(parts) <= 3:
        raise ValueError("not a coordinate")
    for place, (number, role) in enumerate(parts):
        if role is not None and role != place:
            raise ValueError("symbols out of order")
        if "." in number and place != len(parts) - 1:
            raise ValueError("a fraction before the last part")
    numbers = [float(number) for number, _role_ in parts]
    if any(number >= 60 for number in numbers[1:]):
        raise ValueError("sixty")
    return sum(number / 60**place for place, number in enumerate(numbers))


def check_coordinate(axis: str, value: object) -> Checked:
    """A latitude or longitude cell, read and checked; a blank cell gives ``None``.

    Parameters
    ----------
    axis : str
        ``"latitude"`` or ``"longitude"``: the column the cell is in.
    value : object
        The cell (see :func:`read_coordinate` for the forms read).

    Returns
    -------
    Checked
        Decimal degrees within -90..90 or -180..180, or why the cell cannot be used: the
        message echoes the cell as written.
    """
    label = LABELS[axis]
    shown = plain_snippet(value, 40)
    try:
        number, letter_axis = read_coordinate(value)
    except ValueError as exc:
        reason = SIXTY if str(exc) == "sixty" else UNREADABLE
        return Checked(error=Message(reason, label=Message(label), value=shown))
    if number is None:
        return Checked(None)
    if letter_axis is not None and letter_axis != axis:
        return Checked(error=Message(OTHER_AXIS, label=Message(label), value=shown, other=Message(LABELS[letter_axis])))
    low, high = RANGES[axis]
    if not low <= number <= high:
        return Checked(error=outside_message(label, number, low, high))
    return Checked(number)


def lenient_pair(latitude: object, longitude: object) -> tuple[float, float] | None:
    """The two cells as numbers whatever their hemisphere letters say, or ``None`` (to test a swap)."""
    try:
        first, _axis = read_coordinate(latitude)
        second, _axis = read_coordinate(longitude)
    except ValueError:
        return None
    if first is None or second is None:
        return None
    return first, second


def swap_suggested(
    pairs: Sequence[tuple[float, float]], inside: Callable[[list[tuple[float, float]]], Sequence[bool]]
) -> tuple[int, int] | None:
    """Whether the file's latitude and longitude look exchanged.

    Parameters
    ----------
    pairs : sequence of (float, float)
        Each row's two cells as numbers: the latitude column's, then the longitude column's.
    inside : callable
        Takes ``(longitude, latitude)`` pairs and says which lie in Kazakhstan.

    Returns
    -------
    tuple of int or None
        ``(outside, total)`` when at least 90 % of the points lie outside Kazakhstan as given
        and at least 90 % would lie inside with the two swapped; else ``None``.
    """
    if not pairs:
        return None
    as_given = sum(bool(flag) for flag in inside([(lon, lat) for lat, lon in pairs]))
    swapped = sum(bool(flag) for flag in inside([(lat, lon) for lat, lon in pairs]))
    total = len(pairs)
    if (total - as_given) >= 0.9 * total and swapped >= 0.9 * total:
        return total - as_given, total
    return None
