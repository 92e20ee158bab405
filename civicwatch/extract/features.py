"""Features of candidates and their arguments: what the trained layer sees.

Features are strings ("lem=fine", "path=>obj", "frame=target:object"); the models in
``learn`` weigh them. They are built from the common parsed view and the lexicon only,
so the same code serves every language. Words are lemmas; names themselves (proper
nouns) are left out, so a model learns constructions, not the organisations of its corpus.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from civicwatch.extract import syntax
from civicwatch.extract.parse import ParsedSentence, Token, is_passive
from civicwatch.lexicons import Lexicon, Trigger

if TYPE_CHECKING:
    from civicwatch.extract.places import Gazetteer
    from civicwatch.extract.reader import Analysis, Argument, Item

_CONTENT = ("NOUN", "VERB", "ADJ", "ADV")
_CLASSES = (
    "people_groups",
    "descriptions",
    "person_descriptions",
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


def candidate_features(
    lexicon: Lexicon, analysis: Analysis, item: Item, token: Token, hints: tuple[Trigger, ...]
) -> list[str]:
    """A trigger in its sentence: the word, what the lexicon says of it, its syntax, its sentence."""
    sentence = item.parsed
    f = [f"lem={token.lemma}", f"lem_pos={token.lemma}|{token.upos}", f"upos={token.upos}", f"dep={token.dep}"]
    f += _hint_features(lexicon, item, hints)
    f += _governor_features(lexicon, sentence, token)
    f += _child_features(lexicon, sentence, token)
    if is_passive(sentence, token):
        f.append("passive")
    if syntax.has_negation(sentence, token, lexicon):
        f.append("negated")
    if syntax.is_conditional(sentence, token, lexicon):
        f.append("conditional")
    f += [f"modal={word}" for word in syntax.modal_chain(sentence, token)]
    f += [f"anc={ancestor.lemma}" for ancestor in sentence.ancestors(token, 3)]
    f += [
        f"win={other.lemma}"
        for other in sentence.tokens[max(0, token.i - 3) : token.i + 4]
        if other.i != token.i and other.upos in _CONTENT
    ]
    return f + sentence_features(lexicon, analysis, item)


def _hint_features(lexicon: Lexicon, item: Item, hints: tuple[Trigger, ...]) -> list[str]:
    f = []
    for hint in hints:
        f += [f"hint={hint.type}", f"hint_sub={hint.type}/{hint.subtype}", f"hint_frame={hint.frame}"]
        if hint.needs == "list":
            f.append(f"list={'yes' if lexicon.list_pattern.search(item.parsed.text) else 'no'}|{hint.type}")
        if hint.needs == "law":
            has_law = any(t.lemma in lexicon.words["law_nouns"] for t in item.parsed.tokens)
            f.append(f"law={'yes' if has_law else 'no'}|{hint.type}")
        if hint.people_only:
            f.append("people_only")
    return f


def _governor_features(lexicon: Lexicon, sentence: ParsedSentence, token: Token) -> list[str]:
    head = sentence.head(token)
    if head is None:
        return ["root"]
    f = [f"head={head.lemma}", f"head_rel={token.dep}|{head.upos}"]
    f += [f"head_cls={cls}" for cls in _CLASSES if head.lemma in lexicon.words[cls]]
    grand = sentence.head(head)
    if grand is not None:
        f.append(f"grand={grand.lemma}")
    return f


def _child_features(lexicon: Lexicon, sentence: ParsedSentence, token: Token) -> list[str]:
    f = []
    for child in sentence.children(token):
        label = sentence.label(child)
        f.append(f"child={label}")
        if child.upos not in ("PROPN", "NUM", "PUNCT"):
            f.append(f"child_lem={label}|{child.lemma}")
        if child.ent:
            f.append(f"child_ent={label}|{child.ent}")
        f += [f"child_cls={label}|{cls}" for cls in _CLASSES if child.lemma in lexicon.words[cls]]
    return f


def sentence_features(lexicon: Lexicon, analysis: Analysis, item: Item) -> list[str]:
    """What every candidate of a sentence shares; computed once per sentence."""
    if item.features is not None:
        return item.features
    sentence = item.parsed
    text = sentence.text
    f = [f"w={t.lemma}" for t in sentence.tokens[:_SENTENCE_LIMIT] if t.upos in _CONTENT]
    for match in lexicon.list_pattern.finditer(text):
        subtype = lexicon.list_subtype(match.group())
        if subtype:
            f.append(f"list_sub={subtype}")
    civic_items = analysis.extra.get("civic_items", set())
    if item.index in civic_items:
        f.append("civic_sentence")
    elif item.index - 1 in civic_items or item.index + 1 in civic_items:
        f.append("civic_neighbour")  # "the editor was detained. Police searched his flat."
    else:
        f.append("civic_none")
    civic = analysis.extra.get("civic_sentences", 0)
    f.append(f"civic_article={civic if civic < 3 else '3-5' if civic < 6 else '6+'}")
    f += [f"has={label}" for label in sorted({e.label for e in sentence.entities})]
    if any(t.lemma in lexicon.words["state_bodies"] for t in sentence.tokens):
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
    item.features = f
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
    """An argument of a trigger: how it relates to the trigger, and what it names."""
    return _relation_features(lexicon, item.parsed, trigger, head, argument, frame_roles) + _name_features(
        lexicon, analysis, item, head, argument, places
    )


def _relation_features(
    lexicon: Lexicon,
    sentence: ParsedSentence,
    trigger: Token,
    head: Token,
    argument: Argument,
    frame_roles: tuple[str, ...] | list[str],
) -> list[str]:
    path = sentence.path(trigger, head, 4) or "far"
    distance = head.i - trigger.i
    f = [
        f"path={path}",
        f"path1={_first_step(path)}",
        f"plen={min(path.count('>') + path.count('^'), 4)}",
        f"tl_path={trigger.lemma}|{path}",
        "before" if distance < 0 else "after",
        f"dist={_bucket(abs(distance))}",
    ]
    for role in frame_roles:
        f += [f"frame={role}", f"frame_role={role.split(':')[0]}"]
    if not frame_roles:
        f.append("no_frame")
    governor = sentence.head(head)
    if governor is not None and head.dep in ("obj", "iobj", "obl") and governor.lemma in lexicon.words["speech_verbs"]:
        f.append("addressee")  # "sources told NDTV", "рассказал ТАСС": who is told, not who is hit
    if governor is not None and head.dep == "nsubj":
        if governor.lemma in lexicon.words["speech_verbs"]:
            f.append("speaker")
        elif governor.i != trigger.i and lexicon.names_reaction(governor.lemma, governor.lower, governor.upos):
            f.append("reacts")  # "France denounces the sentencing": who reacts, not who sentenced
    if governor is not None and head.dep == "nsubj" and _disagrees(sentence, governor, head):
        f.append("subject_disagrees")  # "BSSF внесли в перечень": a plural verb with no subject; the name is its object
    if trigger.upos == "NOUN" and governor is not None and governor.i == trigger.head:
        f.append(f"shares_head={sentence.label(head)}|{sentence.label(trigger)}")
    return f


def _disagrees(sentence: ParsedSentence, verb: Token, subject: Token) -> bool:
    """A plural verb whose subject is one name or noun, not a list: in Russian the verb of an act with no
    named doer ("оштрафовали издание"), whose parse often makes the object its subject."""
    return (
        verb.upos == "VERB"
        and verb.feats.get("Number") == "Plur"
        and subject.upos in ("NOUN", "PROPN")
        and subject.feats.get("Number") != "Plur"
        and not any(c.dep == "conj" for c in sentence.children(subject))
    )


def _name_features(
    lexicon: Lexicon, analysis: Analysis, item: Item, head: Token, argument: Argument, places: Gazetteer
) -> list[str]:
    """What the argument names, whatever the trigger: the same for every candidate of its sentence."""
    key = (item.index, argument.start, argument.end, argument.name, argument.kind, argument.resolution)
    cache = analysis.extra.setdefault("name_features", {})
    if key in cache:
        return cache[key]
    sentence = item.parsed
    words = lexicon.words
    f = [f"kind={argument.kind}", f"upos={head.upos}", f"ent={head.ent or 'none'}", f"rel={sentence.label(head)}"]
    f += [f"cls={cls}" for cls in _CLASSES if head.lemma in words[cls]]
    if head.upos not in ("PROPN", "NUM"):
        f.append(f"hlem={head.lemma}")
    if argument.resolved:
        f += ["resolved", f"res={argument.kind}|{argument.resolution}"]
    if argument.kind in ("pronoun", "relative") and head.lemma:
        f.append(f"pron={head.lemma}")
    if analysis.context.is_state(argument.name):
        f.append("state")
    place = places.lookup(argument.name)
    if place is not None:
        f.append("country" if place.country else "place")
    if argument.name[:1].isupper():
        f.append("cap")
    if any(q in argument.name for q in '«"“'):
        f.append("quoted")
    f.append(f"nwords={min(len(argument.name.split()), 4)}")
    # the common words of the name say what kind of body it is ("Reserve Bank", "National Security Committee")
    for token in sentence.tokens[argument.start : argument.end] if not argument.resolved else [head]:
        word = token.lemma if token.lemma in words["name_words"] else token.lower
        if word in words["name_words"]:
            f.append(f"word={word}")
    f += _salience_features(analysis, argument.name)
    cache[key] = f
    return f


def _salience_features(analysis: Analysis, name: str) -> list[str]:
    """The article's subjects are named again and again, and early."""
    text = analysis.extra.get("text_lower", "")
    key = _salience_key(name)
    if not key or not text:
        return []
    counts = analysis.extra.setdefault("mention_counts", {})  # once per name: a long text is read once per name
    if key not in counts:
        counts[key] = text.count(key)
    f = [f"mentions={_bucket(counts[key])}"]
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
