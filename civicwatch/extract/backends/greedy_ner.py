"""spaCy's entity recognizer, decoded greedily with numpy: the same entities, a fraction of the time.

The weights, features and moves are the recognizer's own (``spacy.ml.tb_framework``'s three
layers and ``BiluoPushDown``'s moves); only the loop that picks a move per token differs. spaCy
3.8's compiled loop asks every move whether it is valid at every token, and each question
looks up the next word of the buffer through ``StateC.B``, whose index is a Python object and so
takes and drops the interpreter lock: most of the recognizer's time, which was the largest part of
an English article's (``bench/README.md``).

A state's features are the next word, and, while an entity is open, its first word and the word
before the next. Outside an entity the last two are padding, so the scores of every token read
outside an entity, and the move each would take, come from one matrix product for the whole
batch; only the words read inside an entity (a few in ten) are scored one at a time.

What it decides, for a document with no entities set beforehand (``BiluoPushDown``'s rules where
no token carries a preset entity): an entity may Begin on a token that is not white space and is
not the last of its document, if the next token does not start a sentence; it goes In while the
next token stays in the sentence, and must keep its label to go In or Last; a Unit needs a token
that is not white space; Out needs no open entity. Of the valid moves the best scored wins, the
first on a tie.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

BEGIN, IN, LAST, UNIT, OUT = range(5)
_KINDS = {"B": BEGIN, "I": IN, "L": LAST, "U": UNIT}


class GreedyEntityRecognizer:
    """Sets ``doc.ents`` on each doc as ``pipe`` (a spaCy ``EntityRecognizer``) would."""

    def __init__(self, pipe) -> None:
        model = pipe.model
        greedy = pipe.cfg.get("beam_width", 1) <= 1
        if not greedy or not model.attrs.get("has_upper") or model.layers[1].get_dim("nF") != 3:
            raise ValueError("not a greedy BILUO recognizer with an upper layer")
        if model.attrs.get("unseen_classes"):  # spaCy scores them by the batch's lowest score
            raise ValueError("a recognizer with moves it never saw in training")
        self._features, self._lower, self._upper = model.layers[0], model.layers[1], model.layers[-1]
        names = [pipe.moves.get_class_name(i) for i in range(pipe.moves.n_moves)]
        kind = np.array([OUT if n == "O" else _KINDS[n.split("-", 1)[0]] for n in names])
        self.labels = [""] + sorted({n.split("-", 1)[1] for n in names if n != "O"} - {""})
        index = {label: i for i, label in enumerate(self.labels)}
        label = np.array([0 if n == "O" else index[n.split("-", 1)[1]] for n in names])
        labelled = label > 0
        # which moves are valid, by state: rows 0-3 no entity open (2 x may go on + 1 x white space),
        # then 4 + 2 x the open entity's label + may go on; an invalid move's score gets -inf
        valid = np.zeros((4 + 2 * len(self.labels), len(names)), dtype=bool)
        for go_on in (False, True):
            for space in (False, True):
                unit = labelled & (kind == UNIT) & (not space)
                begin = labelled & (kind == BEGIN) & (go_on and not space)
                valid[2 * go_on + space] = (kind == OUT) | unit | begin
            for open_label in range(1, len(self.labels)):
                same = labelled & (label == open_label)
                valid[4 + 2 * open_label + go_on] = (same & (kind == LAST)) | (same & (kind == IN) & go_on)
        self._penalty = np.where(valid, 0.0, -np.inf).astype(np.float32)
        self._kind, self._label = kind.tolist(), label.tolist()

    def __call__(self, docs: Sequence) -> None:
        from spacy.tokens import Span

        docs = [d for d in docs if len(d)]
        if not docs:
            return
        for doc, spans in zip(docs, self.decode(docs), strict=True):
            doc.set_ents([Span(doc, s, e, label=self.labels[label]) for s, e, label in spans], default="outside")

    def decode(self, docs: Sequence) -> list[list[tuple[int, int, int]]]:
        """Per doc, its entities as (start, end, label index into ``labels``)."""
        from spacy.attrs import IS_SPACE, SENT_START

        # (tokens + 1, 3 features, hidden x pieces), row 0 the padding
        cached = self._lower.predict(self._features.predict(list(docs)))
        hidden, pieces = cached.shape[2:]
        cached = cached.reshape(len(cached), 3, -1)
        word, first_word, before = (np.ascontiguousarray(cached[:, f]) for f in range(3))
        bias = self._lower.get_param("b").reshape(-1)
        weights, upper_bias = np.ascontiguousarray(self._upper.get_param("W").T), self._upper.get_param("b")

        def scores(unmaxed: np.ndarray) -> np.ndarray:
            return np.maximum.reduce(unmaxed.reshape(-1, hidden, pieces), axis=-1) @ weights + upper_bias

        rows = np.concatenate([d.to_array([IS_SPACE, SENT_START]) for d in docs]).astype(np.int64)
        lengths = [len(d) for d in docs]
        ends = np.cumsum(lengths)
        # an entity may go on past the token (Begin, In) unless it is its doc's last or the next starts a sentence
        go_on = np.ones(len(rows), dtype=bool)
        go_on[ends - 1] = False
        go_on[:-1] &= rows[1:, 1] != 1
        go_on_code = go_on.astype(np.int64).tolist()
        # every token read with no entity open: features (the token, padding, padding), one product for all
        unmaxed = word[1:] + first_word[0]
        unmaxed += before[0]
        unmaxed += bias
        closed = scores(unmaxed) + self._penalty[2 * go_on + rows[:, 0].astype(bool)]
        closed_move = closed.argmax(axis=1).tolist()
        kind, label, penalty = self._kind, self._label, self._penalty
        found: list[list[tuple[int, int, int]]] = []
        start = 0
        for end in ends.tolist():
            spans: list[tuple[int, int, int]] = []
            entity = opened = 0  # the open entity's label (0: none) and its first token
            for position in range(start, end):
                if not entity:
                    move = closed_move[position]
                else:
                    unmaxed = word[position + 1] + first_word[opened + 1]
                    unmaxed += before[position]
                    unmaxed += bias
                    move = int((scores(unmaxed)[0] + penalty[4 + 2 * entity + go_on_code[position]]).argmax())
                moved = kind[move]
                if moved == BEGIN:
                    entity, opened = label[move], position
                elif moved == LAST:
                    spans.append((opened - start, position + 1 - start, entity))
                    entity = 0
                elif moved == UNIT:
                    spans.append((position - start, position + 1 - start, label[move]))
            found.append(spans)
            start = end
        return found
