"""The store's part of the sign-in lockout: one username's count, read and rewritten atomically.

The rules live in ``kzatlas.edit.guesses``; here a step is applied to the row inside one write
transaction, which takes the backend's write lock (SQLite ``BEGIN IMMEDIATE``, PostgreSQL's
advisory lock), so two app processes counting the same username take turns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import TypeVar

import sqlalchemy as sa

from kzatlas.store.schema import sign_in_guesses

Result = TypeVar("Result")
Count = dict[str, float]
Step = Callable[[Count | None], tuple[Count | None, Result]]
Transaction = Callable[..., AbstractContextManager[sa.Connection]]

_FIELDS = ("attempts", "locked_until", "last_at")


def update_count(transaction: Transaction, username: str, step: Step, *, forget_before: float) -> Result:
    """Apply ``step`` to ``username``'s count in one write transaction.

    Parameters
    ----------
    transaction : callable
        The store's transaction factory, called as ``transaction(write=True)``.
    username : str
        The name that was typed (at most 64 characters).
    step : callable
        Takes the count (``attempts``, ``locked_until``, ``last_at``; None when there is none) and
        returns the count to keep (None deletes it) and a result to hand back.
    forget_before : float
        Counts of other usernames last touched before this moment and not locked are deleted, so
        names typed once do not pile up.

    Returns
    -------
    object
        What ``step`` returned as its result.

    Raises
    ------
    StoreError
        When the store cannot be written (nothing changed).
    """
    key = sign_in_guesses.c.username == username
    with transaction(write=True) as connection:
        row = connection.execute(sa.select(*(sign_in_guesses.c[name] for name in _FIELDS)).where(key)).first()
        kept, result = step(dict(row._mapping) if row is not None else None)
        if kept is None:
            if row is not None:
                connection.execute(sa.delete(sign_in_guesses).where(key))
        else:
            values = {name: kept[name] for name in _FIELDS}
            if row is None:
                connection.execute(sa.insert(sign_in_guesses).values(username=username, **values))
            else:
                connection.execute(sa.update(sign_in_guesses).where(key).values(**values))
        connection.execute(
            sa.delete(sign_in_guesses).where(
                sign_in_guesses.c.last_at < forget_before,
                sign_in_guesses.c.locked_until < forget_before,
                sign_in_guesses.c.username != username,
            )
        )
    return result


def locked_usernames(transaction: Transaction, now: float) -> Iterator[tuple[str, float]]:
    """Usernames locked at ``now`` and the seconds each has left, for an operator."""
    with transaction(write=False) as connection:
        rows = connection.execute(
            sa.select(sign_in_guesses.c.username, sign_in_guesses.c.locked_until)
            .where(sign_in_guesses.c.locked_until > now)
            .order_by(sign_in_guesses.c.username)
        ).all()
    for username, until in rows:
        yield username, until - now
