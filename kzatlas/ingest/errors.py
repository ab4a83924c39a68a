"""The one exception of the import pipeline: a file refused as a whole."""

from __future__ import annotations

from kzatlas.ingest.messages import N_, Message

UNREADABLE = N_("the file could not be read")


class RefusalError(Exception):
    """A file that cannot be imported at all.

    The message is one sentence in plain words, safe to show to the user: it never holds a
    server path or a traceback. It is a :class:`~kzatlas.ingest.messages.Message`, so the page
    can show it in its own language; ``str(error)`` is the English text.

    Parameters
    ----------
    message : str or Message
        The English message id (marked with ``N_``), or a ready :class:`Message`.
    **params
        The message's fields.
    """

    def __init__(self, message: str = UNREADABLE, /, **params: object) -> None:
        super().__init__(message if isinstance(message, Message) and not params else Message(message, **params))

    @property
    def reason(self) -> Message:
        """The plain-words reason, as a translatable message."""
        reason = self.args[0] if self.args else None
        return reason if isinstance(reason, Message) else Message(str(reason or UNREADABLE))
