"""Hostile and broken files: each gets its plain-words message, nothing escapes, nothing is left behind."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from badfiles import BAD_FILES, BadFile, feature, geojson, point
from payloads import ALL_TEXT

from kzatlas.config import ROOT_DIR
from kzatlas.ingest import check_file

PROVENANCE = {"source_url": "https://example.org/data", "source_date": "2026-01-15"}
DEFAULTS = {"kind": "undp_site"}


def test_the_catalogue_is_large_enough():
    assert len(BAD_FILES) >= 60
    assert len({case.name for case in BAD_FILES}) == len(BAD_FILES)


def _listing(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


@pytest.fixture(scope="module")
def repository_listing():
    """The worktree's files outside the test run's own folders, before the bad files run."""
    return {path for path in _listing(ROOT_DIR / "kzatlas")}


@pytest.mark.parametrize("case", BAD_FILES, ids=[case.name for case in BAD_FILES])
def test_bad_file(case: BadFile, tmp_path, monkeypatch, features, regions, repository_listing):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    data = case.make(scratch)
    sandbox = tmp_path / "sandbox"
    sandbox.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(sandbox))
    plan = check_file(data, case.filename, catalogue_features=features, regions=regions, provenance=PROVENANCE, defaults=DEFAULTS)
    assert _listing(sandbox) == set(), "the import left files behind"
    assert _listing(ROOT_DIR / "kzatlas") == repository_listing
    report = json.dumps(plan.to_json(), ensure_ascii=False)
    assert str(tmp_path) not in report and "Traceback" not in report
    if case.where == "refused":
        assert plan.refused is not None, f"not refused: {plan.counts()} {plan.notes}"
        assert case.message in plan.refused
        assert plan.records() == []
        return
    assert plan.refused is None, plan.refused
    if case.where == "reason":
        reasons = [reason for row in plan.rows for reason in row.reasons]
        assert any(case.message in reason for reason in reasons), reasons
    elif case.where == "repair":
        repairs = [note for row in plan.rows for note in row.repairs]
        assert any(case.message in note for note in repairs), repairs
    else:
        assert any(case.message in note for note in plan.notes), plan.notes


def test_script_in_every_text_field_stays_inert_text(tmp_path, features, regions):
    text_fields = ("name", "name_ru", "name_kk", "partners", "donors", "project", "location", "source", "notes", "iucn_cat")
    rows = [feature(point(), **dict.fromkeys(text_fields, text)) for text in ALL_TEXT]
    plan = check_file(geojson(rows), "payloads.geojson", catalogue_features=features, regions=regions, provenance=PROVENANCE)
    assert plan.refused is None
    assert [row.action for row in plan.rows] == ["add"] * len(ALL_TEXT)
    for text, row in zip(ALL_TEXT, plan.rows, strict=True):
        for column in ("name_en", "name_ru", "name_kk", "partners", "donors", "undp_project", "notes"):
            assert text.strip().startswith(row.record[column][:50]), column
    assert len(plan.records()) == len(ALL_TEXT)
