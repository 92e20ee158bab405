"""One event per real-world act: repeated mentions in an article become one event.

Two events are one act when they share type, a compatible subtype, a target
(or, for reactions, the speaker) and compatible dates: "2015-07" agrees with
"2015-07-08", an undated mention agrees with any date.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from civicwatch.core.dates import dates_agree
from civicwatch.core.schema import LEAD_ACT, ONE_SENTENCE_SUBTYPES
from civicwatch.core.schema import subtypes_agree as _subtypes_agree
from civicwatch.model import Event
from civicwatch.resolve import Entry, listed_entry
from civicwatch.resolve.identity import name_keys
from civicwatch.resolve.laws import article_law_keys, law_key


def merge_events(events: list[Event], kind_of: Callable[[str], str | None] | None = None) -> list[Event]:
    """``kind_of``: "PERSON", "ORG" or None for a name of the article (``ArticleContext.kind_of``)."""
    mark_lead(events)
    laws = _law_keys(events)
    merged: list[Event] = []
    for event in events:
        for kept in merged:
            if same_act(kept, event, laws) and not _other_people(kept, event, kind_of):
                _absorb(kept, event)
                break
        else:
            merged.append(event)
    return drop_restated_headlines(merged)


def same_act(a: Event, b: Event, laws: dict[int, tuple[str, bool]] | None = None) -> bool:
    """``laws``: the act each law event of the article is about (``_law_keys``)."""
    if _one_sentence_act(a, b):
        return True  # "sentenced to two years in prison": a conviction, not also a detention
    if a.type != b.type or not _subtypes_agree(a.subtype, b.subtype):
        return False
    if not dates_agree(_stated(a), _stated(b)):
        return False
    if a.type == "reaction" and a.actor and b.actor:
        return actors_overlap(a.actor, b.actor)  # different speakers are different reactions
    if a.type == "attack" and a.actor and b.actor and actors_overlap(a.actor, b.actor):
        return True  # the same assailants in one article: one attack told in several sentences
    if a.type in ("designation", "delisting") and (_is_count(a.targets) or _is_count(b.targets)):
        if not (a.actor and b.actor) or actors_overlap(a.actor, b.actor):
            return True  # "added five NGOs" ... "Agora, Public Verdict and Memorial": one listing
    if a.type == "law" and _overrides(a) != _overrides(b):
        return False  # "passed" and, later, "voted to override the veto": two votes
    if a.type == "law" and a.subtype in _ONCE_PER_ACT and laws and _one_law(laws.get(id(a)), laws.get(id(b))):
        return True  # "signed the media law" ... "signed the new law on 8 February"
    return names_overlap(_named(a.targets), _named(b.targets))


# acts whose mentions may each name other people: a reaction (told apart by its speaker), and a register's
# update, whose names an article lists over several sentences ("... were added. Also on the list are ...")
_ONE_LIST_ACT = frozenset({"reaction", "designation", "delisting"})


def _other_people(a: Event, b: Event, kind_of: Callable[[str], str | None] | None) -> bool:
    """Two acts that each name people, none of them the same, are two acts, whatever else they share ("Ivan
    Petrov of the Tver Herald was fined" ... "the court fined Anna Sidorova of the Tver Herald"), except where one
    act names many (``_ONE_LIST_ACT``); one sentence's two readings of one act stay one."""
    if kind_of is None or a.type in _ONE_LIST_ACT or _one_sentence_act(a, b):
        return False
    people_a = [t for t in a.targets if kind_of(t) == "PERSON"]
    people_b = [t for t in b.targets if kind_of(t) == "PERSON"]
    return bool(people_a and people_b) and not names_overlap(people_a, people_b)


def _named(targets: list[str]) -> list[str]:
    """The targets that are names ("Tribuna", «Голос», "16 NGOs"), not descriptions ("Tribuna journalist",
    "200 km"), which two acts on different people share; all of them where none is a name."""
    names = [
        t
        for t in targets
        if (words := re.findall(r"\w+", t)) and (words[-1][:1].isupper() or any(q in t for q in '«"“'))
    ]
    return names or targets


def _one_sentence_act(a: Event, b: Event) -> bool:
    """Two readings of one sentence's act on one target (``ONE_SENTENCE_SUBTYPES``)."""
    return (
        a.type == b.type
        and a.evidence_start is not None
        and a.evidence_start == b.evidence_start
        and frozenset({a.subtype, b.subtype}) in ONE_SENTENCE_SUBTYPES
        and not _two_deeds(a, b)
        and names_overlap(a.targets, b.targets)
    )


def _two_deeds(a: Event, b: Event) -> bool:
    """ "was arrested in June and later sentenced": two verbs of a sentence tell two acts, where "sentenced to
    two years in prison" tells one (its second trigger is a noun)."""
    verbs = [e.extra.get("trigger_pos") == "VERB" for e in (a, b)]
    return all(verbs) and a.extra.get("trigger") != b.extra.get("trigger")


# Stages of a law that happen once: an act is signed and takes effect once, while each chamber adopts it
# and each reading passes it ("the Duma adopted ... the Federation Council adopted": two events).
_ONCE_PER_ACT = frozenset({"signed", "in_force"})


def _law_keys(events: list[Event]) -> dict[int, tuple[str, bool]]:
    """The act (``civicwatch.resolve.laws``) each law event is about, by ``id`` of the event: its key, and
    whether the event names the act itself (not only "the new law" of an article about one act)."""
    law_events = [e for e in events if e.type == "law"]
    named = [law_key([*e.targets, e.evidence], e.country, _year(e.date)) for e in law_events]
    inferred = article_law_keys([(key, e.country) for key, e in zip(named, law_events, strict=True)])
    return {
        id(e): (key, own is not None)
        for e, own, key in zip(law_events, named, inferred, strict=True)
        if key is not None
    }


def _one_law(a: tuple[str, bool] | None, b: tuple[str, bool] | None) -> bool:
    """Whether two law events are about one act, at least one of them naming it."""
    return a is not None and b is not None and a[0] == b[0] and (a[1] or b[1])


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None


@lru_cache(maxsize=16384)
def _norm(name: str) -> str:
    name = re.sub(r"[\"'“”«»„‘’`]", "", name.lower())
    name = re.sub(r"[^\w\s]", " ", name)
    return re.sub(r"^the ", "", re.sub(r"\s+", " ", name).strip())


def names_overlap(a: list[str], b: list[str]) -> bool:
    """Whether a name of one list is a name of the other, or holds it as whole words ("Memorial" in
    "Memorial Human Rights Centre"), or has the same full key ("Солдатских матерей", "Солдатские матери").

    A kept event collects the targets of every mention it absorbs, so both lists can be long: each name is
    normalised once, and the full keys are compared as sets, not pair by pair."""
    named_a = [(x, f" {n} ") for x in a if (n := _norm(x))]
    named_b = [(y, f" {n} ") for y in b if (n := _norm(y))]
    if not named_a or not named_b:
        return False
    for _, nx in named_a:
        for _, ny in named_b:  # equal, or one within the other as whole words
            if nx in ny or ny in nx:
                return True
    keys_a = {name_keys(x).full for x, _ in named_a}
    if any(name_keys(y).full in keys_a for y, _ in named_b if name_keys(y).full):
        return True
    listed_a = {entry.key for x, _ in named_a if (entry := _listed(x)) is not None}
    return bool(listed_a) and any((entry := _listed(y)) is not None and entry.key in listed_a for y, _ in named_b)


@lru_cache(maxsize=16384)
def _listed(name: str) -> Entry | None:
    """The shipped alias table's entity for a name: "Meduza" and its publisher's legal name are one."""
    return listed_entry(name)


_NUMBER_WORDS = {
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "several",
    "dozens",
    "два",
    "две",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
    "десять",
    "несколько",
}


def _overrides(event: Event) -> bool:
    return str(event.extra.get("trigger", "")).lower().startswith("overr")


def _is_count(targets: list[str]) -> bool:
    """A group named by its number ("five NGOs", "три организации") rather than by name."""
    return any(t.split()[0].lower() in _NUMBER_WORDS or t.split()[0].isdigit() for t in targets if t.split())


def actors_overlap(a: str, b: str) -> bool:
    """ "Secretary Blinken" and "Secretary of State Blinken" are one speaker."""
    words_a, words_b = _norm(a).split(), _norm(b).split()
    if names_overlap([a], [b]):
        return True
    if not words_a or not words_b or words_a[-1] != words_b[-1] or len(words_a[-1]) <= 3:
        return False
    shorter, longer = sorted((words_a, words_b), key=len)
    return set(shorter) <= set(longer)  # "Secretary Blinken" within "Secretary of State Blinken"


def drop_restated_headlines(events: list[Event]) -> list[Event]:
    """A headline restates the lead: its event goes when the body reports one of that kind, and the first
    body event of that kind takes its place as the article's lead act (``LEAD_ACT``)."""
    body = {(e.type, e.subtype) for e in events if not e.extra.get("headline")}
    lead = {(e.type, e.subtype) for e in events if e.extra.get("headline") and e.extra.get(LEAD_ACT)} & body
    for event in events:
        if not event.extra.get("headline") and (event.type, event.subtype) in lead:
            event.extra[LEAD_ACT] = True
            lead.discard((event.type, event.subtype))
    return [e for e in events if not e.extra.get("headline") or (e.type, e.subtype) not in body]


def mark_lead(events: list[Event]) -> None:
    """Mark the acts of the article's first reporting sentence (its headline, else its first sentence that
    reports an act, boilerplate apart) as its lead acts: news articles tell their news first."""
    reported = [e for e in events if not e.boilerplate and e.evidence_start is not None]
    if not reported:
        return
    first = min(e.evidence_start for e in reported)
    for event in reported:
        if event.evidence_start == first:
            event.extra[LEAD_ACT] = True


def _precision(date: str | None) -> int:
    return 0 if not date else len(date.replace("X", ""))


def _better_evidence(kept: Event, new: Event) -> bool:
    """Body beats headline and boilerplate; then the more confident mention."""

    def rank(e: Event) -> tuple:
        return (not e.boilerplate, not e.extra.get("headline", False), e.confidence)

    return rank(new) > rank(kept)


def _stated(event: Event) -> str | None:
    """The event's date as the text states it: a date assumed from the publication day is none."""
    return None if event.extra.get("date_source") == "published" else event.date


def _fuller(preferred: str | None, other: str | None) -> str | None:
    """The actor to keep: ``preferred``, unless ``other`` names the same one more fully ("the court" and
    "the Korolyov City Court")."""
    if not preferred:
        return other
    if other and len(other) > len(preferred) and f" {_norm(preferred)} ".replace(" the ", " ") in f" {_norm(other)} ":
        return other
    return preferred


def _absorb(kept: Event, new: Event) -> None:
    if new.extra.get(LEAD_ACT):
        kept.extra[LEAD_ACT] = True  # the lead sentence and a later one report one act
    if _stated(new) and (not _stated(kept) or _precision(new.date) > _precision(kept.date)):
        kept.date = new.date
        kept.extra.pop("date_source", None)
    if _better_evidence(kept, new):
        kept.evidence, kept.evidence_start, kept.evidence_end = (
            new.evidence,
            new.evidence_start,
            new.evidence_end,
        )
        kept.status = new.status
        kept.subtype = new.subtype
        kept.actor = _fuller(new.actor, kept.actor)
        kept.location = new.location or kept.location
        kept.extra["headline"] = new.extra.get("headline", False)
    else:
        kept.actor = _fuller(kept.actor, new.actor)
    kept.location = kept.location or new.location
    kept.targets = kept.targets + [t for t in new.targets if t.lower() not in {k.lower() for k in kept.targets}]
    kept.boilerplate = kept.boilerplate and new.boilerplate
    kept.confidence = round(min(0.97, max(kept.confidence, new.confidence) + 0.03), 2)
    kept.extra["mentions"] = kept.extra.get("mentions", 1) + 1
