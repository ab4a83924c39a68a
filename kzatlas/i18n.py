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


def is_missing(value: object) -> bool:
    """Whether ``value`` is no value at all: ``None``, NaN or an empty text."""
    if value is None or (isinstance(value, str) and not value):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-likes: not a name, but not missing either
        return False


def _fallback_columns(name_column: str) -> tuple[str, ...]:
    """Name columns in the order a missing name falls back: the language's, English, then the others."""
    others = tuple(NAME_COLUMN_PREFIX + code for code in LANGUAGES)
    return tuple(dict.fromkeys((name_column, ENGLISH_NAME_COLUMN, *others)))


def local_name(row, name_column: str) -> str:
    """A feature's or region's name in the chosen language, else its English name, else any name it has.

    Parameters
    ----------
    row : mapping or pandas.Series
        A record with ``name_en`` and, where known, ``name_ru``/``name_kk``.
    name_column : str
        The column for the language shown (see :func:`name_column`).

    Returns
    -------
    str
        The local name when it is known, else the English one, else the name in another
        language (a site imported with a Russian name only), else ``""``.
    """
    for column in _fallback_columns(name_column):
        value = row.get(column)
        if not is_missing(value):
            return value
    return ""


def local_names(frame: pd.DataFrame, name_column: str) -> pd.Series:
    """:func:`local_name` for every row of ``frame`` (same index)."""
    local = frame[name_column]
    for column in _fallback_columns(name_column)[1:]:
        if column in frame:
            local = local.where(local.notna() & (local != ""), frame[column])
    return local


def language_of(translate: Translate) -> str:
    """The language a translation function speaks (English for one made elsewhere, e.g. ``str``)."""
    return normalise_language(getattr(translate, "language", None))


ENGLISH_MARKER = N_("(in English)")
# The marks of a name shown in another language than the page's because it has none in it.
LANGUAGE_MARKERS = {"en": ENGLISH_MARKER, "ru": N_("(in Russian)"), "kk": N_("(in Kazakh)")}

# Where a name or a text in the data comes from (the ``<column>_origin`` fields): printed by a
# published source (whose address is in ``<column>_source``), or the atlas's own translation.
ORIGIN_PUBLISHED = "published"
ORIGIN_ATLAS = "atlas"
ORIGINS = (ORIGIN_PUBLISHED, ORIGIN_ATLAS)
# The marker of a name or text the atlas translated itself, and what it means.
TRANSLATION_MARKER = N_("(atlas translation)")
TRANSLATION_NOTE = N_(
    "Names and texts marked “(atlas translation)” were translated by the atlas: no published form in this "
    "language was found. Names without the mark are as a published source prints them."
)


def translated_column(column: str, language: str | None) -> str:
    """The data column holding ``column`` in ``language``: ``notes_ru``; the column itself in English.

    English is the language the sources are read in: ``notes``, ``area_note``... hold the English
    text, and ``<column>_<language>`` its translation (see ``geodata/sources/SCHEMA.md``).
    """
    language = normalise_language(language)
    return column if language == DEFAULT_LANGUAGE else f"{column}_{language}"


def origin_column(column: str) -> str:
    """The column saying where the value of ``column`` comes from (``name_kk`` -> ``name_kk_origin``)."""
    return f"{column}_origin"


def source_column(column: str) -> str:
    """The column with the address of the page that publishes ``column`` (``name_kk_source``)."""
    return f"{column}_source"


def _marked(text: str, translate: Translate) -> str:
    return f"{text} {translate(ENGLISH_MARKER)}" if text and language_of(translate) != DEFAULT_LANGUAGE else text


def _translation_marked(text: str, origin: object, translate: Translate) -> str:
    """``text`` followed by the atlas-translation marker when ``origin`` says the atlas translated it."""
    return f"{text} {translate(TRANSLATION_MARKER)}" if text and origin == ORIGIN_ATLAS else text


def _column_language(column: str) -> str:
    return column[len(NAME_COLUMN_PREFIX) :] if column.startswith(NAME_COLUMN_PREFIX) else DEFAULT_LANGUAGE


def is_atlas_translation(row, name_column: str) -> bool:
    """Whether the name in ``name_column`` is the atlas's own translation (its origin says so).

    English names are the language the sources are read in, never a translation; a name
    without a recorded origin (an editor's or an imported feature) is not marked either.
    """
    if _column_language(name_column) == DEFAULT_LANGUAGE or is_missing(row.get(name_column)):
        return False
    return row.get(origin_column(name_column)) == ORIGIN_ATLAS


