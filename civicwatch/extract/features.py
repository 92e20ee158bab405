"""Features of candidates and their arguments: what the trained layer sees.

Features are strings ("lem=fine", "path=>obj", "frame=target:object"); the models in
``learn`` weigh them. They are built from the common parsed view and the lexicon only,
so the same code serves every language. Words are lemmas; names themselves (proper
nouns) are left out, so a model learns constructions, not the organisations of its corpus.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from civicwatch.extract import syntax
from civicwatch.extract.lexicon import Lexicon, Trigger
from civicwatch.extract.parse import Token, is_passive

if TYPE_CHECKING:
    from civicwatch.extract.places import Gazetteer
    from civicwatch.extract.reader import Analysis, Argument, Item

_CONTENT = ("NOUN", "VERB", "ADJ", "ADV")
_CLASSES = (
    "people_groups",
    "descriptions",
    "never_targets",
    "generic_targets",
    "state_bodies",
    "courts",
    "law_nouns",
    "owned",
    "list_nouns",
    "speech_verbs",
    "process_nouns",
)
_SENTENCE_LIMIT = 60  # content words of the sentence taken as a bag


def candidate_features(lexicon: Lexicon, analysis: Analysis, item: Item, token: Token, hints: tuple[Trigger, ...]) -> list[str]:
    sentence = item.parsed
    words = lexicon.words
    lowers = {t.lower for t in sentence.tokens}
    lemmas = {t.lemma for t in sentence.tokens}
    text = sentence.text
    f = [f"lem={token.lemma}", f"lem_pos={token.lemma}|{token.upos}", f"upos={token.upos}", f"dep={token.dep}"]
    for hint in hints:
        f += [f"hint={hint.type}", f"hint_sub={hint.type}/{hint.subtype}", f"hint_frame={hint.frame}"]
        if hint.requires_word:
            f.append(f"req={'ok' if hint.requires_word & lowers else 'no'}|{hint.type}")
        if hint.needs == "list":
            f.append(f"list={'yes' if lexicon.list_pattern.search(text) else 'no'}|{hint.type}")
        if hint.needs == "law":
            f.append(f"law={'yes' if lemmas & words['law_nouns'] else 'no'}|{hint.type}")
        if hint.people_only:
            f.append("people_only")
    head = sentence.head(token)
    if head is not None:
        f += [f"head={head.lemma}", f"head_rel={token.dep}|{head.upos}"]
        for cls in _CLASSES:
            if head.lemma in words[cls]:
                f.append(f"head_cls={cls}")
        grand = sentence.head(head)
        if grand is not None:
            f.append(f"grand={grand.lemma}")
    else:
        f.append("root")
    for child in sentence.children(token):
        label = sentence.label(child)
        f.append(f"child={label}")
        if child.upos not in ("PROPN", "NUM", "PUNCT"):
            f.append(f"child_lem={label}|{child.lemma}")
        if child.ent:
            f.append(f"child_ent={label}|{child.ent}")
        for cls in _CLASSES:
            if child.lemma in words[cls]:
                f.append(f"child_cls={label}|{cls}")
    if is_passive(sentence, token):
        f.append("passive")
    if syntax.has_negation(sentence, token, lexicon):
        f.append("negated")
    if syntax.is_conditional(sentence, token, lexicon):
        f.append("conditional")
    for word in syntax.modal_chain(sentence, token):
        f.append(f"modal={word}")
    for n, ancestor in enumerate(sentence.ancestors(token, 3)):
        f.append(f"anc={ancestor.lemma}")
    for other in sentence.tokens[max(0, token.i - 3) : token.i + 4]:
        if other.i != token.i and other.upos in _CONTENT:
            f.append(f"win={other.lemma}")
    for other in sentence.tokens[:_SENTENCE_LIMIT]:
        if other.upos in _CONTENT and other.i != token.i:
            f.append(f"w={other.lemma}")
    for match in lexicon.list_pattern.finditer(text):
        subtype = lexicon.list_subtype(match.group())
        if subtype:
            f.append(f"list_sub={subtype}")
    if any(cue in text.lower() for cue in lexicon.civic_cues):
        f.append("civic_sentence")
    civic = analysis.extra.get("civic_sentences", 0)
    f.append(f"civic_article={civic if civic < 3 else '3-5' if civic < 6 else '6+'}")
    labels = {e.label for e in sentence.entities}
    f += [f"has={label}" for label in sorted(labels)]
    if any(t.lemma in words["state_bodies"] for t in sentence.tokens):
        f.append("has_state")
    if item.sentence.headline:
        f.append("headline")
    f.append(f"sentence_index={_bucket(item.index)}")
    if item.sentence.boilerplate:
        f.append("boilerplate")
    if item.dates:
        f.append("dated")
    if text[:1] in "\"“«„'‘" or text.rstrip()[-1:] in "\"”»'’":
        f.append("quoted")
    return f


def argument_features(
    lexicon: Lexicon,
    analysis: Analysis,
    item: Item,
    trigger: Token,
    head: Token,
    argument: Argument,
    frame_roles: tuple[str, ...] | list[str],
    places: Gazetteer,
) -> list[str]:
    sentence = item.parsed
    words = lexicon.words
    path = sentence.path(trigger, head, 4) or "far"
    f = [
        f"path={path}",
        f"path1={_first_step(path)}",
        f"plen={min(path.count('>') + path.count('^'), 4)}",
        f"kind={argument.kind}",
        f"upos={head.upos}",
        f"ent={head.ent or 'none'}",
        f"rel={sentence.label(head)}",
        f"tl_path={trigger.lemma}|{path}",
    ]
    for cls in _CLASSES:
        if head.lemma in words[cls]:
            f.append(f"cls={cls}")
    if head.upos not in ("PROPN", "NUM"):
        f.append(f"hlem={head.lemma}")
    if argument.resolved:
        f += ["resolved", f"res={argument.kind}|{argument.resolution}"]
    if analysis.context.is_state(argument.name):
        f.append("state")
    place = places.lookup(argument.name)
    if place is not None:
        f.append("country" if place.country else "place")
    if argument.name[:1].isupper():
        f.append("cap")
    if any(q in argument.name for q in "«\"“"):
        f.append("quoted")
    n_words = len(argument.name.split())
    f.append(f"nwords={min(n_words, 4)}")
    distance = head.i - trigger.i
    f.append("before" if distance < 0 else "after")
    f.append(f"dist={_bucket(abs(distance))}")
    for role in frame_roles:
        f += [f"frame={role}", f"frame_role={role.split(':')[0]}"]
    if not frame_roles:
        f.append("no_frame")
    governor = sentence.head(head)
    if governor is not None and governor.lemma in words["speech_verbs"] and head.dep == "nsubj":
        f.append("speaker")
    if trigger.upos == "NOUN" and governor is not None and governor.i == trigger.head:
        f.append(f"shares_head={sentence.label(head)}|{sentence.label(trigger)}")
    if argument.kind in ("pronoun", "relative") and head.lemma:
        f.append(f"pron={head.lemma}")
    # the common words of the name say what kind of body it is ("Reserve Bank", "National Security Committee")
    span = sentence.tokens[argument.start : argument.end] if not argument.resolved else [head]
    for token in span:
        if token.lemma in words["name_words"] or token.lower in words["name_words"]:
            f.append(f"word={token.lemma if token.lemma in words['name_words'] else token.lower}")
    # salience: the article's subjects are named again and again, and early
    text = analysis.extra.get("text_lower", "")
    key = _salience_key(argument.name)
    if key and text:
        count = text.count(key)
        f.append(f"mentions={_bucket(count)}")
        if key in text[:400]:
            f.append("in_lead")
    return f


def argument_summary(arguments: list[Argument]) -> list[str]:
    """What the trigger's frames found: "a named organisation as object" speaks for an event."""
    found = set()
    for argument in arguments:
        roles = [f[len("frame=") :] for f in argument.features if f.startswith("frame=")]
        ent = next((f[4:] for f in argument.features if f.startswith("ent=")), "none")
        for role in roles:
            found.add(f"arg={role}|{argument.kind}")
            found.add(f"arg={role.split(':')[0]}|{argument.kind}|{ent}")
            if "state" in argument.features:
                found.add(f"arg={role.split(':')[0]}|state")
        if any(r.startswith("target") for r in roles):
            # what kind of body the act falls on: "institute", "journalist" or "bank", "club"
            found.update(f"target_{f}" for f in argument.features if f.startswith(("word=", "cls=", "hlem=")))
    if not found:
        found.add("arg=none")
    return sorted(found)


def _salience_key(name: str) -> str:
    """The part of a name that is repeated: its last word for a person-like short name, else the name."""
    words = name.lower().strip("«»\"“”'").split()
    if not words:
        return ""
    return words[-1] if len(words) <= 3 and len(words[-1]) > 3 else " ".join(words[:3])


def _first_step(path: str) -> str:
    if path in ("far", "self"):
        return path
    rest = path[1:]
    for n, char in enumerate(rest):
        if char in "^>":
            return path[0] + rest[:n]
    return path


def _bucket(n: int) -> str:
    if n <= 2:
        return str(n)
    if n <= 5:
        return "3-5"
    if n <= 10:
        return "6-10"
    return "11+"
