"""spaCy's entity recognizer, decoded greedily with numpy over all sentences of a batch at once.

The weights, features and moves are the recognizer's own (``spacy.ml.tb_framework``'s three
layers and ``BiluoPushDown``'s moves); only the loop that picks a move per token differs. spaCy
3.8's compiled loop asks every move whether it is valid at every token, and each question
looks up the next word of the buffer through ``StateC.B``, whose index is a Python object and so
takes and drops the interpreter lock: most of the recognizer's time, which was the largest part of
an English article's (``bench/README.md``). Here the same decisions are whole-array operations,
step by step, for every sentence still being read.

What it decides, for a document with no entities set beforehand (``BiluoPushDown``'s rules where
no token carries a preset entity): an entity may Begin on a token that is not white space and is
not the last of its document, if the next token does not start a sentence; it goes In while the
next token stays in the sentence, and must keep its label to go In or Last; a Unit needs a token
that is not white space; Out needs no open entity. Of the valid moves the best scored wins, the
first on a tie.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

import numpy as np

BEGIN, IN, LAST, UNIT, OUT = range(5)
_KINDS = {"B": BEGIN, "I": IN, "L": LAST, "U": UNIT}


class GreedyEntityRecognizer:
    """Sets ``doc.ents`` on each doc as ``pipe`` (a spaCy ``EntityRecognizer``) would."""

    def __init__(self, pipe) -> None:
        model = pipe.model
        if pipe.cfg.get("beam_width", 1) > 1 or not model.attrs.get("has_upper") or model.layers[1].get_dim("nF") != 3:
            raise ValueError("not a greedy BILUO recognizer with an upper layer")
        self._features, self._lower, self._upper = model.layers[0], model.layers[1], model.layers[-1]
        names = [pipe.moves.get_class_name(i) for i in range(pipe.moves.n_moves)]
        self._kind = np.array([OUT if n == "O" else _KINDS[n.split("-", 1)[0]] for n in names])
        self.labels = [""] + sorted({n.split("-", 1)[1] for n in names if n != "O"} - {""})
        index = {label: i for i, label in enumerate(self.labels)}
        self._label = np.array([0 if n == "O" else index[n.split("-", 1)[1]] for n in names])
        kind, label, labelled = self._kind, self._label, self._label > 0
        # which moves are valid, by state: rows 0-3 no entity open (2 x may go on + 1 x white space),
        # then 4 + 2 x the open entity's label + may go on
        self._valid = np.zeros((4 + 2 * len(self.labels), len(names)), dtype=bool)
        for go_on in (0, 1):
            for space in (0, 1):
                self._valid[2 * go_on + space] = (
                    (kind == OUT) | (labelled & (kind == UNIT) & (not space)) | (labelled & (kind == BEGIN) & bool(go_on and not space))
                )
            for open_label in range(1, len(self.labels)):
                same = labelled & (label == open_label)
                self._valid[4 + 2 * open_label + go_on] = (same & (kind == LAST)) | (same & (kind == IN) & bool(go_on))
        self._penalty = np.where(self._valid, 0.0, -np.inf).astype(np.float32)
        self._keeps = ((kind == IN) | (kind == OUT)).astype(np.int64)  # the open entity stays as it was
        self._new_entity = np.where(kind == BEGIN, label, 0)
        self._closes = (kind == LAST) | (kind == UNIT)
        self._unseen = np.zeros(len(names), dtype=bool)
        self._unseen[list(model.attrs.get("unseen_classes", ()))] = True

    def __call__(self, docs: Sequence) -> None:
        from spacy.tokens import Span

        docs = [d for d in docs if len(d)]
        if not docs:
            return
        for doc, spans in zip(docs, self.decode(docs), strict=True):
            doc.set_ents([Span(doc, s, e, label=self.labels[label]) for s, e, label in spans], default="outside")

    def pipe(self, docs: Iterable, batch_size: int = 128) -> Iterator:
        """The docs, entities set, a batch at a time (``Language.pipe`` calls a component's ``pipe``)."""
        docs = iter(docs)
        while batch := list(islice(docs, batch_size)):
            self(batch)
            yield from batch

    def decode(self, docs: Sequence) -> list[list[tuple[int, int, int]]]:
        """Per doc, its entities as (start, end, label index into ``labels``)."""
        from spacy.attrs import IS_SPACE, SENT_START

        lengths = np.array([len(d) for d in docs])
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        cached = self._lower.predict(self._features.predict(list(docs)))  # (tokens + 1, 3, hidden, pieces), row 0 padding
        hidden, pieces = cached.shape[2:]
        # one table of hidden values per feature: the next word, the open entity's first word, the word before
        word, first_word, before = (np.ascontiguousarray(cached[:, f].reshape(len(cached), -1)) for f in range(3))
        bias = self._lower.get_param("b").reshape(-1)
        weights, upper_bias = np.ascontiguousarray(self._upper.get_param("W").T), self._upper.get_param("b")
        rows = np.concatenate([d.to_array([IS_SPACE, SENT_START]) for d in docs]).astype(np.int64)
        space = rows[:, 0].astype(bool)
        last = np.zeros(len(rows), dtype=bool)
        last[starts + lengths - 1] = True
        # an entity may go on past the token (Begin, In) unless it is its doc's last or the next starts a sentence
        go_on = ~last
        go_on[:-1] &= rows[1:, 1] != 1
        # each token's row of ``self._penalty`` by the label of the entity open before it (0: none)
        code = np.empty((len(rows), len(self.labels)), dtype=np.int64)
        code[:, 0] = 2 * go_on + space
        code[:, 1:] = 4 + 2 * np.arange(1, len(self.labels))[None, :] + go_on[:, None]
        penalty, keeps, new_entity, closes, kind = self._penalty, self._keeps, self._new_entity, self._closes, self._kind
        doc_of = np.arange(len(docs))
        position = starts.copy()  # in the batch's token rows
        end = starts + lengths
        entity = np.zeros(len(docs), dtype=np.int64)  # label of the open entity, 0 if none
        first = np.zeros(len(docs), dtype=np.int64)  # row of the open entity's first token, 0 (padding) if none
        found: list[list[tuple[int, int, int]]] = [[] for _ in docs]
        while len(doc_of):
            unmaxed = word[position + 1] + first_word[first]
            unmaxed += before[position * (first > 0)]
            unmaxed += bias
            scores = unmaxed.reshape(-1, hidden, pieces).max(axis=2) @ weights
            scores += upper_bias
            if self._unseen.any():
                scores[:, self._unseen] = scores.min()
            scores += penalty[code[position, entity]]
            choice = scores.argmax(axis=1)
            closing = closes[choice]
            if closing.any():
                for i in np.flatnonzero(closing):
                    d, move = doc_of[i], choice[i]
                    begun = first[i] - 1 if kind[move] == LAST else position[i]
                    named = entity[i] if kind[move] == LAST else self._label[move]
                    found[d].append((int(begun - starts[d]), int(position[i] + 1 - starts[d]), int(named)))
            kept = keeps[choice]
            entity = entity * kept + new_entity[choice]
            first = first * kept + (kind[choice] == BEGIN) * (position + 1)
            position += 1
            if (position == end).any():
                going = position < end
                doc_of, position, end, entity, first = (x[going] for x in (doc_of, position, end, entity, first))
        return found
