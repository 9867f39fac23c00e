"""The policy bench's frontier as an SVG: average inventory value against realised fill rate,
one line per policy over its knob (a service-level target, a safety factor), and the inventory
one policy saves against a baseline at equal realised fill, read off the baseline's curve.

Pure Python (the project has no plotting library and the bench adds none): the file is written
by hand, so it opens in any browser and diffs as text. The figures run.py prints and writes
as JSON and the savings drawn here read a curve at a fill rate with one function
(`planning.replays.frontier.at_fill`), the one the store's replay page reads its savings with.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from planning.replays.frontier import at_fill, cut_of

WIDTH, HEIGHT = 1080, 600
# the plot area; the legend sits to its right, outside it, so it never hides a point
LEFT, RIGHT, TOP, BOTTOM = 90, 730, 80, 530
LEGEND_X = 755
# Okabe-Ito: told apart with the common colour-vision deficiencies
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442")
REFERENCE_COLOUR = "#D55E00"
SAVING_COLOUR = "#444444"
MARKERS = ("circle", "square", "triangle", "diamond", "down")  # "down": a triangle on its tip


@dataclass(frozen=True)
class Curve:
    """One policy's frontier: (realised fill rate 0-1, average inventory value) per knob
    setting, in knob order, and the knob's value at each point (shown when a point is
    hovered)."""

    label: str
    points: Sequence[tuple[float, float]]
    knobs: Sequence[str] = ()


def less_than(value: float, reference: float) -> str:
    """``value`` against ``reference`` in words: "37.2% less" or "4.0% more"."""
    less = cut_of(value, reference)
    return f"{abs(less):.1%} {'less' if less >= 0 else 'more'}"


def _nice_step(span: float, ticks: int) -> float:
    """A step of 1, 2 or 5 times a power of ten giving about ``ticks`` ticks over ``span``."""
    raw = span / max(ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    return next(f * power for f in (1, 2, 5, 10) if f * power >= raw)


def _ticks(low: float, high: float, ticks: int) -> tuple[float, float, list[float]]:
    """The axis's ends, widened to whole steps, and its ticks."""
    if high <= low:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    step = _nice_step(high - low, ticks)
    start = math.floor(low / step + 1e-9) * step
    end = math.ceil(high / step - 1e-9) * step
    count = round((end - start) / step)
    return start, end, [start + i * step for i in range(count + 1)]


def _money(value: float, currency: str) -> str:
    if abs(value) >= 1e6:
        return f"{currency}{value / 1e6:g}M"
    if abs(value) >= 1e3:
        return f"{currency}{value / 1e3:g}k"
    return f"{currency}{value:g}"


