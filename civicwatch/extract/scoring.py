"""Scoring events against gold files, by the rules of the evaluation's SCHEMA.md.

The project's own implementation of the contract (the evaluation's ``score.py`` stays the
reference: ``tests/test_scoring.py`` checks that both agree). Training uses it to label
candidates and to score cross-validation folds without leaving the package.

A predicted event matches a gold event of the same type when one of its targets matches
one of the gold event's targets: equal to a name or alias once normalised, containing one
as whole words, or (two words or more) contained in one. Matching is one-to-one, best
attribute agreement first; predictions left over that match an optional event are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ATTRIBUTES = ("subtype", "status", "date", "actor", "location")
_QUOTES = "\"'“”«»„‘’`"


def normalise(text: object) -> str:
    if text is None:
        return ""
    value = str(text).lower()
    value = re.sub(f"[{_QUOTES}]", "", value)
    value = re.sub(r"[^\w\s]", " ", value)
    value = re.sub(r"\s+", " ", value).strip()
    return re.sub(r"^the ", "", value)


def name_matches(predicted: str, names: Iterable[str]) -> bool:
    p = normalise(predicted)
    if not p:
        return False
    for name in names:
        g = normalise(name)
        if not g:
            continue
        if p == g or re.search(rf"(^| ){re.escape(g)}( |$)", p):
            return True
        if len(p.split()) >= 2 and re.search(rf"(^| ){re.escape(p)}( |$)", g):
            return True
    return False


def entity_names(gold: dict, key: str) -> list[str]:
    entity = gold.get("entities", {}).get(key)
    if entity is None:
        return [key]
    return [entity.get("name", "")] + list(entity.get("aliases", []))


def targets_match(predicted: dict, gold_event: dict, gold: dict) -> bool:
    return any(
        name_matches(target, entity_names(gold, key))
        for target in predicted.get("targets") or []
        for key in gold_event.get("targets") or []
    )


def agrees(attribute: str, predicted: dict, gold_event: dict, gold: dict) -> bool:
    value, wanted = predicted.get(attribute), gold_event.get(attribute)
    for accepted in wanted if isinstance(wanted, list) else [wanted]:
        if accepted is None:
            if not value:
                return True
        elif attribute == "actor":
            if value and name_matches(value, entity_names(gold, accepted)):
                return True
        elif attribute == "location":
            if value and name_matches(value, [accepted]):
                return True
        elif value == accepted:
            return True
    return False


def match_article(gold: dict, predicted: list[dict]) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """(matched pairs, missed gold events, false predictions)."""
    events = gold.get("events", [])
    ranked = []
    for gi, g in enumerate(events):
        for pi, p in enumerate(predicted):
            if p.get("type") == g.get("type") and targets_match(p, g, gold):
                ranked.append((-sum(agrees(a, p, g, gold) for a in ATTRIBUTES), gi, pi))
    ranked.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _, gi, pi in ranked:
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        pairs.append((events[gi], predicted[pi]))
    optional = gold.get("optional_events", [])
    missed = [g for i, g in enumerate(events) if i not in used_gold]
    false = [
        p
        for i, p in enumerate(predicted)
        if i not in used_pred
        and not any(p.get("type") == o.get("type") and targets_match(p, o, gold) for o in optional)
    ]
    return pairs, missed, false


def score(articles: Iterable[tuple[dict, list[dict]]]) -> dict:
    """Micro precision, recall and F1 over (gold file, predicted events) pairs, with attribute
    accuracies on matched events and counts per type; the shape of the evaluation's score.py."""
    tp = fp = fn = 0
    hits = dict.fromkeys(ATTRIBUTES, 0)
    per_type: dict[str, list[int]] = {}
    count = 0
    for gold, predicted in articles:
        count += 1
        pairs, missed, false = match_article(gold, predicted)
        tp, fn, fp = tp + len(pairs), fn + len(missed), fp + len(false)
        for g, p in pairs:
            for a in ATTRIBUTES:
                hits[a] += agrees(a, p, g, gold)
            per_type.setdefault(g["type"], [0, 0, 0])[0] += 1
        for g in missed:
            per_type.setdefault(g["type"], [0, 0, 0])[2] += 1
        for p in false:
            per_type.setdefault(str(p.get("type")), [0, 0, 0])[1] += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "articles": count,
        "gold": tp + fn,
        "predicted": tp + fp,
        "matched": tp,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "attribute_accuracy": {a: round(hits[a] / tp, 4) if tp else 0.0 for a in ATTRIBUTES},
        "per_type": {t: {"matched": v[0], "false": v[1], "missed": v[2]} for t, v in sorted(per_type.items())},
    }
