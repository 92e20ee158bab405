"""spaCy into the common view: ClearNLP relations mapped to Universal Dependencies, and
prepositions re-attached to their noun as ``case`` ("fined by the court": court is
``obl:agent``, by its ``case``).

Speed, with the same tags, trees, lemmas and entities: the model's layers multiply their
matrices with numpy rather than blis (a third of the time of those products), and two of its
components, the attribute ruler and the lemmatizer, pure Python loops over every token (a sixth
of the parse), look up what a token with the same tag, word and relation got before
(``FastAttributeRules``, ``fast_lemmas``) and hand the result to spaCy's own code, which sets it
as before. The entity recognizer's moves are picked with numpy on its own weights (``greedy_ner``):
spaCy's loop takes the interpreter lock at every word for every move, most of the recognizer's time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from civicwatch.extract.backends import one_thread
from civicwatch.extract.backends.greedy_ner import GreedyEntityRecognizer
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
ENTITY_BATCH = 64  # texts whose entities are decoded together


class SpacyBackend:
    """An English (or any spaCy) pipeline; the model package is named by the language's data."""

    def __init__(self, model: str) -> None:
        import spacy
        from thinc.api import use_ops

        # thinc multiplies its matrices with blis by default; numpy's OpenBLAS does the same products three
        # times faster on this project's machines (14 against 45 GFLOPS for a 300 x 288 x 288 product, one
        # thread), and the tags, trees, lemmas and entities of every eval sentence stay the same
        with use_ops("numpy", use_blis=False):
            self.nlp = spacy.load(model)
        speed_up(self.nlp)
        self._entities = fast_entities(self.nlp)
        self._skip = ["ner"] if self._entities else []  # run by ``_entities`` instead, every text at once
        self._names_only = [name for name in self.nlp.pipe_names if name != "ner"] + self._skip
        self._lemmas: Callable[[str], set[str]] | None = None

    def parse(self, texts: Iterable[str], deep: Sequence[bool] | None = None) -> Iterator[ParsedSentence]:
        """Each text in the common view; where ``deep`` is False, only its tokens and named entities (the
        entity recognizer has its own embedding, so they are the ones the whole pipeline finds)."""
        texts = list(texts)
        deep = [True] * len(texts) if deep is None else list(deep)
        with one_thread():
            whole = [t for t, d in zip(texts, deep, strict=True) if d]
            names = [t for t, d in zip(texts, deep, strict=True) if not d]
            full = list(self.nlp.pipe(whole, batch_size=64, disable=self._skip))
            shallow = list(self.nlp.pipe(names, batch_size=64, disable=self._names_only)) if names else []
            if self._entities:
                docs = full + shallow
                for start in range(0, len(docs), ENTITY_BATCH):
                    self._entities(docs[start : start + ENTITY_BATCH])
        full_docs, shallow_docs = iter(full), iter(shallow)
        for whole_text in deep:
            yield to_view(next(full_docs) if whole_text else next(shallow_docs))

    def lemmas_of(self, word: str) -> set[str]:
        """Every lemma the pipeline may give ``word`` (lower case): the attribute ruler's, the rule lemmatizer's
        exceptions and rules for any part of speech, the word itself."""
        if self._lemmas is None:
            self._lemmas = lemma_candidates(self.nlp)
        return self._lemmas(word)


def lemma_candidates(nlp) -> Callable[[str], set[str]]:
    """A word's possible lemmas from the pipeline's own tables (see ``Lemmatizer.rule_lemmatize``)."""
    by_word: dict[str, set[str]] = {}
    anywhere: set[str] = set()  # lemmas a rule may give a word it does not name
    if "attribute_ruler" in nlp.pipe_names:
        for entry in nlp.get_pipe("attribute_ruler").patterns:
            lemma = entry["attrs"].get("LEMMA")
            if not isinstance(lemma, str):
                continue
            for pattern in entry["patterns"]:
                for spec in pattern:
                    lower = spec.get("LOWER") if isinstance(spec, dict) else None
                    if not isinstance(lower, str):
                        anywhere.add(lemma.lower())
                        continue
                    for part in re.findall(r"\w+", lower):
                        by_word.setdefault(part, set()).add(lemma.lower())
    rules: list[tuple[str, str]] = []
    exceptions: dict[str, set[str]] = {}
    if "lemmatizer" in nlp.pipe_names:
        lookups = nlp.get_pipe("lemmatizer").lookups
        for table in lookups.get_table("lemma_rules", {}).values():
            rules += [(old, new) for old, new in table]
        for table in lookups.get_table("lemma_exc", {}).values():
            for form, forms in table.items():
                exceptions.setdefault(form, set()).update(forms)

    def lemmas(word: str) -> set[str]:
        found = {word} | anywhere | by_word.get(word, set()) | exceptions.get(word, set())
        for old, new in rules:
            if word.endswith(old) and len(word) > len(old) - len(new):
                found.add(word[: len(word) - len(old)] + new)
        return {f.lower() for f in found if f}

    return lemmas


