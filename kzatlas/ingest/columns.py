"""Map a file's columns to the catalogue's fields, with guesses the user can change.

A mapping is a plain ``dict``: catalogue field (one of :data:`TARGETS`) to the file's column
name, or ``None`` when no column feeds it. :func:`guess_mapping` proposes one from the column
names (in the atlas's languages and the WDPA's standard names) and, for names, from the
script of the values.
"""

from __future__ import annotations

import re
import unicodedata

from kzatlas import config
from kzatlas.analysis import fold_text, transliterate
from kzatlas.i18n import KIND_LABELS, N_, name_label
from kzatlas.ingest.headers import ALIAS_KEYS, header_key, name_keys
from kzatlas.ingest.messages import Message

# What a column can feed, in the order guesses are made (the first target to claim a column keeps it).
TARGETS = (
    "wdpa_id",
    *config.NAME_COLUMNS,
    "kind",
    "themes",
    "region",
    "latitude",
    "longitude",
    "year",
    "area_ha",
    "area_km2",
    "iucn_category",
    "undp_project",
    "partners",
    "donors",
    "budget_usd",
    "location_name",
    "links",
    "source_url",
    "source_title",
    "source_date",
    "notes",
)

# What the user sees beside each target.
TARGET_LABELS = {
    "wdpa_id": N_("WDPA id"),
    **{config.NAME_COLUMN_PREFIX + code: name_label(code) for code in config.LANGUAGES},
    "kind": N_("Kind"),
    "themes": N_("Themes"),
    "region": N_("Region (ISO code or name)"),
    "latitude": N_("Latitude"),
    "longitude": N_("Longitude"),
    "year": N_("Year"),
    "area_ha": N_("Official area, ha"),
    "area_km2": N_("Official area, km²"),
    "iucn_category": N_("IUCN category"),
    "undp_project": N_("UNDP project"),
    "partners": N_("Partners"),
    "donors": N_("Donors"),
    "budget_usd": N_("Budget, USD"),
    "location_name": N_("Place name"),
    "links": N_("Links"),
    "source_url": N_("Source URL"),
    "source_title": N_("Source title"),
    "source_date": N_("Source date"),
    "notes": N_("Notes"),
}

# Column names per field, and how names are compared, live with the header rules.
_ALIAS_KEYS = ALIAS_KEYS
__all__ = [
    "TARGETS",
    "TARGET_LABELS",
    "check_mapping",
    "guess_mapping",
    "header_key",
    "kind_from_text",
    "script_of",
    "split_items",
]



def _script(ch: str) -> str:
    """The Unicode script of a letter, as the first word of its name (``LATIN``, ``CYRILLIC``...)."""
    return unicodedata.name(ch, "").partition(" ")[0]


def script_of(values: list[object]) -> str | None:
    """The language a column's values are written in, told by their letters, or ``None``.

    Parameters
    ----------
    values : list
        Sample values of one column.

    Returns
    -------
    str or None
        The code of a configured language (``config.LANGUAGE_SETTINGS``): the script most of the
        letters are in picks the languages written in it, and among those the first whose own
        letters appear (Kazakh's ``әғқңөұүһі``), else the script's first language (Russian
        for Cyrillic, English for Latin). ``None`` without letters of any configured script.
    """
    counts: dict[str, int] = {}
    seen: set[str] = set()
    for value in values:
        if not isinstance(value, str):
            continue
        for ch in value:
            if ch.isalpha():
                counts[_script(ch)] = counts.get(_script(ch), 0) + 1
                seen.add(ch)
    written = {settings["script"] for settings in config.LANGUAGE_SETTINGS.values()}
    known = {script: count for script, count in counts.items() if script in written}
    if not known:
        return None
    script = max(known, key=lambda name: (known[name], name == "LATIN"))
    candidates = [code for code, settings in config.LANGUAGE_SETTINGS.items() if settings["script"] == script]
    marked = [code for code in candidates if seen & set(config.LANGUAGE_SETTINGS[code]["letters"])]
    plain = [code for code in candidates if not config.LANGUAGE_SETTINGS[code]["letters"]]
    return (marked or plain or candidates)[0]


