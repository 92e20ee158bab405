"""The English backend's pipeline (numpy's matrix products, the fast attribute ruler and lemmatizer of
``spacy_backend.speed_up``) leaves every token as spaCy's pipeline as it loads leaves it: tag, part of
speech, morphology, lemma, relation, head and entity, on real articles of ``../shared/eval/dev`` and on
sentences made to meet the ruler's two-word patterns; and the numpy loop of the entity recognizer
(``greedy_ner``) finds the entities spaCy's own loop finds."""

from __future__ import annotations

import json
from functools import cache

import pytest
import spacy
from extract_checks import SHARED, shared_or_skip

from civicwatch.extract.backends.spacy_backend import FastAttributeRules, SpacyBackend, fast_entities, speed_up
from civicwatch.extract.languages.en import MODEL

# contractions and colloquial pairs the model's attribute ruler has patterns of two words for
MADE_UP = [
    "We're gonna appeal, and they ain't gonna stop us.",
    "Let's see whether y'all can come, c'mon.",
    "There's a court that got it wrong, and there are judges who gets paid for nothin'.",
    "I don't think it was him; he didn't do it, did he?",
    "The court fined it and gave me   a warning\n\nthen left.",
    "",
]


@cache
def pipelines() -> tuple:
    """spaCy's pipeline as it loads, and the backend's (numpy's matrix products, the fast components)."""
    return spacy.load(MODEL), SpacyBackend(MODEL).nlp


def tokens(doc) -> list[tuple]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_type_, t.ent_iob_) for t in doc]


def dev_paragraphs() -> list[str]:
    root = shared_or_skip(SHARED / "eval" / "dev")
    found = []
    for gold in sorted(root.glob("*.gold.json")):
        if json.loads(gold.read_text(encoding="utf-8")).get("language") == "en":
            text = gold.with_name(gold.name[: -len(".gold.json")] + ".txt").read_text(encoding="utf-8")
            found += [line for line in text.split("\n") if line.strip()]
    assert len(found) > 50
    return found


@pytest.mark.parametrize("source", ["made_up", "dev"])
def test_the_fast_components_tag_and_lemmatise_as_spacy_does(source):
    texts = MADE_UP if source == "made_up" else dev_paragraphs()
    plain, fast = pipelines()
    assert not fast.get_pipe("tok2vec").model.ops.use_blis and plain.get_pipe("tok2vec").model.ops.use_blis
    assert FastAttributeRules.of(plain.get_pipe("attribute_ruler")) is not None  # the fast path is taken
    assert fast.get_pipe("attribute_ruler").match != plain.get_pipe("attribute_ruler").match
    for before, after in zip(plain.pipe(texts), fast.pipe(texts), strict=True):
        assert tokens(after) == tokens(before), before.text
    # twice: the second pass reads what the first remembered
    for before, after in zip(plain.pipe(texts), fast.pipe(texts), strict=True):
        assert tokens(after) == tokens(before), before.text


def test_the_made_up_sentences_meet_the_two_word_patterns():
    plain, _ = pipelines()
    ruler = plain.get_pipe("attribute_ruler")
    pairs = {n for n, entry in enumerate(ruler.patterns) if any(len(p) == 2 for p in entry["patterns"])}
    met = {attr_id for doc in plain.pipe(MADE_UP) for attr_id, _, _, _ in ruler.match(doc)}
    assert len(pairs & met) >= 4, sorted(pairs & met)


def test_rules_the_fast_matcher_does_not_read_leave_spacy_matching():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "court"}]], {"POS": "NOUN"})
    assert FastAttributeRules.of(ruler) is not None
    ruler.add([[{"LOWER": "very", "OP": "+"}]], {"POS": "ADV"})  # an operator: not read by the fast rules
    assert FastAttributeRules.of(ruler) is None
    speed_up(nlp)
    assert "match" not in vars(ruler)  # spaCy's own matching stays
    doc = nlp("the court was very very slow")
    assert [t.pos_ for t in doc][1:5] == ["NOUN", "", "ADV", "ADV"]


