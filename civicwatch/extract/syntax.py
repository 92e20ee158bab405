"""Language-neutral reading of the common parsed view: phrases, polarity, modality, dates.

Everything here works on Universal Dependencies relations and on word lists from the
language's lexicon (``Lexicon.words``), so English and Russian share it. Walks are bounded.
"""

from __future__ import annotations

from civicwatch.extract.languages import DateSpan
from civicwatch.extract.parse import ParsedSentence, Token
from civicwatch.extract.sentences import dateline_end
from civicwatch.lexicons import Lexicon

NOMINAL = ("NOUN", "PROPN", "PRON", "NUM", "X", "ADJ")
_INSIDE_NAME = ("compound", "flat", "flat:name", "flat:foreign", "fixed", "amod", "nummod", "det", "det:predet")
_MAX_PHRASE = 24
_CLAUSE_BREAKS = ("conj", "acl:relcl", "advcl", "ccomp", "parataxis", "cc", "csubj")


def phrase(sentence: ParsedSentence, head: Token, lexicon: Lexicon, law: bool = False) -> list[Token]:
    """The name headed by ``head``: its modifiers, flat parts, a following apposed name and
    complements that belong to names ("Committee Against Torture", "Фонд борьбы с коррупцией")."""
    words = lexicon.words
    name_preps = words["name_preps"] | (words["law_preps"] if law else frozenset())
    keep = {head.i}
    frontier = [head]
    for _ in range(6):
        nxt = []
        for node in frontier:
            for child in sentence.children(node):
                if child.i not in keep and _belongs_to_name(sentence, node, child, keep, lexicon, law, name_preps):
                    keep.add(child.i)
                    keep.update(c.i for c in sentence.children(child, "case"))
                    nxt.append(child)
        frontier = nxt
        if not frontier or len(keep) > _MAX_PHRASE:
            break
    if law:
        keep |= _detached_complement(sentence, max(keep), name_preps)
        keep |= _law_number(sentence, max(keep), words["law_number_marks"])
    if head.lemma in words["courts"]:
        keep |= _seat(sentence, max(keep), words["seat_preps"])
    entity = sentence.entity_of(head)
    if entity is not None and entity.label in ("ORG", "PER", "LOC", "MISC", "LAW", "NORP"):
        keep.update(range(entity.start, entity.end))
    low, high = _run_around(keep, head.i)
    if high - low > _MAX_PHRASE:
        low, high = max(low, head.i - 8), min(high, head.i + 12)
    tokens = sentence.tokens[low : high + 1]
    while tokens and (
        (tokens[0].upos in ("PUNCT", "DET", "ADP", "CCONJ") and tokens[0].text not in _OPENING)
        or (tokens[0].ent == "DATE" and tokens[0].i != head.i and not law)  # "On May 5, 2023 Bishkek prosecutor"
    ):
        tokens = tokens[1:]
    tokens = _without_dangling_end(tokens)
    dated = law and any(t.ent == "DATE" and len(t.text) == 4 and t.text.isdigit() for t in tokens)
    while tokens and tokens[-1].ent in ("MONEY", "NUM", "DATE") and tokens[-1].i != head.i and not dated:
        tokens = tokens[:-1]  # "fined X 600,000 roubles": the sum is no part of the name ("Law of 30 June 2020" is)
    return _without_dangling_end(tokens) or [head]


def _without_dangling_end(tokens: list[Token]) -> list[Token]:
    """A phrase without the punctuation, preposition or conjunction it ends on (a closing quote stays)."""
    while tokens and (tokens[-1].upos in ("PUNCT", "ADP", "CCONJ") and tokens[-1].text not in _CLOSING):
        tokens = tokens[:-1]
    return tokens


def with_relative_clause(sentence: ParsedSentence, head: Token, tokens: list[Token]) -> list[Token]:
    """``tokens`` (the phrase of ``head``) with the relative clause that follows them at once: "a bill that
    would ban advertisers from working with foreign agents", a law the article names only by what it does."""
    last = tokens[-1].i
    clause = next((c for c in sentence.children(head) if c.dep in ("acl:relcl", "acl") and c.i > last), None)
    if clause is None:
        return tokens
    inside = sorted(t.i for t in sentence.subtree(clause, _MAX_PHRASE))
    end = last
    for i in inside:  # up to the first gap: the clause's own words, not what the parse hung on it further on
        if i != end + 1:
            break
        end = i
    while end > last and sentence.tokens[end].upos in ("PUNCT", "CCONJ") and sentence.tokens[end].text not in _CLOSING:
        end -= 1
    if end - last > _MAX_PHRASE:
        return tokens
    words = sentence.tokens[tokens[0].i : end + 1]
    opened = sum(t.text in _OPENING for t in words) - sum(t.text in _CLOSING for t in words)
    following = sentence.tokens[end + 1 : end + 3]
    if opened > 0:  # 'working with “foreign agents,”': the quote the parse hung elsewhere closes the name
        close = next((t.i for t in following if t.text in _CLOSING), None)
        if close is not None:
            words = sentence.tokens[tokens[0].i : close + 1]
    return words


