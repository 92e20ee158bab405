"""The trained layer: small linear models over the reader's string features.

Four models per language, trained by ``civicwatch.extract.training`` (``make train``) with
scikit-learn and shipped as plain weights (``models/<lang>.json.gz``), so reading them
needs nothing but the standard library (and numpy for a sentence vector's product with its weights):

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
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from civicwatch.extract.relevance import Relevance
from civicwatch.model import EVENT_TYPES

NONE = "none"


@dataclass
class LinearModel:
    classes: list[str]
    weights: dict[str, list[float]]  # feature -> one weight per class (one in all for a binary model)
    bias: list[float]
    # per class, weights of the sentence vector's dimensions (``civicwatch.extract.vectors``), if trained with one
    dense: list[list[float]] | None = None
    _dense: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)  # ``dense``, as an array
    _bias: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _tables: dict[str | None, tuple[dict[str, int], np.ndarray]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def scores(
        self, features: list[str], vector: Sequence[float] | None = None, language: str | None = None
    ) -> list[float]:
        """Per class, the bias plus the weights of the features present (and the sentence vector's product with
        the dense weights). With ``language``, each feature counts with its copy for that language too ("ru:f"),
        as the list ``with_language(features, language)`` would."""
        index, matrix = self._table(language)
        rows = [i for i in map(index.get, set(features)) if i is not None]
        total = matrix[rows].sum(axis=0) + self._arrays()[0]
        if vector is not None and self.dense is not None and len(vector) == len(self.dense[0]):
            total += self._arrays()[1] @ np.asarray(vector, dtype=np.float64)
        return total.tolist()

    def probabilities(
        self, features: list[str], vector: Sequence[float] | None = None, language: str | None = None
    ) -> dict[str, float]:
        scores = self.scores(features, vector, language)
        if len(self.classes) == 2 and len(scores) == 1:
            p = _sigmoid(scores[0])
            return {self.classes[0]: 1 - p, self.classes[1]: p}
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp, strict=True)}

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The bias and the dense weights (an empty array if none), as arrays."""
        if self._bias is None or self._dense is None:
            self._bias = np.array(self.bias, dtype=np.float64)
            self._dense = np.array(self.dense if self.dense else [[]], dtype=np.float64)
        return self._bias, self._dense

    def _table(self, language: str | None) -> tuple[dict[str, int], np.ndarray]:
        """(feature -> row, rows of weights): with ``language``, a feature's row holds the weights of its
        copy for the language ("ru:f") added to its own. Built once per language, so an article's thousands
        of candidates are scored by a gather and a sum in numpy, not a loop over their features."""
        if language in self._tables:
            return self._tables[language]
        prefix = f"{language}:" if language is not None else None
        index: dict[str, int] = {}
        rows: list[np.ndarray] = []
        for key, weights in self.weights.items():
            name = key[len(prefix) :] if prefix and key.startswith(prefix) else key
            row = np.asarray(weights, dtype=np.float64)
            if name in index:
                rows[index[name]] = rows[index[name]] + row
            else:
                index[name] = len(rows)
                rows.append(row)
        matrix = np.array(rows, dtype=np.float64) if rows else np.zeros((0, len(self.bias)))
        self._tables[language] = (index, matrix)
        return index, matrix

    def to_json(self) -> dict:
        return {
            "classes": self.classes,
            "bias": [round(b, 5) for b in self.bias],
            "weights": {f: [round(x, 5) for x in w] for f, w in sorted(self.weights.items())},
            **({"dense": [[round(x, 5) for x in row] for row in self.dense]} if self.dense else {}),
        }

    @classmethod
    def from_json(cls, data: dict) -> LinearModel:
        dense = [list(row) for row in data["dense"]] if data.get("dense") else None
        return cls(list(data["classes"]), {f: list(w) for f, w in data["weights"].items()}, list(data["bias"]), dense)


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


