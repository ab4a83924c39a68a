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

The CLI writes to the same store as the app (``$KZATLAS_STORE_URL``, else the SQLite file in
``$KZATLAS_DATA_DIR`` or ``data/``). "Who" is the operating-system account running the
command, with an optional ``--who`` name in front. Exit codes: 0 done, 1 refused or failed,
2 wrong usage. Errors are one line on stderr; data printed from files or the store passes
through :func:`kzatlas.safety.terminal_text`.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import NoReturn, TextIO

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


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        """Print one line about the wrong usage and exit with code 2."""
        raise CommandError(f"{message} (see {self.prog} --help)", EXIT_USAGE)


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


def _shipped_catalogue():
    from kzatlas.catalog import active_geodata_dir, load_catalogue, region_frame, shipped_feature_frame

    catalogue = load_catalogue(active_geodata_dir())
    fatal = [problem for problem in catalogue.problems if problem.fatal]
    if catalogue.manifest is None or region_frame(catalogue) is None:
        reason = fatal[0].message if fatal else "the regions layer is missing"
        raise CommandError(f"the atlas's data cannot be read: {terminal_text(reason, 200)}")
    shipped = shipped_feature_frame(catalogue)
    return catalogue, frozenset(shipped["id"])


def _secret_store_url() -> object:
    """Read ``[store] url`` from the app's ``.streamlit/secrets.toml``.

    The command line and the app then write to the same store whichever way it is configured.
    """
    import tomllib

    from kzatlas.config import ROOT_DIR

    path = ROOT_DIR / ".streamlit" / "secrets.toml"
    try:
        with path.open("rb") as handle:
            section = tomllib.load(handle).get("store")
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return section.get("url") if isinstance(section, dict) else None


def _store_url() -> str | None:
    from kzatlas import store

    return store.configured_url(_secret_store_url())


def _open_store(catalogue_ids: frozenset[str]):
    from kzatlas import store

    return store.open_store(_store_url(), catalogue_ids=catalogue_ids)


def _store_exists() -> bool:
    from kzatlas import store

    return _store_url() is not None or store.default_store_path().exists()


def _merged_catalogue(*, need_store: bool):
    """The catalogue as the app shows it, and the open store (or ``None`` when there is none yet)."""
    from kzatlas import store

    catalogue, ids = _shipped_catalogue()
    if not need_store and not _store_exists():
        return catalogue, None
    opened = _open_store(ids)
    return store.with_saved(catalogue, opened), opened


# ------------------------------------------------------------------ check and import


def _provenance(args: argparse.Namespace) -> dict:
    provenance = {}
    if args.source_url:
        provenance["source_url"] = args.source_url.strip()
    if args.source_title:
        provenance["source_title"] = args.source_title.strip()
    if args.source_date:
        provenance["source_date"] = args.source_date.strip()
    return provenance


def _defaults(args: argparse.Namespace) -> dict:
    from kzatlas.catalog import KNOWN_KINDS

    if not args.kind:
        return {}
    if args.kind not in KNOWN_KINDS:
        raise CommandError(f"--kind must be one of: {', '.join(sorted(KNOWN_KINDS))}", EXIT_USAGE)
    return {"kind": args.kind}


def _plan(args: argparse.Namespace, catalogue):
    from kzatlas.catalog import feature_frame, region_frame
    from kzatlas.ingest import check_file

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"{terminal_text(args.file, 200)}: no such file")
    return check_file(
        path,
        path.name,
        catalogue_features=feature_frame(catalogue),
        regions=region_frame(catalogue),
        provenance=_provenance(args),
        defaults=_defaults(args),
    )


def _where(row) -> str:
    where = f"feature {row.number}"
    if row.line is not None:
        where += f" (line {row.line})"
    if row.layer:
        where += f" in layer {terminal_text(row.layer, 60)}"
    return where


