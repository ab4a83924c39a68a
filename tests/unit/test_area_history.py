"""Dated area changes: what the build accepts, how a year's area is read, and where it shows."""

from __future__ import annotations

import copy
import json

import pytest

from kzatlas import analysis, area_history
from kzatlas.i18n import translator

english = translator("en")
CHARYN = "pa-charyn"


def entry(**values) -> dict:
    base = {"year": 2009, "date": "2009-02-06", "change": "expanded", "area_ha": 127050, "added_ha": None,
            "act": {"by": "government", "number": "121", "date": "2009-02-06"},
            "sources": ["http://charyn.kz/eng/about-the-park/"]}
    return {**base, **values}


SOURCES = [{"url": "http://charyn.kz/eng/about-the-park/", "title": "Charyn (official site)"},
           {"url": None, "title": "A decree read in a legal database"}]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"change": "grew"}, "change must be one of"),
        ({"year": "2009"}, "year must be a whole year"),
        ({"year": 1700, "date": "1700"}, "year must be a whole year"),
        ({"year": 1990, "date": "1990"}, "before the record's established year 2004"),
        ({"date": "2010-01-01"}, "date must start with its year"),
        ({"area_ha": None}, "needs area_ha"),
        ({"area_ha": -5}, "needs area_ha"),
        ({"act": {"by": "a friend"}}, "act.by must be one of"),
        ({"sources": []}, "needs sources"),
        ({"sources": ["https://example.org/not-cited"]}, "not one of the record's sources"),
    ],
)
def test_the_build_refuses_an_entry_it_cannot_stand_behind(change, reason):
    found = area_history.problems("parks record 1 (pa-charyn)", [entry(**change)], 2004, SOURCES)
    assert found and reason in found[0] and found[0].startswith("parks record 1 (pa-charyn) area_history[0]")


def test_the_build_accepts_titles_of_sources_without_an_address_and_only_added_hectares():
    ok = entry(area_ha=None, added_ha=35088.4747, sources=["A decree read in a legal database"])
    assert area_history.problems("label", [entry(year=2004, date="2004", change="created", area_ha=93150), ok], 2004, SOURCES) == []
    assert area_history.problems("label", [entry(), entry(year=2004, date="2004")], 2004, SOURCES) == [
        "label area_history[1]: entries must be oldest first"
    ]


def test_the_geodata_build_stops_on_a_bad_entry_in_the_curated_file(build):
    records = json.loads((build.SOURCES_DIR / "protected_areas_parks.json").read_text(encoding="utf-8"))
    broken = copy.deepcopy(records)
    charyn = next(record for record in broken if record["id"] == CHARYN)
    charyn["area_history"][1]["sources"] = ["https://example.org/nowhere"]
    with pytest.raises(build.SourceError, match="not one of the record's sources"):
        build.check_records("protected_areas_parks.json", broken)


def test_a_stored_value_is_read_carefully_and_never_stops_a_page():
    assert area_history.parse("not json") == () and area_history.parse("") == () and area_history.parse(None) == ()
    assert area_history.parse('{"year": 2009}') == ()
    text = json.dumps([entry(), {"year": "x"}, "junk", entry(year=2004, date="2004", change="created", area_ha=float("inf"))])
    read = area_history.parse(text)
    assert [change.year for change in read] == [2004, 2009]  # oldest first, the malformed one left out
    assert read[0].area_ha is None  # not a finite number: no area


def test_the_area_of_a_year_follows_the_one_rule():
    changes = area_history.parse(json.dumps([
        entry(year=2004, date="2004", change="created", area_ha=93150), entry(),
        entry(year=2012, date="2012", change="reduced", area_ha=None, added_ha=-370, act=None),
    ]))
    latest = 127000.0  # a later, undated figure
    assert area_history.area_in_year(changes, latest, 2004) == 93150
    assert area_history.area_in_year(changes, latest, 2008) == 93150
    assert area_history.area_in_year(changes, latest, 2009) == latest  # from the last dated area on
    assert area_history.area_in_year(changes, latest, 2020) == latest
    assert area_history.area_in_year(changes, latest, 1990) == 93150  # before the first: the first one
    assert area_history.area_in_year((), latest, 1990) == latest
    assert area_history.change_text(changes[2], english) == "reduced by 370 ha (new total not published)"


def test_the_network_growth_chart_uses_the_same_rule(features):
    growth = analysis.cumulative_growth(features[features["id"] == CHARYN]).set_index("year")
    assert growth.loc[2004, "cumulative_area_ha"] == 93150
    assert growth.loc[2009, "cumulative_area_ha"] == 127050 and growth.loc[2009, "area_ha"] == 127050 - 93150
    assert growth.loc[2009, "count"] == 0 and growth.loc[2009, "cumulative_count"] == 1
    whole = analysis.cumulative_growth(features)
    assert whole["cumulative_area_ha"].iloc[-1] == pytest.approx(analysis.protected_hectares(features))


def test_the_map_draws_an_area_smaller_until_its_last_dated_change(features):
    from kzatlas import timeline

    sizes = timeline.drawn_sizes(features)
    assert sizes["pa-charyn"] == [(2004, pytest.approx((93150 / 127050) ** 0.5)), (2009, 1.0)]
    assert "pa-aksu-zhabagly" not in sizes and "pa-ile-balkhash" not in sizes  # no dated change of its drawn size


def test_the_packs_frames_draw_an_area_at_its_size_in_that_year(features):
    from kzatlas.briefing.pack_map import _sized_in

    charyn = features[features["id"] == "pa-charyn"]
    width = lambda frame: frame.geometry.iloc[0].bounds[2] - frame.geometry.iloc[0].bounds[0]  # noqa: E731
    assert width(_sized_in(charyn, 2005)) / width(charyn) == pytest.approx((93150 / 127050) ** 0.5)
    assert _sized_in(charyn, 2009).geometry.iloc[0].equals(charyn.geometry.iloc[0])
    assert _sized_in(charyn, 2005).geometry.iloc[0].envelope.centroid.distance(charyn.geometry.iloc[0].envelope.centroid) < 1e-9
