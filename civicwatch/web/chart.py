"""The dashboard's chart: events per period by type as a stacked bar chart, drawn server-side as inline SVG.

No JavaScript and no chart library: the page works offline and without scripts, each bar segment has a
``<title>`` (the browser's tooltip, read by screen readers) and the legend is plain HTML. ``stacked_bars``
only computes geometry; ``templates/_chart.html`` prints it (autoescaped).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

TYPE_ORDER = ("designation", "delisting", "law", "sanction", "prosecution", "closure", "attack", "reaction")
MAX_MONTHS = 48  # more months than this are drawn by year, so bars stay wide enough to see and point at

WIDTH, HEIGHT = 960, 300
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 36


@dataclass
class Segment:
    type: str
    count: int
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class Label:
    x: float
    text: str


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    plot_bottom: float = HEIGHT - BOTTOM
    plot_right: float = WIDTH - RIGHT
    period: str = "month"
    segments: list[Segment] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    total: int = 0
    summary: str = ""  # a text alternative: the busiest periods


def _month_index(month: str) -> int:
    year, _, number = month.partition("-")
    return int(year) * 12 + (int(number or 1) - 1)


def _month_name(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _nice_max(value: int) -> int:
    """The top of the axis: four equal steps of 1, 2 or 5 times a power of ten, reaching ``value``."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if step * 4 >= value:
                return step * 4
        magnitude *= 10


def stacked_bars(counts: Iterable[tuple[str, str, int]]) -> Chart:
    """The chart for ``(month "YYYY-MM", type, count)`` rows: one bar per month (per year over ``MAX_MONTHS``),
    every month of the span shown, even empty ones, so gaps in time read as gaps."""
    by_month: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for month, type_, count in counts:
        if month and count:
            by_month[_month_index(month[:7])][type_] += int(count)
    chart = Chart()
    if not by_month:
        return chart
    first, last = min(by_month), max(by_month)
    if last - first + 1 > MAX_MONTHS:
        chart.period = "year"
        buckets: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for index, types in by_month.items():
            for type_, count in types.items():
                buckets[index // 12][type_] += count
        keys = list(range(first // 12, last // 12 + 1))
        names = [str(year) for year in keys]
    else:
        buckets = by_month
        keys = list(range(first, last + 1))
        names = [_month_name(index) for index in keys]

    present = {type_ for types in buckets.values() for type_ in types}
    chart.types = [t for t in TYPE_ORDER if t in present] + sorted(present - set(TYPE_ORDER))
    totals = [sum(buckets[key].values()) if key in buckets else 0 for key in keys]
    chart.total = sum(totals)
    top = _nice_max(max(totals))
    plot_width = chart.plot_right - LEFT
    plot_height = chart.plot_bottom - TOP
    slot = plot_width / len(keys)
    bar = min(48.0, max(1.0, slot * 0.8))
    for i, (key, name) in enumerate(zip(keys, names, strict=True)):
        x = LEFT + i * slot + (slot - bar) / 2
        y = chart.plot_bottom
        for type_ in chart.types:
            count = buckets.get(key, {}).get(type_, 0)
            if not count:
                continue
            height = count / top * plot_height
            y -= height
            noun = "event" if count == 1 else "events"
            chart.segments.append(
                Segment(
                    type_,
                    count,
                    round(x, 2),
                    round(y, 2),
                    round(bar, 2),
                    round(height, 2),
                    f"{name}: {count} {type_} {noun}",
                )
            )
    for step in range(5):
        value = top * step // 4
        chart.ticks.append(Tick(round(chart.plot_bottom - value / top * plot_height, 2), str(value)))
    every = max(1, round(len(keys) / 12))  # about a dozen labels on the time axis
    for i, name in enumerate(names):
        if i % every == 0:
            chart.labels.append(Label(round(LEFT + i * slot + slot / 2, 2), name))
    busiest = sorted(zip(totals, names, strict=True), reverse=True)[:3]
    chart.summary = ", ".join(f"{name}: {total}" for total, name in busiest if total)
    return chart
