"""Briefing packs: a PDF and a PPTX about one scope (the country, a region or one feature).

People present the atlas to ministries and donors, often where there is no internet and no
browser to screenshot. A pack therefore carries everything on its own: a static map drawn
here with matplotlib (no tiles, no network), the key numbers, the list of sites and
programmes, the sources with the dates they were read, the notes on what the shapes mean,
the UN boundary disclaimer, the data version, the date, and a QR code with the link back to
the same view in the app.

The flow is pure and in three steps, so the UI can cache or test each one:

1. :func:`build_briefing` picks the texts and numbers (already translated) from the catalogue
   (:mod:`.content`, with :mod:`.sources`);
2. :func:`static_map_png` (:mod:`.pack_map`, with :mod:`.map_canvas`, :mod:`.pack_names` and
   :mod:`.map_extent`) and :func:`qr_png` (:mod:`.qr`) draw the pictures;
3. :func:`pdf_bytes` (:mod:`.pdf`) and :func:`pptx_bytes` (:mod:`.slides`) lay them out,
   with what both share in :mod:`.layout`.

Nothing here imports Streamlit. Every value from data goes through :func:`clean_text`
(:mod:`.text`) so that ``None``/NaN, control characters or odd glyphs never stop a pack from
being made. Only absolute http and https addresses become links (:func:`pack_link`).

matplotlib, fpdf2 and python-pptx take about a second to import, which a page that makes no
pack should not pay: the map and the two writers are imported on first use of their names.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from kzatlas.briefing.content import (
    LABELS,
    SCOPE_COUNTRY,
    SCOPE_FEATURE,
    SCOPE_KINDS,
    SCOPE_REGION,
    Briefing,
    Scope,
    build_briefing,
)
from kzatlas.briefing.items import ITEM_HEADINGS, UNCERTAIN_QUALITIES
from kzatlas.briefing.qr import QR_BORDER, QR_ERROR, QR_SCALE, qr_png
from kzatlas.briefing.text import clean_text, pack_link, shorten, shown_url

if TYPE_CHECKING:
    from kzatlas.briefing.layout import ITEM_WEIGHTS, TITLE_CHARS
    from kzatlas.briefing.pack_map import static_map_png
    from kzatlas.briefing.pdf import PDF_FONT, pdf_bytes
    from kzatlas.briefing.slides import PPTX_FONT, PPTX_PROPERTY_CHARS, PPTX_ROWS_PER_SLIDE, pptx_bytes
    from kzatlas.briefing.time_strip import time_strip_png

# Public name -> the module that defines it, imported when the name is first read.
_LAZY = {
    "static_map_png": "pack_map",
    "time_strip_png": "time_strip",
    "pdf_bytes": "pdf",
    "PDF_FONT": "pdf",
    "pptx_bytes": "slides",
    "PPTX_FONT": "slides",
    "PPTX_ROWS_PER_SLIDE": "slides",
    "PPTX_PROPERTY_CHARS": "slides",
    "TITLE_CHARS": "layout",
    "ITEM_WEIGHTS": "layout",
}

__all__ = [
    "ITEM_HEADINGS",
    "LABELS",
    "QR_BORDER",
    "QR_ERROR",
    "QR_SCALE",
    "SCOPE_COUNTRY",
    "SCOPE_FEATURE",
    "SCOPE_KINDS",
    "SCOPE_REGION",
    "UNCERTAIN_QUALITIES",
    "Briefing",
    "Scope",
    "build_briefing",
    "clean_text",
    "pack_link",
    "qr_png",
    "shorten",
    "shown_url",
    "static_map_png",
    "time_strip_png",
    "pdf_bytes",
    "PDF_FONT",
    "pptx_bytes",
    "PPTX_FONT",
    "PPTX_ROWS_PER_SLIDE",
    "PPTX_PROPERTY_CHARS",
    "TITLE_CHARS",
    "ITEM_WEIGHTS",
]


def __getattr__(name: str) -> object:
    """Import the map or a writer on first use of one of its names (PEP 562)."""
    if name in _LAZY:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value  # later reads, and monkeypatching in tests, see a plain attribute
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
