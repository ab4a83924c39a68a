"""The database triggers a GeoPackage may carry, each known by its table, its name and its SQL.

A trigger runs SQL whenever its table is written, so a GeoPackage is read only when every
trigger in it is one the format itself defines, written the way the format writes it:

- the R-tree spatial index triggers of the GeoPackage standard, for a geometry column whose
  index is registered in ``gpkg_extensions`` and whose ``rtree_<t>_<c>`` table exists (the
  1.0 to 1.3 set, ``insert``, ``update1`` to ``update4`` and ``delete``, and the 1.4 set, which
  replaces ``update1`` and ``update3`` with ``update5`` to ``update7``);
- the checks on ``gpkg_tile_matrix``, ``gpkg_metadata`` and ``gpkg_metadata_reference`` from the
  standard's trigger annex (GDAL writes the tile matrix checks into every GeoPackage, and GDAL 2
  wrote the metadata checks into files with metadata; GeoPackage 1.3 dropped the latter);
- the feature count triggers ``trigger_insert_feature_count_<t>`` and
  ``trigger_delete_feature_count_<t>`` that GDAL adds to a table listed in ``gpkg_contents``.

A trigger's SQL is compared with the expected SQL token by token: whitespace, the letter case of
keywords (and of the SQL functions the triggers call) and the quoting of identifiers may differ,
nothing else. A hostile trigger that only borrows a standard name is therefore still refused.

Sources: OGC GeoPackage Encoding Standard (OGC 12-128), "RTree Spatial Indexes" extension,
https://www.geopackage.org/spec131/index.html#extension_rtree (1.0 to 1.3 trigger set) and
https://www.geopackage.org/spec140/index.html#extension_rtree (1.4 trigger set); trigger
definition annex of GeoPackage 1.2, https://www.geopackage.org/spec120/index.html (tile matrix
and metadata checks).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from kzatlas.ingest.readers.sql_tokens import Token, normalise_sql, quote_name, quote_text

# A trigger longer than this cannot be one of the format's own (the longest, for a table and a
# column with the longest names SQLite users write, stays far below it); it is refused without
# being read further, so a hostile file cannot make the check slow.
MAX_TRIGGER_SQL_CHARS = 20_000
# Rows read from gpkg_contents and gpkg_extensions; a file with more is refused later anyway
# (it holds more layers than an import accepts), and none of its triggers is then accepted
# on account of a row past this bound.
MAX_CATALOGUE_ROWS = 1_000

# ------------------------------------------------------------------ R-tree spatial index
# The standard's templates, with <t> the feature table, <c> its geometry column, <i> its integer
# primary key column, <rtree> the index table rtree_<t>_<c> and <trigger> the trigger's name.
_BOX = "ST_MinX(NEW.<c>), ST_MaxX(NEW.<c>), ST_MinY(NEW.<c>), ST_MaxY(NEW.<c>)"
_NEW_FILLED = "(NEW.<c> NOTNULL AND NOT ST_IsEmpty(NEW.<c>))"
_NEW_EMPTY = "(NEW.<c> ISNULL OR ST_IsEmpty(NEW.<c>))"
_INDEX_NEW = f"INSERT OR REPLACE INTO <rtree> VALUES (NEW.<i>, {_BOX});"
_UNINDEX_OLD = "DELETE FROM <rtree> WHERE id = OLD.<i>;"

RTREE_TRIGGERS: dict[str, tuple[str, ...]] = {
    "insert": (
        "CREATE TRIGGER <trigger> AFTER INSERT ON <t> WHEN (new.<c> NOT NULL AND NOT ST_IsEmpty(NEW.<c>)) "
        f"BEGIN {_INDEX_NEW} END",
    ),
    # GeoPackage 1.0 to 1.3.
    "update1": (
        f"CREATE TRIGGER <trigger> AFTER UPDATE OF <c> ON <t> WHEN OLD.<i> = NEW.<i> AND {_NEW_FILLED} BEGIN {_INDEX_NEW} END",
    ),
    "update2": (
        f"CREATE TRIGGER <trigger> AFTER UPDATE OF <c> ON <t> WHEN OLD.<i> = NEW.<i> AND {_NEW_EMPTY} BEGIN {_UNINDEX_OLD} END",
    ),
    # The standard up to 1.3 fires update3 on a change of the geometry column only; it is meant
    # for any change of the key, which is how GDAL writes it and what 1.4 renamed update5.
    "update3": tuple(
        f"CREATE TRIGGER <trigger> AFTER UPDATE {of} ON <t> WHEN OLD.<i> != NEW.<i> AND {_NEW_FILLED} "
        f"BEGIN {_UNINDEX_OLD} {_INDEX_NEW} END"
        for of in ("OF <c>", "")
    ),
    "update4": (
        f"CREATE TRIGGER <trigger> AFTER UPDATE ON <t> WHEN OLD.<i> != NEW.<i> AND {_NEW_EMPTY} "
        "BEGIN DELETE FROM <rtree> WHERE id IN (OLD.<i>, NEW.<i>); END",
    ),
    # GeoPackage 1.4.
    "update5": (
        f"CREATE TRIGGER <trigger> AFTER UPDATE ON <t> WHEN OLD.<i> != NEW.<i> AND {_NEW_FILLED} "
        f"BEGIN {_UNINDEX_OLD} {_INDEX_NEW} END",
    ),
    "update6": (
        f"CREATE TRIGGER <trigger> AFTER UPDATE OF <c> ON <t> WHEN OLD.<i> = NEW.<i> AND {_NEW_FILLED} "
        "AND (OLD.<c> NOTNULL AND NOT ST_IsEmpty(OLD.<c>)) BEGIN UPDATE <rtree> SET minx = ST_MinX(NEW.<c>), "
        "maxx = ST_MaxX(NEW.<c>), miny = ST_MinY(NEW.<c>), maxy = ST_MaxY(NEW.<c>) WHERE id = NEW.<i>; END",
    ),
    "update7": (
        f"CREATE TRIGGER <trigger> AFTER UPDATE OF <c> ON <t> WHEN OLD.<i> = NEW.<i> AND {_NEW_FILLED} "
        f"AND (OLD.<c> ISNULL OR ST_IsEmpty(OLD.<c>)) BEGIN INSERT INTO <rtree> VALUES (NEW.<i>, {_BOX}); END",
    ),
    "delete": (
        "CREATE TRIGGER <trigger> AFTER DELETE ON <t> WHEN old.<c> NOT NULL BEGIN DELETE FROM <rtree> WHERE id = OLD.<i>; END",
    ),
}

# GDAL's running feature count in gpkg_ogr_contents (<text> is the table name as SQL text).
COUNT_TRIGGERS: dict[str, tuple[str, str]] = {
    "trigger_insert_feature_count_": ("INSERT", "+"),
    "trigger_delete_feature_count_": ("DELETE", "-"),
}
_COUNT_TEMPLATE = (
    "CREATE TRIGGER <trigger> AFTER <event> ON <t> BEGIN UPDATE gpkg_ogr_contents "
    "SET feature_count = feature_count <sign> 1 WHERE lower(table_name) = lower(<text>); END"
)


def _fill(template: str, **names: str) -> str:
    """The template with each <key> replaced in one pass (a name may itself hold "<c>")."""
    return re.sub(r"<(\w+)>", lambda match: names[match.group(1)], template)


# ------------------------------------------------------------------ the standard's checks
# Each check raises an error when a row breaks a rule of the table; they only ever stop a write.
_TILE_MATRIX_RULES = (
    ("zoom_level", "zoom_level cannot be less than 0", "(NEW.zoom_level < 0)"),
    ("matrix_width", "matrix_width cannot be less than 1", "(NEW.matrix_width < 1)"),
    ("matrix_height", "matrix_height cannot be less than 1", "(NEW.matrix_height < 1)"),
    ("pixel_x_size", "pixel_x_size must be greater than 0", "NOT (NEW.pixel_x_size > 0)"),
    ("pixel_y_size", "pixel_y_size must be greater than 0", "NOT (NEW.pixel_y_size > 0)"),
)

_MD_SCOPES = (
    "undefined fieldSession collectionSession series dataset featureType feature attributeType attribute tile "
    "model catalogue schema taxonomy software service collectionHardware nonGeographicDataset dimensionGroup"
).split()
# The standard's message lists "taxonomy software" without a bar between them.
_MD_SCOPE_MESSAGE = "md_scope must be one of " + " | ".join(_MD_SCOPES).replace(
    "taxonomy | software", "taxonomy software"
)
_MD_SCOPE_RULE = "NOT(NEW.md_scope IN (" + ",".join(quote_text(scope) for scope in _MD_SCOPES) + "))"

_REF_SCOPES = "('geopackage','table','column','row','row/col')"
_COLUMN_DEFINED = (
    "(NEW.reference_scope IN ('column','row/col') AND NOT NEW.table_name IN (SELECT name FROM SQLITE_MASTER "
    "WHERE type = 'table' AND name = NEW.table_name AND sql LIKE ('%' || NEW.column_name || '%')))"
)
_ROW_ID_NULL = "NEW.reference_scope IN ('geopackage','table','column') AND NEW.row_id_value IS NOT NULL"
_ROW_ID_EXISTS = (
    "NEW.reference_scope IN ('row','row/col') AND NOT EXISTS (SELECT rowid FROM "
    "(SELECT NEW.table_name AS table_name) WHERE rowid = NEW.row_id_value)"
)
_TIMESTAMP_RULE = "NOT (NEW.timestamp GLOB '{pattern}' AND strftime('%s',NEW.timestamp) NOT NULL)"
# The day of month as the standard's text writes it, and as written by GDAL.
_TIMESTAMP_PATTERNS = tuple(
    f"[1-2][0-9][0-9][0-9]-[0-1][0-9]-{day}[0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z"
    for day in ("[1-3]", "[0-3]")
)


@dataclass(frozen=True)
class Check:
    """One ``SELECT RAISE(ABORT, ...)`` of a check trigger: its message after the event words, and its rule."""

    message: str
    rule: str


def _check_trigger(table: str, column: str, event: str, checks: Iterable[Check]) -> str:
    """A check trigger's SQL: ``event`` is ``insert`` or ``update``, the name is ``<table>_<column>_<event>``."""
    when = "BEFORE INSERT" if event == "insert" else f"BEFORE UPDATE OF {quote_name(column)}"
    body = " ".join(
        f"SELECT RAISE(ABORT, {quote_text(f'{event} on table {check.message}')}) WHERE {check.rule};"
        for check in checks
    )
    name = quote_name(f"{table}_{column}_{event}")
    return f"CREATE TRIGGER {name} {when} ON {quote_name(table)} FOR EACH ROW BEGIN {body} END"


