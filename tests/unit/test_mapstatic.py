"""The live map's unchanging shapes as content-addressed static files; saved files keep them inside."""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from pathlib import Path

import pytest

from kzatlas.config import STATIC_URL
from kzatlas.i18n import translator
from kzatlas.map import base_layers, folium_maps, offline_kit, static_files

english = translator("en")
MAPDATA_URL = re.compile(r"/app/static/mapdata/[0-9a-f]+\.json")


def publisher(folder: Path):
    return lambda payload: static_files.publish_json(payload, folder=folder)


def test_the_name_is_the_hash_of_the_bytes_and_stays_the_same(tmp_path):
    payload = b'{"regions":null}'
    first = static_files.publish_json(payload, folder=tmp_path)
    again = static_files.publish_json(payload, folder=tmp_path)
    other = static_files.publish_json(b'{"regions":[]}', folder=tmp_path)
    digest = hashlib.sha256(payload).hexdigest()[: static_files.NAME_DIGITS]
    assert first == again == f"{STATIC_URL}/mapdata/{digest}.json"
    assert other != first
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [f"{digest}.json", static_files.payload_name(b'{"regions":[]}')]
    )
    assert (tmp_path / f"{digest}.json").read_bytes() == payload


def test_a_published_file_is_never_rewritten(tmp_path):
    payload = b'{"a":1}'
    static_files.publish_json(payload, folder=tmp_path)
    target = tmp_path / static_files.payload_name(payload)
    before = target.stat()
    time.sleep(0.01)
    static_files.publish_json(payload, folder=tmp_path)
    after = target.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_writers_at_once_leave_one_whole_file_and_no_part_files(tmp_path):
    payload = json.dumps({"numbers": list(range(200_000))}).encode()
    urls = []
    threads = [
        threading.Thread(target=lambda: urls.append(static_files.publish_json(payload, folder=tmp_path))) for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(urls)) == 1 and urls[0] is not None
    assert [path.name for path in tmp_path.iterdir()] == [static_files.payload_name(payload)]
    assert (tmp_path / static_files.payload_name(payload)).read_bytes() == payload


def test_old_files_and_abandoned_part_files_are_cleared(tmp_path):
    stale_part = tmp_path / f"{static_files.TEMP_PREFIX}abandoned.json"
    stale_part.write_bytes(b"{")
    fresh_part = tmp_path / f"{static_files.TEMP_PREFIX}writing.json"
    fresh_part.write_bytes(b"{")
    old = time.time() - 3600
    os.utime(stale_part, (old, old))
    for number in range(5):
        static_files.publish_json(f'{{"n":{number}}}'.encode(), folder=tmp_path, keep=3)
        path = tmp_path / static_files.payload_name(f'{{"n":{number}}}'.encode())
        os.utime(path, (old + number, old + number))
    newest = static_files.publish_json(b'{"n":99}', folder=tmp_path, keep=3)
    names = sorted(path.name for path in tmp_path.iterdir() if not path.name.startswith(static_files.TEMP_PREFIX))
    expected = [static_files.payload_name(f'{{"n":{n}}}'.encode()) for n in (3, 4)] + [newest.rsplit("/", 1)[1]]
    assert names == sorted(expected)
    assert not stale_part.exists() and fresh_part.exists()  # a part file may be another writer's


def test_an_unwritable_folder_gives_no_address(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    assert static_files.publish_json(b"{}", folder=blocker / "mapdata") is None
    assert blocker.read_text() == "x"


def test_the_live_map_carries_only_the_address_of_its_unchanging_shapes(regions, tmp_path):
    inline = folium_maps.build_base_map(regions, english, "name_en").get_root().render()
    fmap = folium_maps.build_base_map(regions, english, "name_en", publish=publisher(tmp_path))
    folium_maps.build_layer_control().add_to(fmap)
    live = fmap.get_root().render()
    urls = MAPDATA_URL.findall(live)
    assert len(urls) == 1 and f"fetch({json.dumps(urls[0])}" in live
    assert len(live) < len(inline) / 10
    # The regions' layer is still in the layer list with its tooltip; its shapes are in the file.
    assert "Regions (2022 division)" in live and "bindTooltip" in live and "kz-layer-regions" in live
    assert "Kostanay" not in live and "Kostanay" in inline
    data = json.loads((tmp_path / urls[0].rsplit("/", 1)[1]).read_bytes())
    assert len(data["regions"]["features"]) == 20
    assert {"id", "tip", "anchor"} <= set(data["regions"]["features"][0]["properties"])
    assert data["water"]["features"] and data["land"]["features"] and data["labels"]


def test_the_address_follows_the_language_and_stays_the_same_between_runs(regions, tmp_path):
    def url(column):
        html = folium_maps.build_base_map(regions, english, column, publish=publisher(tmp_path)).get_root().render()
        return MAPDATA_URL.findall(html)

    assert url("name_en") == url("name_en")
    assert url("name_ru") != url("name_en")


def test_a_read_only_install_keeps_the_shapes_inside_the_map(regions, tmp_path):
    blocker = tmp_path / "read-only"
    blocker.write_text("x")
    html = folium_maps.build_base_map(regions, english, "name_en", publish=publisher(blocker / "mapdata")).get_root().render()
    inline = folium_maps.build_base_map(regions, english, "name_en").get_root().render()
    assert "mapdata" not in html and "fetch(" not in html
    assert re.sub(r"_[0-9a-f]{32}", "", html) == re.sub(r"_[0-9a-f]{32}", "", inline)


@pytest.mark.parametrize("language", ["name_en", "name_kk"])
def test_saved_maps_never_point_at_the_static_files(features, regions, language):
    kit = offline_kit.standalone_map_html(regions, features, english, language, {}, title="Atlas")
    full = folium_maps.build_full_map(regions, features, english, language, {}).get_root().render()
    for html in (kit, full):
        assert "mapdata" not in html and "fetch(" not in html
        assert "Kostanay" in html or "Қостанай" in html


def test_shapes_prepared_once_give_the_same_map(regions, tmp_path):
    def render(**options):
        html = folium_maps.build_base_map(regions, english, "name_kk", publish=publisher(tmp_path), **options)
        return re.sub(r"_[0-9a-f]{32}", "", html.get_root().render())

    assert render(shapes=base_layers.base_shapes(regions, "name_kk")) == render()
