"""The bodies of the ``python -m kzatlas`` commands: check, import, history, undo, export.

Each takes the parsed arguments and the stream its report goes to, and returns the exit code;
a refusal is raised as :class:`~kzatlas.cli.context.CommandError`.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TextIO

from kzatlas.cli.context import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    EXPORT_TITLE,
    CommandError,
    merged_catalogue,
    open_store,
    shipped_catalogue,
    store_exists,
    system_user,
    who_for,
)
from kzatlas.ingest import encodings
from kzatlas.safety import terminal_text

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


def _header_rows(args: argparse.Namespace) -> tuple[int, int] | None:
    """``--header-row N`` or ``N-M`` (M is N or N+1) as the header's first and last row."""
    text = (getattr(args, "header_row", None) or "").strip()
    if not text:
        return None
    first, _dash, last = text.partition("-")
    if not first.isdigit() or (last and not last.isdigit()):
        raise CommandError("--header-row must be a row number N, or N-M for a header over two rows", EXIT_USAGE)
    header = (int(first), int(last or first))
    if header[0] < 1 or header[1] not in (header[0], header[0] + 1):
        raise CommandError("--header-row N-M: M must be N or N+1 (a header spans one or two rows)", EXIT_USAGE)
    return header


def _column_mapping(args: argparse.Namespace) -> dict | None:
    """``--map COLUMN=FIELD`` options as field to column."""
    from kzatlas.ingest.columns import TARGETS

    mapping = {}
    for item in getattr(args, "map", None) or []:
        column, equals, target = item.rpartition("=")
        if not equals or not column or target.strip() not in TARGETS:
            raise CommandError(
                f"--map needs COLUMN=FIELD with FIELD one of: {', '.join(TARGETS)} (got {terminal_text(item, 80)})",
                EXIT_USAGE,
            )
        mapping[target.strip()] = column
    return mapping or None


def _plan(args: argparse.Namespace, catalogue):
    from kzatlas.ingest import with_swapped_coordinates

    plan = _read_plan(args, catalogue)
    if getattr(args, "swap_coordinates", False) and not plan.refused:
        plan = with_swapped_coordinates(plan)
    return plan


def _read_plan(args: argparse.Namespace, catalogue):
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
        encoding=getattr(args, "encoding", None),
        sheet=getattr(args, "sheet", None),
        header=_header_rows(args),
        mapping=_column_mapping(args),
    )


def _where(row) -> str:
    where = f"feature {row.number}"
    if row.line is not None:
        where += f" (line {row.line})"
    if row.layer:
        where += f" in layer '{terminal_text(row.layer, 60)}'"
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
        f"accepted {counts['accepted']} (repaired {counts['repaired']}, with notes {counts['noted']}), "
        f"rejected {counts['rejected']}; would add {counts['added']}, correct {counts['updated']}, "
        f"change {counts['changed']}, leave {counts['left']}",
        file=out,
    )
    if plan.needs_kind:
        from kzatlas.config import KINDS

        print(
            "no kind is given for some rows, so they are rejected: choose a kind for all rows with "
            f"--kind KIND (one of: {', '.join(KINDS)})",
            file=out,
        )
    encoding = encodings.plan_encoding(plan)
    if encoding:
        print(f"text encoding: {encoding['label']} ({terminal_text(encoding['how'], 60)})", file=out)
    if plan.sheets:
        others = [sheet for sheet in plan.sheets if sheet != plan.sheet]
        shown = f"; other sheets: {terminal_text(', '.join(others), 200)} (choose with --sheet)" if others else ""
        print(f"sheet: {terminal_text(plan.sheet, 80)}{shown}", file=out)
    if plan.header:
        rows = "-".join(str(line) for line in dict.fromkeys(plan.header))
        print(f"header: row {rows} (choose another with --header-row)", file=out)
    for note in plan.notes:
        print(f"note: {terminal_text(note, 300)}", file=out)
    if plan.swap_suggested:
        print("hint: run again with --swap-coordinates to exchange latitude and longitude", file=out)
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
            continue
        if row.repairs:
            print(f"{row.action} {_where(row)} {label}: repaired: {terminal_text('; '.join(row.repairs), 400)}", file=out)
        if row.notes:
            print(f"{row.action} {_where(row)} {label}: {terminal_text('; '.join(row.notes), 400)}", file=out)


def command_check(args: argparse.Namespace, out: TextIO) -> int:
    """``check FILE``: print the import report; exit 0 when something can be imported."""
    catalogue, _store = merged_catalogue(need_store=False)
    try:
        plan = _plan(args, catalogue)
    finally:
        if _store is not None:
            _store.close()
    if args.json:
        report = plan.to_json()
        report["file"] = args.file
        report["encoding"] = encodings.plan_encoding(plan)
        report["garbled_columns"] = encodings.plan_garbled(plan)
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


def _refuse_garbled_text(plan, args: argparse.Namespace) -> None:
    """Text that looks garbled is saved only with ``--confirm-text``; another ``--encoding`` may read it right."""
    garbled = encodings.plan_garbled(plan)
    if garbled and not args.confirm_text:
        raise CommandError(
            f"the text of {terminal_text(', '.join(garbled), 200)} looks garbled: choose the file's encoding with "
            "--encoding NAME, or check the text (see 'check') and confirm it with --confirm-text",
            EXIT_USAGE,
        )


def command_import(args: argparse.Namespace, out: TextIO) -> int:
    """``import FILE``: check the file and save what can be imported as one version."""
    who = who_for(args.who, system_user())
    if not args.comment.strip():
        raise CommandError("--comment needs a reason for the change", EXIT_USAGE)
    catalogue, opened = merged_catalogue(need_store=not args.dry_run)
    try:
        plan = _plan(args, catalogue)
        _refuse_garbled_text(plan, args)
        if plan.mapping_problems:
            raise CommandError(f"--map: {terminal_text('; '.join(plan.mapping_problems), 300)}", EXIT_USAGE)
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
        summary = (
            f"{added} added, {counts['updated']} corrected, {len(confirmed)} catalogue areas changed, "
            f"{counts['rejected']} rejected"
        )
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
    if not store_exists():
        changes = []
    else:
        _catalogue, ids = shipped_catalogue()
        with open_store(ids) as opened:
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
    if not store_exists():
        raise CommandError("no changes saved yet, so there is nothing to undo")
    _catalogue, ids = shipped_catalogue()
    with open_store(ids) as opened:
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
    catalogue, opened = merged_catalogue(need_store=False)
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
