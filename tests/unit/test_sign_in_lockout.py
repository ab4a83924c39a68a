"""The sign-in lockout under a crowd: every guess counted, in the store, across processes and restarts."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from kzatlas import store
from kzatlas.config import ROOT_DIR
from kzatlas.edit import accounts
from kzatlas.edit.guesses import MAX_FAILURES, GuessPolicy, StoreGuesses

PASSWORD = "correct horse battery staple"
# A cheap scrypt cost keeps thirty checks quick; the race is the same at any cost, since the
# hash releases the interpreter lock either way.
STORED = accounts.hash_password(PASSWORD, n=2**12)
DIRECTORY = accounts.read_directory({"aigerim": {"name": "Aigerim Sadykova", "password_hash": STORED}})


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """The address of an empty store on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return request.getfixturevalue("postgres_schema")


def guess_together(url: str, count: int, password: str = "a wrong guess") -> list[accounts.SignInResult]:
    """``count`` sign-ins sent at the same moment from threads of one process, each with its own store."""
    opened = [store.open_store(url, catalogue_ids=frozenset()) for _ in range(count)]
    start = threading.Barrier(count)
    results: list[accounts.SignInResult] = []

    def guess(own: store.Store) -> None:
        start.wait()
        results.append(accounts.sign_in(DIRECTORY, "aigerim", password, StoreGuesses(own)))

    threads = [threading.Thread(target=guess, args=(own,)) for own in opened]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for own in opened:
        own.close()
    return results


def test_thirty_guesses_at_once_get_no_more_checks_than_the_limit(store_url):
    results = guess_together(store_url, 30)
    assert len(results) == 30
    checked = sum(result.checked for result in results)
    assert 1 <= checked <= MAX_FAILURES, f"{checked} of 30 passwords were checked"
    assert all(result.editor is None for result in results)
    assert sum(result.message == accounts.LOCKED_OUT for result in results) >= 30 - MAX_FAILURES
    # The username is locked now, even for the right password (which is not checked).
    with store.open_store(store_url, catalogue_ids=frozenset()) as opened:
        right = accounts.sign_in(DIRECTORY, "aigerim", PASSWORD, StoreGuesses(opened))
    assert right.editor is None and right.message == accounts.LOCKED_OUT and not right.checked


GUESSER = textwrap.dedent(
    """
    import json, sys, threading, time
    from kzatlas import store
    from kzatlas.edit import accounts
    from kzatlas.edit.guesses import StoreGuesses

    url, stored, start_at, threads = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    directory = accounts.read_directory({"aigerim": {"password_hash": stored}})
    opened = store.open_store(url, catalogue_ids=frozenset())
    results = []

    def guess():
        time.sleep(max(0.0, start_at - time.time()))
        results.append(accounts.sign_in(directory, "aigerim", "a wrong guess", StoreGuesses(opened)).checked)

    workers = [threading.Thread(target=guess) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(json.dumps({"checked": sum(results), "answered": len(results)}))
    """
)


