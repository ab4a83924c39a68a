"""One rule per sink for untrusted text, and bounded parsing of untrusted JSON.

The sinks are HTML, Markdown, spreadsheets, links and terminal lines. Every function here is pure, so the same rule serves the app, the exports and the tests.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from urllib.parse import urlsplit

# Besides the HTML specials, folium templates put some values inside JavaScript
# template literals, where `${...}`, backticks and backslashes are live syntax. Braces too:
# branca compiles each rendered part of a map again as a Jinja template before writing the
# page, so a "{{ ... }}" or "{% ... %}" in a name would run on the server.
_HTML_REPLACEMENTS = {
    "{": "&#x7B;",
    "}": "&#x7D;",
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

# Characters a spreadsheet may take as the start of a formula, ASCII and full-width forms.
FORMULA_LEADS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")

# Anything that ends a line for some reader (CSV module, spreadsheet, text editor), and tabs.
_LINE_BREAKS = re.compile("[\r\n\t\v\f\x1c\x1d\x1e\x85\u2028\u2029]")

# A cell boundary inside a ``#`` line that spreadsheets split (comma, or semicolon in some
# locales), optional spaces or quotes, then a formula lead.
_LEAD_AFTER_SEPARATOR = re.compile('([,;][\\s"]*)(?=[' + re.escape("".join(FORMULA_LEADS)) + "])")


# What an id may hold: ids travel unescaped in map data (clicks report them back), so only
# characters that are inert in HTML, JavaScript, JSON and templates.
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")


def is_safe_id(value: object) -> bool:
    """Whether ``value`` is a feature id the atlas accepts (letters, digits, ``. _ : -``).

    Parameters
    ----------
    value : object
        A candidate id.

    Returns
    -------
    bool
        True for a string of ASCII letters and digits, ``.``, ``_``, ``:`` and ``-`` that starts
        with a letter or digit.
    """
    return isinstance(value, str) and SAFE_ID.fullmatch(value) is not None


def escape_html(value: object) -> str:
    """Return ``value`` as text that is inert in HTML and in JS template strings.

    ``None`` and NaN become an empty string.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).translate(_HTML_TABLE)


