"""Syntax helpers: from a trigger word to who acted, on whom, and how sure it is.

All decisions read the dependency parse of one sentence; which words count
(state bodies, generic nouns, modal cues) comes from the language's lexicon.
"""

from __future__ import annotations

from spacy.tokens import Token

_NP_LEFT = {
    "det",
    "amod",
    "compound",
    "poss",
    "nummod",
    "quantmod",
    "nmod",
    "case",
    "predet",
    "npadvmod",
    "punct",
}
_NP_PREPS = {"of", "on", "for", "against", "from"}
RELATIVE_PRONOUNS = {"which", "that", "who", "whom", "whose"}


def is_passive(token: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)


def subject(token: Token) -> Token | None:
    """The subject of a verb, inherited through conjunctions, xcomp and relative clauses."""
    for _ in range(4):
        for child in token.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                relative = child.lower_ in RELATIVE_PRONOUNS or any(c.lower_ == "whose" for c in child.children)
                if relative and token.dep_ == "relcl":
                    return token.head
                return child
        if token.dep_ in ("conj", "xcomp", "advcl", "acomp") and token.head.i != token.i:
            token = token.head
            continue
        if token.dep_ == "relcl":
            return token.head
        return None
    return None


def agent(token: Token) -> Token | None:
    """The "by X" of a passive verb or a participle."""
    for child in token.children:
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    if token.dep_ == "conj" and token.head.pos_ in ("VERB", "AUX"):
        return agent(token.head)
    if is_passive(token):
        # "was declared an undesirable organization by X": the parse may hang "by X" on the predicate
        for child in token.children:
            if child.dep_ in ("oprd", "attr", "dobj", "prep"):
                for prep in child.subtree:
                    if prep.lower_ == "by" and prep.dep_ in ("prep", "agent"):
                        return next((c for c in prep.children if c.dep_ == "pobj"), None)
    return None


def objects(token: Token) -> list[Token]:
    """Direct objects, shared with a coordinated verb; "which" stands for the noun it follows."""
    found = [c for c in token.children if c.dep_ in ("dobj", "dative")]
    verb = token
    if not found and token.dep_ == "conj":
        verb = token.head
        found = [c for c in verb.children if c.dep_ == "dobj"]
    resolved = []
    for obj in found:
        if obj.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
            resolved.append(verb.head)
        elif obj.lower_ not in RELATIVE_PRONOUNS:
            resolved.append(obj)
    return resolved


def preposition_objects(token: Token, preps: set[str]) -> list[Token]:
    found = []
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in preps:
            found.extend(c for c in child.children if c.dep_ == "pobj")
    return found


def with_conjuncts(token: Token) -> list[Token]:
    result = [token]
    for child in token.children:
        if child.dep_ == "conj" and child.pos_ in ("PROPN", "NOUN", "PRON"):
            result.extend(with_conjuncts(child))
    return result


def ancestors_in_clause(token: Token, limit: int = 6) -> list[Token]:
    chain = []
    while token.head.i != token.i and len(chain) < limit:
        token = token.head
        chain.append(token)
    return chain


def noun_phrase(token: Token) -> tuple[int, int]:
    """Token range [start, end) of the noun phrase headed by ``token``."""
    indices = {token.i}
    for child in token.lefts:
        if child.dep_ in _NP_LEFT and not (child.dep_ == "punct" and child.text in ",;:()"):
            indices.update(t.i for t in child.subtree)
    for child in token.rights:
        if child.dep_ == "prep" and child.lower_ in _NP_PREPS:
            pobjs = [c for c in child.children if c.dep_ == "pobj"]
            if pobjs and pobjs[0].ent_type_ in ("DATE", "TIME", "MONEY"):
                continue  # "the court ... on Tuesday": a time is not part of a name
            if pobjs and _name_like(token, pobjs[0]):
                indices.add(child.i)
                indices.update(_np_indices(pobjs[0]))
        elif child.dep_ in ("compound", "case", "flat", "nummod") or (child.dep_ == "punct" and child.text in "\"”’»'"):
            indices.add(child.i)
    return min(indices), max(indices) + 1


def _np_indices(token: Token) -> set[int]:
    start, end = noun_phrase(token)
    return set(range(start, end))


def _name_like(head: Token, pobj: Token) -> bool:
    """ "Association of X" and "law on Y" keep their complement; "head of Z" does not."""
    if pobj.i > 0 and pobj.doc[pobj.i - 1].lower_ == "from":
        return pobj.pos_ == "PROPN"  # "journalists from Abzas Media", not "funding from abroad"
    return (
        head.pos_ == "PROPN"
        or pobj.pos_ == "PROPN"
        or head.lemma_.lower()
        in {
            "law",
            "bill",
            "legislation",
            "decree",
            "act",
            "amendment",
            "list",
            "register",
            "registry",
            "defender",
            "organization",
            "organisation",
            "association",
            "union",
            "group",
            "office",
        }
    )


def has_negation(token: Token, negations: frozenset[str], stop: frozenset[str]) -> bool:
    """Negated itself, or under a verb of refusal ("failed to apply", "refused to close")."""
    node = token
    for depth in range(4):
        if any(c.dep_ == "neg" for c in node.children):
            return True
        if depth and node.lemma_.lower() in negations:
            return True
        if node.lemma_.lower() in stop or node.head.i == node.i or node.dep_ in ("ccomp", "ROOT", "parataxis"):
            return False
        node = node.head
    return False


def is_conditional(token: Token) -> bool:
    node = token
    for _ in range(3):
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in node.children):
            return True
        if node.dep_ not in ("advcl", "xcomp", "conj", "aux", "auxpass") or node.head.i == node.i:
            return False
        node = node.head
    return False


def modal_chain(token: Token) -> list[str]:
    """Modal and future words governing the trigger within its clause: will, would, could..."""
    found = []
    node = token
    for _ in range(4):
        found.extend(c.lower_ for c in node.children if c.dep_ in ("aux", "auxpass") and c.tag_ == "MD")
        if any(c.lower_ == "going" for c in node.children):
            found.append("going")
        if node.dep_ not in ("xcomp", "conj", "acomp") or node.head.i == node.i:
            break
        found.append(node.head.lemma_.lower())
        node = node.head
    return found
