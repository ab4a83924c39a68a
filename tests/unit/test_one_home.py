"""Rules with one home: a second copy of any of them would make these tests fail.

Each rule is worked out in one place and every page, pack and map calls it. The tests swap the
rule for a marked stand-in (or extend what it is configured with) and check that every place
that shows it follows; a place that kept its own copy would show the old value instead.
"""

from __future__ import annotations

import random

import pytest

from kzatlas import analysis, briefing, spatial
from kzatlas.briefing import pack_names
from kzatlas.briefing.pack_map import static_map_names
from kzatlas.config import AREA_KINDS
from kzatlas.facts import protection, region_facts
from kzatlas.formats import format_share
from kzatlas.i18n import translator
from kzatlas.map import basemap, name_labels, name_order

EN = translator("en")
MARKED_SHARE = 0.123456  # a share no real data gives: 12.35 %


# ---------------------------------------------------------------------------- the protected share


def test_every_protected_share_comes_from_one_rule(monkeypatch, features, regions, bundled):
    monkeypatch.setattr(analysis, "protected_share_of_land", lambda protected_ha, land_ha: MARKED_SHARE)
    shown = format_share(MARKED_SHARE, EN, 2)
    # The core's share of chosen regions.
    assert analysis.protected_share(features, regions, ("KZ-39",)) == MARKED_SHARE
    # The summary panels and packs: the protection story, national and regional.
    story = protection.protection_story(bundled.tables.get("targets"), features, EN)
    assert story.atlas.value == shown
    # The region profile and a region's briefing pack.
    profile = spatial.region_profile("KZ-39", features, regions)
    assert profile.official_share == MARKED_SHARE
    region = regions[regions["iso_code"] == "KZ-39"].iloc[0]
    statement = region_facts.region_statement(profile, region, features, bundled.tables.get("targets"), EN)
    assert shown in [figure.value for figure in statement.figures]


@pytest.mark.parametrize("code", ["KZ-39", "KZ-19", "KZ-10", "KZ-71"])
def test_region_profile_and_core_agree_on_a_regions_share(features, regions, bundled, code):
    profile = spatial.region_profile(code, features, regions)
    listed = features[features["id"].isin(profile.protected_ids)]
    core = analysis.protected_share(listed, regions, (code,))
    assert profile.official_share == pytest.approx(core or 0.0)
    region = regions[regions["iso_code"] == code].iloc[0]
    statement = region_facts.region_statement(profile, region, features, bundled.tables.get("targets"), EN)
    assert format_share(core, EN, 2) in [figure.value for figure in statement.figures]


# ---------------------------------------------------------------------------- names on the maps


def web_groups_in_priority_order(features) -> list[str]:
    """The groups of the web map's names, in the order its label script places them."""
    items = name_labels.basemap_label_items(basemap.bundled_basemap("name_en").labels)
    items += [item for kind_items in name_labels.feature_label_items(features, "name_en").values() for item in kind_items]
    group_of_class = {css: group for group, (css, _) in name_labels.LABEL_STYLE.items()}
    group_of_class["kz-label-feature"] = name_order.GROUP_AREA
    ordered = [group_of_class[item[3]] for item in sorted(items, key=lambda item: item[4])]
    return list(dict.fromkeys(ordered))


def pack_groups_in_placing_order(monkeypatch, bundled, scope) -> list[str]:
    """The groups the pack map tries to name, in the order it tries them (its own feature left out)."""
    tried = []
    place = pack_names.NameWriter._add

    def recording(writer, candidates, *args, **kwargs):
        tried.extend(candidate.kind for candidate in candidates if candidate.kind != "selected")
        return place(writer, candidates, *args, **kwargs)

    monkeypatch.setattr(pack_names.NameWriter, "_add", recording)
    static_map_names(bundled, scope, translate=EN)
    return list(dict.fromkeys(tried))


@pytest.mark.parametrize(
    "groups",
    [
        name_order.NAME_GROUPS,
        tuple(reversed(name_order.NAME_GROUPS)),
        tuple(random.Random(7).sample(name_order.NAME_GROUPS, len(name_order.NAME_GROUPS))),
    ],
    ids=["as-shipped", "reversed", "shuffled"],
)
def test_web_map_and_pack_map_name_places_in_the_one_order(monkeypatch, bundled, features, groups):
    monkeypatch.setattr(name_order, "NAME_GROUPS", groups)
    assert web_groups_in_priority_order(features) == list(groups)
    # A region's pack map has names of every group in view and tries them in the same order.
    assert pack_groups_in_placing_order(monkeypatch, bundled, briefing.Scope("region", "KZ-19")) == list(groups)


@pytest.mark.parametrize("count", [3, 12])
def test_both_maps_name_the_same_number_of_areas_at_country_scale(monkeypatch, bundled, features, count):
    monkeypatch.setattr(name_order, "AREA_NAMES_AT_COUNTRY_ZOOM", count)
    web = name_labels.feature_label_items(features, "name_en")
    at_country_zoom = [item for items in web.values() for item in items if item[5] == name_labels.COUNTRY_ZOOM_LABEL]
    assert len(at_country_zoom) == count
    pack_areas = [name for name in static_map_names(bundled, briefing.Scope("country"), translate=EN) if name.kind == "area"]
    assert 0 < len(pack_areas) <= count


def test_both_maps_rank_areas_by_one_size_rule(monkeypatch, bundled, features):
    calls = []
    ranked = name_order.features_in_order

    def smallest_first(frame):
        calls.append(len(frame))
        return ranked(frame).iloc[::-1]

    monkeypatch.setattr(name_order, "features_in_order", smallest_first)
    web = name_labels.feature_label_items(features, "name_en")
    first = min((item for items in web.values() for item in items if item[3] == "kz-label-feature"), key=lambda item: item[4])
    areas = features[features["kind"].isin(AREA_KINDS) & features.geometry.notna()]
    smallest = ranked(areas).iloc[-1]
    assert first[2] == smallest["name_en"]
    before = len(calls)
    static_map_names(bundled, briefing.Scope("country"), translate=EN)
    assert len(calls) > before  # the pack map asked the same rule
