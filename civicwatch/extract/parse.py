"""The common parsed view every language's backend fills and the one reader reads.

A sentence is a list of tokens with a lemma, a Universal Dependencies part of speech
(``upos``) and relation (``dep``: ``nsubj``, ``nsubj:pass``, ``obj``, ``obl``, ``nmod``,
``case``...), a head, morphological features and a named-entity label (``PER``, ``ORG``,
``LOC``, ``NORP``, ``DATE``, ``MONEY``, ``NUM`` or ""). Prepositions hang from their noun as
``case`` (UD style) whatever the backend did, so "fined by the court" and "оштрафован
судом" read the same way: ``obl:agent`` / ``obl`` with ``Case=Ins``.

Every walk over the tree is bounded (depth and step limits, no recursion): a parser's
cycle or a 10,000-word sentence costs time linear in its length.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_DEPTH = 12  # no UD path of interest is longer; a cycle stops here


@dataclass(slots=True)
class Token:
    i: int
    text: str
    lemma: str  # lower case
    upos: str
    dep: str
    head: int  # -1 for the root
    start: int  # character offsets in the sentence text
    end: int
    feats: dict[str, str] = field(default_factory=dict)
    ent: str = ""  # PER, ORG, LOC, NORP, DATE, MONEY, NUM or ""
    children: list[int] = field(default_factory=list)

    @property
    def lower(self) -> str:
        return self.text.lower()


@dataclass(slots=True)
class Entity:
    start: int  # token range [start, end)
    end: int
    label: str


@dataclass
class ParsedSentence:
    """One sentence as the backend read it. ``offset`` places it in the article's text."""

    text: str
    tokens: list[Token]
    entities: list[Entity]
    offset: int = 0
    _ent_of: list[int] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for token in self.tokens:
            token.children = []
        for token in self.tokens:
            if token.head == token.i or not 0 <= token.head < len(self.tokens):
                token.head = -1
            if token.head >= 0:
                self.tokens[token.head].children.append(token.i)
        owner = [-1] * len(self.tokens)
        for n, entity in enumerate(self.entities):
            for k in range(entity.start, min(entity.end, len(self.tokens))):
                owner[k] = n
        self._ent_of = owner

    # -- navigation (all bounded) ---------------------------------------------
    def head(self, token: Token) -> Token | None:
        return self.tokens[token.head] if token.head >= 0 else None

    def children(self, token: Token, *deps: str) -> list[Token]:
        kids = [self.tokens[c] for c in token.children]
        if not deps:
            return kids
        return [k for k in kids if k.dep in deps]

    def ancestors(self, token: Token, limit: int = MAX_DEPTH) -> list[Token]:
        found: list[Token] = []
        seen = {token.i}
        node = token
        while node.head >= 0 and len(found) < limit:
            node = self.tokens[node.head]
            if node.i in seen:
                break
            seen.add(node.i)
            found.append(node)
        return found

    def subtree(self, token: Token, limit: int = 400) -> list[Token]:
        """The token and everything below it, in sentence order (a bounded walk)."""
        seen = {token.i}
        stack = [token.i]
        while stack and len(seen) < limit:
            for c in self.tokens[stack.pop()].children:
                if c not in seen:
                    seen.add(c)
                    stack.append(c)
        return [self.tokens[i] for i in sorted(seen)]

    def entity_of(self, token: Token) -> Entity | None:
        n = self._ent_of[token.i] if self._ent_of else -1
        return self.entities[n] if n >= 0 else None

    def case_of(self, token: Token) -> str:
        """The preposition(s) marking a nominal ("of", "against", "в отношении"), lower case."""
        marks = [c.lower for c in self.children(token, "case") if c.i < token.i]
        return " ".join(marks)

    def span_text(self, start: int, end: int) -> str:
        if start >= end:
            return ""
        return self.text[self.tokens[start].start : self.tokens[end - 1].end]

    def path(self, source: Token, target: Token, limit: int = 4) -> str | None:
        """The relations from ``source`` to ``target``: ``obj``, ``nsubj:pass``, ``^xcomp>obj``,
        obliques with their preposition (``obl:against``); None beyond ``limit`` steps."""
        up_source = [source] + self.ancestors(source, limit)
        index = {t.i: n for n, t in enumerate(up_source)}
        down: list[Token] = []
        node = target
        for _ in range(limit + 1):
            if node.i in index:
                ups = up_source[: index[node.i] + 1]
                steps = ["^" + self.label(t) for t in ups[:-1]]
                steps += [">" + self.label(t) for t in reversed(down)]
                if len(steps) > limit:
                    return None
                return "".join(steps) or "self"
            down.append(node)
            if node.head < 0:
                return None
            node = self.tokens[node.head]
        return None

    def label(self, token: Token) -> str:
        """The relation with its marking: ``obl:against``, ``nmod:of``, ``obl:Ins`` (bare case)."""
        dep = token.dep
        if dep.split(":")[0] in ("obl", "nmod") and dep not in ("nmod:poss", "obl:agent"):
            case = self.case_of(token)
            if case:
                return f"{dep.split(':')[0]}:{case}"
            grammatical = token.feats.get("Case")
            if grammatical and grammatical != "Nom":
                return f"{dep.split(':')[0]}:{grammatical}"
        return dep


def is_passive(sentence: ParsedSentence, token: Token) -> bool:
    if token.feats.get("Voice") == "Pass":
        return True
    return any(c.dep in ("nsubj:pass", "aux:pass") for c in sentence.children(token))