def to_view(doc) -> ParsedSentence:
    from spacy.attrs import DEP, ENT_TYPE, HEAD, IDX, LEMMA, MORPH, ORTH, POS, TAG

    strings = doc.vocab.strings
    rows = doc.to_array([ORTH, IDX, LEMMA, POS, TAG, DEP, HEAD, MORPH, ENT_TYPE]).tolist() if len(doc) else []
    tokens = []
    original = []  # spaCy's own relations
    heads = []  # and heads
    for i, (orth, start, lemma_id, pos, tag, dep_id, head, morph, ent_id) in enumerate(rows):
        dep = strings[dep_id]
        original.append(dep)
        head = i + (head if head < _SIGNED else head - _WRAP)  # HEAD is relative, stored unsigned
        heads.append(head)
        key = (morph, strings[tag] == "MD", dep == "neg")
        feats = _FEATS.get(key)
        if feats is None:
            feats = _FEATS[key] = _feats(doc[i])
        text, ent = strings[orth], strings[ent_id]
        tokens.append(
            Token(
                i=i,
                text=text,
                lemma=(strings[lemma_id] or text).lower(),
                upos=strings[pos],
                dep=_RELATIONS.get(dep, dep),
                head=head,
                start=start,
                end=start + len(text),
                feats=dict(feats),
                ent=_ENTITIES.get(ent, "MISC" if ent else ""),
            )
        )
    children: list[list[int]] = [[] for _ in tokens]  # spaCy's, in order
    for i, head in enumerate(heads):
        if head != i:
            children[head].append(i)
    for i, dep in enumerate(original):
        if dep not in ("prep", "agent") and not (dep == "dative" and tokens[i].upos == "ADP"):
            continue
        prep = tokens[i]
        objects = [c for c in children[i] if original[c] == "pobj"]
        clauses = [c for c in children[i] if original[c] == "pcomp"]
        governor = tokens[prep.head] if prep.head != prep.i else None
        if objects:
            noun = tokens[objects[0]]
            noun.head = prep.head if governor is not None else noun.i
            if dep == "agent":
                noun.dep = "obl:agent"
            else:
                noun.dep = "obl" if governor is not None and governor.upos in _PREDICATES else "nmod"
            prep.head, prep.dep = noun.i, "case"
        elif clauses:
            clause = tokens[clauses[0]]
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


_SIGNED = 1 << 63  # Doc.to_array's columns are uint64: a head to the left comes back as 2**64 - distance
_WRAP = 1 << 64


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


# -- the attribute ruler and the lemmatizer, same results from fewer Python calls -----------------------
_MEMO = 200_000  # remembered words (and tokens for the lemmatizer) at most: some tens of MB
_ATTRS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}  # a token spec's keys, as columns of the signature


def speed_up(nlp):
    """Give the pipeline's attribute ruler and rule lemmatizer their fast paths, where their rules allow."""
    if "attribute_ruler" in nlp.pipe_names:
        ruler = nlp.get_pipe("attribute_ruler")
        rules = FastAttributeRules.of(ruler)
        if rules is not None:
            ruler.match = rules.match  # AttributeRuler.__call__ calls self.match, then sets what matched
    if "lemmatizer" in nlp.pipe_names:
        lemmatizer = nlp.get_pipe("lemmatizer")
        if getattr(lemmatizer, "mode", None) == "rule":
            lemmatizer.pipe = fast_lemmas(lemmatizer)  # Language.pipe calls a component's pipe
    return nlp


def fast_entities(nlp) -> GreedyEntityRecognizer | None:
    """The pipeline's entity recognizer decoded with numpy, where it is a greedy one and the last component
    (so the rest may run without it); None otherwise, and spaCy's own loop runs."""
    if not nlp.pipe_names or nlp.pipe_names[-1] != "ner":
        return None
    try:
        return GreedyEntityRecognizer(nlp.get_pipe("ner"))
    except ValueError:  # a beam, or no upper layer
        return None


def _predicate(value: Any) -> Callable[[Any], bool] | None:
    """A token spec's test of one attribute (its string, or a bool for IS_SPACE), as spaCy's Matcher reads it."""
    if isinstance(value, bool | str):
        return lambda x: x == value
    if isinstance(value, dict) and len(value) == 1:
        ((op, arg),) = value.items()
        if op == "IN" and isinstance(arg, list):
            members = set(arg)
            return lambda x: x in members
        if op == "NOT_IN" and isinstance(arg, list):
            members = set(arg)
            return lambda x: x not in members
        if op == "REGEX" and isinstance(arg, str):
            pattern = re.compile(arg)
            return lambda x: isinstance(x, str) and bool(pattern.search(x))
    return None