def _standard_checks() -> dict[str, tuple[str, list[str]]]:
    """Trigger name -> (its table, the SQL texts accepted for it)."""
    found: dict[str, tuple[str, list[str]]] = {}

    def add(table: str, column: str, variants: Iterable[tuple[str, Iterable[Check]]]) -> None:
        for event, checks in variants:
            name = f"{table}_{column}_{event}"
            found.setdefault(name, (table, []))[1].append(_check_trigger(table, column, event, checks))

    tm = "'gpkg_tile_matrix' violates constraint: "
    for column, message, rule in _TILE_MATRIX_RULES:
        add("gpkg_tile_matrix", column, [(event, [Check(tm + message, rule)]) for event in ("insert", "update")])

    md = "gpkg_metadata violates constraint: "
    add(
        "gpkg_metadata",
        "md_scope",
        [(event, [Check(md + _MD_SCOPE_MESSAGE, _MD_SCOPE_RULE)]) for event in ("insert", "update")],
    )

    ref = "gpkg_metadata_reference violates constraint: "
    # The standard's insert message lacks the quote before table"; its update message spells
    # "referrence_scope" where GDAL wrote "reference_scope".
    scope_messages = {
        "insert": ['reference_scope must be one of "geopackage", table", "column", "row", "row/col"'],
        "update": [
            f'{word} must be one of "geopackage", "table", "column", "row", "row/col"'
            for word in ("reference_scope", "referrence_scope")
        ],
    }
    add(
        "gpkg_metadata_reference",
        "reference_scope",
        [
            (event, [Check(ref + message, f"NOT NEW.reference_scope IN {_REF_SCOPES}")])
            for event in scope_messages
            for message in scope_messages[event]
        ],
    )
    column_null = 'column name must be NULL when reference_scope is "geopackage", "table" or "row"'
    column_defined = 'column name must be defined for the specified table when reference_scope is "column" or "row/col"'
    # The standard's update text runs "column_nameIS" together; GDAL writes it apart.
    add(
        "gpkg_metadata_reference",
        "column_name",
        [
            (
                event,
                [
                    Check(
                        ref + column_null,
                        f"(NEW.reference_scope IN ('geopackage','table','row') AND NEW.{spelling} NOT NULL)",
                    ),
                    Check(ref + column_defined, _COLUMN_DEFINED),
                ],
            )
            for event in ("insert", "update")
            for spelling in ("column_name IS", "column_nameIS")
        ],
    )
    row_null = 'row_id_value must be NULL when reference_scope is "geopackage", "table" or "column"'
    row_exists = 'row_id_value must exist in specified table when reference_scope is "row" or "row/col"'
    # The standard's text has a second check; GDAL writes the first alone.
    add(
        "gpkg_metadata_reference",
        "row_id_value",
        [
            (event, checks)
            for event in ("insert", "update")
            for checks in (
                [Check(ref + row_null, _ROW_ID_NULL), Check(ref + row_exists, _ROW_ID_EXISTS)],
                [Check(ref + row_null, _ROW_ID_NULL)],
            )
        ],
    )
    stamp = 'timestamp must be a valid time in ISO 8601 "yyyy-mm-ddThh{0}mm{0}ss.cccZ" form'
    add(
        "gpkg_metadata_reference",
        "timestamp",
        [
            (event, [Check(ref + stamp.format(separator), _TIMESTAMP_RULE.format(pattern=pattern))])
            for event in ("insert", "update")
            for separator in ("-", ":")
            for pattern in _TIMESTAMP_PATTERNS
        ],
    )
    return found


