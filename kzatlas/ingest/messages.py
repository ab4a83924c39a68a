"""Messages of the import and of the edit checks: an English text that can be translated later.

Every refusal, reason, repair and note of an import (and every problem of a drawing or a
guarded write) is a :class:`Message`: its ``msgid`` is the English text with ``{name}`` fields,
marked with :func:`N_` so that ``scripts/extract_messages.py`` puts it in the catalogues, and its
``params`` fill the fields. A message *is* its English text (a ``str``), so logs, the command
line, JSON reports and ``str(error)`` read as before; the page shows it in its own language with
:meth:`Message.translated` (or :func:`translated`, which leaves plain text alone).

The reading process (:mod:`kzatlas.ingest.worker`) sends messages to the app as
``{"msgid": ..., "params": {...}}`` (:func:`to_wire`, :func:`from_wire`), so what it found is
translated in the app, never in the child. This module imports nothing heavy: the child loads it.

Adding a message::

    raise RefusalError(N_("the sheet {sheet} is empty"), sheet=plain_snippet(name))
    planned.repairs.append(Message(N_("{label} read as degrees, minutes and seconds"), label=Message(label)))

then run ``python scripts/extract_messages.py`` and translate the new entries in ``ru.po`` and
``kk.po``. Parameters may be:

* text (``str``): data from the file or the catalogue (a column name, a cell, an id), shown as it is;
* a number (``int``, ``float``): written in the page's number format (``50,000``, ``50 000``);
  a field may say ``{change:+.1}`` (a sign and one decimal) or ``{count:.0}``;
* a :class:`Message`: translated in turn (a field label, a format's name, a reason);
* a list of those: each shown, joined by ``"; "``;
* :class:`Names`: a catalogue feature's names, shown in the page's language.

Numbers that are codes or years rather than quantities (``1800``, ``KZ-39``) are passed as text.
"""

from __future__ import annotations

import math
import string
from collections.abc import Callable, Mapping

__all__ = [
    "Message",
    "N_",
    "Names",
    "exception_text",
    "from_wire",
    "messages_in",
    "sentence",
    "to_wire",
    "translated",
]

Translate = Callable[[str], str]
# Numbers this large are written in scientific notation in every language (a hostile 1e308).
_SCIENTIFIC_FROM = 1e15
_MAX_DECIMALS = 6
_JOIN = "; "


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Mark a message id for extraction (the same as :func:`kzatlas.i18n.N_`, without its imports)."""
    return message


class Names(dict):
    """A catalogue feature's names (``name_en``, ``name_ru``...), shown in the page's language.

    In English (``str``) it is the English name; translated, the name in the page's language,
    else the English name marked "(in English)" (:func:`kzatlas.i18n.shown_name`).
    """

    def english(self) -> str:
        """The English name, else the first name known."""
        from kzatlas.config import NAME_COLUMNS

        return str(next((self[column] for column in NAME_COLUMNS if self.get(column)), ""))


def _decimals(value: float, spec: str) -> int:
    """Places after the decimal mark: from ``.N`` in the field, else as many as the value needs (at most 6)."""
    if "." in spec:
        digits = spec.split(".", 1)[1]
        if digits.isdigit():
            return min(int(digits), _MAX_DECIMALS)
    if isinstance(value, int) or float(value).is_integer():
        return 0
    for places in range(1, _MAX_DECIMALS + 1):
        if round(value, places) == round(value, _MAX_DECIMALS):
            return places
    return _MAX_DECIMALS


def _number_text(value: float, spec: str, translate: Translate | None) -> str:
    if isinstance(value, float) and not math.isfinite(value) or abs(value) >= _SCIENTIFIC_FROM:
        text = f"{value:g}"
    else:
        places = _decimals(value, spec)
        if translate is None:
            text = f"{value:,.{places}f}"
        else:
            from kzatlas.formats import format_number

            text = format_number(value, translate, places)
    if spec.startswith("+") and value > 0 and not text.startswith("+"):
        text = "+" + text
    return text


class _Formatter(string.Formatter):
    """Fills a message's fields: numbers in the page's format, nested messages translated."""

    def __init__(self, translate: Translate | None) -> None:
        super().__init__()
        self.translate = translate

    def format_field(self, value: object, format_spec: str) -> str:
        return _shown(value, format_spec, self.translate)


def _shown(value: object, spec: str, translate: Translate | None) -> str:
    """One parameter as text, in English (``translate`` ``None``) or the page's language."""
    if isinstance(value, Message):
        return str(value) if translate is None else value.translated(translate)
    if isinstance(value, Names):
        if translate is None:
            return value.english()
        from kzatlas.i18n import language_of, name_column, shown_name

        return shown_name(value, name_column(language_of(translate)), translate) or value.english()
    if isinstance(value, list | tuple):
        return _JOIN.join(_shown(item, spec, translate) for item in value)
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float):
        return _number_text(value, spec, translate)
    return str(value)