def _run_around(keep: set[int], head: int, gap: int = 5) -> tuple[int, int]:
    """The first and last of ``keep`` reached from ``head`` in steps of at most ``gap`` positions (the words
    between, a conjunction or a comma the parse gave another head, fill the span): a word the parse hung on
    the name from far away ("РФ" at a sentence's end under «России») stays out of it."""

    def reach(start: int, direction: int) -> int:
        at = start
        while (step := next((s for s in range(1, gap + 1) if at + direction * s in keep), 0)) > 0:
            at += direction * step
        return at

    return reach(head, -1), reach(head, 1)


_QUOTE_MARKS = "«»\"„“”'‘’"


def _detached_complement(sentence: ParsedSentence, last: int, preps: frozenset[str]) -> set[int]:
    """ "signed the law on foreign agents" parsed with "on foreign agents" on the verb: the law's
    complement all the same, when it follows the law's name at once."""
    following = last + 1
    if following >= len(sentence.tokens):
        return set()
    preposition = sentence.tokens[following]
    noun = sentence.head(preposition)
    if preposition.dep != "case" or preposition.lower not in preps or noun is None or noun.i <= last:
        return set()
    clauses = {t.i for c in sentence.children(noun) if c.dep in _CLAUSE_BREAKS for t in sentence.subtree(c, 30)}
    inside = sorted(t.i for t in sentence.subtree(noun, 30) if t.i >= following and t.i not in clauses)
    return set(range(following, _run_around(set(inside), noun.i, 1)[1] + 1)) if inside else set()


def _law_number(sentence: ParsedSentence, last: int, marks: frozenset[str]) -> set[int]:
    """ "the Federal Law of July 20, 2012, No. 121-FZ", "закон № 121-ФЗ": the number after a law's name is
    part of it, wherever the parse hangs it."""
    tokens = sentence.tokens
    at = last + 1
    if at < len(tokens) and tokens[at].text == ",":
        at += 1
    if at >= len(tokens) or tokens[at].lower not in marks:
        return set()
    at += 1
    if at < len(tokens) and tokens[at].text == ".":
        at += 1
    if at >= len(tokens) or not tokens[at].text[:1].isdigit():
        return set()
    while at + 1 < len(tokens) and tokens[at + 1].start == tokens[at].end:  # "121-FZ": one number, no space
        at += 1
    return set(range(last + 1, at + 1))


def _seat(sentence: ParsedSentence, last: int, preps: frozenset[str]) -> set[int]:
    """ "the court in Pskov", "суд в Махачкале": the place that follows a court at once names it, wherever
    the parse hangs it (often on the verb: "a court in Pskov fined ...")."""
    if last + 2 >= len(sentence.tokens) or sentence.tokens[last + 1].lower not in preps:
        return set()
    place = sentence.entity_of(sentence.tokens[last + 2])
    if place is None or place.label not in ("LOC", "GPE") or place.start != last + 2:
        return set()
    return set(range(last + 1, place.end))


def _belongs_to_name(
    sentence: ParsedSentence,
    node: Token,
    child: Token,
    keep: set[int],
    lexicon: Lexicon,
    law: bool,
    name_preps: frozenset[str],
) -> bool:
    if child.dep in _INSIDE_NAME or (child.dep == "punct" and child.text in _QUOTE_MARKS):
        return True
    if child.dep == "nmod" and child.upos != "PRON":
        case = sentence.case_of(child)
        if not case and child.feats.get("Case") == "Gen":
            return True
        if case in name_preps and (law or not lexicon.names_capitalised or _name_like(node, child)):
            return True
        # "the accountant of the media outlet", "the head of the group": who, by whose name
        return case in lexicon.words["of_preps"] and node.upos == "NOUN" and child.upos in ("NOUN", "PROPN")
    if child.dep == "appos":
        return child.i == max(keep) + 1 and child.upos in ("PROPN", "NOUN")
    return child.dep == "acl" and law and child.i > node.i  # "a law requiring NGOs to register"


_OPENING = '«"„“‘'
_CLOSING = '»"”’'


def _name_like(node: Token, child: Token) -> bool:
    """A complement is part of a name when the name is capitalised ("Committee Against Torture")."""
    return node.text[:1].isupper() and (child.text[:1].isupper() or child.upos == "PROPN")