_STANDARD_CHECKS = {
    name: (table, frozenset(filter(None, map(normalise_sql, texts))))
    for name, (table, texts) in _standard_checks().items()
}


# ------------------------------------------------------------------ reading the file
@dataclass(frozen=True)
class Trigger:
    """A trigger as the database lists it."""

    name: str
    table: str
    sql: str


def _rows(connection: sqlite3.Connection, sql: str, *params: object) -> list[tuple]:
    return connection.execute(sql, params).fetchmany(MAX_CATALOGUE_ROWS)


def _integer_key(connection: sqlite3.Connection, table: str) -> str | None:
    """The table's integer primary key column, as the standard requires a feature table to have."""
    keys = [row for row in _rows(connection, "SELECT name, type, pk FROM pragma_table_info(?)", table) if row[2]]
    if len(keys) == 1 and str(keys[0][1]).upper() == "INTEGER":
        return str(keys[0][0])
    return None


@dataclass(frozen=True)
class SpatialIndex:
    """A registered R-tree index: its feature table, geometry column and the table's integer key."""

    table: str
    column: str
    key: str

    def accepted(self, suffix: str) -> frozenset:
        """The normalised SQL the standard gives the index's trigger ``rtree_<t>_<c>_<suffix>``."""
        rtree = f"rtree_{self.table}_{self.column}"
        names = {
            "trigger": quote_name(f"{rtree}_{suffix}"),
            "t": quote_name(self.table),
            "c": quote_name(self.column),
            "i": quote_name(self.key),
            "rtree": quote_name(rtree),
        }
        return frozenset(filter(None, (normalise_sql(_fill(text, **names)) for text in RTREE_TRIGGERS[suffix])))


