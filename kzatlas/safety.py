"""Escaping for every text that reaches HTML or a spreadsheet."""

from __future__ import annotations

import math
from urllib.parse import urlsplit

# Besides the HTML specials, folium templates put some values inside JavaScript
# template literals, where `${...}`, backticks and backslashes are live syntax.
_HTML_REPLACEMENTS = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#x27;",
    "`": "&#x60;",
    "$": "&#x24;",
    "\\": "&#x5C;",
}
_HTML_TABLE = str.maketrans(_HTML_REPLACEMENTS)

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def escape_html(value: object) -> str:
    """Return ``value`` as text that is inert in HTML and in JS template strings.

    ``None`` and NaN become an empty string.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).translate(_HTML_TABLE)


def safe_csv_cell(value: object) -> object:
    """Neutralise a cell that a spreadsheet would read as a formula.

    Text starting with ``= + - @`` or a control character gets a leading apostrophe;
    numbers are returned unchanged.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def plain_snippet(value: object, limit: int = 40) -> str:
    """A short, markup-free echo of untrusted text (e.g. a bad URL value shown back to the user).

    Keeps letters, digits, spaces and ``, . - _``; everything else (markdown, HTML, links)
    becomes ``?``, so the echo can be shown in Markdown without rendering anything.
    """
    text = str(value)[:limit]
    return "".join(ch if ch.isalnum() or ch in " ,.-_" else "?" for ch in text)


def escape_markdown(value: object) -> str:
    """Text shown through Streamlit Markdown as plain text: no links, images, HTML or maths.

    CommonMark lets a backslash make any ASCII punctuation literal, so every one is escaped.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return "".join("\\" + ch if ch.isascii() and not ch.isalnum() and not ch.isspace() else ch for ch in str(value))


_WEB_SCHEMES = ("http", "https")


def safe_link(value: object) -> str | None:
    """``value`` if it may become a clickable link, else ``None``.

    Allowed: absolute ``http``/``https`` URLs with a host, and the atlas's own relative
    links (``/page?...`` or ``?...``). Everything else (``javascript:``, ``vbscript:``,
    ``data:``, ``file:``, protocol-relative ``//host``, text with control characters or
    spaces) is refused, so callers show it as plain text.
    """
    if not isinstance(value, str) or not value:
        return None
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return None
    if value.startswith("?") or (value.startswith("/") and not value.startswith("//")):
        return value
    parts = urlsplit(value)
    if parts.scheme.lower() in _WEB_SCHEMES and parts.netloc:
        return value
    return None