def has_negation(sentence: ParsedSentence, token: Token, lexicon: Lexicon) -> bool:
    """ "did not fine", "не оштрафовал", "refused to liquidate", "отказался закрыть"."""
    negators = lexicon.words["negators"]
    refusals = lexicon.words["refusals"]
    node = token
    for depth in range(3):
        if any(
            c.lemma in negators and c.dep in ("advmod", "neg", "aux", "discourse", "det")
            for c in sentence.children(node)
        ):
            return True
        if depth and node.lemma in refusals:
            return True
        if node.dep not in ("xcomp", "conj", "ccomp", "csubj") or node.head < 0:
            return False
        if node.dep == "ccomp" and depth:
            return False
        node = sentence.tokens[node.head]
    return False


def is_conditional(sentence: ParsedSentence, token: Token, lexicon: Lexicon) -> bool:
    marks = lexicon.words["conditional_marks"]
    node = token
    for _ in range(3):
        if any(c.dep == "mark" and c.lemma in marks for c in sentence.children(node)):
            return True
        if node.dep not in ("advcl", "xcomp", "conj") or node.head < 0:
            return False
        node = sentence.tokens[node.head]
    return False


def is_consequence(sentence: ParsedSentence, token: Token, lexicon: Lexicon) -> bool:
    """ "The designation means the group must stop all work", «решение означает, что ...»: what a measure
    entails, told in the complement of a verb of meaning (``consequence_verbs``), is no act of its own."""
    verbs = lexicon.words["consequence_verbs"]
    node = token
    for _ in range(4):
        if node.head < 0:
            return False
        head = sentence.tokens[node.head]
        if head.lemma in verbs:
            return node.dep in ("ccomp", "xcomp", "obj")
        if node.dep not in ("xcomp", "conj", "ccomp", "aux", "advcl"):
            return False
        node = head
    return False


def modal_chain(sentence: ParsedSentence, token: Token) -> list[str]:
    """Auxiliaries and governing verbs above the trigger in its clause: will, could, plan, будет..."""
    found: list[str] = []
    node = token
    for _ in range(4):
        found.extend(c.lemma for c in sentence.children(node) if c.dep in ("aux", "aux:pass"))
        if node.dep not in ("xcomp", "conj", "obj", "ccomp") or node.head < 0:
            break
        node = sentence.tokens[node.head]
        found.append(node.lemma)
    return found


def status(sentence: ParsedSentence, token: Token, kind: str, lexicon: Lexicon) -> str:
    """occurred, planned ("will be liquidated") or threatened ("will be fined", "faces a fine")."""
    if kind == "reaction":
        return "occurred"
    words = lexicon.words
    chain = set(modal_chain(sentence, token))
    above = {a.lemma for a in sentence.ancestors(token, 4)}
    head = sentence.head(token)
    if chain & words["future_words"] and above & words["threat_verbs"]:
        return "threatened"
    if head is not None and head.lemma in words["threat_verbs"] and token.upos == "NOUN":
        return "threatened"
    if chain & words["possibility_words"] and kind in ("sanction", "prosecution"):
        return "threatened"
    if chain & (words["future_words"] | words["plan_words"]):
        return "planned"
    return "occurred"


def clause(sentence: ParsedSentence, token: Token, limit: int = 200) -> list[Token]:
    """The trigger's own clause: its subtree without coordinated or embedded clauses."""
    found = [token]
    stack = [token]
    while stack and len(found) < limit:
        node = stack.pop()
        for child in sentence.children(node):
            if child.dep not in _CLAUSE_BREAKS:
                found.append(child)
                stack.append(child)
    return found


MAIN_CLAUSE = -1  # attach_dates' key for the date of the sentence's main verb that no trigger took