def _expected_rtree(
    connection: sqlite3.Connection, tables: set[str], trigger_names: set[str]
) -> dict[str, list[tuple[SpatialIndex, str]]]:
    """Trigger name -> (index, suffix) for the registered spatial indexes whose tables exist.

    Only indexes that one of ``trigger_names`` could belong to are looked at further, so a file
    that registers many indexes costs no more than the triggers it holds.
    """
    expected: dict[str, list[tuple[SpatialIndex, str]]] = {}
    if "gpkg_extensions" not in tables:
        return expected
    registered = _rows(
        connection,
        "SELECT table_name, column_name FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'",
    )
    for table, column in registered:
        if not isinstance(table, str) or not isinstance(column, str):
            continue
        rtree = f"rtree_{table}_{column}"
        named = [suffix for suffix in RTREE_TRIGGERS if f"{rtree}_{suffix}" in trigger_names]
        if not named or table not in tables or rtree not in tables:
            continue
        key = _integer_key(connection, table)
        if key is None:
            continue
        for suffix in named:
            expected.setdefault(f"{rtree}_{suffix}", []).append((SpatialIndex(table, column, key), suffix))
    return expected


def _is_feature_count(trigger: Trigger, contents: set[str], tokens: tuple[Token, ...]) -> bool:
    for prefix, (event, sign) in COUNT_TRIGGERS.items():
        if trigger.name == prefix + trigger.table and trigger.table in contents:
            text = _fill(
                _COUNT_TEMPLATE,
                trigger=quote_name(trigger.name),
                event=event,
                t=quote_name(trigger.table),
                sign=sign,
                text=quote_text(trigger.table),
            )
            return normalise_sql(text) == tokens
    return False


