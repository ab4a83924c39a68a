"""The hash-pinned lock files agree with the hand-edited pins they were generated from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")
INCLUDE = re.compile(r"^-r\s+(\S+)")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _input_pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if include := INCLUDE.match(line):
            pins.update(_input_pins(path.parent / include.group(1)))
        elif pin := PIN.match(line):
            pins[_canonical(pin.group(1))] = pin.group(2)
    return pins


def _lock_entries(path: Path) -> dict[str, list[str]]:
    """Package -> its pin line and the continuation lines after it."""
    entries, current = {}, None
    for line in path.read_text().splitlines():
        if pin := PIN.match(line):
            current = _canonical(pin.group(1))
            entries[current] = [line]
        elif current and line.startswith("    "):
            entries[current].append(line)
        else:
            current = None
    return entries


@pytest.mark.parametrize(
    ("source", "lock"), [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")]
)
def test_every_hand_pin_is_locked_at_the_same_version_with_hashes(source, lock):
    wanted = _input_pins(ROOT / source)
    entries = _lock_entries(ROOT / lock)
    stale = {
        name: (version, entries.get(name, ["missing"])[0])
        for name, version in wanted.items()
        if name not in entries or f"=={version}" not in entries[name][0]
    }
    assert not stale, f"regenerate {lock} (README: Updating the pins): {stale}"
    unhashed = [name for name, lines in entries.items() if not any("--hash=sha256:" in line for line in lines)]
    assert not unhashed


def test_the_runtime_lock_agrees_with_the_dev_lock():
    runtime = {name: lines[0].split()[0] for name, lines in _lock_entries(ROOT / "requirements.lock").items()}
    dev = {name: lines[0].split()[0] for name, lines in _lock_entries(ROOT / "requirements-dev.lock").items()}
    assert {name: pin for name, pin in runtime.items() if dev.get(name) != pin} == {}
