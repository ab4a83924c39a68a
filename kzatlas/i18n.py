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
from babel.numbers import format_decimal
from babel.numbers import format_percent as babel_format_percent

from kzatlas.config import (
    DEFAULT_LANGUAGE,
    ENGLISH_NAME_COLUMN,
    KIND_SETTINGS,
    LANGUAGE_SETTINGS,
    LANGUAGES,
    LOCALE_DIR,
    NAME_COLUMN_PREFIX,
    RELATIONSHIP_COLUMN,
    RELATIONSHIP_UN_PARTNER,
)

Translate = Callable[[str], str]


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Mark a string for extraction without translating it yet."""
    return message


# Each language in its own words, for the language picker.
LANGUAGE_NAMES = {code: settings["own_name"] for code, settings in LANGUAGE_SETTINGS.items()}

# The kinds' labels, and their short forms for tight places (metric tiles, chart legends), from
# the configuration; scripts/extract_messages.py puts them in the catalogues.
KIND_LABELS = {kind: settings["label"] for kind, settings in KIND_SETTINGS.items()}
KIND_SHORT_LABELS = {kind: settings["short_label"] for kind, settings in KIND_SETTINGS.items()}

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
        catalog = read_po(handle, locale=LANGUAGE_SETTINGS[language]["locale"])
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }


UN_PARTNER_LABEL = N_("UN partner site (not a UNDP project)")


def kind_label(kind: str, translate: Translate, relationship: object = None) -> str:
    """The translated long label of a feature kind (the code itself when unknown).

    Parameters
    ----------
    kind : str
        The feature's kind.
    translate : callable
        Translation function.
    relationship : object, optional
        The optional ``relationship`` value of a UNDP-layer record; a UN partner site is
        labelled as such, whatever its kind.
    """
    if relationship == RELATIONSHIP_UN_PARTNER:
        return translate(UN_PARTNER_LABEL)
    return translate(KIND_LABELS.get(kind, kind))


def kind_labels(frame: pd.DataFrame, translate: Translate) -> list[str]:
    """:func:`kind_label` for every row of ``frame`` (its ``relationship`` column is optional)."""
    relationships = frame[RELATIONSHIP_COLUMN] if RELATIONSHIP_COLUMN in frame.columns else [None] * len(frame)
    return [kind_label(kind, translate, rel) for kind, rel in zip(frame["kind"], relationships)]


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
        ``translate(msgid) -> str``, falling back to the English ``msgid``; its ``language``
        attribute is the language it speaks (read by the number formatters).
    """
    language = normalise_language(language)
    table = _catalogue(language)

    def translate(message: str) -> str:
        return table.get(message, message)

    # Number formatters read the language from here, so a page passes one object around.
    translate.language = language
    return translate


def name_column(language: str | None) -> str:
    """The data column holding feature names in ``language``."""
    return NAME_COLUMN_PREFIX + normalise_language(language)


def name_label(language: str) -> str:
    """The label of the field for names in ``language`` (``"Name (Russian)"``), to translate where shown.

    The labels of every configured language are in the catalogues (scripts/extract_messages.py
    adds them), so a language added to the configuration gets its label with no code.
    """
    return f"Name ({LANGUAGE_SETTINGS[language]['english_name']})"


def babel_locale(translate: Translate) -> str:
    """The Babel locale for numbers in the language a translation function speaks."""
    return LANGUAGE_SETTINGS[language_of(translate)]["locale"]


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


def language_of(translate: Translate) -> str:
    """The language a translation function speaks (English for one made elsewhere, e.g. ``str``)."""
    return normalise_language(getattr(translate, "language", None))


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
    if _missing(value):
        return translate("not published")
    return translate("{hectares} ha").format(hectares=format_number(value, translate))


def format_square_km(value: object, translate: Translate) -> str:
    """An area in square kilometres as text (``185,938 km²``, ``185 938 км²``)."""
    return translate("{km2} km²").format(km2=format_number(value, translate))


ENGLISH_MARKER = N_("(in English)")


def _marked(text: str, translate: Translate) -> str:
    return f"{text} {translate(ENGLISH_MARKER)}" if text and language_of(translate) != DEFAULT_LANGUAGE else text


def shown_name(row, name_column: str, translate: Translate) -> str:
    """:func:`local_name` for reading: an English fallback is marked as such in Russian and Kazakh.

    Parameters
    ----------
    row : mapping or pandas.Series
        A record with ``name_en`` and, where a source gives them, ``name_ru``/``name_kk``.
    name_column : str
        The column for the language shown.
    translate : callable
        The page's translation function (for the marker and its language).

    Returns
    -------
    str
        The local name, else the English name followed by "(in English)" in the page's
        language. Data exports use :func:`local_name`, which adds no marker.
    """
    local = row.get(name_column)
    if not _missing(local):
        return local
    return _marked(local_name(row, ENGLISH_NAME_COLUMN), translate)


def shown_names(frame: pd.DataFrame, name_column: str, translate: Translate) -> pd.Series:
    """:func:`shown_name` for every row of ``frame`` (same index)."""
    local = frame[name_column]
    known = local.notna() & (local != "")
    fallback = frame[ENGLISH_NAME_COLUMN].fillna("").map(lambda text: _marked(text, translate))
    return local.where(known, fallback)


def english_text(value: object, translate: Translate) -> str:
    """Free text that the sources give only in English, marked as such outside English.

    Parameters
    ----------
    value : object
        A note, place description or similar text from the data (missing means empty).
    translate : callable
        The page's translation function.

    Returns
    -------
    str
        ``""`` for a missing value; otherwise the text, followed by "(in English)" when the
        page is in Russian or Kazakh.
    """
    return "" if _missing(value) else _marked(str(value), translate)
