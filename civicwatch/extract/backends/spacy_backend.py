"""spaCy into the common view: ClearNLP relations mapped to Universal Dependencies, and
prepositions re-attached to their noun as ``case`` ("fined by the court": court is
``obl:agent``, by its ``case``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from civicwatch.extract.backends import one_thread
from civicwatch.extract.parse import Entity, ParsedSentence, Token

_RELATIONS = {
    "ROOT": "root",
    "acomp": "xcomp",
    "attr": "xcomp",
    "oprd": "xcomp",
    "auxpass": "aux:pass",
    "csubjpass": "csubj:pass",
    "dative": "iobj",
    "dobj": "obj",
    "intj": "discourse",
    "meta": "dep",
    "neg": "advmod",
    "npadvmod": "obl:npmod",
    "nsubjpass": "nsubj:pass",
    "poss": "nmod:poss",
    "preconj": "cc:preconj",
    "predet": "det:predet",
    "prt": "compound:prt",
    "quantmod": "advmod",
    "relcl": "acl:relcl",
}
_ENTITIES = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "NORP",
    "DATE": "DATE",
    "TIME": "DATE",
    "MONEY": "MONEY",
    "CARDINAL": "NUM",
    "QUANTITY": "NUM",
    "PERCENT": "NUM",
    "ORDINAL": "NUM",
    "LAW": "LAW",
}
_PREDICATES = ("VERB", "AUX", "ADJ")


class SpacyBackend:
    """An English (or any spaCy) pipeline; the model package is named by the language's data."""

    def __init__(self, model: str) -> None:
        import spacy

        self.nlp = spacy.load(model)

    def parse(self, texts: Iterable[str]) -> Iterator[ParsedSentence]:
        with one_thread():
            docs = list(self.nlp.pipe(texts, batch_size=64))
        for doc in docs:
            yield to_view(doc)


def to_view(doc) -> ParsedSentence:
    tokens = []
    original = []  # spaCy's own relations
    for t in doc:
        dep = t.dep_
        original.append(dep)
        key = (t.morph.key, t.tag_ == "MD", dep == "neg")
        feats = _FEATS.get(key)
        if feats is None:
            feats = _FEATS[key] = _feats(t)
        text, start, ent = t.text, t.idx, t.ent_type_
        tokens.append(
            Token(
                i=t.i,
                text=text,
                lemma=(t.lemma_ or text).lower(),
                upos=t.pos_,
                dep=_RELATIONS.get(dep, dep),
                head=t.head.i,
                start=start,
                end=start + len(text),
                feats=dict(feats),
                ent=_ENTITIES.get(ent, "MISC" if ent else ""),
            )
        )
    for t in doc:
        dep = original[t.i]
        if dep not in ("prep", "agent") and not (dep == "dative" and tokens[t.i].upos == "ADP"):
            continue
        prep = tokens[t.i]
        objects = [c for c in t.children if c.dep_ == "pobj"]
        clauses = [c for c in t.children if c.dep_ == "pcomp"]
        governor = tokens[prep.head] if prep.head != prep.i else None
        if objects:
            noun = tokens[objects[0].i]
            noun.head = prep.head if governor is not None else noun.i
            if dep == "agent":
                noun.dep = "obl:agent"
            else:
                noun.dep = "obl" if governor is not None and governor.upos in _PREDICATES else "nmod"
            prep.head, prep.dep = noun.i, "case"
        elif clauses:
            clause = tokens[clauses[0].i]
            clause.head = prep.head if governor is not None else clause.i
            clause.dep = "advcl" if governor is not None and governor.upos in _PREDICATES else "acl"
            prep.head, prep.dep = clause.i, "mark"
        else:
            prep.dep = "compound:prt"
    for t, dep in zip(tokens, original, strict=True):
        if dep in ("pobj", "pcomp") and t.dep in ("pobj", "pcomp"):
            t.dep = "obl"  # a stranded object whose preposition had another
    entities = [Entity(e.start, e.end, _ENTITIES.get(e.label_, "MISC")) for e in doc.ents]
    return ParsedSentence(doc.text, tokens, entities)


# a token's features by its morphology (spaCy's hash of it), modal tag and negation: spaCy's MorphAnalysis
# builds a new dictionary from its string for every token, while a model knows some hundred analyses
_FEATS: dict[tuple[int, bool, bool], dict[str, str]] = {}


def _feats(token) -> dict[str, str]:
    feats = {k: v for k, v in token.morph.to_dict().items() if isinstance(v, str)}
    if token.tag_ == "MD":
        feats["Modal"] = "Yes"
    if token.dep_ == "neg":
        feats["Polarity"] = "Neg"
    return feats