def test_the_view_reads_each_token_as_spacy_has_it():
    from civicwatch.extract.backends.spacy_backend import _ENTITIES, _RELATIONS, to_view

    _, fast = pipelines()
    moved = ("prep", "agent", "dative", "pobj", "pcomp")  # re-attached UD style, tested in test_reader_parts
    docs = list(fast.pipe(MADE_UP + dev_paragraphs()[:80]))
    assert sum(t.head.i < t.i for doc in docs for t in doc) > 100  # heads to the left (stored unsigned)
    for doc in docs:
        view = to_view(doc)
        assert view.text == doc.text and len(view.tokens) == len(doc)
        for t, token in zip(doc, view.tokens, strict=True):
            assert (token.i, token.text, token.start, token.end) == (t.i, t.text, t.idx, t.idx + len(t.text))
            assert (token.lemma, token.upos) == ((t.lemma_ or t.text).lower(), t.pos_)
            assert token.ent == _ENTITIES.get(t.ent_type_, "MISC" if t.ent_type_ else "")
            feats = {k: v for k, v in t.morph.to_dict().items() if isinstance(v, str)}
            feats.update({"Modal": "Yes"} if t.tag_ == "MD" else {})
            feats.update({"Polarity": "Neg"} if t.dep_ == "neg" else {})
            assert token.feats == feats
            if t.dep_ not in moved and not any(c.dep_ in moved for c in t.children):
                root = t.head.i == t.i
                assert (token.dep, token.head) == (_RELATIONS.get(t.dep_, t.dep_), -1 if root else t.head.i)


def entities(doc) -> list[tuple]:
    return [(t.i, t.ent_type_, t.ent_iob_) for t in doc]


@pytest.mark.parametrize("source", ["made_up", "dev"])
def test_the_greedy_recognizer_finds_the_entities_spacy_finds(source):
    texts = MADE_UP + ["  Meduza  ", "\n"] if source == "made_up" else dev_paragraphs()
    plain, fast = pipelines()
    recognizer = fast_entities(fast)
    assert recognizer is not None
    expected = list(plain.pipe(texts))
    assert source == "made_up" or sum(len(doc.ents) for doc in expected) > 200
    parsed = list(fast.pipe(texts, disable=["ner"]))  # sentence starts set by the parser
    recognizer(parsed)
    # tokens alone, as for a sentence read only for its names, one batch at a time and one doc at a time
    alone = [fast.make_doc(text) for text in texts]
    recognizer(alone)
    one_by_one = [fast.make_doc(text) for text in texts]
    for doc in one_by_one:
        recognizer([doc])
    names_only = list(plain.pipe(texts, disable=[n for n in plain.pipe_names if n != "ner"]))
    for before, after in zip(expected, parsed, strict=True):
        assert entities(after) == entities(before), before.text
    for before, after, single in zip(names_only, alone, one_by_one, strict=True):
        assert entities(after) == entities(before) == entities(single), before.text


def test_a_long_text_gets_the_same_entities():
    plain, fast = pipelines()
    text = " ".join(dev_paragraphs()[:80]).replace(". ", ", and ")  # one "sentence" of some thousands of words
    expected = plain(text)
    doc = fast.make_doc(text)
    fast_entities(fast)([doc])
    assert len(doc) > 2000 and len(expected.ents) > 50
    assert entities(doc) == entities(expected)


def test_the_backend_reads_entities_with_the_greedy_recognizer():
    backend = SpacyBackend(MODEL)
    assert backend._entities is not None and "ner" in backend._skip
    sentences = list(backend.parse(["The Justice Ministry fined Memorial in Moscow on Friday."], deep=[True]))
    sentences += list(backend.parse(["Memorial was in Moscow."], deep=[False]))
    kinds = [{e.label for e in s.entities} for s in sentences]
    assert {"ORG", "LOC", "DATE"} <= kinds[0] and "LOC" in kinds[1]


def test_other_recognizers_keep_spacys_loop():
    nlp = spacy.load(MODEL)
    nlp.add_pipe("sentencizer")  # after the recognizer: it may read the entities
    assert fast_entities(nlp) is None
    nlp.remove_pipe("sentencizer")
    assert fast_entities(nlp) is not None
    nlp.get_pipe("ner").cfg["beam_width"] = 4
    assert fast_entities(nlp) is None
