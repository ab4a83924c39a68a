"""What every command of ``python -m kzatlas`` shares: exit codes, who is writing, and the data.

A change made from the command line is recorded with the operating-system account running
it (:func:`who_for`); the catalogue and the store are opened the way the app opens them, so
both write to the same place.
"""

from __future__ import annotations

import os
import pwd

from kzatlas.safety import terminal_text

PROG = "python -m kzatlas"
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXPORT_FORMATS = ("geojson", "gpkg", "csv")
EXPORT_TITLE = "Kazakhstan environment atlas: whole catalogue"
MAX_WHO_NAME_CHARS = 120


class CommandError(Exception):
    """A command cannot go on; the message is one plain line for stderr."""

    def __init__(self, message: str, code: int = EXIT_FAILED):
        super().__init__(message)
        self.code = code


# ------------------------------------------------------------------ who and where


def system_user() -> str:
    """The operating-system account running the command (not taken from the environment).

    Returns
    -------
    str
        The account name, or ``uid <n>`` when the account has no name.
    """
    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def who_for(name: str | None, account: str) -> str:
    """The "who" recorded for a change made from the command line.

    Parameters
    ----------
    name : str or None
        The ``--who`` name, if given.
    account : str
        The operating-system account (:func:`system_user`).

    Returns
    -------
    str
        ``"<account> (command line)"`` or ``"<name> (<account>, command line)"``.

    Raises
    ------
    CommandError
        If the name is blank, too long or holds control characters.
    """
    if name is None:
        return f"{account} (command line)"
    clean = name.strip()
    if not clean:
        raise CommandError("--who needs a name", EXIT_USAGE)
    if len(clean) > MAX_WHO_NAME_CHARS:
        raise CommandError(f"--who is longer than {MAX_WHO_NAME_CHARS} characters", EXIT_USAGE)
    if terminal_text(clean) != clean:
        raise CommandError("--who may not hold control or text-direction characters", EXIT_USAGE)
    return f"{clean} ({account}, command line)"


def shipped_catalogue():
    """The bundled catalogue and its feature ids; a broken layer stops the command with its message."""
    from kzatlas.catalog import active_geodata_dir, load_catalogue, region_frame, shipped_feature_frame

    catalogue = load_catalogue(active_geodata_dir())
    fatal = [problem for problem in catalogue.problems if problem.fatal]
    if catalogue.manifest is None or region_frame(catalogue) is None:
        reason = fatal[0].message if fatal else "the regions layer is missing"
        raise CommandError(f"the atlas's data cannot be read: {terminal_text(reason, 200)}")
    shipped = shipped_feature_frame(catalogue)
    return catalogue, frozenset(shipped["id"])


def _store_url() -> str | None:
    from kzatlas import store

    return store.command_line_url()


def store_url() -> str | None:
    """The configured store address, or None for the embedded file (what every command opens)."""
    return _store_url()


def store_label() -> str:
    """The configured store as an operator names it: the file's path, or the address without its password."""
    from kzatlas import store

    url = _store_url()
    path = store.sqlite_path(url)
    if path is not None:
        return f"SQLite file {terminal_text(str(path), 300)}"
    from kzatlas.store.postgres import redacted

    return f"database {terminal_text(redacted(url or ''), 300)}"


def open_store(catalogue_ids: frozenset[str]):
    """Open the configured store (the server database, or the file under ``data/``)."""
    from kzatlas import store

    return store.open_store(_store_url(), catalogue_ids=catalogue_ids)


def store_exists() -> bool:
    """Whether a store is configured or its default file already exists."""
    from kzatlas import store

    return _store_url() is not None or store.default_store_path().exists()


def merged_catalogue(*, need_store: bool):
    """The catalogue as the app shows it, and the open store (or ``None`` when there is none yet)."""
    from kzatlas import store

    catalogue, ids = shipped_catalogue()
    if not need_store and not store_exists():
        return catalogue, None
    opened = open_store(ids)
    return store.with_saved(catalogue, opened), opened
