"""Whether an article concerns civic space at all: a bag-of-words model over the whole text.

The event models judge one trigger in one sentence, and in an ordinary page ("chefs urge the prime
minister", "the team crushed its rival", a game review where soldiers arrest villagers) the sentence
alone often looks like a report. Reading the whole article settles what the sentence cannot: an
article about sport, markets, celebrities or a recipe holds no civic-space event, whatever its verbs.

The model is a logistic regression over sublinear TF-IDF word weights, fitted with scikit-learn on
the training articles (an article with events is relevant, one without is not; the seed corpus holds
out-of-domain negatives) and shipped as plain numbers: a vocabulary with an idf per word, a weight per
word and a bias. Scoring needs only the standard library and is linear in the text's length.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

# scikit-learn's default token pattern: runs of two or more word characters
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
C = 4.0  # inverse regularisation strength of the fit


@dataclass
class Relevance:
    idf: dict[str, float]  # word -> inverse document frequency
    weights: dict[str, float]  # word -> weight
    bias: float

    @staticmethod
    def words(text: str) -> int:
        return len(_TOKEN.findall(text))

    def score(self, text: str) -> float:
        """Probability that ``text`` reports civic-space events."""
        counts = Counter(w for w in _TOKEN.findall(text.lower()) if w in self.idf)
        values = {w: (1.0 + math.log(n)) * self.idf[w] for w, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        z = self.bias + sum(v * self.weights.get(w, 0.0) for w, v in values.items()) / norm
        return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0

    def to_json(self) -> dict:
        words = sorted(self.idf)
        return {
            "words": words,
            "idf": [round(self.idf[w], 5) for w in words],
            "weights": [round(self.weights.get(w, 0.0), 5) for w in words],
            "bias": self.bias,
        }

    @classmethod
    def from_json(cls, data: dict) -> Relevance:
        words = data["words"]
        return cls(
            idf=dict(zip(words, data["idf"], strict=True)),
            weights={w: x for w, x in zip(words, data["weights"], strict=True) if x},
            bias=float(data["bias"]),
        )


def fit_relevance(texts: list[str], relevant: list[bool]) -> Relevance | None:
    """A relevance model from articles and whether each reports events; None without both kinds."""
    if len(set(relevant)) < 2:
        return None
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=2, lowercase=True)
    matrix = vectorizer.fit_transform(texts)
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000).fit(matrix, relevant)
    words = vectorizer.get_feature_names_out()
    return Relevance(
        idf={str(w): float(x) for w, x in zip(words, vectorizer.idf_, strict=True)},
        weights={str(w): float(x) for w, x in zip(words, model.coef_[0], strict=True)},
        bias=float(model.intercept_[0]),
    )
