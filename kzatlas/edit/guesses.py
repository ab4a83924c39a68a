"""Counting password guesses so that a lockout holds under a crowd.

A guess is counted *before* its password hash is computed: :func:`reserve` takes a slot, and a
guess that finds no slot left is refused without any hash being run. :func:`settle` then says how
the guess ended: a right password forgets the count, the wrong one that used the last slot locks
the username. Because the slot is taken first, guesses sent at the same moment cannot all slip
past the check while the slow hash runs.

The rules are pure functions over a :class:`GuessCount`; where the counts live is the caller's
business. The server keeps them in the store (``kzatlas.store.sign_in``), so one lockout holds for
every app process and replica and survives a restart; :class:`MemoryGuesses` keeps them in one
process (tests, tools).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Protocol

# A username may make this many wrong guesses in a row before it is locked for a while.
MAX_FAILURES = 5
LOCKOUT_SECONDS = 300.0
# Wrong guesses further apart than this do not add up (a typo a week does not lock anyone out).
FORGET_AFTER_SECONDS = 3600.0


@dataclass(frozen=True)
class GuessPolicy:
    """How many wrong guesses lock a username, and for how long."""

    max_failures: int = MAX_FAILURES
    lockout_seconds: float = LOCKOUT_SECONDS
    forget_after_seconds: float = FORGET_AFTER_SECONDS


@dataclass(frozen=True)
class GuessCount:
    """What is known of one username's recent guesses.

    Attributes
    ----------
    attempts : int
        Guesses counted since the last right password or lockout, including any still being checked.
    locked_until : float
        Seconds since the epoch until which guesses are refused (0 when not locked).
    last_at : float
        When the last guess was counted.
    """

    attempts: int = 0
    locked_until: float = 0.0
    last_at: float = 0.0


def reserve(count: GuessCount | None, now: float, policy: GuessPolicy) -> tuple[GuessCount, float]:
    """Take a slot for one guess.

    Parameters
    ----------
    count : GuessCount or None
        The username's count (None when it has none).
    now : float
        Seconds since the epoch.
    policy : GuessPolicy
        The limits.

    Returns
    -------
    tuple
        The new count to keep, and the seconds the username stays locked: 0 means the password
        may be checked now; more means it must not be.
    """
    count = count or GuessCount()
    if count.locked_until > now:
        return count, count.locked_until - now
    attempts = count.attempts if now - count.last_at <= policy.forget_after_seconds else 0
    attempts += 1
    if attempts > policy.max_failures:
        # Every slot is held by a guess already being checked: this one locks the name at once.
        return GuessCount(0, now + policy.lockout_seconds, now), policy.lockout_seconds
    return GuessCount(attempts, 0.0, now), 0.0


def settle(count: GuessCount | None, now: float, right: bool, policy: GuessPolicy) -> tuple[GuessCount | None, float]:
    """Record how a guess that had a slot ended.

    Returns
    -------
    tuple
        The count to keep (None: forget the username) and the seconds it is locked now.
    """
    if right:
        return None, 0.0
    count = count or GuessCount(1, 0.0, now)
    if count.locked_until > now:
        return count, count.locked_until - now
    if count.attempts >= policy.max_failures:
        return GuessCount(0, now + policy.lockout_seconds, now), policy.lockout_seconds
    return count, 0.0


class GuessLedger(Protocol):
    """Where the counts are kept: each call is one atomic step for one username."""

    def reserve(self, username: str) -> float:
        """Take a slot for a guess; the seconds the username is locked (0: check the password)."""

    def settle(self, username: str, right: bool) -> float:
        """Say how the guess ended; the seconds the username is locked now."""

    def unlock(self, username: str) -> bool:
        """Forget the username's count and lock; whether there was one."""


class MemoryGuesses:
    """A :class:`GuessLedger` in this process only (a restart forgets it)."""

    def __init__(self, policy: GuessPolicy | None = None, clock: Callable[[], float] = time.time) -> None:
        self.policy = policy or GuessPolicy()
        self._clock = clock
        self._counts: dict[str, GuessCount] = {}
        self._lock = threading.Lock()

    def reserve(self, username: str) -> float:
        """See :meth:`GuessLedger.reserve`."""
        with self._lock:
            self._counts[username], locked = reserve(self._counts.get(username), self._clock(), self.policy)
            return locked

    def settle(self, username: str, right: bool) -> float:
        """See :meth:`GuessLedger.settle`."""
        with self._lock:
            kept, locked = settle(self._counts.get(username), self._clock(), right, self.policy)
            if kept is None:
                self._counts.pop(username, None)
            else:
                self._counts[username] = kept
            return locked

    def unlock(self, username: str) -> bool:
        """See :meth:`GuessLedger.unlock`."""
        with self._lock:
            return self._counts.pop(username, None) is not None


class StoreGuesses:
    """A :class:`GuessLedger` kept in the store: shared by every app process, kept across restarts.

    Parameters
    ----------
    store : kzatlas.store.sql.SqlStore
        The server's store (its ``update_sign_in_count`` applies one step atomically).
    policy : GuessPolicy, optional
        The limits.
    clock : callable, optional
        Seconds since the epoch; wall-clock time, since several servers share the counts.

    Raises
    ------
    StoreError
        From every method, when the store cannot be written: the guess is then not checked.
    """

    def __init__(self, store, policy: GuessPolicy | None = None, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.policy = policy or GuessPolicy()
        self._clock = clock

    def _apply(self, username: str, rule: Callable[[GuessCount | None, float], tuple[GuessCount | None, float]]):
        now = self._clock()

        def step(row: dict | None) -> tuple[dict | None, float]:
            kept, locked = rule(GuessCount(**row) if row else None, now)
            return (None if kept is None else asdict(kept)), locked

        forget_before = now - max(self.policy.forget_after_seconds, self.policy.lockout_seconds)
        return self.store.update_sign_in_count(username, step, forget_before=forget_before)

    def reserve(self, username: str) -> float:
        """See :meth:`GuessLedger.reserve`."""
        return self._apply(username, lambda count, now: reserve(count, now, self.policy))

    def settle(self, username: str, right: bool) -> float:
        """See :meth:`GuessLedger.settle`."""
        return self._apply(username, lambda count, now: settle(count, now, right, self.policy))

    def unlock(self, username: str) -> bool:
        """See :meth:`GuessLedger.unlock`."""
        return self._apply(username, lambda count, now: (None, count is not None))

    def locked(self) -> list[tuple[str, float]]:
        """Usernames locked now with the seconds each has left."""
        return self.store.locked_sign_ins(self._clock())
