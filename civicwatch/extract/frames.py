"""Frames: how a trigger's syntax maps to its roles, written as data.

``data/<lang>/frames.json`` holds dependency patterns in the style of spaCy's
DependencyMatcher: a list of nodes, the first anchored on the trigger, each later one
related to an earlier one by ``REL_OP`` (``>`` child, ``<`` head, ``>>`` descendant,
``<<`` ancestor, both within three steps) and constrained by ``RIGHT_ATTRS``. The node
named ``arg`` is the role filler; the frame's ``role`` says which (``target``, ``actor``).

Frames do not decide on their own: a match is a feature of the candidate argument, and
the trained layer weighs it against everything else it knows.

Attributes: ``DEP``, ``LEMMA``, ``LOWER``, ``UPOS``, ``ENT``, ``CASE`` (the preposition
marking a nominal, "" when none), ``FEATS`` (a dict of morphological features), ``PASSIVE``
(bool), ``LIST`` (the lemma is in a lexicon word list, e.g. ``state_bodies``). A value is
a literal or ``{"IN": [...]}`` / ``{"NOT_IN": [...]}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from civicwatch.extract.parse import ParsedSentence, Token, is_passive

_MAX_STEPS = 3


@dataclass(frozen=True)
class Frame:
    id: str
    role: str
    pattern: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class FrameMatch:
    frame: str
    role: str
    token: int


@lru_cache(maxsize=8)
def load_frames(language: str) -> tuple[Frame, ...]:
    path = resources.files("civicwatch.lexicons").joinpath(f"data/{language}/frames.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
    frames = []
    for entry in raw["frames"]:
        pattern = tuple(entry["pattern"])
        ids = [node["RIGHT_ID"] for node in pattern]
        if ids[0] != "trigger" or "arg" not in ids or len(set(ids)) != len(ids):
            raise ValueError(f"frame {entry['id']!r}: nodes must start at 'trigger' and name an 'arg'")
        for node in pattern[1:]:
            if node.get("LEFT_ID") not in ids[: ids.index(node["RIGHT_ID"])]:
                raise ValueError(f"frame {entry['id']!r}: {node['RIGHT_ID']} relates to an unknown node")
            if node.get("REL_OP") not in (">", "<", ">>", "<<"):
                raise ValueError(f"frame {entry['id']!r}: unsupported REL_OP {node.get('REL_OP')!r}")
        frames.append(Frame(entry["id"], entry["role"], pattern))
    return tuple(frames)


class FrameMatcher:
    def __init__(self, frames: tuple[Frame, ...], word_lists: dict[str, frozenset[str]]) -> None:
        self.frames = frames
        self.lists = word_lists

    def match(self, sentence: ParsedSentence, trigger: Token) -> list[FrameMatch]:
        found: list[FrameMatch] = []
        for frame in self.frames:
            if not self._fits(sentence, trigger, frame.pattern[0].get("RIGHT_ATTRS", {})):
                continue
            for binding in self._bind(sentence, frame.pattern, 1, {"trigger": trigger.i}):
                found.append(FrameMatch(frame.id, frame.role, binding["arg"]))
        return found

    def _bind(self, sentence: ParsedSentence, pattern, n: int, bound: dict[str, int]):
        if n == len(pattern):
            yield dict(bound)
            return
        node = pattern[n]
        left = sentence.tokens[bound[node["LEFT_ID"]]]
        for token in _related(sentence, left, node["REL_OP"]):
            if token.i in bound.values() or not self._fits(sentence, token, node.get("RIGHT_ATTRS", {})):
                continue
            bound[node["RIGHT_ID"]] = token.i
            yield from self._bind(sentence, pattern, n + 1, bound)
            del bound[node["RIGHT_ID"]]

    def _fits(self, sentence: ParsedSentence, token: Token, attrs: dict[str, Any]) -> bool:
        for key, want in attrs.items():
            if key == "FEATS":
                if any(not _agrees(token.feats.get(k, ""), v) for k, v in want.items()):
                    return False
            elif key == "PASSIVE":
                if is_passive(sentence, token) != bool(want):
                    return False
            elif key == "LIST":
                names = want if isinstance(want, list) else [want]
                if not any(token.lemma in self.lists.get(name, ()) for name in names):
                    return False
            elif not _agrees(_value(sentence, token, key), want):
                return False
        return True


def _value(sentence: ParsedSentence, token: Token, key: str) -> str:
    if key == "DEP":
        return token.dep
    if key == "LEMMA":
        return token.lemma
    if key == "LOWER":
        return token.lower
    if key == "UPOS":
        return token.upos
    if key == "ENT":
        return token.ent
    if key == "CASE":
        return sentence.case_of(token)
    raise ValueError(f"unknown frame attribute {key!r}")


def _agrees(value: str, want: Any) -> bool:
    if isinstance(want, dict):
        if "IN" in want and value not in want["IN"]:
            return False
        if "NOT_IN" in want and value in want["NOT_IN"]:
            return False
        return True
    return value == want


def _related(sentence: ParsedSentence, token: Token, op: str) -> list[Token]:
    if op == ">":
        return sentence.children(token)
    if op == "<":
        head = sentence.head(token)
        return [head] if head is not None else []
    if op == "<<":
        return sentence.ancestors(token, _MAX_STEPS)
    found: list[Token] = []  # ">>": descendants within a few steps
    frontier = [token]
    seen = {token.i}
    for _ in range(_MAX_STEPS):
        frontier = [c for t in frontier for c in sentence.children(t) if c.i not in seen]
        seen.update(c.i for c in frontier)
        found.extend(frontier)
    return found
