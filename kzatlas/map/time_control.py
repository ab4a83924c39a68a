"""The time line on the map: a year slider that plays the network from its first reserve to today.

Everything runs in the browser (no rerun of the page per year, and no network): the control
knows each feature's year (:func:`kzatlas.timeline.appearance_years`) and, for a year before
today, takes off the map every shape, site and name whose year is later or unknown; at today it
puts everything back. It keeps working when the filters swap the feature groups (it applies the
year again to the new ones). Beside the slider, a small chart draws the curve
(:func:`kzatlas.timeline.network_curve`) with the year marked, and the year's events with their
sources. The year goes into the page address (``year=``), so a shared link opens at it; the
address keeper of :class:`kzatlas.map.browser_code.KeepViewInAddress` puts it back when the page
rewrites the address.

The browser code (its stylesheet and script) is in :mod:`kzatlas.map.time_control_browser`; this
module gathers what it needs and renders it.

Keys, with the control focused: left and right arrows step a year (Home and End go to the first
year and to today), the space bar plays and pauses.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import folium
from branca.element import MacroElement
from jinja2 import Template

from kzatlas.area_history import AREA_RULE
from kzatlas.formats import format_number
from kzatlas.i18n import N_, Translate
from kzatlas.map.time_control_browser import CSS, SCRIPT
from kzatlas.timeline import CURVE_LABELS, Curve

YEAR_PARAM = "year"
# Milliseconds per year while playing (a century in about 25 s).
PLAY_STEP_MS = 250
TIME_CONTROL_CLASS = "kz-time"
# What the live map fetches instead of carrying: per feature, so it grows with the catalogue.
FETCHED_PARTS = ("years", "events", "sizes", "ends")

TEXTS = {
    "timeline": N_("Time line: the network year by year"),
    "play": N_("Play"),
    "pause": N_("Pause"),
    "back": N_("One year back"),
    "on": N_("One year on"),
    "slider": N_("Year shown on the map"),
    "today": N_("today: everything in the atlas"),
    "chart": N_("Show the curve and the year's events"),
    "key": N_("Key to the chart"),
    "nothing": N_("Nothing in the atlas appeared this year."),
    "grown": N_("paler: drawn at its area in that year"),
    "ended": N_("paler: UNDP work that had ended by then"),
    "rule": AREA_RULE,
    **CURVE_LABELS,
}


class _ShowYear(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function show(tries) {
            var line = window.kzTimeLine;
            if (!line) {
                // The layers can arrive before the map's time line exists: try again shortly.
                if (tries < 100) { setTimeout(function () { show(tries + 1); }, 100); }
                return;
            }
            if (window.__kzShownYear === {{ this.nonce | tojson }}) { return; }
            window.__kzShownYear = {{ this.nonce | tojson }};
            var year = {{ this.year | tojson }};
            line.go(year === null ? line.last : year);
            if (year !== null) { line.open(true); }  // today keeps the chart as it is (a story ends there)
        })(0);
        {% endmacro %}
        """
    )

    def __init__(self, nonce: str, year: int | None):
        super().__init__()
        self._name = "ShowYear"
        self.nonce, self.year = str(nonce), year


def year_group(nonce: str, year: int | None) -> folium.FeatureGroup:
    """A layer with no shapes that moves the map's time line to ``year`` (``None``: today) once per ``nonce``.

    A story scene sends it with the scene (the map is not reloaded between scenes); the chart
    opens for a year before today and stays as it is at today.
    """
    group = folium.FeatureGroup(name="time-line-year", control=False)
    _ShowYear(nonce, year).add_to(group)
    return group


class TimeControl(MacroElement):
    """The time line of the map (see the module's description); added to the base map once.

    In a saved map (no streamlit-folium), ``group_names`` names the feature groups it works on,
    and ``opening_year`` is the year it opens at. ``publish`` (the live app only, e.g.
    :func:`kzatlas.map.static_files.publish_json`) serves the per-feature parts as a file the
    map fetches; without it, or when it returns ``None``, they are inside the map.
    """

    _template = Template("{% macro header(this, kwargs) %}<style>" + CSS + "</style>{% endmacro %}"
                         "{% macro script(this, kwargs) %}" + SCRIPT + "{% endmacro %}")

    def __init__(
        self,
        years: dict[str, int],
        events: dict[int, list[dict]],
        curve: Curve,
        first_year: int,
        last_year: int,
        translate: Translate,
        *,
        opening_year: int | None = None,
        group_names: tuple[str, ...] = (),
        sizes: dict[str, list[tuple[int, float]]] | None = None,
        ends: dict[str, int] | None = None,
        publish: Callable[[bytes], str | None] | None = None,
    ):
        super().__init__()
        self._name = "TimeControl"
        self.css_class = TIME_CONTROL_CLASS
        self.step_ms = PLAY_STEP_MS
        texts = {key: translate(message) for key, message in TEXTS.items()}
        texts["national_label"] = (
            texts["national"].format(year=curve.national_target.year) if curve.national_target else ""
        )
        texts["world_label"] = texts["world"].format(year=curve.global_target.year) if curve.global_target else ""
        texts["today_line"] = texts["today"]
        # The page language's decimal mark, for the shares written in the chart's tooltips.
        texts["decimal"] = format_number(1.5, translate, 1)[1]
        self.data = {
            "param": YEAR_PARAM,
            "first": int(first_year),
            "last": int(last_year),
            # Where a saved file opens (an address's year wins), and its feature groups' names.
            "opening": int(opening_year) if opening_year is not None and first_year <= opening_year <= last_year else None,
            "groups": list(group_names),
            "years": {key: int(value) for key, value in years.items()},
            # Feature id -> [[from year, linear scale], ...] for areas drawn smaller before a dated expansion.
            # UNDP item id -> the last year of its work (drawn paler after it).
            "ends": {key: int(value) for key, value in (ends or {}).items()},
            "sizes": {key: [[int(step_year), round(factor, 4)] for step_year, factor in steps] for key, steps in (sizes or {}).items()},
            "events": {str(year): items for year, items in events.items()},
            "curve": {
                "points": [[p.year, p.listed_pct, p.undp_pct] for p in curve.points],
                "official": [[p.year, p.share_pct, p.publisher] for p in curve.official],
                "national": _target(curve.national_target),
                "world": _target(curve.global_target),
            },
            "text": texts,
        }
        # The live map's large parts go to a static file it fetches (see :mod:`kzatlas.map.static_files`).
        if publish is not None:
            large = {key: self.data[key] for key in FETCHED_PARTS}
            address = publish(json.dumps(large, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8"))
            if address:
                self.data.update({key: {} for key in FETCHED_PARTS}, source=address, fetched=list(FETCHED_PARTS))


def _target(target) -> list | None:
    return None if target is None else [target.year, target.share_pct, target.title]