def guess_mapping(columns: list[str], rows: list[dict]) -> dict[str, str | None]:
    """Propose which column feeds each catalogue field.

    Parameters
    ----------
    columns : list of str
        The file's column names.
    rows : list of dict
        Some rows (column to value), to tell the script of name columns.

    Returns
    -------
    dict
        Every target of :data:`TARGETS` to a column name or ``None``.
    """
    sample = rows[:50]
    keys = {column: name_keys(column) for column in columns}
    mapping: dict[str, str | None] = dict.fromkeys(TARGETS)
    used: set[str] = set()

    def claim(target: str, column: str) -> None:
        mapping[target] = column
        used.add(column)

    for target in TARGETS:
        for alias in _ALIAS_KEYS[target]:
            column = next((c for c in columns if alias in keys[c] and c not in used), None)
            if column is None:
                continue
            if target == config.ENGLISH_NAME_COLUMN:
                # A column called "name" holds names in whatever language its letters are in.
                language = script_of([row.get(column) for row in sample])
                written_in = config.NAME_COLUMN_PREFIX + language if language else target
                if written_in != target and mapping[written_in] is None:
                    claim(written_in, column)
                    break
            claim(target, column)
            break
    # WDPA's ORIG_NAME (or any "original name" column) holds the name in the local script.
    for column in columns:
        if column in used or keys[column][0] not in ("origname", "originalname", "namelocal", "localname"):
            continue
        language = script_of([row.get(column) for row in sample])
        target = config.NAME_COLUMN_PREFIX + language if language else None
        if target and mapping[target] is None:
            claim(target, column)
    return mapping


def check_mapping(mapping: dict, columns: list[str]) -> list[Message]:
    """Problems with a user's mapping (unknown fields or columns, a column used twice).

    Parameters
    ----------
    mapping : dict
        Target to column name (or ``None``).
    columns : list of str
        The file's columns.

    Returns
    -------
    list of Message
        Plain-words problems; empty when the mapping can be used.
    """
    problems = []
    seen: dict[str, str] = {}
    for target, column in mapping.items():
        if target not in TARGETS:
            problems.append(Message(N_("'{field}' is not a field of the catalogue"), field=str(target)[:60]))
        elif column is not None and column not in columns:
            problems.append(
                Message(
                    N_("the file has no column named '{column}' (for {field})"),
                    column=str(column)[:100],
                    field=Message(TARGET_LABELS[target]),
                )
            )
        elif column is not None and column in seen:
            problems.append(
                Message(
                    N_("column '{column}' is mapped to both {first} and {second}"),
                    column=str(column)[:100],
                    first=Message(TARGET_LABELS[seen[column]]),
                    second=Message(TARGET_LABELS[target]),
                )
            )
        elif column is not None:
            seen[column] = target
    return problems


# ------------------------------------------------------------------ kinds

_KIND_RULES = (
    (config.KIND_NATIONAL_PARK, ("national park", "national nature park", "natural park", "национальн", "ұлттық", "milli park")),
    (config.KIND_NATURE_RESERVE, ("rezervat", "резерват", "nature reserve zone")),
    (config.KIND_STRICT_RESERVE, ("zapovednik", "заповедник", "қорығы", "қорық", "strict nature reserve", "state nature reserve")),
    (config.KIND_NATURE_RESERVE, ("nature reserve", "natural reserve")),
    (config.KIND_CORRIDOR, ("corridor", "коридор", "дәліз")),
    (config.KIND_UNDP_PROGRAMME, ("undp programme", "undp program", "programme", "программа")),
    (config.KIND_UNDP_SITE, ("undp site", "undp project site", "project site")),
)


def kind_from_text(value: object) -> str | None:
    """The atlas kind a kind or designation names, or ``None`` when it names none.

    Parameters
    ----------
    value : object
        A kind id (``national_park``), its label, or a designation such as the WDPA's
        ``DESIG_ENG`` ("State National Nature Park", "Zapovednik", "Nature Reserve"...).

    Returns
    -------
    str or None
        One of :data:`kzatlas.config.KINDS`.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text in config.KINDS:
        return text
    folded = fold_text(text)
    for kind, label in KIND_LABELS.items():
        if folded == fold_text(label):
            return kind
    latin = transliterate(text)
    for kind, needles in _KIND_RULES:
        if any(needle in folded or needle in latin for needle in needles):
            return kind
    return None


_SPLIT = re.compile(r"[;,|]")


def split_items(value: object) -> list[str]:
    """Items of a list cell separated by ``;``, ``,`` or ``|``.

    Parameters
    ----------
    value : object
        A cell.

    Returns
    -------
    list of str
        Non-empty, stripped items.
    """
    if value is None:
        return []
    return [item.strip() for item in _SPLIT.split(str(value)) if item.strip()]