def _render(text: str, params: Mapping[str, object], translate: Translate | None) -> str:
    return _Formatter(translate).vformat(text, (), dict(params))


class Message(str):
    """A user-facing message: its English text, and the id and parameters to translate it.

    Parameters
    ----------
    msgid : str
        The English text with ``{name}`` fields, marked with :func:`N_` where it is written.
    **params
        The fields' values (see the module's description for the kinds allowed).

    Notes
    -----
    The string value is the English text, so comparing, joining or printing a message works
    as with plain text. ``msgid`` and ``params`` stay for :meth:`translated`.
    """

    msgid: str
    params: dict

    def __new__(cls, msgid: str, /, **params: object) -> Message:
        """The message, its value the English text (the id itself when the fields cannot be filled)."""
        msgid = str(msgid)
        try:
            english = _render(msgid, params, None)
        except (KeyError, IndexError, ValueError, AttributeError):
            english = msgid
        self = super().__new__(cls, english)
        self.msgid = msgid
        self.params = params
        return self

    def __reduce__(self):
        return (_rebuild, (self.msgid, self.params))

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, **{self.params!r})"

    def translated(self, translate: Translate) -> str:
        """The message in the language of ``translate`` (the page's translation function).

        Parameters
        ----------
        translate : callable
            ``translate(msgid) -> str``, with the ``language`` attribute of
            :func:`kzatlas.i18n.translator` for numbers and names.

        Returns
        -------
        str
            The translated text with its fields filled; the English text when the catalogue's
            entry cannot be filled (a translation that lost a field).
        """
        try:
            return _render(translate(self.msgid), self.params, translate)
        except (KeyError, IndexError, ValueError, AttributeError):
            return _render(self.msgid, self.params, translate) if self.msgid else str(self)


def _rebuild(msgid: str, params: dict) -> Message:
    return Message(msgid, **params)


def translated(value: object, translate: Translate) -> str:
    """A message in the page's language; any other value as its plain text (data is never translated).

    Parameters
    ----------
    value : object
        A :class:`Message`, or text such as a name from the file.
    translate : callable
        The page's translation function.

    Returns
    -------
    str
    """
    if isinstance(value, Message | Names | list | tuple):
        return _shown(value, "", translate)
    return "" if value is None else str(value)


def sentence(value: object, translate: Translate) -> str:
    """:func:`translated`, with a capital first letter: a message shown on its own (a warning, a note).

    Messages start in lower case because they are also read inside other sentences ("This file
    cannot be imported: {reason}.") and joined in tables.
    """
    text = translated(value, translate)
    return text[:1].upper() + text[1:]


def exception_text(error: BaseException, translate: Translate) -> str:
    """What an error says, in the page's language when it carries a :class:`Message`.

    Parameters
    ----------
    error : Exception
        A refusal or check error (its first argument may be a :class:`Message`).
    translate : callable
        The page's translation function.

    Returns
    -------
    str
        The translated message; else ``str(error)``, translated when it is a catalogued text
        (such as the store's damage message), as it is otherwise.
    """
    if error.args and isinstance(error.args[0], Message):
        return error.args[0].translated(translate)
    return translate(str(error))


def messages_in(value: object) -> list[Message]:
    """Every message in ``value`` and in the messages it holds as parameters (for checks and tests)."""
    found: list[Message] = []
    if isinstance(value, Message):
        found.append(value)
        for param in value.params.values():
            found += messages_in(param)
    elif isinstance(value, list | tuple):
        for item in value:
            found += messages_in(item)
    return found


# ------------------------------------------------------------------ across the process boundary


def to_wire(value: object) -> object:
    """A message (or a list of them) as plain JSON data: ``{"msgid": ..., "params": {...}}``.

    Other values are returned as they are.
    """
    if isinstance(value, Message):
        return {"msgid": value.msgid, "params": {key: to_wire(param) for key, param in value.params.items()}}
    if isinstance(value, Names):
        return {"names": dict(value)}
    if isinstance(value, list | tuple):
        return [to_wire(item) for item in value]
    return value


def _param_from_wire(value: object) -> object:
    if isinstance(value, dict):
        return from_wire(value)
    if isinstance(value, list):
        return [_param_from_wire(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def from_wire(value: object) -> object:
    """The message :func:`to_wire` wrote (plain text stays text; anything else becomes text).

    Parameters
    ----------
    value : object
        What the reading process sent for a refusal, a row's error or a note.

    Returns
    -------
    Message or str or None
    """
    if value is None or isinstance(value, Message):
        return value
    if isinstance(value, dict):
        if isinstance(value.get("names"), dict):
            return Names({str(key): str(name) for key, name in value["names"].items() if isinstance(name, str)})
        msgid, params = value.get("msgid"), value.get("params")
        if isinstance(msgid, str) and isinstance(params, dict | None):
            return Message(msgid, **{str(key): _param_from_wire(param) for key, param in (params or {}).items()})
        return str(value)
    return str(value)
