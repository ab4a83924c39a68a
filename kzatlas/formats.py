"""Numbers, areas, percentages and days written the way the page's language writes them.

One home for every locale-aware format: ``191,381 ha`` and ``3.5 %`` in English, ``191 381 га``
and ``3,5 %`` (non-breaking spaces, decimal comma) in Russian and Kazakh, ``23.11.2026`` for a
day in Russian and Kazakh. The translation function carries its language (see
:func:`kzatlas.i18n.translator`), so every caller passes the same object.
"""

from __future__ import annotations

import re
from datetime import date

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from babel.numbers import format_percent as babel_format_percent

from kzatlas.config import LANGUAGE_SETTINGS
from kzatlas.i18n import Translate, babel_locale, is_missing, language_of


def _finite(value: object) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return number


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def format_number(value: float, translate: Translate, decimals: int = 0) -> str:
    """A number for reading in the page's language: thousands grouped, ``decimals`` places.

    Parameters
    ----------
    value : float
    translate : callable
        The page's or pack's translation function; its ``language`` picks the locale
        (see :func:`translator`).
    decimals : int
        Places after the decimal mark.

    Returns
    -------
    str
        ``1,234,567.5`` in English; ``1 234 567,5`` (non-breaking spaces) in Russian and Kazakh.
        A dash when ``value`` is not a number.
    """
    number = _finite(value)
    if number is None:
        return "—"
    return format_decimal(number, format=_pattern(decimals), locale=babel_locale(translate))


def format_percent(value: object, translate: Translate, decimals: int = 0) -> str:
    """A percentage as text (``11.37 %``; ``11,37 %`` in Russian and Kazakh), or a dash.

    Parameters
    ----------
    value : object
        The percentage (``11.37`` for 11.37 %), as the data gives it.
    translate : callable
        Its ``language`` picks the locale, as in :func:`format_number`.
    decimals : int
        Places after the decimal mark.

    Returns
    -------
    str
        The number in the locale's digits and marks, a non-breaking space and ``%`` (the
        atlas writes the sign apart in every language).
    """
    number = _finite(value)
    if number is None:
        return "—"
    return babel_format_percent(
        number / 100.0, format=_pattern(decimals) + "\u00a0%", locale=babel_locale(translate)
    )


def format_share(value: object, translate: Translate, decimals: int = 1) -> str:
    """A share given as a fraction (``0.035``) as a percentage (``3.5 %``, ``3,5 %``), or a dash.

    Parameters
    ----------
    value : object
        The share, 0-1.
    translate : callable
        Its ``language`` picks the locale.
    decimals : int
        Places after the decimal mark of the percentage.
    """
    number = _finite(value)
    return "—" if number is None else format_percent(100.0 * number, translate, decimals)


def format_hectares(value: object, translate: Translate) -> str:
    """An area in hectares as text, or "not published" when there is none.

    Parameters
    ----------
    value : float or None
        Hectares; ``None``/NaN means no published area.
    translate : callable
        Translation function for the unit and the "not published" text; its ``language``
        picks the number format.

    Returns
    -------
    str
        For example ``"415,164 ha"``, ``"415 164 га"``.
    """
    if is_missing(value):
        return translate("not published")
    return translate("{hectares} ha").format(hectares=format_number(value, translate))


def format_square_km(value: object, translate: Translate) -> str:
    """An area in square kilometres as text (``185,938 km²``, ``185 938 км²``)."""
    return translate("{km2} km²").format(km2=format_number(value, translate))


ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def format_date(value: object, translate: Translate) -> str:
    """A day as text in the page's language, from the ISO ``YYYY-MM-DD`` the data keeps.

    Parameters
    ----------
    value : object
        An ISO date (text or :class:`datetime.date`); a year, a month or any other text is
        returned as it is, and a missing value as ``""``.
    translate : callable
        The page's or pack's translation function (its language picks the pattern).

    Returns
    -------
    str
        ``23.11.2026`` in Russian and Kazakh, ``2026-11-23`` in English.
    """
    if is_missing(value):
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    found = ISO_DATE.match(text)
    # The language's own pattern (LANGUAGE_SETTINGS' date_pattern); none keeps the ISO form.
    pattern = LANGUAGE_SETTINGS.get(language_of(translate), {}).get("date_pattern")
    if not found or not pattern:
        return text
    try:
        day = date(*(int(part) for part in found.groups()))
    except ValueError:
        return text
    return babel_format_date(day, format=pattern, locale=babel_locale(translate))
