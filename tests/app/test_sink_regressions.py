"""Each reported injection, replayed through the real pages: a poisoned link, data or file
reaches the page or the download as plain text only."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from pagetest import TIMEOUT, page_path, run_page, shown
from payloads import DANGEROUS_URLS, EVIL_HOST, FORMULA_LEADS, MARKDOWN
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from kzatlas.catalog import GEODATA_DIR_ENV, file_sha256
from kzatlas.config import GEODATA_DIR

CSV_LINK_QUERY = 'x\n=HYPERLINK("http://evil.invalid/csv","Click")\n@SUM(1)'
# Markdown payloads that fit on one line (a name or a date holds no line break).
ONE_LINE = [payload for payload in MARKDOWN if "\n" not in payload]


# ---------------------------------------------------------------- helpers


@pytest.fixture()
def downloads(monkeypatch) -> dict:
    """What each download button would give, by its deferred file id (files are made on click)."""
    made: dict = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, *args, **kwargs):
        file_id = original(self, data_callable, *args, **kwargs)
        made[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return made


def download(at: AppTest, made: dict, label: str) -> bytes:
    [button] = [b for b in at.get("download_button") if b.proto.label == label]
    return made[button.proto.deferred_file_id]()


def markdown_sources(at: AppTest) -> list[str]:
    """Every Markdown text the page sends: bodies, captions, headings, alerts, metric labels."""
    kinds = ("markdown", "caption", "subheader", "header", "title", "error", "warning", "info", "success")
    sources = [element.value for kind in kinds for element in getattr(at, kind)]
    return sources + [m.label for m in at.metric]


def assert_inert(at: AppTest, must_show: str | None = EVIL_HOST) -> None:
    """No image, link or bare address to the hostile host in any Markdown; ``must_show`` is shown."""
    sources = markdown_sources(at)
    for source in sources:
        live = re.sub(r"\\.", "", source)  # what is left once escaped characters are set aside
        assert "![" not in live, source
        assert not re.search(r"\]\([^)]*" + re.escape(EVIL_HOST), source), source
        assert "javascript:" not in live.lower(), source
        text = re.sub(r"\\(.)", r"\1", source)  # as Markdown reads it, invisible joiners kept
        assert not re.search(r"(https?://|www\.)" + re.escape(EVIL_HOST), text, re.IGNORECASE), source
    if must_show is not None:
        assert any(must_show in shown(source) for source in sources), "the poisoned text never reached the page"


def poison_layer(folder: Path, layer_file: str, column: str, values: list[str]) -> None:
    """Set ``column`` of every feature in ``layer_file`` from ``values`` and record the new SHA-256."""
    path = folder / layer_file
    document = json.loads(path.read_text(encoding="utf-8"))
    for index, feature in enumerate(document["features"]):
        feature["properties"][column] = values[index % len(values)]
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    reseal(folder, layer_file)


def reseal(folder: Path, file_name: str) -> None:
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for entry in [*manifest["layers"].values(), *manifest.get("tables", {}).values()]:
        if entry["file"] == file_name:
            entry["sha256"] = file_sha256(folder / file_name)
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


@pytest.fixture()
def poisoned_geodata(tmp_path: Path, monkeypatch) -> Path:
    target = tmp_path / "geodata"
    shutil.copytree(GEODATA_DIR, target, ignore=shutil.ignore_patterns("sources"))
    monkeypatch.setenv(GEODATA_DIR_ENV, str(target))
    return target


# ---------------------------------------------------------------- CSV through a link


def test_a_link_query_cannot_plant_formulas_in_the_csv(downloads):
    at = run_page("map_explorer", q=CSV_LINK_QUERY)
    data = download(at, downloads, "Download CSV").decode("utf-8-sig")
    lines = data.split("\n")
    assert not [line for line in lines if line.lstrip().startswith(FORMULA_LEADS)]
    assert not [
        cell for row in csv.reader(io.StringIO(data)) for cell in row if cell.lstrip().startswith(FORMULA_LEADS)
    ]
    [filters] = [line for line in lines if line.startswith("# Filters:")]
    assert "HYPERLINK" in filters and "@SUM(1)" in filters  # shown, on its one line


# ---------------------------------------------------------------- Markdown from the data


def test_about_page_shows_a_poisoned_boundary_title_and_licence_as_text(poisoned_geodata):
    manifest_path = poisoned_geodata / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    record = manifest["layers"]["regions"]
    record["description"] = MARKDOWN[0]
    record["sources"] = [
        {"title": title, "licence": licence, "url": url}
        for title, licence, url in zip(ONE_LINE, reversed(ONE_LINE), DANGEROUS_URLS)
    ]
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    at = run_page("about_data")
    assert_inert(at)
    links = at.dataframe[-1].value.iloc[:, 2].tolist()  # the sources table's link column
    assert not [link for link in links if isinstance(link, str) and not link.startswith(("http://", "https://"))]


def test_target_tracker_shows_poisoned_dates_and_sources_as_text(poisoned_geodata):
    path = poisoned_geodata / "targets.json"
    targets = json.loads(path.read_text(encoding="utf-8"))
    for record in targets["national_status"]:
        record["as_of"] = MARKDOWN[0]
        record["source"]["url"] = DANGEROUS_URLS[0]
    targets["global_target"]["adopted"] = MARKDOWN[1]
    targets["global_target"]["name"] = MARKDOWN[3]
    targets["global_target"]["source"]["url"] = DANGEROUS_URLS[4]
    path.write_text(json.dumps(targets, ensure_ascii=False), encoding="utf-8")
    reseal(poisoned_geodata, "targets.json")
    at = run_page("protected_areas")
    assert_inert(at)
    assert any(shown(m.label).startswith("Official national figure (![x](") for m in at.metric)


def test_details_panel_names_a_poisoned_nearest_site_as_text(poisoned_geodata):
    poison_layer(poisoned_geodata, "undp_sites.geojson", "name_en", ONE_LINE)
    at = run_page("map_explorer", sel="pa-naurzum")
    captions = [shown(c.value) for c in at.caption]
    [nearest] = [c for c in captions if c.startswith("Nearest UNDP project site: ")]
    assert any(f": {name}, " in nearest for name in ONE_LINE), nearest
    assert_inert(at, must_show=None)


def test_briefing_heading_shows_a_poisoned_name_as_text(poisoned_geodata):
    poison_layer(poisoned_geodata, "undp_sites.geojson", "name_en", [MARKDOWN[0]])
    at = run_page("briefing")
    at.radio(key="briefing.scope").set_value("site").run()
    assert not at.exception
    assert MARKDOWN[0] in [shown(h.value) for h in at.subheader]
    assert_inert(at)


# ---------------------------------------------------------------- Markdown from an opened file


def test_an_opened_scene_list_cannot_plant_markdown_in_the_error():
    at = AppTest.from_file(page_path("present"), default_timeout=TIMEOUT).run()
    document = {"format": "kz-atlas-scenes", "version": MARKDOWN[0], "scenes": []}
    at.file_uploader(key="present.upload").upload("evil.json", json.dumps(document).encode(), "application/json")
    at.run()
    assert not at.exception
    [error] = at.error
    # The bad version is echoed as a short, markup-free snippet: no image, no link.
    assert "not supported" in shown(error.value) and "](" not in error.value
    assert_inert(at, must_show=None)
