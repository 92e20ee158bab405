"""The map of events by country: a world map in inline SVG, each country shaded by its number of events and,
when it has some, a link to the event list filtered to it.

The geometry ships with the package (``data/world.json``, made by ``tools/make_world_map.py`` from the npm
package ``@svg-maps/world``, CC BY 4.0: see ``data/README.md`` for the attribution). Nothing is fetched and
no script runs: the page works offline under the app's Content-Security-Policy. ``shaded_map`` computes what
to draw; ``templates/map.html`` prints it (autoescaped).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from importlib import resources
from urllib.parse import urlencode

SHADES = 5  # classes of counts, on a logarithmic scale (a few countries have most events)
ATTRIBUTION = "Map: MapSVG, via @svg-maps/world (CC BY 4.0), simplified"


@dataclass
class Country:
    code: str  # ISO 3166-1 alpha-2, upper case
    name: str
    d: str  # SVG path data
    count: int = 0
    shade: int = 0  # 0: no event, 1 to SHADES: more and more
    url: str | None = None  # the filtered event list, when it has events

    @property
    def title(self) -> str:
        return f"{self.name}: {self.count} event{'' if self.count == 1 else 's'}"


@dataclass
class ScaleStep:
    shade: int
    label: str  # "1", "2–5", "6–20"


@dataclass
class WorldMap:
    view_box: str
    countries: list[Country]
    scale: list[ScaleStep] = field(default_factory=list)
    ranked: list[Country] = field(default_factory=list)  # countries with events, most first (the table)
    unmapped: list[tuple[str, int]] = field(default_factory=list)  # codes the map has no shape for
    total: int = 0
    attribution: str = ATTRIBUTION


@functools.cache
def world() -> dict:
    """The packaged geometry: {"view_box", "countries": [{"id", "name", "d"}]} (read once)."""
    text = resources.files("civicwatch.web").joinpath("data/world.json").read_text(encoding="utf-8")
    return json.loads(text)


def bounds(top: int) -> list[int]:
    """The upper bounds of the shades for a largest count ``top``: powers of top^(1/SHADES), rising, no repeats."""
    out: list[int] = []
    for step in range(1, SHADES + 1):
        bound = max(1, round(top ** (step / SHADES)))
        if not out or bound > out[-1]:
            out.append(bound)
    if out[-1] < top:
        out[-1] = top
    return out


def shaded_map(counts: dict[str, int], link: str = "/events") -> WorldMap:
    """The map for ``{country code: events}``; codes of any case, zero counts ignored."""
    wanted: dict[str, int] = {}
    for code, count in counts.items():
        if code and count > 0:
            wanted[code.upper()] = wanted.get(code.upper(), 0) + int(count)
    limits = bounds(max(wanted.values())) if wanted else []
    data = world()
    countries = []
    for shape in data["countries"]:
        country = Country(shape["id"], shape["name"], shape["d"])
        country.count = wanted.get(country.code, 0)
        if country.count:
            # the shades are spread over the classes used: with 2 classes, the lightest and the darkest
            rank = next(i for i, bound in enumerate(limits) if country.count <= bound)
            country.shade = 1 + round(rank * (SHADES - 1) / max(1, len(limits) - 1))
            country.url = f"{link}?{urlencode({'country': country.code})}"
        countries.append(country)
    result = WorldMap(data["view_box"], countries, total=sum(wanted.values()))
    lower = 1
    for i, bound in enumerate(limits):
        shade = 1 + round(i * (SHADES - 1) / max(1, len(limits) - 1))
        result.scale.append(ScaleStep(shade, str(bound) if bound == lower else f"{lower}–{bound}"))
        lower = bound + 1
    result.ranked = sorted((c for c in countries if c.count), key=lambda c: (-c.count, c.name))
    mapped = {c.code for c in countries}
    result.unmapped = sorted(((code, n) for code, n in wanted.items() if code not in mapped), key=lambda x: -x[1])
    return result
