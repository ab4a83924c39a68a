"""A UN partner site is never called a UNDP site: map tooltips, packs and counts."""

from __future__ import annotations

import json

import pandas as pd

from kzatlas import briefing, spatial
from kzatlas.i18n import translator
from kzatlas.map import folium_maps

SDG_CENTRE = "undp-un-regional-sdg-centre-almaty"
EN = translator("en")


def test_the_map_tooltip_calls_the_partner_site_what_it_is(features):
    prepared = folium_maps.prepare_map_features(features, EN, "name_en", {}, 5)
    tip = prepared.collection([SDG_CENTRE], None)["features"][0]["properties"]["tip"]
    assert "UN partner site" in tip and "UNDP project site" not in tip
    site = prepared.collection(["undp-siberian-pine-alley-astana"], None)["features"][0]["properties"]["tip"]
    assert "UNDP project site" in site


def test_many_sites_on_one_canvas_keep_the_partner_label(features):
    partner = features[features["id"] == SDG_CENTRE]
    sites = pd.concat([features[features["kind"] == "undp_site"]] * 60, ignore_index=True)
    sites["id"] = [f"s{i}" for i in range(len(sites))]
    frame = pd.concat([sites, partner], ignore_index=True).set_geometry("geometry")
    prepared = folium_maps.prepare_map_features(frame, EN, "name_en", {}, 5)
    [row] = json.loads(prepared.point_rows([SDG_CENTRE]))
    tail = prepared.tails[row[-1]]
    assert "UN partner site" in tail and "UNDP project site" not in tail


def test_a_pack_about_the_partner_site_says_it_is_not_a_undp_project(bundled):
    brief = briefing.build_briefing(bundled, briefing.Scope("feature", SDG_CENTRE), EN, "name_en", "", "2026-12-01")
    assert "UN partner site (not a UNDP project)" in brief.subtitle
    assert "UNDP project site" not in brief.subtitle


def test_the_footprint_counts_sites_programmes_and_partners_once(features):
    footprint = spatial.undp_footprint(features)
    assert (footprint.sites, footprint.located_sites, footprint.programmes, footprint.partners) == (5, 4, 7, 1)
    counts = dict(spatial.counts_by_kind_apart_from_partners(features).itertuples(index=False))
    assert counts["undp_site"] == footprint.sites
