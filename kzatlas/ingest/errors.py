"""The one exception of the import pipeline: a file refused as a whole."""

from __future__ import annotations


class RefusalError(Exception):
    """A file that cannot be imported at all.

    The message is one sentence in plain words, safe to show to the user: it never holds a
    server path or a traceback.
    """

    @property
    def reason(self) -> str:
        """The plain-words reason."""
        return str(self.args[0]) if self.args else "the file could not be read"
