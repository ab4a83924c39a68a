"""The command line for batch work: ``python -m kzatlas <command>``.

Commands
--------
check FILE
    The import report the app shows (counts of accepted, repaired and rejected features and
    every reason); writes nothing.
import FILE
    Check a file and save what can be imported as one new version of the store.
history
    The newest changes: version, when, who, what, how many features, why.
undo VERSION
    Take one change back as a new version.
export
    The catalogue as the atlas shows it (saved edits included) as GeoJSON, GeoPackage or CSV,
    with its citation.
store check | store backup FILE | store restore FILE
    Check the store for damage; write a checked copy of it; replace its content with a backup.

The CLI writes to the same store as the app (``$KZATLAS_STORE_URL``, else the SQLite file in
``$KZATLAS_DATA_DIR`` or ``data/``). "Who" is the operating-system account running the
command, with an optional ``--who`` name in front. Exit codes: 0 done, 1 refused or failed,
2 wrong usage. Errors are one line on stderr; data printed from files or the store passes
through :func:`kzatlas.safety.terminal_text`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

from kzatlas.cli.commands import (
    command_check,
    command_export,
    command_history,
    command_import,
    command_undo,
    print_report,
)
from kzatlas.cli.context import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    EXPORT_FORMATS,
    EXPORT_TITLE,
    MAX_WHO_NAME_CHARS,
    PROG,
    CommandError,
    system_user,
    who_for,
)
from kzatlas.cli.store_commands import command_store_backup, command_store_check, command_store_restore
from kzatlas.ingest.encodings import ENCODINGS
from kzatlas.safety import terminal_text

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "EXPORT_FORMATS",
    "EXPORT_TITLE",
    "MAX_WHO_NAME_CHARS",
    "PROG",
    "CommandError",
    "build_parser",
    "command_check",
    "command_export",
    "command_history",
    "command_import",
    "command_undo",
    "main",
    "print_report",
    "system_user",
    "who_for",
]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        """Print one line about the wrong usage and exit with code 2."""
        raise CommandError(f"{message} (see {self.prog} --help)", EXIT_USAGE)


# ------------------------------------------------------------------ the parser


# Names --encoding takes: the codecs and the names users know, in lower case.
ENCODING_CHOICES = tuple(dict.fromkeys(name.lower() for pair in ENCODINGS.items() for name in pair))


def _add_provenance_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    if required:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--source-url", help="web address of the source (http or https)")
        source.add_argument("--source-title", help="title of the source when it has no web address")
    else:
        parser.add_argument("--source-url", help="web address of the source (http or https)")
        parser.add_argument("--source-title", help="title of the source when it has no web address")
    parser.add_argument("--source-date", required=required, help="date of the source, YYYY-MM-DD")
    parser.add_argument("--kind", help="kind for rows whose file gives none, e.g. undp_site")
    parser.add_argument(
        "--encoding",
        choices=ENCODING_CHOICES,
        type=str.lower,
        metavar="NAME",
        help="text encoding of a CSV file or a shapefile without .cpg (default: detected): "
        + ", ".join(ENCODING_CHOICES),
    )


def _add_reading_options(parser: argparse.ArgumentParser) -> None:
    """How to read a table: its sheet, its header, which column holds what, exchanged coordinates."""
    parser.add_argument(
        "--sheet", metavar="NAME_OR_NUMBER", help="the workbook sheet to read (default: the first with a table)"
    )
    parser.add_argument(
        "--header-row", metavar="N", help="the header's row, or N-M for a header over two merged rows (default: found)"
    )
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="the file's COLUMN holds FIELD (e.g. 'Широта=latitude'); repeat for more columns",
    )
    parser.add_argument("--swap-coordinates", action="store_true", help="exchange the latitude and longitude columns")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command (usage errors exit with code 2).

    Returns
    -------
    argparse.ArgumentParser
        Sub-commands ``check``, ``import``, ``history``, ``undo``, ``export`` and ``store``.
    """
    parser = _Parser(prog=PROG, description="Batch work on the Kazakhstan environment atlas's saved data.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    check = commands.add_parser("check", help="check a file; print the import report (writes nothing)")
    check.add_argument("file", metavar="FILE")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    _add_provenance_options(check, required=False)
    _add_reading_options(check)
    check.set_defaults(run=command_check)

    load = commands.add_parser("import", help="import a file as one new version")
    load.add_argument("file", metavar="FILE")
    load.add_argument("--comment", required=True, help="why the data is imported (required)")
    _add_provenance_options(load, required=True)
    _add_reading_options(load)
    load.add_argument("--who", help="your name, recorded with the system account")
    matches = load.add_mutually_exclusive_group()
    matches.add_argument("--confirm-all-matches", action="store_true", help="replace every matched catalogue area")
    matches.add_argument("--confirm", nargs="+", metavar="ID", help="catalogue ids whose match is confirmed")
    load.add_argument("--dry-run", action="store_true", help="check and count, but save nothing")
    load.add_argument(
        "--confirm-text", action="store_true", help="save text that looks garbled as it is read (after checking it)"
    )
    load.set_defaults(run=command_import)

    history = commands.add_parser("history", help="list the newest changes")
    history.add_argument("--limit", type=int, default=20, help="how many changes (default 20)")
    history.add_argument("--json", action="store_true", help="print the changes as JSON")
    history.set_defaults(run=command_history)

    undo = commands.add_parser("undo", help="take one change back as a new version")
    undo.add_argument("version", type=int, metavar="VERSION")
    undo.add_argument("--comment", required=True, help="why the change is taken back (required)")
    undo.add_argument("--who", help="your name, recorded with the system account")
    undo.set_defaults(run=command_undo)

    export = commands.add_parser("export", help="write the catalogue (saved edits included) to a file")
    export.add_argument("--format", choices=EXPORT_FORMATS, default="geojson")
    export.add_argument("--output", required=True, metavar="PATH")
    export.add_argument("--force", action="store_true", help="replace PATH if it exists")
    export.set_defaults(run=command_export)
    _add_store_commands(commands)
    return parser


def _add_store_commands(commands) -> None:
    """``store check``, ``store backup FILE`` and ``store restore FILE``."""
    store = commands.add_parser("store", help="check, back up or restore the saved-data store")
    actions = store.add_subparsers(dest="store_command", required=True, metavar="ACTION", parser_class=_Parser)
    check = actions.add_parser("check", help="check the store for damage (exit 1 if damaged)")
    check.set_defaults(run=command_store_check)
    backup = actions.add_parser("backup", help="write a checked copy of the store to FILE")
    backup.add_argument("file", metavar="FILE")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    backup.set_defaults(run=command_store_backup)
    restore = actions.add_parser("restore", help="replace the store's content, history included, with a backup")
    restore.add_argument("file", metavar="FILE")
    restore.add_argument("--yes", action="store_true", help="go ahead (the store's present content is replaced)")
    restore.set_defaults(run=command_store_restore)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one command; never lets a traceback reach the user.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).
    out, err : text stream, optional
        Where reports and errors go (default: stdout and stderr).

    Returns
    -------
    int
        0 done, 1 refused or failed, 2 wrong usage.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    # The store logs for server operators; here the one line below says what happened, so
    # Python's fallback must not print those records to stderr as well.
    logger = logging.getLogger("kzatlas")
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(logging.NullHandler())
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exit_:  # --help
            return int(exit_.code or 0)
        return args.run(args, out)
    except CommandError as exc:
        print(f"kzatlas: {exc}", file=err)
        return exc.code
    except KeyboardInterrupt:
        print("kzatlas: interrupted; nothing more was done", file=err)
        return EXIT_FAILED
    except Exception as exc:
        from kzatlas.store import StoreError

        if isinstance(exc, StoreError):
            print(f"kzatlas: {terminal_text(exc, 400)}", file=err)
        elif type(exc).__module__.startswith("sqlalchemy") or isinstance(exc, OSError):
            print(f"kzatlas: the saved-data store cannot be used ({type(exc).__name__}); nothing was changed", file=err)
        else:
            print(f"kzatlas: unexpected error ({type(exc).__name__}); nothing more was done", file=err)
        return EXIT_FAILED
