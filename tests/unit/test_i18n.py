"""Translations: complete catalogues, same placeholders, up to date with the code."""

from __future__ import annotations

import subprocess
import sys
from string import Formatter

import pytest
from babel.messages.pofile import read_po

from kzatlas.config import LOCALE_DIR, ROOT_DIR
from kzatlas.i18n import KIND_LABELS, name_column, normalise_language, translator


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_message_is_translated_with_the_same_placeholders(language):
    with (LOCALE_DIR / f"{language}.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    messages = [m for m in catalog if m.id]
    assert len(messages) > 100
    for message in messages:
        assert message.string, f"{language}: untranslated {message.id!r}"
        assert fields(message.id) == fields(message.string), message.id


def test_catalogues_are_up_to_date_with_the_code():
    result = subprocess.run(
        [sys.executable, str(ROOT_DIR / "scripts" / "extract_messages.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT_DIR,
    )
    assert result.returncode == 0, result.stderr


def test_translator_translates_and_falls_back_to_english():
    assert translator("ru")("Map explorer") != "Map explorer"
    assert translator("kk")(KIND_LABELS["national_park"]) != KIND_LABELS["national_park"]
    assert translator("ru")("a string nobody translated") == "a string nobody translated"
    assert translator("xx")("Map explorer") == "Map explorer"


def test_unknown_language_means_english_names():
    assert normalise_language("de") == "en" and name_column(None) == "name_en"
    assert name_column("kk") == "name_kk"
