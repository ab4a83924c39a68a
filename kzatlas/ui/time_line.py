"""The map's time line as the app builds it: the whole catalogue's years, events and curve.

:class:`kzatlas.map.time_control.TimeControl` draws it in the browser; this module gathers what
it shows once per data version and language (:meth:`PageContext.remembered`) and hands the live
map a static file to fetch for the per-feature parts (:func:`kzatlas.map.static_files.publish_json`).
"""

from __future__ import annotations

from kzatlas import timeline
from kzatlas.map import static_files
from kzatlas.map.time_control import TimeControl
from kzatlas.ui.frame import PageContext


def time_control(
    context: PageContext, this_year: int, opening_year: int | None = None, group_names: tuple[str, ...] = ()
) -> TimeControl:
    """The time line for every feature of the catalogue, from its first year to ``this_year``.

    ``opening_year`` and ``group_names`` are for a saved map (see :class:`TimeControl`), which
    carries everything; the live map (no ``group_names``) fetches the per-feature parts.
    """
    years, events, curve, first, sizes, ends = context.remembered(
        ("time line", this_year), None, lambda: _time_line_parts(context, this_year)
    )
    return TimeControl(
        years,
        events,
        curve,
        first,
        this_year,
        context.translate,
        opening_year=opening_year,
        group_names=group_names,
        sizes=sizes,
        ends=ends,
        publish=None if group_names else static_files.publish_json,
    )


def _time_line_parts(context: PageContext, this_year: int) -> tuple:
    """What the time line shows of the whole catalogue, worked out once per data version and language."""
    everything = context.all_features()
    years = timeline.appearance_years(everything)
    first = min(years.values(), default=this_year)
    return (
        years,
        timeline.year_events(everything, context.translate, context.name_column),
        timeline.network_curve(everything, context.catalogue.tables.get("targets"), first, this_year, context.translate),
        first,
        timeline.drawn_sizes(everything),
        timeline.end_years(everything),
    )
