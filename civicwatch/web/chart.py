"""The dashboard's chart: events per period by type as a stacked bar chart, drawn server-side as inline SVG.

Events without a month (undated, or dated only to a year, a season or an interval) are not dropped: they
stack in a last bar of their own, set apart and labelled "undated". The legend lists every event type,
with its count (a type with no event yet says 0), so the colours always read the same.

No JavaScript and no chart library: the page works offline and without scripts, each bar segment has a
``<title>`` (the browser's tooltip, read by screen readers) and the legend is plain HTML. ``stacked_bars``
only computes geometry; ``templates/_chart.html`` prints it (autoescaped).
"""

from __future__ import annotations

import re
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
    undated: bool = False  # in the bar of the events without a month


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
    types: list[str] = field(default_factory=list)  # the types drawn, in stacking order
    legend: list[LegendEntry] = field(default_factory=list)  # every type, drawn or not
    total: int = 0  # events in a month (or a year)
    undated: int = 0  # events in the "undated" bar
    summary: str = ""  # a text alternative: the busiest periods

    @property
    def shown(self) -> int:
        return self.total + self.undated


@dataclass
class LegendEntry:
    type: str
    count: int


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


UNDATED = "undated"  # the name of the last bar


def stacked_bars(
    counts: Iterable[tuple[str, str, int]], undated: Iterable[tuple[str, int]] = (), height: int = HEIGHT
) -> Chart:
    """The chart for ``(month "YYYY-MM", type, count)`` rows: one bar per month (per year over ``MAX_MONTHS``),
    every month of the span shown, even empty ones, so gaps in time read as gaps; then, a slot apart, one
    bar of the ``(type, count)`` events that have no month."""
    by_month: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for month, type_, count in counts:
        if month and count:
            by_month[_month_index(month[:7])][type_] += int(count)
    no_month: dict[str, int] = defaultdict(int)
    for type_, count in undated:
        if count:
            no_month[type_] += int(count)
    chart = Chart(height=height, plot_bottom=height - BOTTOM)
    per_type: dict[str, int] = defaultdict(int, no_month)
    for types in by_month.values():
        for type_, count in types.items():
            per_type[type_] += count
    chart.legend = [LegendEntry(t, per_type.get(t, 0)) for t in TYPE_ORDER]
    chart.legend += [LegendEntry(t, per_type[t]) for t in sorted(set(per_type) - set(TYPE_ORDER))]
    if not by_month and not no_month:
        return chart
    buckets, keys, names = _periods(chart, by_month)
    if no_month:
        buckets[UNDATED_KEY] = no_month
        keys.append(UNDATED_KEY)
        names.append(UNDATED)
    _draw(chart, buckets, keys, names)
    return chart


_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])(?:-\d\d)?$")


def month_of(edtf: str | None) -> str | None:
    """The "YYYY-MM" of an EDTF date that names a month of a known year ("2015-07", "2015-07-08"); None for
    no date, a year alone, a season ("2015-22"), an unknown month ("2015-XX") or an interval."""
    found = _MONTH.match(edtf or "")
    return f"{found.group(1)}-{found.group(2)}" if found else None


def timeline(events: Iterable[tuple[str | None, str]], height: int = 160) -> Chart:
    """A small chart of ``(EDTF date, type)`` events (an entity's timeline): by month, the others undated."""
    dated: dict[tuple[str, str], int] = defaultdict(int)
    undated: dict[str, int] = defaultdict(int)
    for edtf, type_ in events:
        month = month_of(edtf)
        if month:
            dated[month, type_] += 1
        else:
            undated[type_] += 1
    return stacked_bars(((m, t, n) for (m, t), n in dated.items()), undated.items(), height=height)


UNDATED_KEY = -1  # the undated bar's key among the periods (no month or year has it)


def _periods(chart: Chart, by_month: dict[int, dict[str, int]]) -> tuple[dict, list[int], list[str]]:
    """The buckets, their keys in time order and their labels: months, or years over MAX_MONTHS months."""
    if not by_month:
        return {}, [], []
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
        buckets = dict(by_month)
        keys = list(range(first, last + 1))
        names = [_month_name(index) for index in keys]
    return buckets, keys, names


def _draw(chart: Chart, buckets: dict[int, dict[str, int]], keys: list[int], names: list[str]) -> None:
    present = {type_ for types in buckets.values() for type_ in types}
    chart.types = [t for t in TYPE_ORDER if t in present] + sorted(present - set(TYPE_ORDER))
    totals = [sum(buckets[key].values()) if key in buckets else 0 for key in keys]
    chart.undated = sum(buckets.get(UNDATED_KEY, {}).values())
    chart.total = sum(totals) - chart.undated
    top = _nice_max(max(totals))
    plot_width = chart.plot_right - LEFT
    plot_height = chart.plot_bottom - TOP
    gap = 1 if UNDATED_KEY in buckets and len(keys) > 1 else 0  # an empty slot before the undated bar
    slot = plot_width / (len(keys) + gap)
    bar = min(48.0, max(1.0, slot * 0.8))
    for i, (key, name) in enumerate(zip(keys, names, strict=True)):
        position = i + gap if key == UNDATED_KEY else i
        x = LEFT + position * slot + (slot - bar) / 2
        y = chart.plot_bottom
        for type_ in chart.types:
            count = buckets.get(key, {}).get(type_, 0)
            if not count:
                continue
            height = count / top * plot_height
            y -= height
            noun = "event" if count == 1 else "events"
            where = "no month known" if key == UNDATED_KEY else name
            chart.segments.append(
                Segment(
                    type_,
                    count,
                    round(x, 2),
                    round(y, 2),
                    round(bar, 2),
                    round(height, 2),
                    f"{where}: {count} {type_} {noun}",
                    key == UNDATED_KEY,
                )
            )
    for step in range(5):
        value = top * step // 4
        chart.ticks.append(Tick(round(chart.plot_bottom - value / top * plot_height, 2), str(value)))
    every = max(1, round(len(keys) / 12))  # about a dozen labels on the time axis
    for i, (key, name) in enumerate(zip(keys, names, strict=True)):
        if key == UNDATED_KEY:
            chart.labels.append(Label(round(LEFT + (i + gap) * slot + slot / 2, 2), name))
        elif i % every == 0:
            chart.labels.append(Label(round(LEFT + i * slot + slot / 2, 2), name))
    dated = [(total, name) for total, name, key in zip(totals, names, keys, strict=True) if key != UNDATED_KEY]
    chart.summary = ", ".join(f"{name}: {total}" for total, name in sorted(dated, reverse=True)[:3] if total)
