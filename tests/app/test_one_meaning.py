"""One meaning per number: a share beside the official figure only as its counterpart, UNDP counted one way."""

from __future__ import annotations

import pytest
from pagetest import metric, run_page, shown

OFFICIAL = "Official national figure (2025-01-01)"
COUNTERPART = "Reserves and parks in this atlas"


def labels(at) -> list[str]:
    return [shown(item.label) for item in at.metric]


def test_without_filters_the_atlas_share_stands_beside_the_official_figure():
    at = run_page("map_explorer")
    assert metric(at, OFFICIAL) == "11.37\u00a0%"
    assert COUNTERPART in labels(at)


@pytest.mark.parametrize(("param", "value"), [("undp", "1"), ("themes", "forests"), ("themes", "climate"), ("kinds", "national_park")])
def test_under_filters_the_share_says_what_it_is_and_leaves_the_official_figure_out(param, value):
    at = run_page("map_explorer", **{param: value})
    names = labels(at)
    assert OFFICIAL not in names and COUNTERPART not in names
    [share] = [name for name in names if name.startswith("Share of Kazakhstan covered by the")]
    assert "matching reserves and parks" in share
    assert any("not compared with the official national figure" in shown(c.value) for c in at.caption)


def test_the_explorer_counts_undp_sites_and_partner_sites_apart():
    at = run_page("map_explorer")
    assert metric(at, "UNDP sites") == "5"
    assert metric(at, "UN partner sites") == "1"
