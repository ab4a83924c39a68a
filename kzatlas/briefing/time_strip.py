"""The network through time for a pack: the country in a few years side by side, and the curve.

One picture: a strip of small maps (the network as it stood in each chosen year, drawn by
:func:`~kzatlas.briefing.pack_map.static_map_png` with ``up_to_year``) above the curve of
:func:`kzatlas.timeline.network_curve`: the share of the territory covered by the listed
reserves and parks, UNDP's part, the official national share as published, the 2035 national
target and the global 30 %, with the strip's years marked. Drawn with matplotlib on the server,
no network; the same catalogue gives the same bytes.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from kzatlas.analysis import located
from kzatlas.briefing.content import SCOPE_COUNTRY, Scope
from kzatlas.briefing.pack_map import static_map_png
from kzatlas.catalog import Catalogue, feature_frame
from kzatlas.formats import format_number
from kzatlas.i18n import Translate
from kzatlas.timeline import CURVE_LABELS, appearance_years, network_curve

# The years of the strip: the first reserve, then the years the network changed most; today last.
STRIP_YEARS = (1926, 1968, 1996, 2018)
FRAME_PX = (640, 420)


def strip_years(catalogue: Catalogue, this_year: int) -> tuple[int, ...]:
    """The years of the strip: :data:`STRIP_YEARS` within the catalogue's time line, then ``this_year``."""
    known = appearance_years(feature_frame(catalogue)).values()
    first = min(known, default=this_year)
    return tuple(year for year in STRIP_YEARS if first <= year < this_year) + (this_year,)


def time_strip_png(catalogue: Catalogue, this_year: int, translate: Translate, width_px: int = 2400) -> bytes:
    """The strip of the country's network in :func:`strip_years` above the curve, as one PNG (RGB)."""
    features = feature_frame(catalogue)
    years = strip_years(catalogue, this_year)
    dated = appearance_years(features)
    on_map = appearance_years(located(features))
    first = min(dated.values(), default=this_year)
    curve = network_curve(features, catalogue.tables.get("targets"), first, this_year, translate)
    frames = [
        Image.open(io.BytesIO(static_map_png(catalogue, Scope(SCOPE_COUNTRY), *FRAME_PX, translate, up_to_year=year, legend=False)))
        for year in years
    ]
    scale = width_px / 2400
    # Pixels: the strip (each frame at its own shape, under its title), then the curve and its legend.
    frame_h = (width_px / len(frames)) * FRAME_PX[1] / FRAME_PX[0]
    title_h, chart_h, legend_h = 46 * scale, 560 * scale, 120 * scale
    height_px = int(frame_h + title_h + chart_h + legend_h)
    dpi = 100 * scale
    figure = Figure(figsize=((width_px + 0.25) / dpi, (height_px + 0.25) / dpi), dpi=dpi, facecolor="white")
    canvas = FigureCanvasAgg(figure)
    slot = 1.0 / len(frames)
    strip_bottom = (chart_h + legend_h) / height_px
    for index, (year, frame) in enumerate(zip(years, frames)):
        axes = figure.add_axes((index * slot + 0.003, strip_bottom, slot - 0.006, frame_h / height_px))
        axes.imshow(frame)
        axes.set_axis_off()
        count = sum(1 for value in on_map.values() if value <= year)
        axes.set_title(
            f"{year}   ·   " + translate(CURVE_LABELS["count"]).format(count=format_number(count, translate)),
            fontsize=17 * scale,
            fontweight="bold",
        )
    chart = figure.add_axes((0.05, (legend_h + 40 * scale) / height_px, 0.93, (chart_h - 70 * scale) / height_px))
    _curve(chart, curve, years, translate, scale)
    buffer = io.BytesIO()
    canvas.draw()
    Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB").save(buffer, format="PNG")
    return buffer.getvalue()


def _curve(chart, curve, years: tuple[int, ...], translate: Translate, scale: float) -> None:
    points = curve.points
    x = [point.year for point in points]
    chart.fill_between(x, [point.undp_pct for point in points], color="#1f6feb", alpha=0.35, step="post",
                       label=translate(CURVE_LABELS["undp"]))
    chart.step(x, [point.listed_pct for point in points], where="post", color="#1a7f37", linewidth=2.5 * scale,
               label=translate(CURVE_LABELS["listed"]))
    if curve.official:
        chart.scatter([p.year for p in curve.official], [p.share_pct for p in curve.official], color="#111111",
                      s=30 * scale, zorder=3, label=translate(CURVE_LABELS["official"]))
    for target, colour, key in ((curve.national_target, "#b35900", "national"), (curve.global_target, "#8250df", "world")):
        if target is None:
            continue
        chart.axhline(target.share_pct, color=colour, linestyle="--", linewidth=1.5 * scale,
                      label=translate(CURVE_LABELS[key]).format(year=target.year) + f" ({format_number(target.share_pct, translate, 1)} %)")
        chart.scatter([target.year], [target.share_pct], color=colour, s=30 * scale, zorder=3)
    for year in years:
        chart.axvline(year, color="#d1242f", linewidth=1 * scale, alpha=0.6)
    last = max([x[-1]] + [t.year for t in (curve.national_target, curve.global_target) if t is not None])
    chart.set_xlim(x[0] - 1, last + 1)
    chart.set_ylim(0, None)
    chart.set_ylabel(translate(CURVE_LABELS["share"]), fontsize=13 * scale)
    chart.tick_params(labelsize=12 * scale)
    chart.grid(axis="y", color="#dddddd")
    chart.legend(loc="upper left", bbox_to_anchor=(0, -0.09), fontsize=12 * scale, frameon=False, ncols=3)