def _one_line(text: str) -> str:
    return _LINE_BREAKS.sub(" ", text)


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (leading spaces ignored).

    Parameters
    ----------
    text : str
        A cell or a line as a spreadsheet would read it.

    Returns
    -------
    bool
        ``True`` when the first non-space character is ``= + - @`` or a full-width form.
    """
    return text.lstrip().startswith(FORMULA_LEADS) or text.startswith(("\t", "\r"))


# Schemes a spreadsheet or a browser could follow to run something; never a link in an export.
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")


def starts_script_link(text: str) -> bool:
    """Whether ``text`` reads as a script-capable address once spaces and control characters go.

    Browsers ignore whitespace and control characters inside a scheme (a tab in ``javascript:``), so
    they are removed before the comparison, which is case-insensitive.
    """
    squeezed = "".join(ch for ch in text[:64] if not ch.isspace() and ord(ch) >= 32 and ord(ch) != 127)
    return squeezed.lower().startswith(_SCRIPT_SCHEMES)


def safe_csv_cell(value: object) -> object:
    """A CSV cell that no spreadsheet runs as a formula and that stays on its row.

    Parameters
    ----------
    value : object
        The cell's value.

    Returns
    -------
    object
        Numbers and other non-text values unchanged. Text has its line breaks and tabs
        replaced by spaces, and gets a leading apostrophe when its first non-space
        character is a formula lead (``= + - @`` or their full-width forms) or when it
        starts with a script-capable address (``javascript:``, ``vbscript:``, ``data:``,
        ``file:``), so that no spreadsheet offers it as a link.
    """
    if not isinstance(value, str):
        return value
    text = _one_line(value)
    return "'" + text if starts_formula(text) or starts_script_link(text) else text


def csv_comment_line(text: object) -> str:
    """A ``#`` header line of a CSV file holding ``text`` on one line, with no formula in it.

    Spreadsheets split such a line into cells at commas (or semicolons), so a formula lead
    after a separator is defused as well as line breaks.

    Parameters
    ----------
    text : object
        What the line says (a citation, the filters of an export...).

    Returns
    -------
    str
        ``"# " + text`` without a line terminator.
    """
    line = _one_line("" if text is None else str(text))
    return "# " + _LEAD_AFTER_SEPARATOR.sub(r"\1'", line)


def plain_snippet(value: object, limit: int = 40) -> str:
    """A short echo of untrusted text (a bad value, a column name) that keeps its characters.

    Printable characters stay as they are (``51°06'10"N``, ``(парк)``, quotes, Cyrillic);
    line breaks and tabs become spaces; control characters, text-direction marks and other
    invisible format characters are removed, so the echo stays one line that reads as it looks.
    Markup is *not* removed: every sink escapes the echo its own way (:func:`escape_markdown`,
    :func:`escape_html`, :func:`terminal_text`). Bare addresses get an invisible word joiner
    (:func:`break_autolinks`) so that no Markdown reader turns them into links.

    Parameters
    ----------
    value : object
        The untrusted text.
    limit : int
        Characters kept at most, ending with ``…`` when shortened.

    Returns
    -------
    str
        One line of plain text.
    """
    kept = (" " if unicodedata.category(ch)[0] == "Z" else ch for ch in _one_line(str(value)))
    text = "".join(ch for ch in kept if unicodedata.category(ch)[0] != "C")
    if len(text) > limit:
        text = text[: max(limit - 1, 0)] + "\u2026"
    return break_autolinks(text)


# Characters a terminal may act on: C0 and C1 controls (escape sequences start with ESC or
# CSI), DEL, and the marks that reorder text (bidi embeddings, overrides and isolates).
_TERMINAL_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_text(value: object, limit: int | None = None) -> str:
    """Untrusted text made safe to print on a terminal line.

    Line breaks and tabs become spaces; every other control character, escape sequence
    lead or text-direction mark becomes ``?``, so printed data can neither move the cursor,
    recolour the terminal nor reorder what is shown.

    Parameters
    ----------
    value : object
        Text from a file, the catalogue or the store; ``None`` and NaN print as ``""``.
    limit : int, optional
        Shorten to this many characters, ending with ``…``.

    Returns
    -------
    str
        One line of inert text.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = _TERMINAL_UNSAFE.sub("?", _one_line(str(value)))
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "\u2026"
    return text


# A word joiner (U+2060) is invisible and ends GitHub-flavoured Markdown's link detection:
# after a scheme's colon (``http:⁠//``), inside ``www.`` and after an e-mail's ``@``.
_WORD_JOINER = "\u2060"
_AUTOLINK_BREAKS = (
    (re.compile(r":(?=/)"), ":" + _WORD_JOINER),
    (re.compile(r"(?i)(www)(?=\.)"), r"\1" + _WORD_JOINER),
    (re.compile(r"@"), "@" + _WORD_JOINER),
)


def break_autolinks(text: str) -> str:
    """``text`` with an invisible word joiner wherever Markdown would detect a bare link."""
    for pattern, replacement in _AUTOLINK_BREAKS:
        text = pattern.sub(replacement, text)
    return text


def escape_markdown(value: object) -> str:
    """Text shown through Streamlit Markdown as plain text: no links, images, HTML or maths.

    CommonMark lets a backslash make any ASCII punctuation literal, so every one is escaped.
    Bare web addresses and e-mails (which GitHub-flavoured Markdown turns into links even
    when escaped) get an invisible word joiner that keeps them plain text.

    Parameters
    ----------
    value : object
        Any text from the data, a link or an uploaded file.

    Returns
    -------
    str
        Markdown source that renders as ``value``; ``""`` for None and NaN.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = break_autolinks(str(value))
    return "".join("\\" + ch if ch.isascii() and not ch.isalnum() and not ch.isspace() else ch for ch in text)


_WEB_SCHEMES = ("http", "https")


def safe_link(value: object, *, allow_relative: bool = True) -> str | None:
    """``value`` if it may become a clickable link, else ``None``.

    Allowed: absolute ``http``/``https`` URLs with a host, and the atlas's own relative
    links (``/page?...`` or ``?...``). Everything else (``javascript:``, ``vbscript:``,
    ``data:``, ``file:``, protocol-relative ``//host``, text with control characters or
    spaces) is refused, so callers show it as plain text.

    Parameters
    ----------
    value : object
        A link target from the data, a file or the app.
    allow_relative : bool, default True
        Whether the atlas's own relative links count; files read outside the app (PDF,
        slides) have no page to resolve them against, so they pass ``False``.

    Returns
    -------
    str or None
        ``value`` unchanged when it may be a link.
    """
    if not isinstance(value, str) or not value:
        return None
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return None
    if value.startswith("?") or (value.startswith("/") and not value.startswith("//")):
        return value if allow_relative else None
    parts = urlsplit(value)
    if parts.scheme.lower() in _WEB_SCHEMES and parts.netloc:
        return value
    return None


def markdown_link(label: str, url: object) -> str:
    """A Markdown link with an escaped ``label``, or the label alone when ``url`` may not be a link."""
    target = safe_link(url)
    if target is None:
        return escape_markdown(label)
    target = target.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
    return f"[{escape_markdown(label)}]({target})"


# ---------------------------------------------------------------- bounded JSON

JSON_MAX_BYTES = 1_000_000
JSON_MAX_DEPTH = 32
JSON_MAX_NUMBER_CHARS = 32

# Strings (with their escapes) are skipped whole, so brackets inside them do not count.
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JSONLimitError(ValueError):
    """JSON that is refused: malformed, too large, too deep or with an absurd number.

    The message is one plain line, safe to show to a user.
    """


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text``, found without recursion.

    Unbalanced text gives the depth reached before it goes wrong; ``json.loads`` reports
    the syntax error itself.
    """
    depth = deepest = 0
    for token in _JSON_TOKENS.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif mark in "]}":
            depth -= 1
    return deepest


