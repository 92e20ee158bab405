"""natasha (slovnet syntax, morphology and names; navec vectors) into the common view.

natasha already speaks Universal Dependencies; lemmas come from its MorphVocab
(pymorphy). Its models ship inside the wheels, so nothing is downloaded. The sentences
of an article go through the models as one batch, and numpy's BLAS runs on one thread
meanwhile: slovnet's matrices are small, and threads only fight over them (measured:
3 ms a sentence batched on one thread, 55 ms one by one with the default threads).
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache

import numpy as np

from civicwatch.extract.backends import one_thread
from civicwatch.extract.parse import Entity, ParsedSentence, Token

_ENTITIES = {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}
BATCH = 64  # sentences per pass through the models
_LEMMA_CACHE = 50_000  # (word, tags) -> lemma entries kept (about 15 MB at most)


class NatashaBackend:
    def __init__(self) -> None:
        from natasha import MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, NewsSyntaxParser, Segmenter

        speed_up()
        embedding = NewsEmbedding()
        self.segmenter = Segmenter()
        self.morph = NewsMorphTagger(embedding)
        self.syntax = NewsSyntaxParser(embedding)
        self.ner = NewsNERTagger(embedding)
        self.vocab = MorphVocab()
        self._lemmas: dict[tuple, str] = {}

    def _lemma(self, word: str, pos: str | None, feats: dict[str, str] | None) -> str:
        """natasha's lemma of a tagged word, remembered: MorphVocab caches a word's analyses but still
        weighs them against the tags on every call (a tenth of the Russian reader's time)."""
        key = (word, pos, tuple(sorted((feats or {}).items())))
        lemma = self._lemmas.get(key)
        if lemma is None:
            lemma = self.vocab.lemmatize(word, pos, feats) if analysable(word) else word.lower()
            if len(self._lemmas) < _LEMMA_CACHE:
                self._lemmas[key] = lemma
        return lemma

    def lemmas_of(self, word: str) -> set[str]:
        """Every lemma ``_lemma`` may give ``word`` (lower case), whatever its tags: the normal form of each of
        pymorphy's readings, or the word itself."""
        return _lemmas_of(self.vocab, word)

    def parse(self, texts: Iterable[str], deep: Sequence[bool] | None = None) -> Iterator[ParsedSentence]:
        """Each text in the common view. Where ``deep`` is False the morphology and syntax run only if the
        named-entity tagger finds a person or an organisation in it (the reader cites their names)."""
        texts = list(texts)
        flags = [True] * len(texts) if deep is None else list(deep)
        for start in range(0, len(texts), BATCH):
            yield from self._parse(texts[start : start + BATCH], flags[start : start + BATCH])

    def _parse(self, texts: list[str], deep: list[bool]) -> list[ParsedSentence]:
        from natasha.doc import Doc, DocSent, DocToken

        joined = "\n".join(texts)
        tokens: list[DocToken] = []
        sents: list[DocSent] = []
        offset = 0
        for text in texts:
            sent = DocSent(offset, offset + len(text), text)
            sent.tokens = []
            for start, stop, word in self.segmenter.tokenize(text):
                token = DocToken(offset + start, offset + stop, word)
                tokens.append(token)
                sent.tokens.append(token)
            sents.append(sent)
            offset += len(text) + 1
        with one_thread():
            named = Doc(joined, tokens=tokens, sents=[s for s in sents if s.tokens])
            named.tag_ner(self.ner)  # on the whole batch's text, as before: the same names whatever is read
            spans = list(named.spans or [])
            if not all(deep):
                cited = [span for span in spans if span.type in _CITED]
                deep = [d or _holds(sent, cited) for sent, d in zip(sents, deep, strict=True)]
            read = [s for s, d in zip(sents, deep, strict=True) if d and s.tokens]
            if read:
                doc = Doc(joined, tokens=[t for s in read for t in s.tokens], sents=read)
                doc.tag_morph(self.morph)
                doc.parse_syntax(self.syntax)
        return [self._view(sent, spans) for sent in sents]

    def _view(self, sent, spans) -> ParsedSentence:
        base = sent.start
        ids = {t.id: n for n, t in enumerate(sent.tokens) if t.id is not None}
        tokens = []
        for n, t in enumerate(sent.tokens):
            tagged = t.pos is not None  # a sentence read for its names only has no tags
            tokens.append(
                Token(
                    i=n,
                    text=t.text,
                    lemma=((self._lemma(t.text, t.pos, t.feats) if tagged else "") or t.text).lower(),
                    upos=t.pos or "X",
                    dep=t.rel or "dep",
                    head=ids.get(t.head_id, -1),
                    start=t.start - base,
                    end=t.stop - base,
                    feats=dict(t.feats or {}),
                )
            )
        starts = [t.start for t in tokens]
        entities = []
        for span in spans:
            if span.start < base or span.stop > sent.stop:
                continue
            first = _first_at_or_after(starts, span.start - base)
            last = max((t.i for t in tokens if t.end <= span.stop - base), default=-1)
            if first is not None and last >= first:
                label = _ENTITIES.get(span.type, "MISC")
                entities.append(Entity(first, last + 1, label))
                for k in range(first, last + 1):
                    tokens[k].ent = label
        return ParsedSentence(sent.text, tokens, entities)


SLOVNET: dict[str, Callable] = {}  # slovnet's own functions that speed_up replaced, by name


def speed_up() -> None:
    """slovnet's CNN encoders without their im2col copy (``fast_encode``); once per process."""
    from slovnet.exec.model import CNNEncoder

    if CNNEncoder.__call__ is not fast_encode:
        SLOVNET["CNNEncoder.__call__"] = CNNEncoder.__call__
        CNNEncoder.__call__ = fast_encode


def fast_encode(self, input: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """slovnet's ``CNNEncoder``: the same layers (convolution, ReLU, batch norm, padding zeroed), with the
    words along the rows (batch x words x channels) throughout. slovnet copies every window of every layer
    into a matrix before one product (a third of its encoders' time); here the padded batch is one matrix
    of rows, and each of the kernel's offsets is one product on a slice of it, summed."""
    x = input
    for layer in self.layers:
        x = _convolve(layer.conv, x).clip(0)
        norm = layer.norm
        x = (x - norm.mean.array) / norm.std.array * norm.weight.array + norm.bias.array
        x[mask] = 0
    return x


def _convolve(conv, x: np.ndarray) -> np.ndarray:
    """``conv`` (filters x in x kernel, zero padding on both sides) over ``x`` (batch x words x in)."""
    kernels = getattr(conv, "_by_offset", None)
    if kernels is None:  # per offset, an in x filters matrix
        weight = conv.weight.array
        kernels = conv._by_offset = [np.ascontiguousarray(weight[:, :, k].T) for k in range(weight.shape[2])]
    batch, words, width = x.shape
    pad, size = conv.padding, len(kernels)
    length = words + 2 * pad
    padded = np.zeros((batch, length, width), dtype=x.dtype)
    padded[:, pad : pad + words] = x
    flat = padded.reshape(batch * length, width)
    rows = max(0, batch * length - size + 1)  # a window starting at every row but the last size - 1
    out = np.zeros((batch * length, kernels[0].shape[1]), dtype=x.dtype)
    out[:rows] = flat[:rows] @ kernels[0]
    for k in range(1, size):
        out[:rows] += flat[k : k + rows] @ kernels[k]
    out += conv.bias.array
    return out.reshape(batch, length, -1)[:, : length - size + 1]


_CITED = ("PER", "ORG")  # the entities the reader cites by name


def _holds(sent, spans) -> bool:
    """Whether one of the spans lies within the sentence."""
    return any(sent.start <= span.start and span.stop <= sent.stop for span in spans)


@lru_cache(maxsize=50_000)
def _lemmas_of_cached(vocab, word: str) -> frozenset[str]:
    if not analysable(word):
        return frozenset({word})
    normal = word.replace("ё", "е")
    return frozenset({word, normal} | {form.normal.lower().replace("ё", "е") for form in vocab(normal)})


def _lemmas_of(vocab, word: str) -> set[str]:
    return set(_lemmas_of_cached(vocab, word))


def _first_at_or_after(starts: list[int], offset: int) -> int | None:
    n = bisect_left(starts, offset)
    return n if n < len(starts) else None


@lru_cache(maxsize=50000)
def analysable(word: str) -> bool:
    """Whether pymorphy3 can read ``word``: it asks each letter's Unicode name, and raises on a letter that
    Python's unicodedata leaves without one (a Tangut ideograph, a letter of an unassigned code point)."""
    return all(unicodedata.name(char, "") for char in word if char.isalpha())


@lru_cache(maxsize=1)
def analyzer():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()
