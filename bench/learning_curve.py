"""The learning loop, simulated: how much do analysts' reviews teach the extractor?

usage: python bench/learning_curve.py [TRAIN_DIR] [--step 10] [--orders 3] [--test-share 0.33]
                                      [--out bench/learning_curve.json] [--png docs/learning_curve.png]

TRAIN_DIR (default ../shared/eval/train) is split once, per language, into a review pool and a
held-out test set (``--test-share`` of each language's articles, never reviewed). The start is the
model trained on the shipped seed corpus alone (civicwatch/extract/seed/). Then the pool is "reviewed"
``--step`` articles at a time in a shuffled order (the articles' gold events stand in for the analysts'
confirmations, rejections, edits and additions), the model is retrained on the seed corpus plus every
article reviewed so far, and the held-out articles are scored (P, R, F1 by the rules of SCHEMA.md,
per language and overall). ``--orders`` shuffles of the pool are averaged. Every article is analysed
(parsed, candidates found) once; each step only refits the linear layer.

Writes the figures (JSON) and one plot of F1 against reviewed articles per language (PNG, matplotlib),
and prints the table and how many reviewed articles it takes to gain 0.05 F1 over the seed-only model.
Needs scikit-learn and matplotlib (pip install 'civicwatch[bench]'). About 10 minutes on one core.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from civicwatch.extract import training

ROOT = Path(__file__).resolve().parents[1]
GAIN = 0.05


def split(documents: list[training.Document], share: float, seed: int) -> tuple[list[int], list[int]]:
    """(pool, test) indices: ``share`` of each language's articles held out."""
    rng = random.Random(seed)
    pool, test = [], []
    for language in sorted({d.language for d in documents}):
        members = [i for i, d in enumerate(documents) if d.language == language]
        rng.shuffle(members)
        cut = round(len(members) * share)
        test += members[:cut]
        pool += members[cut:]
    return sorted(pool), sorted(test)


def curve(
    documents: list[training.Document],
    labelled: list[tuple[str, training.Labels]],
    analyses: list,
    seeds: list[tuple[str, training.Labels]],
    pool: list[int],
    test: list[int],
    step: int,
    order_seed: int,
) -> list[dict]:
    order = list(pool)
    random.Random(order_seed).shuffle(order)
    points = []
    for n in [*range(0, len(order), step), len(order)]:
        reviewed = [labelled[i] for i in order[:n]]
        models = training.fit(seeds + reviewed, f"curve-{n}")
        scores = training.score_models(
            [documents[i] for i in test],
            [analyses[i] for i in test],
            lambda language, models=models: training.for_language(models, language),
        )
        points.append(
            {"reviewed": n, **{k: {m: v[m] for m in ("precision", "recall", "f1")} for k, v in scores.items()}}
        )
        summary = " ".join(f"{k} {v['f1']:.3f}" for k, v in scores.items())
        print(f"  order {order_seed} reviewed {n:3d}: F1 {summary}", file=sys.stderr, flush=True)
    return points


def average(runs: list[list[dict]]) -> list[dict]:
    out = []
    for points in zip(*runs, strict=True):
        row: dict = {"reviewed": points[0]["reviewed"]}
        for key in points[0]:
            if key != "reviewed":
                row[key] = {
                    m: round(sum(p[key][m] for p in points) / len(points), 4) for m in ("precision", "recall", "f1")
                }
        out.append(row)
    return out


def articles_to_gain(points: list[dict], key: str, gain: float = GAIN) -> int | None:
    start = points[0][key]["f1"]
    return next((p["reviewed"] for p in points if p[key]["f1"] >= start + gain - 1e-9), None)


def plot(points: list[dict], runs: list[list[dict]], languages: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(languages), figsize=(5 * len(languages), 3.8), sharey=True)
    for axis, language in zip(axes if len(languages) > 1 else [axes], languages, strict=True):
        x = [p["reviewed"] for p in points]
        for run in runs:
            axis.plot(x, [p[language]["f1"] for p in run], color="0.8", linewidth=0.8)
        axis.plot(x, [p[language]["f1"] for p in points], marker="o", color="C0", label="F1 (mean of orders)")
        start = points[0][language]["f1"]
        axis.axhline(start + GAIN, color="C3", linestyle="--", linewidth=0.8, label=f"seed-only + {GAIN}")
        axis.set_title(f"{language}: held-out F1")
        axis.set_xlabel("reviewed articles")
        axis.grid(alpha=0.3)
    (axes[0] if len(languages) > 1 else axes).set_ylabel("F1")
    (axes[0] if len(languages) > 1 else axes).legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("train", nargs="?", type=Path, default=ROOT.parent / "shared" / "eval" / "train")
    parser.add_argument("--step", type=int, default=10, help="articles reviewed between two trainings")
    parser.add_argument("--orders", type=int, default=3, help="shuffles of the review pool, averaged")
    parser.add_argument("--test-share", type=float, default=0.33, help="share of each language held out")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "learning_curve.json")
    parser.add_argument("--png", type=Path, default=ROOT / "docs" / "learning_curve.png")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    documents = training.load_corpus(args.train)
    seed_docs = training.load_corpus(training.SEED_CORPUS)
    print(f"{len(documents)} articles, {len(seed_docs)} seed items: analysing", file=sys.stderr, flush=True)
    analyses = training.analyze_all(documents + seed_docs)
    labelled = [(d.language, training.label(d, a)) for d, a in zip(documents + seed_docs, analyses, strict=True)]
    seeds = labelled[len(documents) :]
    pool, test = split(documents, args.test_share, training.SEED)
    runs = [
        curve(documents, labelled, analyses, seeds, pool, test, args.step, training.SEED + k)
        for k in range(args.orders)
    ]
    points = average(runs)
    languages = sorted({documents[i].language for i in test})
    gains = {key: articles_to_gain(points, key) for key in ["all", *languages]}
    result = {
        "corpus": str(args.train.name),
        "pool": {lang: sum(documents[i].language == lang for i in pool) for lang in languages},
        "test": {lang: sum(documents[i].language == lang for i in test) for lang in languages},
        "seed_items": len(seed_docs),
        "step": args.step,
        "orders": args.orders,
        "points": points,
        "runs": runs,
        "reviewed_articles_to_gain_0.05_f1": gains,
        "seconds": round(time.perf_counter() - started, 1),
    }
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    plot(points, runs, languages, args.png)
    print("reviewed  " + "  ".join(f"{k:>6}" for k in ["all", *languages]))
    for p in points:
        print(f"{p['reviewed']:8d}  " + "  ".join(f"{p[k]['f1']:6.3f}" for k in ["all", *languages]))
    for key, n in gains.items():
        after = n if n is not None else "more than all the"
        print(f"{key}: +{GAIN} F1 over the seed-only model after {after} reviewed articles")
    print(f"figures in {args.out}, plot in {args.png} ({result['seconds']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
