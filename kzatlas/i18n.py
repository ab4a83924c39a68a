"""One translation function for every user-facing string.

Catalogues are gettext ``.po`` files in ``kzatlas/locale/<lang>.po`` (English is the
source language, so it needs no catalogue). A message missing from a catalogue falls
back to English, so a partly translated language still shows every string.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import pandas as pd
from babel.messages.pofile import read_po

from kzatlas.config import (
    DEFAULT_LANGUAGE,
    KIND_CORRIDOR,
    KIND_NATIONAL_PARK,
    KIND_NATURE_RESERVE,
    KIND_STRICT_RESERVE,
    KIND_UNDP_PROGRAMME,
    KIND_UNDP_SITE,
    LANGUAGES,
    LOCALE_DIR,
)

Translate = Callable[[str], str]


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Mark a string for extraction without translating it yet."""
    return message


LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}

KIND_LABELS = {
    KIND_STRICT_RESERVE: N_("Strict nature reserve (zapovednik)"),
    KIND_NATURE_RESERVE: N_("Nature reserve (rezervat)"),
    KIND_NATIONAL_PARK: N_("National park"),
    KIND_CORRIDOR: N_("Ecological corridor"),
    KIND_UNDP_SITE: N_("UNDP project site"),
    KIND_UNDP_PROGRAMME: N_("UNDP programme (no single location)"),
}

# Short forms for tight places (metric tiles, chart legends).
KIND_SHORT_LABELS = {
    KIND_STRICT_RESERVE: N_("Strict reserves"),
    KIND_NATURE_RESERVE: N_("Nature reserves"),
    KIND_NATIONAL_PARK: N_("National parks"),
    KIND_CORRIDOR: N_("Corridors"),
    KIND_UNDP_SITE: N_("UNDP sites"),
    KIND_UNDP_PROGRAMME: N_("UNDP programmes"),
}

THEME_LABELS = {
    "biodiversity": N_("Biodiversity"),
    "protected_areas": N_("Protected areas"),
    "ecological_connectivity": N_("Ecological connectivity"),
    "forests": N_("Forests"),
    "climate": N_("Climate"),
    "energy": N_("Energy"),
    "water": N_("Water"),
    "health": N_("Health"),
    "nuclear_legacy": N_("Nuclear test site legacy"),
    "governance": N_("Governance"),
    "sdg": N_("Sustainable Development Goals"),
    "green_finance": N_("Green finance"),
    "urban_greening": N_("Urban greening"),
    "aral_sea": N_("Aral Sea"),
}

QUALITY_LABELS = {
    "surveyed": N_("surveyed boundary"),
    "digitised": N_("digitised boundary"),
    "approximate": N_("approximate shape"),
    "schematic": N_("schematic shape, not a boundary"),
    "point": N_("point location"),
    "region": N_("region only (no map position)"),
    "none": N_("no map position"),
}

# Where a feature shown on the map comes from (the catalogue's own features need no label).
ORIGIN_LABELS = {
    "added": N_("Added by an editor"),
    "edited": N_("Changed by an editor"),
}


@lru_cache(maxsize=len(LANGUAGES))
def _catalogue(language: str) -> dict[str, str]:
    path = LOCALE_DIR / f"{language}.po"
    if language == DEFAULT_LANGUAGE or not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }


def kind_label(kind: str, translate: Translate) -> str:
    """The translated long label of a feature kind (the code itself when unknown)."""
    return translate(KIND_LABELS.get(kind, kind))


def theme_label(theme: str, translate: Translate) -> str:
    """The translated label of a theme (a readable form of the code when unknown)."""
    return translate(THEME_LABELS.get(theme, theme.replace("_", " ").capitalize()))


def normalise_language(language: str | None) -> str:
    """Return a supported language code, or the default for anything else."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def translator(language: str | None) -> Translate:
    """Return the translation function for ``language``.

    Parameters
    ----------
    language : str or None
        ``"en"``, ``"ru"`` or ``"kk"``; anything else means English.

    Returns
    -------
    callable
        ``translate(msgid) -> str``, falling back to the English ``msgid``.
    """
    table = _catalogue(normalise_language(language))

    def translate(message: str) -> str:
        return table.get(message, message)

    return translate


def name_column(language: str | None) -> str:
    """The data column holding feature names in ``language``."""
    return f"name_{normalise_language(language)}"


ENGLISH_NAME_COLUMN = "name_en"


def _missing(value: object) -> bool:
    if value is None or (isinstance(value, str) and not value):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-likes: not a name, but not missing either
        return False


def local_name(row, name_column: str) -> str:
    """A feature's or region's name in the chosen language, else its English name.

    Parameters
    ----------
    row : mapping or pandas.Series
        A record with ``name_en`` and, where known, ``name_ru``/``name_kk``.
    name_column : str
        The column for the language shown (see :func:`name_column`).

    Returns
    -------
    str
        The local name when it is known, else the English one, else ``""``.
    """
    for column in (name_column, ENGLISH_NAME_COLUMN):
        value = row.get(column)
        if not _missing(value):
            return value
    return ""


def local_names(frame: pd.DataFrame, name_column: str) -> pd.Series:
    """:func:`local_name` for every row of ``frame`` (same index)."""
    local = frame[name_column]
    return local.where(local.notna() & (local != ""), frame[ENGLISH_NAME_COLUMN])


def format_number(value: float, translate: Translate, decimals: int = 0) -> str:
    """A number for reading: thousands grouped, ``decimals`` places.

    Parameters
    ----------
    value : float
    translate : callable
        The page's or pack's translation function; it stands for the language, so that
        grouping and decimal marks can follow it.
    decimals : int
        Places after the decimal mark.

    Returns
    -------
    str
        For now grouped the English way in every language (``1,234,567``).
    """
    del translate  # every language groups the English way for now
    return f"{float(value):,.{decimals}f}"


def format_percent(value: object, translate: Translate, decimals: int = 0) -> str:
    """A published percentage as text (``11.37 %``), or a dash when the data holds no number.

    Parameters
    ----------
    value : object
        The percentage (``11.37`` for 11.37 %), as the data gives it.
    translate : callable
        Stands for the language, as in :func:`format_number`.
    decimals : int
        Places after the decimal mark.
    """
    del translate  # every language writes percentages the English way for now
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "—"
    if number != number or number in (float("inf"), float("-inf")):
        return "—"
    return f"{number:.{decimals}f} %"


def format_hectares(value: object, translate: Translate) -> str:
    """An area in hectares as text, or "not published" when there is none.

    Parameters
    ----------
    value : float or None
        Hectares; ``None``/NaN means no published area.
    translate : callable
        Translation function for the unit and the "not published" text.

    Returns
    -------
    str
        For example ``"415,164 ha"``.
    """
    if _missing(value):
        return translate("not published")
    return translate("{hectares} ha").format(hectares=format_number(value, translate))
