"""Whether a store can be trusted: the checks every backend runs, and the error they raise.

A store is checked when it is opened and again inside every write transaction, after the write
lock is taken, so a damaged store is named and nothing is written to it. SQLite runs
``PRAGMA quick_check`` (one pass over every page of the file); PostgreSQL checks that the
connection works and reads every store table end to end (see :func:`table_problems`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from kzatlas.i18n import N_
from kzatlas.store.records import StoreError

# One message for every damaged store, whatever the backend found: the details are for the
# operator (``store check`` prints them), never for the page.
DAMAGED_MESSAGE = N_(
    "The saved-data store is damaged and cannot be trusted; nothing was written. An operator can check it "
    'with "python -m kzatlas store check" and restore a backup with "python -m kzatlas store restore FILE".'
)
# The longest problem text kept from a database's own report.
_MAX_PROBLEM_CHARS = 300
# Problems listed at most (a badly damaged file can report thousands).
MAX_PROBLEMS = 20


class StoreDamagedError(StoreError):
    """The store failed its check; nothing was written.

    The message is :data:`DAMAGED_MESSAGE`; ``problems`` holds what the check found.
    """

    def __init__(self, problems: Iterable[str] = ()) -> None:
        super().__init__(DAMAGED_MESSAGE)
        self.problems = tuple(problems)


@dataclass(frozen=True)
class StoreCheck:
    """What a check looked at and what it found.

    Attributes
    ----------
    checked : tuple of str
        Plain lines naming each check, e.g. ``PRAGMA quick_check on the whole file``.
    problems : tuple of str
        What is wrong (empty when the store passed).
    seconds : float
        How long the check took.
    """

    checked: tuple[str, ...]
    problems: tuple[str, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        """Whether the store passed every check."""
        return not self.problems

    def raise_if_damaged(self) -> None:
        """Raise :class:`StoreDamagedError` when a check failed."""
        if self.problems:
            raise StoreDamagedError(self.problems)


def timed_check(checks: Callable[[list[str]], list[str]]) -> StoreCheck:
    """Run ``checks`` (which appends what it checks to the list it gets and returns problems), timed."""
    started = time.perf_counter()
    checked: list[str] = []
    problems = checks(checked)
    return StoreCheck(
        checked=tuple(checked),
        problems=tuple(text[:_MAX_PROBLEM_CHARS] for text in problems[:MAX_PROBLEMS]),
        seconds=time.perf_counter() - started,
    )


def database_problem(exc: BaseException) -> str:
    """A database error as one line for the operator (the driver's first line, no address)."""
    original = getattr(exc, "orig", None) or exc
    first = str(original).strip().splitlines()
    return f"{type(original).__name__}: {first[0] if first else 'no message'}"


def table_problems(connection: sa.Connection, tables: Iterable[sa.TableClause], checked: list[str]) -> list[str]:
    """Read each table end to end: its row count, then every row's key.

    A count scans the whole table; reading the keys walks the primary-key index, so a page that
    can no longer be read in either shows as an error here.

    Parameters
    ----------
    connection : sqlalchemy.Connection
        An open connection (inside a transaction, so the count and the keys agree).
    tables : iterable of sqlalchemy.Table or sqlalchemy.TableClause
        The tables to read.
    checked : list of str
        Gets one line per table read.

    Returns
    -------
    list of str
        One line per table that is missing or cannot be read, or whose count and keys disagree.
    """
    problems = []
    for table in tables:
        checked.append(f"table {table.name}: count and every key")
        # A lightweight ``sa.table()`` has no primary key: its first column is read instead.
        keys = list(getattr(table.primary_key, "columns", table.primary_key)) or list(table.columns)[:1]
        try:
            # A savepoint keeps the transaction usable after a failed read (PostgreSQL aborts it).
            with connection.begin_nested():
                count = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                read = sum(1 for _row in connection.execute(sa.select(*keys).order_by(*keys)))
        except sa_exc.DBAPIError as exc:
            problems.append(f"table {table.name}: {database_problem(exc)}")
            continue
        if read != count:
            problems.append(f"table {table.name}: {count} rows counted but {read} keys read")
    return problems