def load_json_limited(
    data: bytes | str,
    *,
    max_bytes: int = JSON_MAX_BYTES,
    max_depth: int = JSON_MAX_DEPTH,
    max_number_chars: int = JSON_MAX_NUMBER_CHARS,
) -> object:
    """Parse untrusted JSON within limits on size, nesting and number length.

    Parameters
    ----------
    data : bytes or str
        The document (bytes must be UTF-8).
    max_bytes : int
        Largest accepted document, in bytes of UTF-8.
    max_depth : int
        Deepest accepted nesting of arrays and objects, checked before parsing, so a
        hostile document cannot exhaust the interpreter's recursion limit.
    max_number_chars : int
        Longest accepted number literal; ``NaN`` and ``Infinity`` are refused too.

    Returns
    -------
    object
        The parsed value.

    Raises
    ------
    JSONLimitError
        With a one-line reason, for anything malformed or over a limit.
    """
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", errors="surrogatepass"))
    if size > max_bytes:
        raise JSONLimitError(f"the file is larger than {max_bytes // 1000} kB")
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JSONLimitError("the file is not UTF-8 text") from exc
    else:
        text = data
    if json_depth(text) > max_depth:
        raise JSONLimitError(f"the file is nested more than {max_depth} levels deep")

    def number(literal: str, kind: type) -> int | float:
        if len(literal) > max_number_chars:
            raise JSONLimitError(f"the file holds a number longer than {max_number_chars} characters")
        value = kind(literal)
        if isinstance(value, float) and not math.isfinite(value):
            raise JSONLimitError("the file holds a number too large to use")
        return value

    def constant(name: str) -> float:
        raise JSONLimitError(f"the file holds {name}, which is not a number JSON allows")

    try:
        return json.loads(
            text,
            parse_int=lambda literal: number(literal, int),
            parse_float=lambda literal: number(literal, float),
            parse_constant=constant,
        )
    except JSONLimitError:
        raise
    except json.JSONDecodeError as exc:
        raise JSONLimitError(f"the file is not valid JSON (line {exc.lineno}, column {exc.colno})") from exc
    except (ValueError, RecursionError) as exc:  # belt and braces: nothing else may escape
        raise JSONLimitError("the file is not valid JSON") from exc