def foreign_triggers(connection: sqlite3.Connection, tables: set[str]) -> list[str]:
    """The names of the triggers in the GeoPackage that are not exactly the format's own.

    Parameters
    ----------
    connection : sqlite3.Connection
        The GeoPackage, opened read-only.
    tables : set of str
        The names of its tables (``gpkg_contents`` among them).

    Returns
    -------
    list of str
        Every trigger whose table, name or SQL differs from what the standard (or GDAL's
        feature count) defines; empty for a plain GeoPackage.

    Raises
    ------
    sqlite3.Error
        When the database cannot be read.
    """
    triggers = [
        Trigger(str(name), str(table), sql if isinstance(sql, str) else "")
        for name, table, sql in connection.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
        )
    ]
    if not triggers:
        return []
    contents = {str(row[0]) for row in _rows(connection, "SELECT table_name FROM gpkg_contents")}
    rtree = _expected_rtree(connection, tables, {trigger.name for trigger in triggers})
    foreign = []
    for trigger in triggers:
        tokens = normalise_sql(trigger.sql) if len(trigger.sql) <= MAX_TRIGGER_SQL_CHARS else None
        if tokens is None or not _is_own(trigger, tokens, rtree, contents):
            foreign.append(trigger.name)
    return foreign


def _is_own(trigger: Trigger, tokens: tuple[Token, ...], rtree: dict, contents: set[str]) -> bool:
    """Whether the trigger is one of the format's own, on its own table, with the standard's SQL."""
    standard = _STANDARD_CHECKS.get(trigger.name)
    if standard is not None and standard[0] == trigger.table and tokens in standard[1]:
        return True
    for index, suffix in rtree.get(trigger.name, []):
        if index.table == trigger.table and tokens in index.accepted(suffix):
            return True
    return _is_feature_count(trigger, contents, tokens)