def print_report(plan, shown_name: str, out: TextIO) -> None:
    """Print the import report of ``plan`` as plain lines.

    Parameters
    ----------
    plan : kzatlas.ingest.ImportPlan
        The checked file.
    shown_name : str
        The file as the user named it.
    out : text stream
        Where to print.
    """
    name = terminal_text(shown_name, 200)
    if plan.refused:
        print(f"{name}: refused: {terminal_text(plan.refused, 300)}", file=out)
        return
    counts = plan.counts()
    print(f"{name}: {plan.format} file, {counts['features']} features" + (" (Protected Planet export)" if plan.is_wdpa else ""), file=out)
    print(
        f"accepted {counts['accepted']} (repaired {counts['repaired']}), rejected {counts['rejected']}; "
        f"would add {counts['added']}, change {counts['changed']}, leave {counts['left']}",
        file=out,
    )
    for note in plan.notes:
        print(f"note: {terminal_text(note, 300)}", file=out)
    for problem in plan.mapping_problems:
        print(f"column mapping: {terminal_text(problem, 300)}", file=out)
    missing = plan.missing_provenance()
    if missing:
        print(f"before importing, give: {terminal_text('; '.join(missing), 300)}", file=out)
    for match in plan.matches():
        difference = match.get("difference_pct")
        shown = "" if difference is None else f", drawn area differs from the official one by {difference} %"
        print(
            f"match: feature {match['number']} -> {terminal_text(match['catalogue_id'], 80)} "
            f"({terminal_text(match['catalogue_name'], 80)}, by {terminal_text(match['how'], 40)}{shown})",
            file=out,
        )
    for row in plan.rows:
        label = terminal_text(row.label, 80)
        if row.action == "reject":
            print(f"rejected {_where(row)} {label}: {terminal_text('; '.join(row.reasons), 400)}", file=out)
        elif row.repairs:
            print(f"{row.action} {_where(row)} {label}: {terminal_text('; '.join(row.repairs), 400)}", file=out)


def command_check(args: argparse.Namespace, out: TextIO) -> int:
    """``check FILE``: print the import report; exit 0 when something can be imported."""
    catalogue, _store = _merged_catalogue(need_store=False)
    try:
        plan = _plan(args, catalogue)
    finally:
        if _store is not None:
            _store.close()
    if args.json:
        report = plan.to_json()
        report["file"] = args.file
        json.dump(report, out, ensure_ascii=False, indent=1, default=str)
        out.write("\n")
    else:
        print_report(plan, args.file, out)
    return EXIT_OK if plan.importable else EXIT_FAILED


def _confirmed(plan, args: argparse.Namespace) -> set[str]:
    matched = {row.feature_id for row in plan.rows if row.action == "change"}
    if args.confirm_all_matches:
        return matched
    asked = set(args.confirm or ())
    unknown = sorted(asked - matched)
    if unknown:
        raise CommandError(
            f"--confirm names ids the file does not match: {terminal_text(', '.join(unknown), 200)}", EXIT_USAGE
        )
    return asked


def command_import(args: argparse.Namespace, out: TextIO) -> int:
    """``import FILE``: check the file and save what can be imported as one version."""
    who = who_for(args.who, system_user())
    if not args.comment.strip():
        raise CommandError("--comment needs a reason for the change", EXIT_USAGE)
    catalogue, opened = _merged_catalogue(need_store=not args.dry_run)
    try:
        plan = _plan(args, catalogue)
        if not plan.importable:
            print_report(plan, args.file, out)
            raise CommandError(f"{terminal_text(args.file, 200)}: nothing can be imported")
        missing = plan.missing_provenance()
        if missing:
            raise CommandError(f"before importing, give: {terminal_text('; '.join(missing), 300)}", EXIT_USAGE)
        confirmed = _confirmed(plan, args)
        records = plan.records(confirmed_ids=tuple(confirmed))
        counts = plan.counts()
        waiting = counts["changed"] - len(confirmed)
        if not records:
            raise CommandError("nothing to save: confirm the matches with --confirm ID or --confirm-all-matches")
        added = counts["added"]
        summary = f"{added} added, {len(confirmed)} catalogue areas changed, {counts['rejected']} rejected"
        if waiting:
            summary += f", {waiting} matches not confirmed (left as they are)"
        if args.dry_run:
            print(f"dry run: would save {len(records)} features ({summary}); nothing was written", file=out)
            return EXIT_OK
        change = opened.apply(
            records,
            who=who,
            comment=args.comment,
            action="import",
            source_name=plan.source_name,
            source_sha256=plan.source_sha256,
        )
    finally:
        if opened is not None:
            opened.close()
    print(f"saved version {change.version}: {len(change.feature_ids)} features ({summary})", file=out)
    return EXIT_OK


# ------------------------------------------------------------------ history, undo, export


def _change_json(change) -> dict:
    data = asdict(change)
    data["feature_ids"] = list(change.feature_ids)
    return data


