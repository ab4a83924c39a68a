"""Tables on the pages: ``st.dataframe`` with the atlas's column formats and its one link rule.

The tables themselves are built in :mod:`kzatlas.tables`; this module only shows them.
"""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import streamlit as st

from kzatlas import tables
from kzatlas.analysis import Filters
from kzatlas.formats import format_number, format_percent
from kzatlas.i18n import Translate
from kzatlas.safety import safe_link
from kzatlas.ui.frame import PageContext

# A value no source gives is shown as a dash, never as the word "None".
MISSING_VALUE = "\u2014"
# Longer tables are sent to the browser in chunks as the user scrolls, not all at once.
LAZY_FROM_ROWS = 2_000


def show_table(
    table: pd.DataFrame, column_config: dict | None = None, container=None, translate: Translate | None = None
) -> None:
    """``st.dataframe`` with the atlas's rules for every table.

    A link column keeps only http(s) addresses and the atlas's own relative links; any other
    value (``javascript:``, ``data:``...) is left empty. Missing values show as a dash. A table
    of more than :data:`LAZY_FROM_ROWS` rows is loaded lazily: the browser gets the rows in view
    and fetches more as the user scrolls, so thousands of sites do not slow the page down
    (the page's own download buttons give the whole list). With ``translate``, the number
    columns read in the page's language (``143 550,5`` in Russian and Kazakh) while they
    still sort as numbers.
    """
    table = table.copy()
    for column, config in (column_config or {}).items():
        if _type_config(config).get("type") == "link" and column in table:
            table[column] = [safe_link(value) for value in table[column]]
    lazy = len(table) > LAZY_FROM_ROWS
    shown = table
    if translate is not None and not lazy:
        shown, column_config = localised_numbers(table, column_config or {}, translate)
    (container or st).dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config=column_config,
        placeholder=MISSING_VALUE,
        lazy=lazy,
    )


PRINTF_DECIMALS = re.compile(r"\.(\d+)f")


def _type_config(entry) -> dict:
    """The type and format part of a column's configuration (empty for a plain title)."""
    return (entry.get("type_config") or {}) if isinstance(entry, dict) else {}


def _number_text(number_format: str, translate: Translate):
    """A cell formatter that writes numbers as ``number_format`` asks, in the page's language."""
    if number_format == tables.YEAR_FORMAT:
        return lambda value: MISSING_VALUE if pd.isna(value) else str(int(value))
    found = PRINTF_DECIMALS.search(number_format)
    decimals = int(found.group(1)) if found else 0
    signed, percent = "%+" in number_format, "%%" in number_format

    def text(value) -> str:
        if pd.isna(value):
            return MISSING_VALUE
        written = format_percent(value, translate, decimals) if percent else format_number(value, translate, decimals)
        return "+" + written if signed and value > 0 else written

    return text


def localised_numbers(table: pd.DataFrame, column_config: dict, translate: Translate):
    """The table as a Styler whose number columns are written in the page's language.

    Each number column with a printf-style format in ``column_config`` is shown through
    :func:`kzatlas.formats.format_number` instead (the format gives only the decimals, a sign and
    a percent sign); the values underneath stay numbers, so the column still sorts by value.

    Returns
    -------
    tuple
        The Styler (or ``table`` itself when no column is numbered) and the column
        configuration without the printf formats it replaced.
    """
    formatters, config = {}, dict(column_config)
    for column, entry in column_config.items():
        type_config = _type_config(entry)
        if type_config.get("type") != "number" or not type_config.get("format") or column not in table:
            continue
        formatters[column] = _number_text(type_config["format"], translate)
        config[column] = st.column_config.NumberColumn(entry.get("label"))
    if not formatters:
        return table, column_config
    return table.style.format(formatters), config


def link_column(title: str | None = None, display_text: str | None = None) -> dict:
    """A column of clickable links (values are checked by :func:`show_table`)."""
    return st.column_config.LinkColumn(title, display_text=display_text)


def number_column(number_format: str) -> dict:
    """A column of numbers shown with a printf-style ``number_format``."""
    return st.column_config.NumberColumn(format=number_format)


# A link cell can show only the address or a part of it: the host names the site, and the
# Source column beside it gives the title and the date the source was read.
SOURCE_HOST_PATTERN = r"^https?://(?:www\.)?([^/?#]+)"


def source_link_column(translate: Translate) -> dict:
    """The Source link column: each source's address, shown as its site's name."""
    return link_column(translate(tables.SOURCE_LINK_COLUMN), SOURCE_HOST_PATTERN)


def number_columns(translate: Translate) -> dict:
    """Column formats shared by every feature table: source links, hectares, years."""
    return {
        translate(tables.SOURCE_LINK_COLUMN): source_link_column(translate),
        **{column: number_column(number_format) for column, number_format in tables.number_formats(translate).items()},
    }


def feature_list(context: PageContext, matching: gpd.GeoDataFrame, filters: Filters) -> None:
    """The sortable list of the features ``filters`` match, with their sources.

    The table is built once per filter set, language and data version and shared by every
    session (``show_table`` works on a copy).
    """
    table = context.remembered(
        "feature table",
        filters,
        lambda: tables.feature_table(matching, context.translate, context.name_column, context.region_names()),
    )
    show_table(table, number_columns(context.translate), translate=context.translate)


def protected_area_table(context: PageContext, areas: gpd.GeoDataFrame) -> None:
    """Every reserve and park, sortable, with the link that shows it on the map."""
    translate = context.translate
    table = context.remembered(
        ("protected area table", tuple(areas["id"])),
        None,
        lambda: tables.protected_area_table(areas, translate, context.name_column, context.region_names()),
    )
    columns = number_columns(translate)
    columns[translate("On the map")] = link_column(display_text=translate("show"))
    show_table(table, columns, translate=translate)


def feature_links_table(context: PageContext, frame: gpd.GeoDataFrame) -> None:
    """A short list of features: name, kind, official area and a link to see each on the map."""
    translate = context.translate
    show_table(
        tables.feature_links_table(frame, translate, context.name_column),
        {
            translate("On the map"): link_column(translate("On the map"), translate("show")),
            translate("Official area (ha)"): number_column(tables.grouped_format(translate)),
            translate(tables.SOURCE_LINK_COLUMN): source_link_column(translate),
        },
        translate=translate,
    )


def portfolio_table(context: PageContext, items: pd.DataFrame) -> None:
    """UNDP items: themes, partners, donors, years, budget, and where they are on the map."""
    translate = context.translate
    table = context.remembered(
        ("portfolio table", tuple(items["id"])), None, lambda: tables.portfolio_table(items, translate, context.name_column)
    )
    show_table(
        table,
        {
            translate("Where"): link_column(translate("Where"), translate("show on map")),
            translate(tables.SOURCE_LINK_COLUMN): source_link_column(translate),
            translate("Budget (US$)"): number_column(tables.grouped_format(translate)),
        },
        translate=translate,
    )
