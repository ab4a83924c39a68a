"""Numbers in the pages' tables read in the page's language and still sort as numbers."""

from __future__ import annotations

import pandas as pd

from kzatlas import tables
from kzatlas.i18n import translator
from kzatlas.ui.table_display import localised_numbers, number_column


def _table():
    return pd.DataFrame(
        {"Name": ["Tarbagatay", "Small"], "Area": [143550.5, 980.0], "Year": [2018, 1996], "Change": [12.5, -3.26]}
    )


def _config():
    return {
        "Area": number_column("%.1f"),
        "Year": number_column(tables.YEAR_FORMAT),
        "Change": number_column("%+.1f %%"),
    }


def _shown(language: str) -> str:
    styler, _ = localised_numbers(_table(), _config(), translator(language))
    return styler.to_string()


def test_russian_and_kazakh_tables_group_with_spaces_and_a_decimal_comma():
    for language in ("ru", "kk"):
        shown = _shown(language)
        assert "143\u00a0550,5" in shown, shown
        assert "+12,5\u00a0%" in shown, shown
        assert "-3,3\u00a0%" in shown or "\u22123,3\u00a0%" in shown, shown
        # A year is a year, never "2 018".
        assert "2018" in shown and "2\u00a0018" not in shown


def test_english_tables_group_with_commas():
    shown = _shown("en")
    assert "143,550.5" in shown and "+12.5\u00a0%" in shown and "2018" in shown


def test_the_values_underneath_stay_numbers_and_the_printf_format_is_dropped():
    styler, config = localised_numbers(_table(), _config(), translator("ru"))
    assert pd.api.types.is_float_dtype(styler.data["Area"])
    assert (config["Area"].get("type_config") or {}).get("format") is None
