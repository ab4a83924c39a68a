"""SQL as tokens that ignore what does not change its meaning, for comparing triggers.

Whitespace, the letter case of keywords (and of the SQL functions the GeoPackage triggers call)
and the quoting of identifiers are left out of the comparison; anything a format trigger never
holds (a comment, a parameter, a stray character) makes the SQL unreadable here. Used by
:mod:`kzatlas.ingest.readers.gpkg_triggers`.
"""

from __future__ import annotations

import re

# Words compared without regard to letter case: the SQL keywords the format's triggers use, the
# NEW and OLD row names, and the SQL functions they call (SQLite matches function names in any
# case, and the standard itself writes both ST_MinX and st_minx).
_CASELESS_WORDS = frozenset(
    """ABORT AFTER AND AS BEFORE BEGIN CREATE DELETE EACH END EXISTS FOR FROM GLOB IN INSERT
    INTO IS ISNULL LIKE NEW NOT NOTNULL NULL OF OLD ON OR RAISE REPLACE ROW SELECT SET TRIGGER
    UPDATE VALUES WHEN WHERE ST_ISEMPTY ST_MINX ST_MAXX ST_MINY ST_MAXY LOWER STRFTIME""".split()
)
# Keywords after which SQLite reads a 'single-quoted' word as a name, not as text.
_NAME_AFTER = frozenset({"TRIGGER", "ON", "OF", "INTO", "FROM", "UPDATE"})

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    | (?P<string>'(?:[^']|'')*')
    | (?P<dquoted>"(?:[^"]|"")*")
    | (?P<bquoted>`(?:[^`]|``)*`)
    | (?P<bracketed>\[[^\]]*\])
    | (?P<word>[^\W\d]\w*)
    | (?P<number>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)
    | (?P<symbol>\|\||!=|<>|==|<=|>=|[-+*/%<>=(),.;|])
    """,
    re.VERBOSE,
)

Token = tuple[str, str]


def _raw_tokens(sql: str) -> list[Token] | None:
    """The SQL as (kind, text) tokens; None if it holds anything the format's triggers never do."""
    tokens: list[Token] = []
    position = 0
    while position < len(sql):
        match = _TOKEN.match(sql, position)
        if match is None:  # comments, parameters, stray characters: never in the format's triggers
            return None
        position = match.end()
        kind, text = match.lastgroup or "", match.group()
        if kind == "space":
            continue
        if kind == "word":
            tokens.append(("kw", text.upper()) if text.upper() in _CASELESS_WORDS else ("name", text))
        elif kind == "string":
            tokens.append(("text", text[1:-1].replace("''", "'")))
        elif kind in ("dquoted", "bquoted"):
            quote = text[0]
            tokens.append(("name", text[1:-1].replace(quote * 2, quote)))
        elif kind == "bracketed":
            tokens.append(("name", text[1:-1]))
        else:
            tokens.append((kind, text))
    return tokens


def normalise_sql(sql: str) -> tuple[Token, ...] | None:
    """The trigger SQL in a form that ignores whitespace, keyword case and identifier quoting.

    Parameters
    ----------
    sql : str
        A ``CREATE TRIGGER`` statement as SQLite stores it.

    Returns
    -------
    tuple of (str, str) or None
        The tokens, each a kind (``kw``, ``name``, ``text``, ``number``, ``symbol``) and its
        value; a quoted identifier and a bare one give the same ``name`` token. None when the
        SQL holds something that cannot be part of a format trigger (a comment, for instance).
    """
    tokens = _raw_tokens(sql)
    if tokens is None:
        return None
    result = list(tokens)
    for index, (kind, value) in enumerate(tokens):
        if kind != "text":
            continue
        before = tokens[index - 1] if index else ("", "")
        after = tokens[index + 1] if index + 1 < len(tokens) else ("", "")
        # SQLite takes 'x' as the name x after TRIGGER, ON, OF, INTO, FROM and UPDATE and around
        # a dot, the places where the standard's own text quotes names that way.
        if (before[0] == "kw" and before[1] in _NAME_AFTER) or before == ("symbol", ".") or after == ("symbol", "."):
            result[index] = ("name", value)
    return tuple(result)


def quote_name(name: str) -> str:
    """An SQL identifier in double quotes."""
    return '"' + name.replace('"', '""') + '"'


def quote_text(text: str) -> str:
    """An SQL string literal in single quotes."""
    return "'" + text.replace("'", "''") + "'"
