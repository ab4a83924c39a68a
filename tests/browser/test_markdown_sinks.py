"""In a real browser, escaped data text stays text: no link, no image, no request elsewhere."""

from __future__ import annotations

import json
import shutil

import pytest
from payloads import EVIL_HOST, MARKDOWN
from playwright.sync_api import expect

from kzatlas.config import GEODATA_DIR

pytestmark = pytest.mark.browser

# Bare addresses and e-mails are the ones GitHub-flavoured Markdown links even when escaped.
SHOWN_AS_TEXT = [f"http://{EVIL_HOST}/bare", f"www.{EVIL_HOST}/bare", f"mail@{EVIL_HOST}"]


def test_bare_addresses_and_markdown_from_the_data_render_as_plain_text(start_server, page, page_log, tmp_path):
    geodata = tmp_path / "geodata"
    shutil.copytree(GEODATA_DIR, geodata, ignore=shutil.ignore_patterns("sources"))
    manifest = json.loads((geodata / "manifest.json").read_text(encoding="utf-8"))
    one_line = [payload for payload in MARKDOWN if "\n" not in payload]
    manifest["layers"]["regions"]["sources"] = [
        {"title": title, "licence": licence, "url": "https://example.org/"}
        for title, licence in zip(one_line, reversed(one_line))
    ]
    (geodata / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    url = start_server({"KZATLAS_GEODATA_DIR": str(geodata)})

    page.goto(f"{url}/about_data")
    body = page.get_by_test_id("stMain")
    expect(body).to_contain_text("Data changelog", timeout=30_000)
    for text in SHOWN_AS_TEXT:  # the reader sees the text (an invisible joiner may sit inside)
        expect(body).to_contain_text(
            text.replace("//", "\u2060//").replace("www.", "www\u2060.").replace("@", "@\u2060")
        )
    assert page.locator(f'a[href*="{EVIL_HOST}"]').count() == 0
    assert page.locator(f'img[src*="{EVIL_HOST}"]').count() == 0
    assert page.locator('a[href^="mailto:"], a[href^="javascript:"]').count() == 0
    assert not [request for request in page_log.requests if EVIL_HOST in request]
