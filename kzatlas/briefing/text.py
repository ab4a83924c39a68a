"""Text as a pack prints it: any data cell made printable, long text shortened, addresses shown.

PDF and PPTX are not HTML, so nothing here escapes markup; the point is that ``None``/NaN,
control characters or odd glyphs never stop a pack from being made, and that only absolute
http and https addresses ever become links.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote

import pandas as pd

from kzatlas.safety import safe_link

# Characters that XML (PPTX) cannot hold; PDF would show them as boxes.
_NONCHARACTERS = {"\ufffe", "\uffff"}


def clean_text(value: object) -> str:
    """``value`` as safe display text: ``""`` for None/NaN/NA, control characters dropped.

    Parameters
    ----------
    value : object
        Anything a data cell may hold: text, a number, ``None``, NaN or ``pd.NA``, even a
        list (shown as its text).

    Returns
    -------
    str
        Printable text; newlines and tabs are kept.
    """
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):  # lists and arrays: pd.isna is element-wise
        pass
    text = str(value)
    return "".join(
        ch
        for ch in text
        if ch in "\n\t" or (unicodedata.category(ch) not in ("Cc", "Cs", "Co") and ch not in _NONCHARACTERS)
    )


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in an ellipsis when cut.

    Cuts at a space when one is near the end, so a long name loses whole words.

    Parameters
    ----------
    text : str
        The text to fit.
    limit : int
        Most characters allowed, the ellipsis included; at least 2.

    Returns
    -------
    str
        ``text`` itself when it fits, else its head and ``…``.
    """
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space >= limit * 3 // 4:
        head = head[:space]
    return head.rstrip() + "…"


def shown_url(url: str) -> str:
    """``url`` as people read it: percent-escapes decoded (Cyrillic paths become legible).

    Only for display; links keep the original address.

    Parameters
    ----------
    url : str
        An address as stored in the data, e.g.
        ``https://ru.wikipedia.org/wiki/%D0%9D%D0%B0%D1%83%D1%80%D0%B7%D1%83%D0%BC``.

    Returns
    -------
    str
        The decoded address, or the cleaned input when it does not decode.
    """
    text = clean_text(url)
    decoded = clean_text(unquote(text, errors="replace"))
    return text if "\ufffd" in decoded else decoded


def pack_link(url: object) -> str:
    """``url`` if a pack may make it clickable (absolute http or https), else ``""``.

    Anything else (``javascript:``, ``data:``, ``file:``, relative addresses) is still shown
    as text by the caller, but never as a link.

    Parameters
    ----------
    url : object
        An address from the data or the app; cleaned with :func:`clean_text` before it is
        judged.

    Returns
    -------
    str
        The address to link to, or ``""``.
    """
    return safe_link(clean_text(url), allow_relative=False) or ""