def command_history(args: argparse.Namespace, out: TextIO) -> int:
    """``history``: the newest changes, newest first."""
    if args.limit < 1:
        raise CommandError("--limit must be at least 1", EXIT_USAGE)
    if not _store_exists():
        changes = []
    else:
        _catalogue, ids = _shipped_catalogue()
        with _open_store(ids) as opened:
            changes = opened.history(limit=args.limit)
    if args.json:
        json.dump([_change_json(change) for change in changes], out, ensure_ascii=False, indent=1)
        out.write("\n")
        return EXIT_OK
    if not changes:
        print("no changes saved yet", file=out)
        return EXIT_OK
    for change in changes:
        state = ""
        if change.undoes is not None:
            state = f" (undoes {change.undoes})"
        if change.undone_by is not None:
            state += f" (undone by {change.undone_by})"
        source = f" from {terminal_text(change.source_name, 80)}" if change.source_name else ""
        print(
            f"{change.version:>5}  {change.when}  {terminal_text(change.action, 10):<6}  "
            f"{len(change.feature_ids):>6} features  {terminal_text(change.who, 80)}{source}{state}: "
            f"{terminal_text(change.comment, 200)}",
            file=out,
        )
    return EXIT_OK


def command_undo(args: argparse.Namespace, out: TextIO) -> int:
    """``undo VERSION``: take one change back as a new version."""
    who = who_for(args.who, system_user())
    if not args.comment.strip():
        raise CommandError("--comment needs a reason for the undo", EXIT_USAGE)
    if not _store_exists():
        raise CommandError("no changes saved yet, so there is nothing to undo")
    _catalogue, ids = _shipped_catalogue()
    with _open_store(ids) as opened:
        change = opened.undo(args.version, who=who, comment=args.comment)
    print(f"saved version {change.version}: undoes version {args.version} ({len(change.feature_ids)} features)", file=out)
    return EXIT_OK


def command_export(args: argparse.Namespace, out: TextIO) -> int:
    """``export``: the merged catalogue with its citation, written to ``--output``."""
    from kzatlas import exports
    from kzatlas.catalog import feature_frame, region_frame

    target = Path(args.output)
    if target.exists() and not args.force:
        raise CommandError(f"{terminal_text(args.output, 200)} exists; pass --force to replace it")
    if target.exists() and not target.is_file():
        raise CommandError(f"{terminal_text(args.output, 200)} is not a file")
    catalogue, opened = _merged_catalogue(need_store=False)
    if opened is not None:
        opened.close()
    frame = feature_frame(catalogue)
    version = catalogue.store_version
    filters = f"saved edits up to store version {version}" if version else ""
    citation = exports.catalogue_citation(catalogue, EXPORT_TITLE, date.today().isoformat(), filters)
    if args.format == "geojson":
        data = exports.geojson_bytes(frame, citation)
    elif args.format == "csv":
        data = exports.csv_bytes(frame, citation)
    else:
        layers = {"features": frame}
        regions = region_frame(catalogue)
        if regions is not None:
            layers["regions"] = regions
        data = exports.gpkg_bytes(layers, citation)
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise CommandError(f"{terminal_text(args.output, 200)} cannot be written ({exc.strerror or type(exc).__name__})") from exc
    print(f"wrote {len(frame)} features to {terminal_text(args.output, 200)} ({args.format})", file=out)
    return EXIT_OK


# ------------------------------------------------------------------ the parser


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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command (usage errors exit with code 2).

    Returns
    -------
    argparse.ArgumentParser
        Sub-commands ``check``, ``import``, ``history``, ``undo`` and ``export``.
    """
    parser = _Parser(prog=PROG, description="Batch work on the Kazakhstan environment atlas's saved data.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    check = commands.add_parser("check", help="check a file; print the import report (writes nothing)")
    check.add_argument("file", metavar="FILE")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    _add_provenance_options(check, required=False)
    check.set_defaults(run=command_check)

    load = commands.add_parser("import", help="import a file as one new version")
    load.add_argument("file", metavar="FILE")
    load.add_argument("--comment", required=True, help="why the data is imported (required)")
    _add_provenance_options(load, required=True)
    load.add_argument("--who", help="your name, recorded with the system account")
    matches = load.add_mutually_exclusive_group()
    matches.add_argument("--confirm-all-matches", action="store_true", help="replace every matched catalogue area")
    matches.add_argument("--confirm", nargs="+", metavar="ID", help="catalogue ids whose match is confirmed")
    load.add_argument("--dry-run", action="store_true", help="check and count, but save nothing")
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
    return parser


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
