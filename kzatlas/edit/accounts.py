"""Who may change the atlas's data: editor accounts, password hashes and a guard against guessing.

Editors are configured in Streamlit's secrets (``.streamlit/secrets.toml``, never in git)::

    [editors]
    emails = ["officer@undp.org"]          # accounts of the identity provider (st.login)

    [editors.aigerim]
    name = "Aigerim Sadykova"
    password_hash = "scrypt$16384$8$1$...$..."

A password is kept only as a salted scrypt hash, made by ``python -m kzatlas.edit.accounts hash``.
Nothing here imports Streamlit: the UI layer hands the secrets over as a plain mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from kzatlas.edit.guesses import GuessLedger, MemoryGuesses
from kzatlas.edit.passwords import (
    DUMMY_HASH,
    MAX_PASSWORD_CHARS,
    PasswordHashError,
    hash_password,
    parse_hash,
    verify_password,
)
from kzatlas.i18n import N_
from kzatlas.store import StoreError

__all__ = [
    "MAX_PASSWORD_CHARS",
    "Account",
    "Editor",
    "EditorDirectory",
    "GuessLedger",
    "MemoryGuesses",
    "PasswordHashError",
    "SignInResult",
    "hash_password",
    "main",
    "parse_hash",
    "provider_editor",
    "read_directory",
    "sign_in",
    "verify_password",
]

MIN_PASSWORD_CHARS = 12
MAX_USERNAME_CHARS = 64
MAX_NAME_CHARS = 120
EMAILS_KEY = "emails"

METHOD_PASSWORD = "password"
METHOD_PROVIDER = "provider"


@dataclass(frozen=True)
class Editor:
    """A signed-in editor.

    Attributes
    ----------
    username : str
        The account name (password sign-in) or the e-mail address (identity provider).
    name : str
        The person's name as shown in the history.
    method : str
        ``password`` or ``provider``.
    """

    username: str
    name: str
    method: str

    @property
    def who(self) -> str:
        """What the store records as the author of a change, e.g. ``Aigerim Sadykova (aigerim)``."""
        if self.name and self.name != self.username:
            return f"{self.name} ({self.username})"[:200]
        return self.username[:200]


@dataclass(frozen=True)
class Account:
    """One editor account that signs in with a password."""

    username: str
    name: str
    password_hash: str


@dataclass(frozen=True)
class EditorDirectory:
    """The editors configured for this server.

    Attributes
    ----------
    accounts : dict
        Username to :class:`Account` (password sign-in).
    emails : frozenset of str
        Lower-cased e-mail addresses allowed to edit after signing in with the identity provider.
    problems : tuple of str
        Entries that were ignored and why (safe to show to an administrator).
    """

    accounts: Mapping[str, Account] = field(default_factory=dict)
    emails: frozenset[str] = frozenset()
    problems: tuple[str, ...] = ()

    @property
    def has_accounts(self) -> bool:
        """Whether anyone can sign in with a password."""
        return bool(self.accounts)

    def allows(self, editor: Editor | None) -> bool:
        """Whether ``editor`` is still an editor here (re-checked before every write).

        Parameters
        ----------
        editor : Editor or None
            The person the page believes is signed in.

        Returns
        -------
        bool
            True only for a configured account or an allowlisted e-mail address.
        """
        if editor is None:
            return False
        if editor.method == METHOD_PASSWORD:
            return editor.username in self.accounts
        if editor.method == METHOD_PROVIDER:
            return editor.username.strip().lower() in self.emails
        return False


# ---------------------------------------------------------------- the directory


def read_directory(editors: Mapping | None) -> EditorDirectory:
    """Read the ``[editors]`` table of the secrets.

    Parameters
    ----------
    editors : Mapping or None
        ``emails`` (a list of addresses for identity-provider sign-in) and one table per
        password account with ``password_hash`` and optionally ``name``.

    Returns
    -------
    EditorDirectory
        The usable accounts and addresses; each entry left out is named in ``problems``.
    """
    if not isinstance(editors, Mapping):
        return EditorDirectory()
    accounts: dict[str, Account] = {}
    emails: set[str] = set()
    problems: list[str] = []
    for key, value in editors.items():
        key = str(key)
        if key == EMAILS_KEY:
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list | tuple):
                problems.append("editors.emails must be a list of e-mail addresses")
                continue
            for item in items:
                address = str(item).strip().lower()
                if "@" in address and 3 <= len(address) <= 254 and address.isprintable() and " " not in address:
                    emails.add(address)
                else:
                    problems.append(f"editors.emails: '{address[:40]}' is not an e-mail address")
            continue
        if not isinstance(value, Mapping):
            problems.append(f"editors.{key[:40]} is not a table with a password_hash")
            continue
        if not (1 <= len(key) <= MAX_USERNAME_CHARS and key.isprintable() and key.strip() == key):
            problems.append(f"editors.{key[:40]}: the username must be 1 to {MAX_USERNAME_CHARS} plain characters")
            continue
        stored = str(value.get("password_hash", ""))
        try:
            parse_hash(stored)
        except PasswordHashError as exc:
            problems.append(f"editors.{key}: {exc}; make one with python -m kzatlas.edit.accounts hash")
            continue
        name = " ".join(str(value.get("name") or key).split())[:MAX_NAME_CHARS]
        accounts[key] = Account(username=key, name=name if name.isprintable() else key, password_hash=stored)
    return EditorDirectory(accounts=accounts, emails=frozenset(emails), problems=tuple(problems))


# ---------------------------------------------------------------- signing in


@dataclass(frozen=True)
class SignInResult:
    """What a password sign-in gave: an editor, or why not (``message``, plain words).

    ``checked`` says whether the password was compared at all (a locked username's is not).
    """

    editor: Editor | None
    message: str = ""
    seconds_locked: float = 0.0
    checked: bool = False


WRONG_CREDENTIALS = N_("The username or password is not right.")
LOCKED_OUT = N_("Too many wrong passwords for this username. Try again in {minutes} minutes.")
NOT_NOW = N_("Signing in with a password is not possible while the saved-data store cannot be reached.")


def sign_in(directory: EditorDirectory, username: str, password: str, guesses: GuessLedger) -> SignInResult:
    """Check a username and password against the configured accounts.

    The guess is counted before the password is checked (see :mod:`kzatlas.edit.guesses`), so
    guesses sent together cannot all pass a lockout check while the slow hash runs.

    Parameters
    ----------
    directory : EditorDirectory
        The configured editors.
    username, password : str
        What the person typed.
    guesses : GuessLedger
        Where wrong guesses are counted (on a server, the store, shared by every process).

    Returns
    -------
    SignInResult
        The editor on success; otherwise one message that does not say whether the
        username exists (``WRONG_CREDENTIALS`` or ``LOCKED_OUT``), or ``NOT_NOW`` when the
        count cannot be kept (then no password is checked).
    """
    username = str(username or "").strip()[:MAX_USERNAME_CHARS]
    try:
        locked = guesses.reserve(username)
        if locked > 0:
            return SignInResult(None, LOCKED_OUT, seconds_locked=locked)
        account = directory.accounts.get(username)
        # Unknown usernames cost the same scrypt run, so timing does not tell which names exist.
        ok = verify_password(password, account.password_hash if account else DUMMY_HASH) and account is not None
        locked = guesses.settle(username, ok)
    except StoreError:
        return SignInResult(None, NOT_NOW)
    if not ok:
        return SignInResult(None, LOCKED_OUT if locked > 0 else WRONG_CREDENTIALS, seconds_locked=locked, checked=True)
    return SignInResult(Editor(username=account.username, name=account.name, method=METHOD_PASSWORD), checked=True)


def provider_editor(directory: EditorDirectory, user: Mapping) -> Editor | None:
    """The editor for a person signed in with the identity provider, if their e-mail is allowed.

    Parameters
    ----------
    directory : EditorDirectory
        The configured editors (``emails`` is the allowlist).
    user : Mapping
        The provider's claims (``st.user``): ``is_logged_in``, ``email``, ``email_verified``, ``name``.

    Returns
    -------
    Editor or None
        None when nobody is signed in, the address is not allowlisted or the provider says it
        is not verified.
    """
    if not user or not user.get("is_logged_in"):
        return None
    email = str(user.get("email") or "").strip().lower()
    if not email or email not in directory.emails or user.get("email_verified") is False:
        return None
    name = " ".join(str(user.get("name") or email).split())[:MAX_NAME_CHARS]
    return Editor(username=email, name=name, method=METHOD_PROVIDER)


# ---------------------------------------------------------------- command line


def _prompt_hash(getpass: Callable[[str], str]) -> str:
    first = getpass("New editor password: ")
    if len(first) < MIN_PASSWORD_CHARS:
        raise ValueError(f"use at least {MIN_PASSWORD_CHARS} characters")
    if getpass("The same password again: ") != first:
        raise ValueError("the two passwords differ")
    return hash_password(first)


def _open_guesses():
    """The configured store's sign-in counts, opened the way ``python -m kzatlas`` opens the store."""
    from kzatlas import store
    from kzatlas.edit.guesses import StoreGuesses

    return StoreGuesses(store.open_store(store.command_line_url(), catalogue_ids=frozenset()))


def _unlock(username: str, out) -> int:
    guesses = _open_guesses()
    try:
        had = guesses.unlock(username.strip()[:MAX_USERNAME_CHARS])
    finally:
        guesses.store.close()
    print(
        f"{username.strip()}: "
        + ("unlocked; its count of wrong passwords starts again." if had else "was not locked."),
        file=out,
    )
    return 0


def _list_locked(out) -> int:
    guesses = _open_guesses()
    try:
        locked = guesses.locked()
    finally:
        guesses.store.close()
    for username, seconds in locked:
        print(f"{username}\tlocked for {max(1, round(seconds / 60))} more minute(s)", file=out)
    if not locked:
        print("No username is locked.", file=out)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m kzatlas.edit.accounts``: make a password hash, or list and unlock locked usernames.

    ``hash`` asks for a password twice and prints its ``password_hash`` line; ``locked`` lists
    the usernames locked after wrong passwords; ``unlock USERNAME`` ends a lockout at once (an
    editor locked out by someone guessing can then sign in again).

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: the command line's).

    Returns
    -------
    int
        The exit code.
    """
    import argparse
    import getpass
    import logging
    import sys

    parser = argparse.ArgumentParser(
        prog="python -m kzatlas.edit.accounts", description="Editor accounts of the atlas."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("hash", help="make the password_hash line for .streamlit/secrets.toml")
    commands.add_parser("locked", help="list usernames locked after wrong passwords (in the configured store)")
    unlock = commands.add_parser("unlock", help="end a username's lockout now")
    unlock.add_argument("username")
    args = parser.parse_args(argv)
    # The store logs why it could not be opened; here the one line below says it.
    logging.getLogger("kzatlas").addHandler(logging.NullHandler())
    logging.getLogger("kzatlas").propagate = False
    try:
        if args.command == "unlock":
            return _unlock(args.username, sys.stdout)
        if args.command == "locked":
            return _list_locked(sys.stdout)
    except StoreError as exc:
        print(f"The store cannot be used: {exc}", file=sys.stderr)
        return 1
    try:
        line = _prompt_hash(getpass.getpass)
    except (ValueError, EOFError, KeyboardInterrupt) as exc:
        print(f"No hash made: {exc or 'cancelled'}", file=sys.stderr)
        return 1
    print("# Paste under [editors.<username>] in .streamlit/secrets.toml:")
    print(f'password_hash = "{line}"')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