class FastAttributeRules:
    """The attribute ruler's matching without spaCy's Matcher: what the Matcher finds for the ruler's patterns
    (fixed-length token specs testing TAG, LOWER, DEP, IS_SPACE), in the order ``AttributeRuler.match``
    returns it, so that spaCy's ``set_annotations`` sets the same attributes. Which specs a token meets is
    the AND of one bit mask per attribute value (a spec that does not test an attribute passes it), each
    mask worked out once per value. Built from the ruler's patterns when the backend loads them."""

    def __init__(self, ruler, specs: list[list[tuple[int, Callable[[Any], bool]]]], patterns: list) -> None:
        from spacy.attrs import DEP, IS_SPACE, LOWER, TAG

        self.strings = ruler.vocab.strings
        self.columns = [TAG, LOWER, DEP, IS_SPACE]
        # per column: the specs' tests of that column, and each value's mask of the specs it passes
        self.tests: list[list[tuple[int, Callable[[Any], bool]]]] = [[] for _ in self.columns]
        for n, spec in enumerate(specs):
            for column, test in spec:
                self.tests[column].append((n, test))
        self.masks: list[dict[int, int]] = [{} for _ in self.columns]
        self.by_first: dict[int, list[tuple[int, int, tuple[int, ...]]]] = {}  # first spec -> (id, match id, specs)
        for attr_id, match_id, spec_ids in patterns:
            self.by_first.setdefault(spec_ids[0], []).append((attr_id, match_id, spec_ids))
        self.all = (1 << len(specs)) - 1

    @classmethod
    def of(cls, ruler) -> FastAttributeRules | None:
        """The fast rules of a ruler, or None when a pattern uses what they do not read (spaCy's then runs)."""
        keys: dict[str, int] = {}
        specs: list[list[tuple[int, Callable[[Any], bool]]]] = []
        patterns = []
        for attr_id, entry in enumerate(ruler.patterns):
            match_id = ruler.vocab.strings[str(attr_id)]
            for pattern in entry["patterns"]:
                if not pattern or not isinstance(pattern, list):
                    return None
                spec_ids = []
                for token_spec in pattern:
                    if not isinstance(token_spec, dict) or not token_spec or set(token_spec) - set(_ATTRS):
                        return None
                    tests = [(_ATTRS[k], _predicate(v)) for k, v in token_spec.items()]
                    if any(test is None for _, test in tests):
                        return None
                    key = repr(sorted(token_spec.items()))
                    if key not in keys:
                        keys[key] = len(specs)
                        specs.append(tests)  # type: ignore[arg-type]
                    spec_ids.append(keys[key])
                patterns.append((attr_id, match_id, tuple(spec_ids)))
        return cls(ruler, specs, patterns)

    def _mask(self, column: int, value: int) -> int:
        """The specs that a token whose ``column`` has ``value`` (a string id, or 0/1 for IS_SPACE) passes."""
        masks = self.masks[column]
        mask = masks.get(value)
        if mask is None:
            x = bool(value) if column == _ATTRS["IS_SPACE"] else self.strings[value]
            mask = self.all
            for n, test in self.tests[column]:
                if not test(x):
                    mask &= ~(1 << n)
            if len(masks) >= _MEMO:
                masks.clear()
            masks[value] = mask
        return mask

    def match(self, doc) -> list[tuple[int, int, int, int]]:
        """(attribute id, match id, start, end) of every match, sorted as ``AttributeRuler.match`` sorts them."""
        if not len(doc):
            return []
        mask = self._mask
        met = [
            mask(0, tag) & mask(1, lower) & mask(2, dep) & mask(3, space)
            for tag, lower, dep, space in doc.to_array(self.columns).tolist()
        ]
        matches = []
        for i, bits in enumerate(met):
            while bits:
                low = bits & -bits
                bits ^= low
                for attr_id, match_id, spec_ids in self.by_first.get(low.bit_length() - 1, ()):
                    end = i + len(spec_ids)
                    if end <= len(met) and all(met[i + k] >> s & 1 for k, s in enumerate(spec_ids[1:], 1)):
                        matches.append((attr_id, match_id, i, end))
        matches.sort()
        return matches


def fast_lemmas(lemmatizer) -> Callable:
    """The rule lemmatizer's ``pipe``: a token's lemma depends only on its word, part of speech and morphology
    (``rule_lemmatize``), so each such triple is lemmatised once and its lemma set by its string id."""
    import numpy
    from spacy.attrs import LEMMA, MORPH, ORTH, POS

    original = lemmatizer.pipe
    memo: dict[tuple[int, int, int], int] = {}
    strings = lemmatizer.vocab.strings

    def pipe(docs: Iterable, batch_size: int = 128) -> Iterator:
        for doc in docs:
            if not lemmatizer._validated or lemmatizer.overwrite:
                yield from original([doc], batch_size=batch_size)
                continue
            rows = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
            lemmas = []
            for i, (orth, pos, morph, lemma) in enumerate(rows):
                if lemma == 0:
                    key = (orth, pos, morph)
                    lemma = memo.get(key, 0)
                    if not lemma:
                        lemma = strings.add(lemmatizer.lemmatize(doc[i])[0])
                        if len(memo) >= _MEMO:
                            memo.clear()
                        memo[key] = lemma
                lemmas.append(lemma)
            if lemmas:  # set in one call: a Token object per word costs more than its lemma's lookup
                doc.from_array([LEMMA], numpy.array(lemmas, dtype=numpy.uint64).reshape(-1, 1))
            yield doc

    return pipe
