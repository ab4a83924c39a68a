"""The offline meeting kit is one file with everything inside it."""

from __future__ import annotations

import re

import pytest

from kzatlas.i18n import translator
from kzatlas.map import offline_kit
from kzatlas.selection import MapView

EVIL = "<img src=x onerror=alert(1)>${alert(2)}"


def make(features, regions, **kwargs):
    return offline_kit.standalone_map_html(
        regions, features, translator("en"), "name_en", {}, title=kwargs.pop("title", "Atlas"), **kwargs
    )


def test_the_file_holds_leaflet_and_asks_for_nothing(features, regions):
    html = make(features, regions, data_version="2026.11.23", made_on="2026-11-23")
    assert re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="', html) == []
    assert "tile.openstreetmap.org" not in html
    assert "Leaflet 1.9.4" in html and ".leaflet-container" in html  # the library and its stylesheet are inline
    assert "url(images/" not in html and "data:image/png;base64," in html
    assert "kz-layer-national_park" in html and "2026.11.23" in html


def test_view_and_selection_are_kept(features, regions):
    html = make(features, regions, view=MapView(51.5, 64.4, 7), selected_id="pa-naurzum")
    assert '"zoom": 7' in html and "[51.5, 64.4]" in html
    assert '"selected": true' in html


def test_title_and_caption_are_escaped(features, regions):
    html = make(features, regions, title=EVIL, caption=EVIL)
    assert "<img src=x" not in html and "${alert(2)}" not in html


def test_missing_leaflet_gives_a_clear_error(features, regions, tmp_path):
    with pytest.raises(offline_kit.OfflineExportError, match="not installed"):
        make(features, regions, leaflet_dir=tmp_path)
