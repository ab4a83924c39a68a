"""The Streamlit layer, one module per concern.

* :mod:`~kzatlas.ui.frame`: the frame of every page (state, language, catalogue, notices, footer);
  ``page_setup`` and ``footer`` are also here, as ``ui.page_setup`` and ``ui.footer``.
* :mod:`~kzatlas.ui.links`: the page address and the sidebar filters.
* :mod:`~kzatlas.ui.live_map`: the one ``st_folium`` call, map keys and clicks.
* :mod:`~kzatlas.ui.table_display` and :mod:`~kzatlas.ui.summary_panels`: showing what :mod:`kzatlas.tables`
  and :mod:`kzatlas.charts` build.
* :mod:`~kzatlas.ui.details`: the details panel under the map.
* :mod:`~kzatlas.ui.downloads`: file downloads and exports made step by step.
* :mod:`~kzatlas.ui.presenting`: scenes, the scene list and the player.
* :mod:`~kzatlas.ui.briefing_page`: choosing and making briefing packs.
* :mod:`~kzatlas.ui.drawing`: drawing a feature or a new shape on the map, and saving it.
"""

from kzatlas.ui.frame import PageContext, footer, page_setup

__all__ = ["PageContext", "footer", "page_setup"]
