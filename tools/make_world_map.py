"""Rebuild civicwatch/web/data/world.json from the npm package @svg-maps/world (CC BY 4.0).

usage: npm pack @svg-maps/world && tar xzf svg-maps-world-*.tgz
       python tools/make_world_map.py package/index.js civicwatch/web/data/world.json

The package's paths (relative ``m``/``l``/``z`` commands, three decimals) are turned into absolute
coordinates, thinned (a point closer than ``--tolerance`` to the last kept one is dropped; rings that
shrink below three points are dropped too) and written with one decimal, as steps from point to point:
about a quarter of the size, with no visible change at the page's scale. The ids become upper-case ISO
3166-1 alpha-2 codes.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
TOKEN = re.compile(r"[mMlLzZ]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def rings(path: str) -> list[list[tuple[float, float]]]:
    """The closed rings of a path made of m, l (implicit or not) and z commands, relative or absolute."""
    out: list[list[tuple[float, float]]] = []
    x = y = 0.0
    start = (0.0, 0.0)
    command = "m"
    ring: list[tuple[float, float]] = []
    numbers: list[float] = []
    tokens = TOKEN.findall(path)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in "zZ":
            if ring:
                out.append(ring)
            ring = []
            x, y = start
            i += 1
            continue
        if token in "mMlL":
            command = token
            i += 1
            continue
        numbers = [float(tokens[i]), float(tokens[i + 1])]
        i += 2
        dx, dy = numbers
        if command in "ml":
            x, y = x + dx, y + dy
        else:
            x, y = dx, dy
        if command in "mM":
            if ring:
                out.append(ring)
            ring = [(x, y)]
            start = (x, y)
            command = "l" if command == "m" else "L"  # pairs after a moveto are linetos
        else:
            ring.append((x, y))
    if ring:
        out.append(ring)
    return out


def thin(ring: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    kept = [ring[0]]
    for point in ring[1:]:
        last = kept[-1]
        if abs(point[0] - last[0]) + abs(point[1] - last[1]) >= tolerance:
            kept.append(point)
    return kept


def _number(tenths: int) -> str:
    text = f"{tenths / 10:.1f}".rstrip("0").rstrip(".")
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def _pair(x: int, y: int) -> str:
    return f"{_number(x)},{_number(y)}"


def path_data(path: str, tolerance: float) -> str:
    parts = []
    for ring in rings(path):
        points = thin(ring, tolerance)
        if len(points) < 3:
            # a tiny island: keep it as a small triangle of its original points so it still shows
            if len(ring) < 3:
                continue
            points = [ring[0], ring[len(ring) // 3], ring[2 * len(ring) // 3]]
        # absolute start, then steps between the rounded points (rounding errors do not add up)
        rounded = [(round(x * 10), round(y * 10)) for x, y in points]
        steps = [_pair(b[0] - a[0], b[1] - a[1]) for a, b in zip(rounded, rounded[1:], strict=False)]
        parts.append(f"M{_pair(*rounded[0])}l{' '.join(steps)}z")
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="index.js of @svg-maps/world")
    parser.add_argument("out", type=Path)
    parser.add_argument("--tolerance", type=float, default=1.0, help="in viewBox units (the map is 1010 wide)")
    args = parser.parse_args()
    text = args.source.read_text(encoding="utf-8")
    data = json.loads(text[text.index("{") : text.rindex("}") + 1])
    countries = [
        {"id": location["id"].upper(), "name": location["name"], "d": path_data(location["path"], args.tolerance)}
        for location in data["locations"]
    ]
    world = {
        "source": "@svg-maps/world 2.0.0 (npm), based on MapSVG's world map; CC BY 4.0",
        "view_box": data["viewBox"],
        "countries": [c for c in countries if c["d"]],
    }
    args.out.write_text(json.dumps(world, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(world['countries'])} countries, {args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
