"""The trained layer: small linear models over the reader's string features.

Four models per language, trained by ``civicwatch.extract.training`` (``make train``) with
scikit-learn and shipped as plain weights (``models/<lang>.json.gz``), so reading them
needs nothing but the standard library:

- ``events``: is a candidate (sentence + trigger) an event, and of which type ("none" or a type);
- ``subtypes``: its subtype, among those of its type;
- ``targets``: is a candidate argument a target of the event;
- ``actors``: is a candidate argument its actor.

Argument features are crossed with the event's type ("prosecution|path=>obj") so one model
learns each type's own constructions beside what they share. With several languages in one
training run every feature also has a language-specific copy ("ru:lem=штраф"): the shared
copy carries what the languages have in common (frames, paths), the other what they do not.
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from civicwatch.model import EVENT_TYPES

NONE = "none"


@dataclass
class LinearModel:
    classes: list[str]
    weights: dict[str, list[float]]  # feature -> one weight per class (one in all for a binary model)
    bias: list[float]

    def scores(self, features: list[str]) -> list[float]:
        # per class, the bias and the weights of the features present, added in one order (sum() adds
        # left to right, as a loop over the features would, class by class, but in C)
        rows = [w for w in map(self.weights.get, set(features)) if w is not None]
        return [sum(column) for column in zip(self.bias, *rows, strict=True)]

    def probabilities(self, features: list[str]) -> dict[str, float]:
        scores = self.scores(features)
        if len(self.classes) == 2 and len(scores) == 1:
            p = _sigmoid(scores[0])
            return {self.classes[0]: 1 - p, self.classes[1]: p}
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp, strict=True)}

    def to_json(self) -> dict:
        return {
            "classes": self.classes,
            "bias": [round(b, 5) for b in self.bias],
            "weights": {f: [round(x, 5) for x in w] for f, w in sorted(self.weights.items())},
        }

    @classmethod
    def from_json(cls, data: dict) -> LinearModel:
        return cls(list(data["classes"]), {f: list(w) for f, w in data["weights"].items()}, list(data["bias"]))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)


def with_language(features: list[str], language: str | None) -> list[str]:
    """Each feature twice: shared, and specific to the language."""
    if language is None:
        return features
    return features + [f"{language}:{f}" for f in features]


def crossed(kind: str, features: list[str]) -> list[str]:
    return features + [f"{kind}|{f}" for f in features]


@dataclass
class Models:
    version: str
    language: str | None  # the language prefix the features were trained with (None: no prefix)
    events: LinearModel
    subtypes: LinearModel
    targets: LinearModel
    actors: LinearModel
    thresholds: dict[str, float] = field(
        default_factory=lambda: {"event": 0.4, "target": 0.15, "target_weight": 0.3, "actor": 0.45}
    )
    # per argument model: each feature's weight summed over its copies (see _argument_score), built on first use
    _copies: dict[int, tuple[LinearModel, dict[str, float], dict[str, dict[str, float]]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def threshold(self, name: str) -> float:
        return self.thresholds[name]

    def event_probabilities(self, features: list[str]) -> dict[str, float]:
        return self.events.probabilities(with_language(features, self.language))

    def subtype(self, kind: str, features: list[str], allowed_subtypes: set[str] | None = None) -> str:
        """The most probable subtype of the type, among ``allowed_subtypes`` when given."""
        probabilities = self.subtypes.probabilities(with_language(features, self.language))
        choices = [s for s in EVENT_TYPES[kind] if allowed_subtypes is None or s in allowed_subtypes]
        if len(choices) == 1:
            return choices[0]
        allowed = {f"{kind}/{s}": s for s in choices or EVENT_TYPES[kind]}
        known = [(p, allowed[c]) for c, p in probabilities.items() if c in allowed]
        return max(known)[1] if known else EVENT_TYPES[kind][0]

    def target_score(self, kind: str, features: list[str]) -> float:
        return self._argument_score(self.targets, kind, features)

    def actor_score(self, kind: str, features: list[str]) -> float:
        return self._argument_score(self.actors, kind, features)

    def _argument_score(self, model: LinearModel, kind: str, features: list[str]) -> float:
        """P("yes") of a binary argument model, the sum ``model.probabilities(with_language(crossed(kind,
        features), self.language))`` makes, without building the four copies of every feature (shared,
        crossed with the type, and both with the language's prefix) on every call: a feature's weights
        over its copies are summed once per model. Arguments are scored by the thousand in an article."""
        if model.classes != ["no", "yes"] or len(model.bias) != 1 or kind not in EVENT_TYPES:
            return model.probabilities(with_language(crossed(kind, features), self.language)).get("yes", 0.0)
        shared, by_kind = self._feature_copies(model)
        crossed_weights = by_kind.get(kind, {})
        total = model.bias[0]
        for feature in set(features):
            total += shared.get(feature, 0.0) + crossed_weights.get(feature, 0.0)
        return _sigmoid(total)

    def _feature_copies(self, model: LinearModel) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
        """(feature -> weight of its shared copies "f" and "lang:f", type -> feature -> weight of its
        crossed copies "type|f" and "lang:type|f") of a binary model."""
        cached = self._copies.get(id(model))
        if cached is not None and cached[0] is model:
            return cached[1], cached[2]
        prefix = f"{self.language}:" if self.language is not None else None
        shared: dict[str, float] = {}
        by_kind: dict[str, dict[str, float]] = {}
        for key, weights in model.weights.items():
            names = [key, key[len(prefix) :]] if prefix and key.startswith(prefix) else [key]
            for name in names:
                shared[name] = shared.get(name, 0.0) + weights[0]
                kind, bar, feature = name.partition("|")
                if bar and kind in EVENT_TYPES:
                    table = by_kind.setdefault(kind, {})
                    table[feature] = table.get(feature, 0.0) + weights[0]
        self._copies[id(model)] = (model, shared, by_kind)
        return shared, by_kind

    def to_json(self) -> dict:
        return {
            "version": self.version,
            "language": self.language,
            "thresholds": self.thresholds,
            "events": self.events.to_json(),
            "subtypes": self.subtypes.to_json(),
            "targets": self.targets.to_json(),
            "actors": self.actors.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict) -> Models:
        return cls(
            version=data["version"],
            language=data.get("language"),
            events=LinearModel.from_json(data["events"]),
            subtypes=LinearModel.from_json(data["subtypes"]),
            targets=LinearModel.from_json(data["targets"]),
            actors=LinearModel.from_json(data["actors"]),
            thresholds=dict(data["thresholds"]),
        )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        path.write_bytes(gzip.compress(raw, mtime=0))


def model_path(language: str) -> Path:
    return Path(str(resources.files("civicwatch.extract").joinpath(f"models/{language}.json.gz")))


@lru_cache(maxsize=8)
def load_models(language: str) -> Models:
    """The package's trained models for a language."""
    resource = resources.files("civicwatch.extract").joinpath(f"models/{language}.json.gz")
    if not resource.is_file():
        raise FileNotFoundError(f"no trained models for {language!r}: run `make train`")
    return Models.from_json(json.loads(gzip.decompress(resource.read_bytes())))
