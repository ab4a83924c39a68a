"""No page is left half in English: every page rendered in Russian and Kazakh against English."""

from __future__ import annotations

import re

import pytest
from pagetest import router_pages, run_page, shown

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
# Text that is data or a proper name, the same in every language by design.
# The data changelog is kept in English (the page says so next to it).
ALLOWED = ("### Unreleased", "### 20")


def visible_texts(at) -> set[str]:
    """Headings, prose, metric and widget labels, help texts and table column names."""
    found = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error"):
        found += [shown(str(element.value)) for element in getattr(at, kind)]
    found += [shown(element.label) for element in at.metric]
    for kind in ("button", "checkbox", "radio", "selectbox", "multiselect", "slider", "text_input"):
        for element in getattr(at, kind):
            found += [str(element.label), str(getattr(element, "help", "") or "")]
            found.append(str(getattr(element, "placeholder", "") or ""))
    for table in at.dataframe:
        found += [str(column) for column in table.value.columns]
    return {text for text in found if text}


@pytest.mark.parametrize("page", router_pages())
def test_every_page_speaks_russian_and_kazakh(page):
    english = visible_texts(run_page(page))
    for language in ("ru", "kk"):
        leftovers = sorted(
            text
            for text in visible_texts(run_page(page, lang=language)) & english
            if LATIN_WORD.search(text) and not CYRILLIC.search(text) and not text.startswith(ALLOWED)
        )
        assert leftovers == [], f"{page} in {language} shows English: {leftovers}"
