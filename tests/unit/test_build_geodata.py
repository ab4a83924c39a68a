"""The geodata build refuses poisoned sources with one line naming the place, never a traceback."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from payloads import CONTROL, DANGEROUS_URLS, SAFE_URLS

from kzatlas.config import GEODATA_DIR, ROOT_DIR

SCRIPT = ROOT_DIR / "scripts" / "build_geodata.py"
SOURCES = GEODATA_DIR / "sources"


@pytest.fixture(scope="module")
def originals() -> dict[str, object]:
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in SOURCES.glob("*.json")}


def poisoned(originals, name: str, change) -> object:
    document = copy.deepcopy(originals[name])
    change(document)
    return document


def test_the_bundled_sources_pass_every_check(build):
    sources = build.read_sources()
    assert set(sources) == set(build.SOURCE_FILES)


@pytest.mark.parametrize("text", [*CONTROL, "tab\there", "line\nbreak", "del\x7f", "c1\x85", "isolate\u2066x"])
def test_control_characters_in_any_text_are_refused(build, originals, text):
    document = poisoned(originals, "undp_sites.json", lambda d: d[0].update(name_en=text))
    with pytest.raises(build.SourceError, match=r"undp_sites.json\[0\].name_en: control character U\+"):
        build.check_text("undp_sites.json", document)


def test_control_characters_deep_inside_and_in_keys_are_refused(build, originals):
    document = poisoned(originals, "targets.json", lambda d: d.update({"note\x00": "x"}))
    with pytest.raises(build.SourceError, match="U\\+0000"):
        build.check_text("targets.json", document)


@pytest.mark.parametrize("url", DANGEROUS_URLS)
@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("protected_areas_parks.json", lambda d, url: d[0]["sources"][0].update(url=url)),
        ("protected_areas_reserves.json", lambda d, url: d[0].update(coord_source=url)),
        ("corridors.json", lambda d, url: d[0]["path_point_sources"].__setitem__(0, url)),
        ("regions.json", lambda d, url: d["boundary_source"].update(url=url)),
        ("targets.json", lambda d, url: d["national_status"][0]["source"].update(url=url)),
    ],
)
def test_links_other_than_http_or_own_are_refused(build, originals, name, place, url):
    document = poisoned(originals, name, lambda d: place(d, url))
    with pytest.raises(build.SourceError, match="not an http\\(s\\) link|control character"):
        build.check_text(name, document)


@pytest.mark.parametrize("url", SAFE_URLS)
def test_web_and_own_links_pass(build, originals, url):
    document = poisoned(originals, "undp_sites.json", lambda d: d[0]["sources"][0].update(url=url))
    build.check_text("undp_sites.json", document)


@pytest.mark.parametrize(
    ("name", "change", "reason"),
    [
        ("regions.json", lambda d: d["regions"][0].update(iso_code="KZ-00"), "unknown iso_code 'KZ-00'"),
        ("regions.json", lambda d: d["regions"][0].update(kind="empire"), "unknown kind 'empire'"),
        ("regions.json", lambda d: d["regions"].pop(), "needs each region once"),
        ("protected_areas_parks.json", lambda d: d[0].update(kind="castle"), "unknown kind 'castle'"),
        ("protected_areas_parks.json", lambda d: d[0].update(kind="undp_site"), "unknown kind 'undp_site'"),
        ("undp_sites.json", lambda d: d[0].update(kind=None), "unknown kind None"),
        ("undp_sites.json", lambda d: d[0]["themes"].append("war"), "unknown theme 'war'"),
        ("undp_sites.json", lambda d: d[0].update(themes="forests"), "expected a list"),
        ("corridors.json", lambda d: d[0]["regions"].append("KZ-99"), "unknown region code 'KZ-99'"),
        ("protected_areas_reserves.json", lambda d: d.append("x"), "expected a list of records"),
    ],
)
def test_unknown_codes_kinds_and_themes_are_refused(build, originals, name, change, reason):
    with pytest.raises(build.SourceError, match=reason) as refused:
        build.check_records(name, poisoned(originals, name, change))
    assert str(refused.value).startswith(name)


def run_build(sources: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--sources", str(sources)],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("name", "change", "reason"),
    [
        # An unknown iso_code once stopped the build with a raw KeyError traceback.
        ("regions.json", lambda d: d["regions"][3].update(iso_code="KZ-XX"), "unknown iso_code"),
        ("undp_sites.json", lambda d: d[1].update(name_en="Naurzum\x00hidden"), "control character U+0000"),
        ("protected_areas_parks.json", lambda d: d[2]["sources"][0].update(url="javascript:alert(1)"), "http(s)"),
        ("corridors.json", lambda d: d.__setitem__(0, "[" * 100_000), "nested more than"),
    ],
)
def test_the_build_script_refuses_in_one_line_with_exit_code_1(tmp_path, originals, name, change, reason):
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    if name == "corridors.json":  # raw text: JSON cannot be written this deep by json.dumps
        (sources / name).write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    else:
        document = poisoned(originals, name, change)
        (sources / name).write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = run_build(sources)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"build_geodata: refused: {name}") and reason in lines[0]
