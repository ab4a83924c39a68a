"""Password hashes for editor accounts: salted scrypt, checked in constant time.

A hash is one string, ``scrypt$n$r$p$salt$hash`` (salt and hash in base64), so it can be pasted
into a secrets file; ``python -m kzatlas.edit.accounts hash`` makes one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

SCHEME = "scrypt"
# scrypt cost: 16 MB of memory and about 50 ms per check on a laptop.
DEFAULT_N, DEFAULT_R, DEFAULT_P = 2**14, 8, 1
# Refuse hashes whose cost would tie up the server (a typo or a hostile secrets file).
MAX_N, MAX_R, MAX_P = 2**17, 16, 4
SALT_BYTES = 16
HASH_BYTES = 32
MAX_PASSWORD_CHARS = 1024


class PasswordHashError(ValueError):
    """A stored password hash that cannot be used (wrong format or cost out of bounds)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r + 1024 * 1024, dklen=HASH_BYTES
    )


def hash_password(password: str, *, n: int = DEFAULT_N, r: int = DEFAULT_R, p: int = DEFAULT_P) -> str:
    """Hash a password with scrypt and a fresh random salt.

    Parameters
    ----------
    password : str
        The password (at most ``MAX_PASSWORD_CHARS`` characters).
    n, r, p : int
        scrypt's cost parameters (``n`` a power of two).

    Returns
    -------
    str
        ``scrypt$n$r$p$salt$hash`` with the salt and hash in base64, for ``password_hash``.

    Raises
    ------
    ValueError
        For an empty or over-long password or costs out of bounds.
    """
    if not password or len(password) > MAX_PASSWORD_CHARS:
        raise ValueError(f"a password must have 1 to {MAX_PASSWORD_CHARS} characters")
    _check_cost(n, r, p)
    salt = secrets.token_bytes(SALT_BYTES)
    return "$".join([SCHEME, str(n), str(r), str(p), _b64(salt), _b64(_scrypt(password, salt, n, r, p))])


def _check_cost(n: int, r: int, p: int) -> None:
    if not (2 <= n <= MAX_N and n & (n - 1) == 0 and 1 <= r <= MAX_R and 1 <= p <= MAX_P):
        raise PasswordHashError("the hash's cost parameters are out of bounds")


def parse_hash(stored: str) -> tuple[int, int, int, bytes, bytes]:
    """Split a stored hash into its parts.

    Parameters
    ----------
    stored : str
        A ``password_hash`` value.

    Returns
    -------
    tuple
        ``(n, r, p, salt, digest)``.

    Raises
    ------
    PasswordHashError
        When the value is not a hash this module made.
    """
    parts = str(stored).strip().split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise PasswordHashError("the password hash is not in the form scrypt$n$r$p$salt$hash")
    try:
        n, r, p = (int(part) for part in parts[1:4] if part.isascii() and part.isdigit())
        salt = base64.b64decode(parts[4], validate=True)
        digest = base64.b64decode(parts[5], validate=True)
    except (ValueError, binascii.Error) as exc:
        raise PasswordHashError("the password hash has a part that is not a number or base64") from exc
    _check_cost(n, r, p)
    if len(salt) < 8 or len(digest) < 16:
        raise PasswordHashError("the password hash's salt or digest is too short")
    return n, r, p, salt, digest


def verify_password(password: str, stored: str) -> bool:
    """Check a password against a stored hash in constant time.

    Parameters
    ----------
    password : str
        What the person typed.
    stored : str
        The account's ``password_hash``.

    Returns
    -------
    bool
        False for a wrong password, an over-long one, or a malformed hash (never raises).
    """
    if not isinstance(password, str) or not password or len(password) > MAX_PASSWORD_CHARS:
        return False
    try:
        n, r, p, salt, digest = parse_hash(stored)
        candidate = hashlib.scrypt(
            password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r + 1024 * 1024, dklen=len(digest)
        )
    except (PasswordHashError, ValueError, MemoryError):
        return False
    return hmac.compare_digest(candidate, digest)


# A hash of nothing anyone knows: checked for unknown usernames so they take as long as known ones.
DUMMY_HASH = "$".join(
    [SCHEME, str(DEFAULT_N), str(DEFAULT_R), str(DEFAULT_P), _b64(b"\0" * SALT_BYTES), _b64(b"\0" * HASH_BYTES)]
)
