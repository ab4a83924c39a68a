"""The ``python -m kzatlas store check|backup|restore`` commands, on the store the CLI is set to.

Each takes the parsed arguments and the stream its report goes to, and returns the exit code;
a refusal is raised as :class:`~kzatlas.cli.context.CommandError`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from kzatlas.cli.context import (
    EXIT_FAILED,
    EXIT_OK,
    CommandError,
    open_store,
    store_exists,
    store_label,
    store_url,
)
from kzatlas.safety import terminal_text

RESTORE_RESTART_NOTE = "restart the app servers so that they show the restored store (their views are kept per version)"


def _print_problems(problems, out: TextIO) -> None:
    for problem in problems:
        print(f"problem: {terminal_text(problem, 300)}", file=out)


def command_store_check(args: argparse.Namespace, out: TextIO) -> int:
    """``store check``: what was checked and ``ok``, or what is wrong (exit 1)."""
    del args
    from kzatlas.store.health import DAMAGED_MESSAGE, StoreDamagedError
    from kzatlas.store.migrate import current_revisions

    label = store_label()
    if not store_exists():
        print(f"{label}: no saved-data store yet, so there is nothing to check", file=out)
        return EXIT_OK
    try:
        opened = open_store(frozenset())
    except StoreDamagedError as exc:
        print(f"{label}: checked when opening", file=out)
        _print_problems(exc.problems, out)
        print(f"damaged: {DAMAGED_MESSAGE}", file=out)
        return EXIT_FAILED
    with opened:
        result = opened.check()
        for line in result.checked:
            print(f"{label}: checked {line}", file=out)
        if not result.ok:
            _print_problems(result.problems, out)
            print(f"damaged: {DAMAGED_MESSAGE}", file=out)
            return EXIT_FAILED
        with opened.snapshot() as connection:
            revision = ", ".join(sorted(current_revisions(connection))) or "none"
        print(
            f"ok ({result.seconds * 1000:.0f} ms; schema revision {revision}; newest version {opened.version()})",
            file=out,
        )
    return EXIT_OK


def command_store_backup(args: argparse.Namespace, out: TextIO) -> int:
    """``store backup FILE``: a consistent, checked copy of the store in a new file."""
    from kzatlas.store import StoreError, backups

    target = Path(args.file)
    if target.exists() and not args.force:
        raise CommandError(f"{terminal_text(args.file, 200)} exists; pass --force to replace it")
    if not store_exists():
        raise CommandError("no saved-data store yet, so there is nothing to back up")
    with open_store(frozenset()) as opened:
        try:
            made = backups.backup(opened, target, force=args.force)
        except StoreError as exc:
            raise CommandError(f"{terminal_text(args.file, 200)}: {terminal_text(exc, 400)}") from exc
    print(
        f"wrote {terminal_text(args.file, 200)}: {made.changes} changes, newest version {made.newest_version}, "
        f"schema revision {made.revision}; the copy passed its check",
        file=out,
    )
    return EXIT_OK


def command_store_restore(args: argparse.Namespace, out: TextIO) -> int:
    """``store restore FILE --yes``: replace the store's content (history included) with a checked backup."""
    from kzatlas import store
    from kzatlas.store import backups

    source = Path(args.file)
    problems = backups.backup_problems(source)
    if problems:
        raise CommandError(
            f"{terminal_text(args.file, 200)} is not a usable store backup: {terminal_text(problems[0], 300)}; "
            "nothing was changed"
        )
    if not args.yes:
        raise CommandError(
            f"restoring replaces everything in the {store_label()} with the content of "
            f"{terminal_text(args.file, 200)}; run again with --yes to go ahead"
        )
    url = store_url()
    live = store.sqlite_path(url)
    try:
        if live is not None:
            # The live file may be too damaged to open as a store: it is written through SQLite only.
            live.parent.mkdir(parents=True, exist_ok=True)
            held = backups.restore_file(source, live)
        else:
            with open_store(frozenset()) as opened:
                held = backups.restore(opened, source)
    except store.StoreError as exc:
        raise CommandError(terminal_text(exc, 400)) from exc
    # Opening checks the restored store and brings an older backup's tables up to date.
    with open_store(frozenset()) as opened:
        newest = opened.version()
    print(
        f"restored {terminal_text(args.file, 200)}: {held.changes} changes, newest version {newest}; "
        f"the store passes its check; {RESTORE_RESTART_NOTE}",
        file=out,
    )
    return EXIT_OK
