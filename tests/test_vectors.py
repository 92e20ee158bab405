"""Sentence vectors (extract/vectors.py) and the event model that reads them (learn.LinearModel.dense)."""

from __future__ import annotations

import math

import pytest

from civicwatch.extract.learn import LinearModel, load_models
from civicwatch.extract.reader import Reader
from civicwatch.extract.vectors import vectors_for


def _cosine(a, b) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_english_has_vectors_and_russian_none() -> None:
    assert vectors_for("en") is not None
    assert vectors_for("ru") is None


def test_vectors_are_unit_length_and_say_what_a_sentence_is_about() -> None:
    vectors = vectors_for("en")
    assert vectors is not None
    raid, search, match, empty = vectors.encode(
        [
            "Police searched the offices of the newspaper and seized computers.",
            "Officers raided the editorial office and confiscated equipment.",
            "The home team crushed its rivals 4-0 in the cup final.",
            "",
        ]
    )
    assert raid is not None and search is not None and match is not None
    assert len(raid) == vectors.dimensions
    assert math.isclose(math.fsum(x * x for x in raid), 1.0, rel_tol=1e-5)
    assert empty is None
    # two reports of a raid lie closer to each other than to a football result
    assert _cosine(raid, search) > _cosine(raid, match) + 0.1


def test_dense_weights_add_to_the_scores_and_survive_json() -> None:
    model = LinearModel(
        ["none", "prosecution"], {"hint=prosecution": [0.0, 1.0]}, [0.0, 0.0], [[0.0, 0.0], [2.0, -1.0]]
    )
    plain = model.probabilities(["hint=prosecution"])
    pushed = model.probabilities(["hint=prosecution"], (1.0, 0.0))
    assert pushed["prosecution"] > plain["prosecution"]
    assert model.probabilities(["hint=prosecution"], (1.0, 0.0, 0.0)) == plain  # another table's vector: ignored
    again = LinearModel.from_json(model.to_json())
    assert again.dense == model.dense
    assert again.probabilities(["hint=prosecution"], (1.0, 0.0)) == pushed
    assert "dense" not in LinearModel(["no", "yes"], {}, [0.0]).to_json()


def test_shipped_english_event_model_reads_sentence_vectors() -> None:
    models = load_models("en")
    vectors = vectors_for("en")
    assert models.events.dense is not None and vectors is not None
    assert len(models.events.dense[0]) == vectors.dimensions


@pytest.mark.parametrize("language", ["en", "ru"])
def test_reader_gives_vectors_to_sentences_with_candidates_only_where_the_language_has_them(language: str) -> None:
    text = {
        "en": "Police searched the office of the rights group Memorial on Monday. The weather was fine.",
        "ru": "Полиция провела обыск в офисе правозащитного центра «Мемориал» в понедельник. Погода была хорошей.",
    }[language]
    analysis = Reader(language).analyze(text, published="2024-03-05")
    assert analysis.candidates
    with_candidates = {c.item for c in analysis.candidates}
    for n, item in enumerate(analysis.items):
        if language == "en" and n in with_candidates:
            assert item.vector is not None
        else:
            assert item.vector is None