def attach_dates(
    sentence: ParsedSentence, dates: list[DateSpan], triggers: list[Token], lexicon: Lexicon, main_clause: bool = False
) -> dict[int, str]:
    """Each date belongs to the trigger it hangs from, else to the triggers of the plain verb above it,
    else to the nearest trigger of the main clause. Deadlines ("until May", "до 1 марта") belong to none. With
    ``main_clause``, the date of the main verb that none of them took is kept under ``MAIN_CLAUSE``: when the
    sentence was said, for a reaction read from what it says ("On 4 September the union released a statement
    saying that the attack ...")."""
    if not triggers or not dates:
        return {}
    trigger_ids = {t.i for t in triggers}
    attached: dict[int, str] = {}
    loose: list[tuple[str, int]] = []
    below: list[tuple[str, Token]] = []  # dates of a verb that governs no trigger
    above: list[tuple[str, Token, Token]] = []  # (date, its root, the plain verb it hangs from)
    speech = lexicon.words["speech_verbs"]
    lead = dateline_end(sentence.text)  # a dateline's date ("Update 16.07.2021: police are searching...")
    for date in dates:  # a trigger's own date first: "passed it last month and signed it on 25 November"
        if date.preposition and date.preposition in lexicon.words["deadline_preps"]:
            continue
        root, owner, verb = _date_hangs_from(sentence, date, trigger_ids)
        if root is None or _describes(sentence, root, trigger_ids):
            continue
        if owner is not None:
            attached.setdefault(owner, date.value)
        elif verb is None or verb.lemma in speech or sentence.tokens[date.start].start < lead:
            loose.append((date.value, root.i))
        else:
            above.append((date.value, root, verb))
    for value, root, verb in above:
        governed = [t for t in triggers if t.i not in attached and _governed_by(sentence, t, verb)]
        if governed:
            attached.setdefault(min(governed, key=lambda t: abs(t.i - root.i)).i, value)
        else:
            below.append((value, verb))
    for value, position in loose:
        free = [t for t in triggers if t.i not in attached]
        eligible = [t for t in free if _in_main_clause(sentence, t)] or [t for t in free if abs(t.i - position) <= 6]
        if eligible:
            attached.setdefault(min(eligible, key=lambda t: abs(t.i - position)).i, value)
    for value, verb in below:  # "was walking home on 9 March when two men beat him": the clause tells when
        marks = lexicon.words["same_time_marks"]
        inside_clause = [t for t in triggers if t.i not in attached and _same_time_clause(sentence, t, verb, marks)]
        governing = _complement_of(sentence, verb, [t for t in triggers if t.i not in attached])
        if inside_clause:
            attached.setdefault(min(inside_clause, key=lambda t: abs(t.i - verb.i)).i, value)
        elif governing is not None:
            attached.setdefault(governing.i, value)
        elif main_clause and verb.head < 0 and value not in attached.values():
            attached.setdefault(MAIN_CLAUSE, value)
    return attached


def _describes(sentence: ParsedSentence, root: Token, trigger_ids: set[int]) -> bool:
    """A year that qualifies a noun other than a trigger ("the 2022 Nobel Peace Prize laureate", "its 2021
    winner"): it tells which one, not when the act was done ("the March 2019 raid" dates its raid)."""
    head = sentence.head(root)
    return (
        head is not None
        and root.dep in ("nummod", "amod", "compound")
        and head.upos in ("NOUN", "PROPN")
        and head.i not in trigger_ids
        and head.ent != "DATE"
    )


def _date_hangs_from(
    sentence: ParsedSentence, date: DateSpan, trigger_ids: set[int]
) -> tuple[Token | None, int | None, Token | None]:
    """(the date's root token, the trigger it hangs from, else the plain verb it hangs from)."""
    inside = range(date.start, date.end)
    root = next((t for t in sentence.tokens[date.start : date.end] if t.head not in inside), None)
    if root is None:
        return None, None, None
    for node in [root] + sentence.ancestors(root, 8):
        if node.i in trigger_ids and node.i not in inside:
            return root, node.i, None
        if node.upos in ("VERB", "AUX") and node.i not in inside and node.dep not in ("aux", "aux:pass"):
            return root, None, node
    return root, None, None


def _same_time_clause(sentence: ParsedSentence, trigger: Token, verb: Token, marks: frozenset[str]) -> bool:
    """Whether the trigger is in a clause right below the verb that a same-time word opens ("when ...",
    «где ...»): the verb's date is that clause's date too ("after ..." is not)."""
    node = trigger
    for _ in range(6):
        if node.head < 0:
            return False
        if node.head == verb.i:
            return node.dep in ("advcl", "acl:relcl", "acl") and any(
                c.lower in marks or c.lemma in marks for c in sentence.children(node) if c.dep in ("mark", "advmod")
            )
        node = sentence.tokens[node.head]
    return False


def _complement_of(sentence: ParsedSentence, verb: Token, triggers: list[Token]) -> Token | None:
    """The trigger whose complement clause the verb heads ("demanded that Golos register ... in April 2013"):
    what the clause says was to happen is dated with the act that asked for it."""
    if verb.dep not in ("ccomp", "xcomp") or verb.head < 0:
        return None
    return next((t for t in triggers if t.i == verb.head), None)


def _governed_by(sentence: ParsedSentence, trigger: Token, verb: Token) -> bool:
    if trigger.i == verb.i:
        return True
    node = trigger
    for _ in range(5):
        if node.head < 0:
            return False
        if node.head == verb.i:
            return node.dep in ("obj", "xcomp", "ccomp", "conj", "nsubj", "nsubj:pass", "obl", "iobj")
        if node.dep in ("advcl", "acl:relcl"):
            return False
        node = sentence.tokens[node.head]
    return False


def _in_main_clause(sentence: ParsedSentence, token: Token) -> bool:
    node = token
    for _ in range(12):
        if node.head < 0:
            return True
        if node.dep in ("advcl", "acl:relcl", "acl"):
            return False
        node = sentence.tokens[node.head]
    return True
