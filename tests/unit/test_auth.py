"""Editor accounts: password hashes, the directory read from secrets, sign-in and its lockout."""

from __future__ import annotations

import pytest

from kzatlas.edit import accounts
from kzatlas.edit.guesses import GuessPolicy

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def stored() -> str:
    return accounts.hash_password(PASSWORD)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_hash_has_its_parameters_and_a_fresh_salt(stored):
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert stored != accounts.hash_password(PASSWORD)  # a new salt each time
    assert PASSWORD not in stored


def test_right_password_verifies_and_wrong_ones_do_not(stored):
    assert accounts.verify_password(PASSWORD, stored)
    assert not accounts.verify_password(PASSWORD + " ", stored)
    assert not accounts.verify_password("", stored)
    assert not accounts.verify_password("x" * (accounts.MAX_PASSWORD_CHARS + 1), stored)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "plain text password",
        "pbkdf2$1$2$3$abc$def",
        "scrypt$16384$8$1$not base64!$AAAA",
        "scrypt$16385$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",  # n not a power of 2
        "scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",  # cost too high
        "scrypt$16384$8$1$AA==$AAAA",  # salt and digest too short
        "scrypt$-1$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "scrypt$" + "9" * 5000 + "$8$1$AAAA$AAAA",
    ],
)
def test_malformed_hashes_never_verify_and_are_named_as_problems(bad):
    assert not accounts.verify_password(PASSWORD, bad)
    with pytest.raises(accounts.PasswordHashError):
        accounts.parse_hash(bad)
    directory = accounts.read_directory({"someone": {"password_hash": bad}})
    assert not directory.has_accounts
    assert directory.problems and "python -m kzatlas.edit.accounts hash" in directory.problems[0]


def test_directory_reads_accounts_and_the_email_allowlist(stored):
    directory = accounts.read_directory(
        {
            "emails": ["Officer@UNDP.org", "not an address"],
            "aigerim": {"name": "Aigerim  Sadykova", "password_hash": stored},
            "broken": "not a table",
        }
    )
    assert set(directory.accounts) == {"aigerim"}
    assert directory.accounts["aigerim"].name == "Aigerim Sadykova"
    assert directory.emails == frozenset({"officer@undp.org"})
    assert len(directory.problems) == 2
    assert accounts.read_directory(None) == accounts.EditorDirectory()


def test_sign_in_with_the_right_and_wrong_password(stored):
    directory = accounts.read_directory({"aigerim": {"name": "Aigerim", "password_hash": stored}})
    limiter = accounts.MemoryGuesses()
    wrong = accounts.sign_in(directory, "aigerim", "guess", limiter)
    assert wrong.editor is None and wrong.message == accounts.WRONG_CREDENTIALS
    unknown = accounts.sign_in(directory, "nobody", PASSWORD, limiter)
    assert unknown.editor is None and unknown.message == accounts.WRONG_CREDENTIALS
    right = accounts.sign_in(directory, " aigerim ", PASSWORD, limiter)
    assert right.editor == accounts.Editor("aigerim", "Aigerim", accounts.METHOD_PASSWORD)
    assert right.editor.who == "Aigerim (aigerim)"
    assert directory.allows(right.editor)
    assert not accounts.read_directory({}).allows(right.editor)  # removed from the secrets: no longer an editor


def test_too_many_wrong_passwords_lock_the_username_for_a_while(stored):
    directory = accounts.read_directory({"aigerim": {"password_hash": stored}})
    clock = Clock()
    limiter = accounts.MemoryGuesses(GuessPolicy(max_failures=3, lockout_seconds=60), clock=clock)
    for _ in range(2):
        assert accounts.sign_in(directory, "aigerim", "guess", limiter).message == accounts.WRONG_CREDENTIALS
    third = accounts.sign_in(directory, "aigerim", "guess", limiter)
    assert third.message == accounts.LOCKED_OUT and third.seconds_locked == 60
    # Locked: even the right password is refused, without checking it.
    assert accounts.sign_in(directory, "aigerim", PASSWORD, limiter).editor is None
    assert accounts.sign_in(directory, "other", "guess", limiter).message == accounts.WRONG_CREDENTIALS  # per username
    clock.now += 61
    assert accounts.sign_in(directory, "aigerim", PASSWORD, limiter).editor is not None


def test_provider_sign_in_counts_only_for_allowlisted_verified_addresses():
    directory = accounts.read_directory({"emails": ["officer@undp.org"]})
    user = {"is_logged_in": True, "email": "Officer@undp.org", "name": "Programme Officer"}
    editor = accounts.provider_editor(directory, user)
    assert editor == accounts.Editor("officer@undp.org", "Programme Officer", accounts.METHOD_PROVIDER)
    assert directory.allows(editor)
    assert accounts.provider_editor(directory, {**user, "email": "visitor@example.org"}) is None
    assert accounts.provider_editor(directory, {**user, "email_verified": False}) is None
    assert accounts.provider_editor(directory, {**user, "is_logged_in": False}) is None
    assert accounts.provider_editor(directory, {}) is None


def test_hash_command_asks_twice_and_prints_the_line(monkeypatch, capsys):
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(answers))
    assert accounts.main(["hash"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("password_hash = "))
    assert accounts.verify_password(PASSWORD, line.split('"')[1])


def test_hash_command_refuses_short_or_differing_passwords(monkeypatch, capsys):
    answers = iter(["short", "short"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(answers))
    assert accounts.main(["hash"]) == 1
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(answers))
    assert accounts.main(["hash"]) == 1
    assert "differ" in capsys.readouterr().err