def _marker(shape: str, x: float, y: float, colour: str, tooltip: str, fill: str = "") -> str:
    fill = fill or colour
    style = f'fill="{fill}" stroke="{colour}" stroke-width="1.5"'
    title = f"<title>{escape(tooltip)}</title>"
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" {style}>{title}</rect>'
    if shape == "triangle":
        points = f"{x:.1f},{y - 5:.1f} {x - 5:.1f},{y + 4:.1f} {x + 5:.1f},{y + 4:.1f}"
        return f'<polygon points="{points}" {style}>{title}</polygon>'
    if shape == "down":
        points = f"{x:.1f},{y + 5:.1f} {x - 5:.1f},{y - 4:.1f} {x + 5:.1f},{y - 4:.1f}"
        return f'<polygon points="{points}" {style}>{title}</polygon>'
    if shape == "diamond":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return f'<polygon points="{points}" {style}>{title}</polygon>'
    if shape == "cross":
        return (
            f'<path d="M{x - 5:.1f},{y - 5:.1f}L{x + 5:.1f},{y + 5:.1f}'
            f'M{x - 5:.1f},{y + 5:.1f}L{x + 5:.1f},{y - 5:.1f}" stroke="{colour}" '
            f'stroke-width="2.5">{title}</path>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" {style}>{title}</circle>'


def frontier_svg(
    curves: Sequence[Curve],
    *,
    ours: str,
    baseline: str,
    title: str,
    subtitle: str = "",
    references: Mapping[str, tuple[float, float]] | None = None,
    currency: str = "£",
) -> str:
    """The SVG document: a polyline and markers per curve, single points for ``references``
    (a policy without a knob), and at each point of the ``ours`` curve whose fill rate the
    ``baseline`` curve spans, a dashed line up (or down) to the baseline's inventory at that
    fill with the saving written beside it. Points that are not finite are left out."""
    references = dict(references or {})
    kept = {}  # per curve, its finite points with their knobs' values
    for curve in curves:
        knobs = [*curve.knobs, *[""] * (len(curve.points) - len(curve.knobs))]
        kept[curve.label] = [
            (fill, stock, knob)
            for (fill, stock), knob in zip(curve.points, knobs, strict=False)
            if math.isfinite(fill) and math.isfinite(stock)
        ]
    everything = [(f, v) for points in kept.values() for f, v, _knob in points]
    everything += list(references.values())
    everything = [p for p in everything if math.isfinite(p[0]) and math.isfinite(p[1])]
    fills = [p[0] for p in everything] or [0.0, 1.0]
    stocks = [p[1] for p in everything] or [1.0]
    x_low, x_high, x_ticks = _ticks(min(fills), max(fills), 8)
    # inventory from zero: a saving's share is then also its share of the drawn height
    y_low, y_high, y_ticks = _ticks(0.0, max(max(stocks), 1e-9), 6)

    def x_of(fill: float) -> float:
        return LEFT + (fill - x_low) / (x_high - x_low) * (RIGHT - LEFT)

    def y_of(stock: float) -> float:  # SVG's y grows downwards: more stock is drawn higher
        return BOTTOM - (stock - y_low) / (y_high - y_low) * (BOTTOM - TOP)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="Helvetica, Arial, sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{WIDTH / 2:.0f}" y="30" font-size="18" font-weight="bold" '
        f'text-anchor="middle">{escape(title)}</text>',
    ]
    if subtitle:
        out.append(
            f'<text x="{WIDTH / 2:.0f}" y="52" font-size="13" fill="#555" '
            f'text-anchor="middle">{escape(subtitle)}</text>'
        )
    # grid, ticks and axes
    out.append('<g class="axes" font-size="12" fill="#333">')
    for tick in x_ticks:
        x = x_of(tick)
        out.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{BOTTOM}" stroke="#e5e5e5"/>'
            f'<line x1="{x:.1f}" y1="{BOTTOM}" x2="{x:.1f}" y2="{BOTTOM + 5}" stroke="#333"/>'
            f'<text x="{x:.1f}" y="{BOTTOM + 20}" text-anchor="middle">'
            f"{round(tick * 100, 6):g}%</text>"
        )
    for tick in y_ticks:
        y = y_of(tick)
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{RIGHT}" y2="{y:.1f}" stroke="#e5e5e5"/>'
            f'<line x1="{LEFT - 5}" y1="{y:.1f}" x2="{LEFT}" y2="{y:.1f}" stroke="#333"/>'
            f'<text x="{LEFT - 9}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(_money(tick, currency))}</text>"
        )
    out.append(
        f'<rect x="{LEFT}" y="{TOP}" width="{RIGHT - LEFT}" height="{BOTTOM - TOP}" '
        f'fill="none" stroke="#333"/>'
        f'<text x="{(LEFT + RIGHT) / 2:.0f}" y="{BOTTOM + 48}" font-size="14" '
        f'text-anchor="middle">realised fill rate (units served / units demanded)</text>'
        f'<text x="22" y="{(TOP + BOTTOM) / 2:.0f}" font-size="14" text-anchor="middle" '
        f'transform="rotate(-90 22 {(TOP + BOTTOM) / 2:.0f})">'
        f"average inventory value at cost ({escape(currency)})</text>"
    )
    out.append("</g>")

    # the savings' lines under the curves, so the markers are drawn over their ends; their
    # words over everything, on a white halo, so a crossing curve does not hide them
    compared = kept.get(ours, [])
    against = [(fill, stock) for fill, stock, _knob in kept.get(baseline, [])]
    words = []
    if compared and against:
        out.append(f'<g class="savings" stroke="{SAVING_COLOUR}" fill="{SAVING_COLOUR}">')
        for fill, stock, _knob in compared:
            reference = at_fill(against, fill)
            if reference is None or reference <= 0:
                continue
            x, y_ours, y_reference = x_of(fill), y_of(stock), y_of(reference)
            middle = (y_ours + y_reference) / 2
            out.append(
                f'<line x1="{x:.1f}" y1="{y_ours:.1f}" x2="{x:.1f}" y2="{y_reference:.1f}" '
                f'stroke-dasharray="4 3" stroke-width="1.2"/>'
                + _marker(
                    "circle",
                    x,
                    y_reference,
                    SAVING_COLOUR,
                    f"{baseline} at fill {fill:.1%}: {currency}{reference:,.0f}",
                    fill="white",
                )
            )
            # read upwards, its glyphs just right of the dashed line
            words.append(
                f'<text class="saving" x="{x + 13:.1f}" y="{middle:.1f}" '
                f'text-anchor="middle" data-fill="{fill:.6f}" '
                f'transform="rotate(-90 {x + 13:.1f} {middle:.1f})">'
                f"{escape(less_than(stock, reference))}</text>"
            )
        out.append("</g>")

    legend = []
    for index, curve in enumerate(curves):
        colour = COLOURS[index % len(COLOURS)]
        shape = MARKERS[index % len(MARKERS)]
        points = kept[curve.label]
        out.append(f'<g class="policy" data-policy={quoteattr(curve.label)}>')
        out.append(
            f'<polyline data-policy={quoteattr(curve.label)} fill="none" stroke="{colour}" '
            f'stroke-width="2" points="'
            + " ".join(f"{x_of(f):.1f},{y_of(v):.1f}" for f, v, _knob in points)
            + '"/>'
        )
        for fill, stock, knob in points:
            tooltip = f"{curve.label}{', ' + knob if knob else ''}: fill {fill:.1%}, "
            out.append(
                _marker(shape, x_of(fill), y_of(stock), colour, f"{tooltip}{currency}{stock:,.0f}")
            )
        out.append("</g>")
        legend.append((curve.label, colour, shape, True))
    for label, (fill, stock) in references.items():
        if not (math.isfinite(fill) and math.isfinite(stock)):
            continue
        out.append(
            f'<g class="reference" data-policy={quoteattr(label)}>'
            + _marker(
                "cross",
                x_of(fill),
                y_of(stock),
                REFERENCE_COLOUR,
                f"{label}: fill {fill:.1%}, {currency}{stock:,.0f}",
            )
            + "</g>"
        )
        legend.append((label, REFERENCE_COLOUR, "cross", False))

    if words:
        out.append(
            f'<g class="saving-words" font-size="11" fill="{SAVING_COLOUR}" stroke="white" '
            f'stroke-width="3" paint-order="stroke">'
        )
        out.extend(words)
        out.append("</g>")

    out.append(f'<g class="legend" font-size="12" transform="translate({LEGEND_X} {TOP})">')
    row = 0
    for label, colour, shape, line in legend:
        y = 10 + row * 24
        if line:
            out.append(
                f'<line x1="0" y1="{y}" x2="28" y2="{y}" stroke="{colour}" stroke-width="2"/>'
            )
        out.append(_marker(shape, 14, y, colour, label))
        out.append(f'<text x="36" y="{y + 4}">{escape(label)}</text>')
        row += 1
    if compared and against:
        y = 10 + row * 24
        out.append(
            f'<line x1="14" y1="{y - 9}" x2="14" y2="{y + 9}" stroke="{SAVING_COLOUR}" '
            f'stroke-dasharray="4 3" stroke-width="1.2"/>'
            f'<text x="36" y="{y - 2}">inventory saved at equal fill</text>'
            f'<text x="36" y="{y + 13}" fill="#555">against {escape(baseline)}</text>'
        )
        row += 1
    out.append(
        f'<text x="0" y="{10 + row * 24 + 14}" fill="#555">lower and further right is better</text>'
    )
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def write_frontier(path: Path, curves: Sequence[Curve], **options) -> Path:
    """Write `frontier_svg` of ``curves`` (same keyword options) to ``path``, creating its
    folder; returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(frontier_svg(curves, **options), encoding="utf-8")
    return path