def test_guesses_from_several_server_processes_share_one_count(tmp_path):
    """Replicas: four processes with eight sessions each guess at the same instant."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    store.open_store(url, catalogue_ids=frozenset()).close()  # created and migrated once
    start_at = time.time() + 6.0
    env = {**os.environ, "PYTHONPATH": str(ROOT_DIR)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", GUESSER, url, STORED, str(start_at), "8"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(4)
    ]
    reports = []
    for process in processes:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    assert sum(report["answered"] for report in reports) == 32
    checked = sum(report["checked"] for report in reports)
    assert 1 <= checked <= MAX_FAILURES, f"{checked} of 32 passwords were checked: {reports}"


def test_a_restart_keeps_the_lock(store_url):
    with store.open_store(store_url, catalogue_ids=frozenset()) as opened:
        guesses = StoreGuesses(opened)
        answers = [accounts.sign_in(DIRECTORY, "aigerim", "wrong", guesses).message for _ in range(MAX_FAILURES)]
    assert answers == [accounts.WRONG_CREDENTIALS] * (MAX_FAILURES - 1) + [accounts.LOCKED_OUT]
    # A new process opens the store afresh: the lock is still there.
    with store.open_store(store_url, catalogue_ids=frozenset()) as reopened:
        again = accounts.sign_in(DIRECTORY, "aigerim", PASSWORD, StoreGuesses(reopened))
        assert again.editor is None and again.message == accounts.LOCKED_OUT
        assert 240 < again.seconds_locked <= 300
        # Another username is not affected.
        assert accounts.sign_in(DIRECTORY, "other", "x", StoreGuesses(reopened)).message == accounts.WRONG_CREDENTIALS


def test_wrong_guesses_an_hour_apart_do_not_add_up(tmp_path):
    clock = [1_000_000.0]
    with store.open_store(f"sqlite:///{tmp_path / 'store.sqlite'}", catalogue_ids=frozenset()) as opened:
        guesses = StoreGuesses(opened, GuessPolicy(max_failures=3), clock=lambda: clock[0])
        for _ in range(4):
            assert accounts.sign_in(DIRECTORY, "aigerim", "wrong", guesses).message == accounts.WRONG_CREDENTIALS
            clock[0] += 3601
        # Two wrong in a row and the right one: signed in, and the count starts again.
        for _ in range(2):
            accounts.sign_in(DIRECTORY, "aigerim", "wrong", guesses)
        assert accounts.sign_in(DIRECTORY, "aigerim", PASSWORD, guesses).editor is not None
        assert accounts.sign_in(DIRECTORY, "aigerim", "wrong", guesses).message == accounts.WRONG_CREDENTIALS


def test_an_operator_can_list_and_unlock_a_locked_editor(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    with store.open_store(url, catalogue_ids=frozenset()) as opened:
        for _ in range(MAX_FAILURES):
            accounts.sign_in(DIRECTORY, "aigerim", "wrong", StoreGuesses(opened))
    env = {**os.environ, "KZATLAS_STORE_URL": url}

    def command(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "kzatlas.edit.accounts", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT_DIR,
            timeout=120,
        )

    listed = command("locked")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("aigerim\tlocked for 5 more minute(s)"), listed.stdout
    unlocked = command("unlock", "aigerim")
    assert unlocked.returncode == 0 and "aigerim: unlocked" in unlocked.stdout, unlocked
    assert "No username is locked." in command("locked").stdout
    with store.open_store(url, catalogue_ids=frozenset()) as opened:
        assert accounts.sign_in(DIRECTORY, "aigerim", PASSWORD, StoreGuesses(opened)).editor is not None


def test_an_operator_command_on_an_unreachable_store_says_so_in_one_line(tmp_path):
    env = {**os.environ, "KZATLAS_STORE_URL": "postgresql://kzatlas@127.0.0.1:1/none"}
    done = subprocess.run(
        [sys.executable, "-m", "kzatlas.edit.accounts", "unlock", "aigerim"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT_DIR,
        timeout=120,
    )
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and "store cannot be used" in done.stderr, done.stderr


def test_a_locked_password_account_leaves_the_identity_provider_way_in_open(tmp_path):
    directory = accounts.read_directory(
        {"emails": ["aigerim@undp.org"], "aigerim": {"name": "Aigerim Sadykova", "password_hash": STORED}}
    )
    with store.open_store(f"sqlite:///{tmp_path / 'store.sqlite'}", catalogue_ids=frozenset()) as opened:
        for _ in range(MAX_FAILURES):
            accounts.sign_in(directory, "aigerim", "wrong", StoreGuesses(opened))
        assert accounts.sign_in(directory, "aigerim", PASSWORD, StoreGuesses(opened)).message == accounts.LOCKED_OUT
    user = {"is_logged_in": True, "email": "aigerim@undp.org", "email_verified": True, "name": "Aigerim Sadykova"}
    assert accounts.provider_editor(directory, user) is not None


def test_without_a_store_no_password_is_checked(tmp_path):
    path = tmp_path / "store.sqlite"
    with store.open_store(f"sqlite:///{path}", catalogue_ids=frozenset()) as opened:
        guesses = StoreGuesses(opened)
    # The file is gone and something else is in its place: the count cannot be kept.
    path.write_bytes(b"not a database" * 1000)
    for side in ("-wal", "-shm"):
        path.with_name(path.name + side).unlink(missing_ok=True)
    result = accounts.sign_in(DIRECTORY, "aigerim", PASSWORD, guesses)
    assert result.editor is None and result.message == accounts.NOT_NOW and not result.checked


def test_the_count_table_keeps_no_stale_names(tmp_path):
    clock = [1_000_000.0]
    with store.open_store(f"sqlite:///{tmp_path / 'store.sqlite'}", catalogue_ids=frozenset()) as opened:
        guesses = StoreGuesses(opened, clock=lambda: clock[0])
        for index in range(50):
            accounts.sign_in(DIRECTORY, f"name{index}", "x", guesses)
        clock[0] += 2 * 3600
        accounts.sign_in(DIRECTORY, "aigerim", "x", guesses)
    with sqlite3.connect(tmp_path / "store.sqlite") as connection:
        left = [row[0] for row in connection.execute("SELECT username FROM store_sign_in_guesses")]
    assert left == ["aigerim"]


def test_the_store_file_after_a_race_is_a_sound_store(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    guess_together(url, 12)
    with sqlite3.connect(tmp_path / "store.sqlite") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
