"""Start-up benchmark: how long `import civicwatch.web.app` takes (what `civicwatch serve` pays before its
first request), and what it loads.

    .venv/bin/python bench/bench_startup.py [--runs 7] [--goal 1.0]

Each run is a fresh interpreter; the figure is the fastest run (the others waited for a busy machine)
and the median. The goal (issue 13): under 1 s, with no module of civicwatch's sources, clean, extract
or pipeline loaded (the store is passive, the web app reads it only).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

PROBE = """
import json, sys, time
started = time.perf_counter()
import civicwatch.web.app
elapsed = time.perf_counter() - started
stages = sorted({".".join(m.split(".")[:2]) for m in sys.modules if m.startswith("civicwatch.")})
print(json.dumps({"seconds": elapsed, "packages": stages, "modules": len(sys.modules)}))
"""
FORBIDDEN = ("civicwatch.sources", "civicwatch.clean", "civicwatch.extract", "civicwatch.pipeline")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--goal", type=float, default=1.0, help="seconds (default 1.0)")
    args = parser.parse_args()
    results = [
        json.loads(subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout)
        for _ in range(args.runs)
    ]
    times = sorted(r["seconds"] for r in results)
    loaded = [p for p in results[0]["packages"] if p in FORBIDDEN]
    print(f"import civicwatch.web.app: fastest {times[0]:.3f} s, median {statistics.median(times):.3f} s")
    print(f"  over {args.runs} fresh interpreters; {results[0]['modules']} modules loaded")
    print(f"  civicwatch packages: {', '.join(results[0]['packages'])}")
    print(f"  stages loaded (none expected): {', '.join(loaded) or 'none'}")
    passed = times[0] < args.goal and not loaded
    print(f"goal: under {args.goal:.1f} s, no stage loaded: {'PASS' if passed else 'MISS'}")
    return 1 if loaded else 0  # a slow run on a busy machine is reported; a stage loaded is a broken contract


if __name__ == "__main__":
    sys.exit(main())
