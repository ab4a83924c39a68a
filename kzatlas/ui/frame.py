"""The frame of every page: state, language picker, catalogue, heading, notices and footer."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar

import geopandas as gpd
import streamlit as st

from kzatlas.analysis import Filters
from kzatlas.catalog import Catalogue, active_geodata_dir, feature_frame, region_frame
from kzatlas.config import LANGUAGES, UN_DISCLAIMER
from kzatlas.i18n import LANGUAGE_NAMES, Translate, local_names, name_column, translator
from kzatlas.safety import escape_markdown, plain_snippet
from kzatlas.ui import cache, state
from kzatlas.ui.signed_in import sign_in_box

T = TypeVar("T")


@dataclass(frozen=True)
class PageContext:
    """What every page gets from :func:`page_setup`."""

    translate: Translate
    language: str
    catalogue: Catalogue
    geodata_dir: str
    # Why saved edits cannot be read (and nothing can be written), or None when all is well.
    store_problem: str | None = None
    # The store the catalogue was read from (read once per rerun: the settings are not cheap to read).
    store_address: str = ""

    def filtered(self, filters: Filters) -> gpd.GeoDataFrame:
        """Features matching ``filters`` (cached per filter set and store version)."""
        return cache.filtered_features(filters, self.geodata_dir, self.store_address, self.catalogue.store_version)

    @property
    def name_column(self) -> str:
        """The data column with names in the page's language."""
        return name_column(self.language)

    def remembered(self, what: Hashable, filters: Filters | None, compute: Callable[[], T]) -> T:
        """``compute()`` once per data version, ``filters`` and language (see :func:`cache.for_view`).

        ``what`` names the result and holds whatever else it depends on; the result is shared
        between sessions, so it must not be changed.
        """
        return cache.for_view(
            what, filters, self.geodata_dir, self.store_address, self.catalogue.store_version, self.language, compute
        )

    def remembered_map_part(self, what: Hashable, compute: Callable[[], T]) -> T:
        """A rendered map part, once per data version and language (:func:`cache.map_parts`); read-only."""
        return cache.for_view(
            what,
            None,
            self.geodata_dir,
            self.store_address,
            self.catalogue.store_version,
            self.language,
            compute,
            cache.map_parts(),
        )

    def region_names(self) -> dict[str, str]:
        """ISO code -> region name in the page's language (empty without region boundaries)."""
        return dict(self.remembered("region names", None, self._region_names))

    def _region_names(self) -> dict[str, str]:
        regions = region_frame(self.catalogue)
        if regions is None:
            return {}
        return dict(zip(regions["iso_code"], local_names(regions, self.name_column)))

    def all_features(self) -> gpd.GeoDataFrame:
        """Every feature of the catalogue, unfiltered."""
        return feature_frame(self.catalogue)


def page_setup(title: str, title_visible: bool = True) -> PageContext:
    """First call on every page: state, language picker, catalogue, heading, notices.

    Works the same when the page runs alone (AppTest), from the router, or after
    ``st.switch_page``.
    """
    state.init()
    _language_picker()
    translate = translator(state.language())
    sign_in_box(translate)
    geodata_dir = str(active_geodata_dir())
    loaded = cache.load_catalogue(geodata_dir)
    if title_visible:
        st.title(translate(title))
    show_notices(translate)
    _show_catalogue_problems(loaded.catalogue, translate)
    if loaded.store_problem:
        if loaded.stale:
            message = translate(
                "The data store is unreachable, showing the last loaded catalogue read-only; nothing can be "
                "saved until it is back: {reason}"
            )
        else:
            message = translate(
                "The data store is unreachable, so the shipped catalogue is shown read-only and nothing "
                "can be saved: {reason}"
            )
        # The damaged store's message is a catalogue entry (shown in the page's language); other
        # reasons come from the database and are shown as they are.
        st.warning(message.format(reason=escape_markdown(translate(loaded.store_problem))))
    return PageContext(
        translate=translate,
        language=state.language(),
        catalogue=loaded.catalogue,
        geodata_dir=geodata_dir,
        store_problem=loaded.store_problem,
        store_address=loaded.store_address,
    )


def show_notices(translate: Translate) -> None:
    """Warn about link values that were ignored (echoed without any markup)."""
    for notice in state.take_notices():
        st.warning(
            translate("The link's value for '{param}' was not understood and was ignored: {value}").format(
                param=escape_markdown(plain_snippet(notice.param)), value=escape_markdown(plain_snippet(notice.value))
            )
        )


LANGUAGE_PICKER_KEY = "sidebar.language"


def _picked_language() -> None:
    # A callback runs before the next script run starts, so the router (app.py) already
    # titles the page menu in the new language on the very rerun the pick causes.
    state.set_language(st.session_state[LANGUAGE_PICKER_KEY])


def _language_picker() -> None:
    current = state.language()
    if st.session_state.get(LANGUAGE_PICKER_KEY) != current:
        # First run, a page switch (widget values vanish) or a link's language: the picker follows.
        st.session_state[LANGUAGE_PICKER_KEY] = current
    st.sidebar.selectbox(
        "Language / Язык / Тіл",
        LANGUAGES,
        format_func=LANGUAGE_NAMES.get,
        key=LANGUAGE_PICKER_KEY,
        on_change=_picked_language,
    )


def _show_catalogue_problems(catalogue: Catalogue, translate: Translate) -> None:
    for problem in catalogue.problems:
        layer, message = escape_markdown(problem.layer), escape_markdown(problem.message)
        if problem.fatal:
            st.error(
                translate("Layer '{layer}' could not be loaded and is not shown: {message}").format(
                    layer=layer, message=message
                )
            )
        else:
            st.warning(translate("Layer '{layer}': {message}").format(layer=layer, message=message))


def footer(context: PageContext) -> None:
    """Data version and the UN boundary disclaimer, at the foot of every page."""
    manifest = context.catalogue.manifest
    version = manifest.data_version if manifest else "unknown"
    st.divider()
    st.caption(
        f"{escape_markdown(context.translate('Data version'))}: {escape_markdown(version)} · "
        f"{escape_markdown(context.translate(UN_DISCLAIMER))}"
    )