def shown_name(row, name_column: str, translate: Translate) -> str:
    """:func:`local_name` for reading, with where it comes from marked: the one rule for names on screen.

    Parameters
    ----------
    row : mapping or pandas.Series
        A record with ``name_en`` and, where known, ``name_ru``/``name_kk`` and their
        ``name_<lang>_origin``.
    name_column : str
        The column for the language shown.
    translate : callable
        The page's translation function (for the markers and their language).

    Returns
    -------
    str
        The local name as a source publishes it; the local name followed by "(atlas
        translation)" when the atlas translated it (``name_<lang>_origin`` is ``atlas``); the
        English name followed by "(in English)" when there is no local name; with neither,
        the name in another language followed by its mark ("(in Russian)"), never an empty
        name when the record has one. Data exports use :func:`local_name`, which adds no marker.
    """
    local = row.get(name_column)
    if not is_missing(local):
        return _translation_marked(local, ORIGIN_ATLAS if is_atlas_translation(row, name_column) else None, translate)
    english = row.get(ENGLISH_NAME_COLUMN)
    if not is_missing(english):
        return _marked(english, translate)
    return _other_language_name(row, name_column, translate)


def _other_language_name(row, name_column: str, translate: Translate) -> str:
    """The first name the record has in another language, with that language's mark (never empty if one exists)."""
    for column in _fallback_columns(name_column):
        if column in (name_column, ENGLISH_NAME_COLUMN):
            continue
        value = row.get(column)
        if not is_missing(value):
            marker = LANGUAGE_MARKERS.get(_column_language(column))
            return f"{value} {translate(marker)}" if marker else str(value)
    return ""


def shown_names(frame: pd.DataFrame, name_column: str, translate: Translate) -> pd.Series:
    """:func:`shown_name` for every row of ``frame`` (same index)."""
    local = frame[name_column]
    known = local.notna() & (local != "")
    fallback = frame[ENGLISH_NAME_COLUMN].fillna("").map(lambda text: _marked(text, translate))
    if (fallback == "").any():  # no English name either: a name in another language, marked
        empty = fallback == ""
        fallback = fallback.where(
            ~empty, frame[empty].apply(lambda row: _other_language_name(row, name_column, translate), axis=1)
        )
    origins = frame.get(origin_column(name_column))
    if _column_language(name_column) != DEFAULT_LANGUAGE and origins is not None:
        atlas = known & (origins == ORIGIN_ATLAS)
        local = local.where(~atlas, local.astype(str) + " " + translate(TRANSLATION_MARKER))
    return local.where(known, fallback)


def local_text(record, column: str, translate: Translate) -> str:
    """A text of the data (a note, an area note, a place, a target's title) in the page's language.

    The one rule for the data's free texts on screen and in packs: the translation the data
    carries for the language (``<column>_<lang>``, see :func:`translated_column`), followed by
    "(atlas translation)" unless its ``<column>_<lang>_origin`` says a source publishes it; the
    English text followed by "(in English)" when the data has no translation; the English text
    as it is on an English page.

    Parameters
    ----------
    record : mapping or pandas.Series
        A feature row, or a record of ``targets.json``.
    column : str
        The English column (``notes``, ``area_note``, ``location_name``, ``name``, ``scope``...).
    translate : callable
        The page's or pack's translation function; its ``language`` picks the text.

    Returns
    -------
    str
        ``""`` when the record has no such text.
    """
    original = record.get(column)
    english = "" if is_missing(original) else str(original)
    language = language_of(translate)
    if language == DEFAULT_LANGUAGE:
        return english
    local_column = translated_column(column, language)
    local = record.get(local_column)
    if is_missing(local):
        return _marked(english, translate)
    return _translation_marked(str(local), record.get(origin_column(local_column)) or ORIGIN_ATLAS, translate)


def citation_label(record, column: str, translate: Translate) -> str:
    """How a citation names its publisher in the page's language, unmarked: part of a citation, not a text.

    The ``<column>_<lang>`` form where the data gives one (``publisher_ru``: "Секретариат
    Конвенции о биологическом разнообразии"), else the label as published (a proper name such
    as "The Astana Times" is never marked "(in English)").
    """
    local = record.get(translated_column(column, language_of(translate)))
    if not is_missing(local):
        return str(local)
    original = record.get(column)
    return "" if is_missing(original) else str(original)


def has_translation_marker(text: object, translate: Translate) -> bool:
    """Whether ``text`` carries the atlas-translation marker in the language of ``translate``."""
    return language_of(translate) != DEFAULT_LANGUAGE and translate(TRANSLATION_MARKER) in str(text or "")