RELEVANCE_MIN_WORDS = 60  # shorter texts are not judged by the relevance model


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
    relevance: Relevance | None = None  # whether the article concerns civic space at all (one language)
    _judged: tuple[tuple[str, Relevance | None, float], bool] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    # per argument model: each feature's weight summed over its copies (see _argument_score), built on first use
    _copies: dict[int, tuple[LinearModel, dict[str, dict[str, float]]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def threshold(self, name: str, fallback: str | None = None) -> float:
        """A decision threshold; ``fallback`` names the one models trained before ``name`` existed use."""
        if name not in self.thresholds and fallback is not None:
            return self.thresholds[fallback]
        return self.thresholds[name]

    def relevant(self, text: str) -> bool:
        """Whether the article may hold events: its relevance score reaches the threshold. A text of a
        sentence or two is too short for its words to tell (the sentence models judge it alone)."""
        # ``Reader.extract`` asks before it reads an article and ``decide`` asks again: the last answer is kept
        asked = (text, self.relevance, self.thresholds.get("relevance", 0.0))
        judged = self._judged
        if judged is not None and judged[0] == asked:
            return judged[1]
        if self.relevance is None or self.relevance.words(text) < RELEVANCE_MIN_WORDS:
            answer = True
        else:
            answer = self.relevance.score(text) >= asked[2]
        self._judged = (asked, answer)
        return answer

    def event_probabilities(self, features: list[str], vector: Sequence[float] | None = None) -> dict[str, float]:
        """P(none) and P(type) of a candidate; ``vector``: its sentence's vector, if its language has them."""
        return self.events.probabilities(features, vector, self.language)

    def subtype(self, kind: str, features: list[str], allowed_subtypes: set[str] | None = None) -> str:
        """The most probable subtype of the type, among ``allowed_subtypes`` when given."""
        probabilities = self.subtypes.probabilities(features, language=self.language)
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

    def argument_scores(self, kind: str, features: list[str]) -> tuple[float, float]:
        """(``target_score``, ``actor_score``) of one argument, its features gathered once."""
        present = set(features)
        return self._argument_score(self.targets, kind, present), self._argument_score(self.actors, kind, present)

    def _argument_score(self, model: LinearModel, kind: str, features: list[str] | set[str]) -> float:
        """P("yes") of a binary argument model, the sum ``model.probabilities(with_language(crossed(kind,
        features), self.language))`` makes, without building the four copies of every feature (shared,
        crossed with the type, and both with the language's prefix) on every call: a feature's weights
        over its copies are summed once per model. Arguments are scored by the thousand in an article."""
        if model.classes != ["no", "yes"] or len(model.bias) != 1 or kind not in EVENT_TYPES:
            return model.probabilities(with_language(crossed(kind, list(features)), self.language)).get("yes", 0.0)
        table = self._feature_copies(model).get(kind)
        if table is None:
            table = self._feature_copies(model)[""]
        # the bias, then the weights of the features present (None: one the model never weighed), added in C
        return _sigmoid(
            sum(filter(None, map(table.get, features if isinstance(features, set) else set(features))), model.bias[0])
        )

    def _feature_copies(self, model: LinearModel) -> dict[str, dict[str, float]]:
        """Type -> feature -> the weight of its four copies in a binary model ("f", "lang:f", "type|f",
        "lang:type|f"); under "" the shared copies alone, for a type the model never saw crossed."""
        cached = self._copies.get(id(model))
        if cached is not None and cached[0] is model:
            return cached[1]
        prefix = f"{self.language}:" if self.language is not None else None
        shared: dict[str, float] = {}
        by_kind: dict[str, dict[str, float]] = {}
        for key, weights in model.weights.items():
            names = [key, key[len(prefix) :]] if prefix and key.startswith(prefix) else [key]
            for name in names:
                kind, bar, feature = name.partition("|")
                if bar and kind in EVENT_TYPES:
                    table = by_kind.setdefault(kind, {})
                    table[feature] = table.get(feature, 0.0) + weights[0]
                else:
                    shared[name] = shared.get(name, 0.0) + weights[0]
        tables = {"": shared}
        for kind, crossed_weights in by_kind.items():
            table = dict(shared)
            for feature, weight in crossed_weights.items():
                table[feature] = table.get(feature, 0.0) + weight
            tables[kind] = table
        self._copies[id(model)] = (model, tables)
        return tables

    def to_json(self) -> dict:
        return {
            "version": self.version,
            "language": self.language,
            "thresholds": self.thresholds,
            "events": self.events.to_json(),
            "subtypes": self.subtypes.to_json(),
            "targets": self.targets.to_json(),
            "actors": self.actors.to_json(),
            "relevance": self.relevance.to_json() if self.relevance is not None else None,
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
            relevance=Relevance.from_json(data["relevance"]) if data.get("relevance") else None,
        )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        path.write_bytes(gzip.compress(raw, mtime=0))


def model_path(language: str) -> Path:
    return Path(str(resources.files("civicwatch.extract").joinpath(f"models/{language}.json.gz")))


# -- installed versions ------------------------------------------------------------------------
# Models trained from analysts' reviews (``civicwatch train``) are versioned folders in the user's data
# folder: ``$CIVICWATCH_DATA_DIR`` or ``$XDG_DATA_HOME/civicwatch`` (~/.local/share/civicwatch), then
# ``models/<version>/{<lang>.json.gz, report.json}`` and ``models/current`` naming the one in use. The
# package's own models (version "package") are the fallback for a language a version lacks.
PACKAGE = "package"
_chosen: str | None = None  # a version chosen for this process (``use_version``), over ``models/current``


def data_dir() -> Path:
    """The user's civicwatch data folder (not created here)."""
    explicit = os.environ.get("CIVICWATCH_DATA_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "civicwatch"


def versions_dir() -> Path:
    return data_dir() / "models"


def installed_versions() -> list[str]:
    """Installed versions, oldest first (names start with the date they were trained)."""
    folder = versions_dir()
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and any(p.glob("*.json.gz")))


def current_version() -> str:
    """The version in use: the one chosen for this process, else ``models/current``, else "package"."""
    if _chosen is not None:
        return _chosen
    marker = versions_dir() / "current"
    name = marker.read_text(encoding="utf-8").strip() if marker.is_file() else ""
    return name if name and (versions_dir() / name).is_dir() else PACKAGE


def set_current(version: str) -> None:
    """Make a version the one every later process uses ("package": the package's own models)."""
    if version != PACKAGE and not (versions_dir() / version).is_dir():
        known = ", ".join([PACKAGE, *installed_versions()])
        raise FileNotFoundError(f"no installed model version {version!r}: known versions are {known}")
    versions_dir().mkdir(parents=True, exist_ok=True)
    (versions_dir() / "current").write_text(version + "\n", encoding="utf-8")
    clear_cache()


def use_version(version: str | None) -> None:
    """Use a version in this process only (None: back to ``models/current``)."""
    global _chosen
    if version not in (None, PACKAGE) and not (versions_dir() / str(version)).is_dir():
        known = ", ".join([PACKAGE, *installed_versions()])
        raise FileNotFoundError(f"no installed model version {version!r}: known versions are {known}")
    _chosen = version
    clear_cache()


def version_report(version: str) -> dict:
    """A version's report.json (the package's for "package"), {} when it has none."""
    if version == PACKAGE:
        path = model_path("report").with_name("report.json")
    else:
        path = versions_dir() / version / "report.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def load_models(language: str) -> Models:
    """The models in use for a language: the current version's, else the package's."""
    return _load(language, current_version())


@lru_cache(maxsize=16)
def _load(language: str, version: str) -> Models:
    if version != PACKAGE:
        path = versions_dir() / version / f"{language}.json.gz"
        if path.is_file():
            return Models.from_json(json.loads(gzip.decompress(path.read_bytes())))
    resource = resources.files("civicwatch.extract").joinpath(f"models/{language}.json.gz")
    if not resource.is_file():
        raise FileNotFoundError(f"no trained models for {language!r}: run `make train`")
    return Models.from_json(json.loads(gzip.decompress(resource.read_bytes())))


def clear_cache() -> None:
    """Forget the models read so far (after a version is installed or chosen)."""
    _load.cache_clear()
