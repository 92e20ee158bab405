"""The one reader: any registered language, rules that propose, a trained layer that decides.

``analyze`` is the part that needs no model: boilerplate marking, sentence splitting, a
cheap screen, parsing of the screened sentences into the common view, article-wide
names, and the *candidates* — every trigger word with its frame matches, its candidate
arguments and their features. ``decide`` turns candidates into events with the trained
models (``civicwatch.extract.learn``): which candidates are events of which type and
subtype, which arguments are the targets and the actor; status, dates and places come
from the syntax (``syntax``). Training (``training``) uses ``analyze`` alone, so the
candidates a model is trained on are exactly those it later judges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from civicwatch.clean.boilerplate import mark_lines
from civicwatch.core.dates import in_schema
from civicwatch.extract import syntax
from civicwatch.extract.dates import parse_published
from civicwatch.extract.entities import ArticleContext
from civicwatch.extract.features import argument_features, argument_summary, candidate_features
from civicwatch.extract.frames import FrameMatch, FrameMatcher, load_frames
from civicwatch.extract.labels import mask_labels
from civicwatch.extract.languages import DateSpan, Language, get_language
from civicwatch.extract.learn import NONE
from civicwatch.extract.merge import merge_events, names_overlap
from civicwatch.extract.parse import Entity, ParsedSentence, Token
from civicwatch.extract.places import gazetteer
from civicwatch.extract.relative_dates import DateAnchor
from civicwatch.extract.sentences import Sentence, dateline_end, reading_filter, split_sentences
from civicwatch.extract.vectors import vectors_for
from civicwatch.lexicons import Lexicon, Trigger, load_lexicon
from civicwatch.model import EVENT_TYPES, Event

MAX_SENTENCE_CHARS = 600  # longer "sentences" (lists, broken pages) are read in pieces
MAX_ARGUMENTS = 24  # candidate arguments per trigger: the nearest ones
_DECIDED_BY_TARGET = ("self_liquidation", "relocation")  # closures a group decides on itself
_PIECE_BREAK = re.compile(r"[;,:]\s+|\s+[-–—]\s+|\s+")


@dataclass
class Item:
    """One parsed sentence of the article."""

    index: int  # position among the article's sentences
    sentence: Sentence
    parsed: ParsedSentence
    dates: list[DateSpan]
    features: list[str] | None = None  # what its candidates share (features.sentence_features)
    vector: tuple[float, ...] | None = None  # what it is about (``vectors``), for sentences with candidates


@dataclass
class Argument:
    """A phrase that may fill a role: its head token, its words, the name it reports."""

    token: int
    start: int
    end: int
    name: str
    kind: str  # name, pronoun, relative, description, owned, law, measure, generic
    features: list[str]
    resolved: bool = False  # the name comes from elsewhere in the article
    resolution: str = ""  # how: "latest", "salient", "same_noun", "main_law"


@dataclass
class Candidate:
    item: int  # index into Analysis.items
    trigger: int
    hints: tuple[Trigger, ...]
    frames: list[FrameMatch]
    features: list[str]
    arguments: list[Argument]


@dataclass
class Analysis:
    language: str
    published: date | None
    items: list[Item]
    candidates: list[Candidate]
    context: ArticleContext
    country: str | None
    main_law: str | None
    extra: dict = field(default_factory=dict)


class Reader:
    """Reads articles in one language; ``extract`` is safe to call many times."""

    def __init__(self, code: str, models=None) -> None:
        self.language: Language = get_language(code)
        self.lexicon: Lexicon = load_lexicon(code)
        self.matcher = FrameMatcher(load_frames(code), self.lexicon.words)
        self.places = gazetteer(code, self.language.place_key)
        self.vectors = vectors_for(code)  # None: the language has no sentence vectors
        self._models = models

    @cached_property
    def parser(self):
        return self.language.parser

    @property
    def models(self):
        if self._models is None:
            from civicwatch.extract.learn import load_models

            self._models = load_models(self.language.code)
        return self._models

    def extract(self, text: str, published: date | str | None = None, url: str | None = None) -> list[Event]:
        if not self.models.relevant(text.lower()):
            return []  # what ``decide`` would say, without parsing a page that is no civic-space news
        return self.decide(self.analyze(text, published))

    # -- analysis: everything that needs no model --------------------------------------------
    def analyze(self, text: str, published: date | str | None = None) -> Analysis:
        published_date = parse_published(published)
        code = self.language.code
        lines = mark_lines(text, code)
        sentences = [piece for s in split_sentences(lines) for piece in _pieces(s)]
        masked = [mask_labels(s.text, code) for s in sentences]
        screened = [i for i, m in enumerate(masked) if self.lexicon.screen.search(m)]
        context = ArticleContext(self.lexicon, lemmatize=self.language.lemmatize)
        context.scan_text(text)
        for short, full in list(context.aliases.items()):
            context.aliases[short] = self.language.cite(full)
        items: list[Item] = []
        wanted = reading_filter(self.lexicon, self.parser)  # the rest lend their names only
        deep = [wanted.deep(masked[i], bool(self.lexicon.civic.search(sentences[i].text))) for i in screened]
        parses = self.parser.parse([masked[i] for i in screened], deep)
        anchor = DateAnchor(code)  # "two days later", "that year": from the latest date stated before
        for i, parsed, whole in zip(screened, parses, deep, strict=True):
            parsed.offset = sentences[i].start
            dates = anchor.read(parsed, self.language.dates(parsed, published_date))
            if whole:
                items.append(Item(i, sentences[i], parsed, dates))
            if not sentences[i].headline:
                after = dateline_end(parsed.text)  # the wire's credit is no one the article talks about
                for entity in parsed.entities:
                    if entity.label in ("ORG", "PER") and parsed.tokens[entity.start].start >= after:
                        tokens = parsed.tokens[entity.start : entity.end]
                        context.observe(i, self.language.name(parsed, tokens), self._entity_kind(parsed, entity))
        analysis = Analysis(
            language=code,
            published=published_date,
            items=items,
            candidates=[],
            context=context,
            country=self._country(lines),
            main_law=self._main_law(items),
        )
        civic_sentences = {i for i, m in enumerate(masked) if self.lexicon.civic.search(m)}
        analysis.extra["civic_sentences"] = len(civic_sentences)
        analysis.extra["civic_items"] = civic_sentences  # by position among the article's sentences
        analysis.extra["text_lower"] = text.lower()
        analysis.extra["lead"] = _lead(sentences)
        for n, item in enumerate(items):
            lowers = {t.lower for t in item.parsed.tokens}
            for token in item.parsed.tokens:
                hints = tuple(
                    h
                    for h in self.lexicon.triggers_for_token(token.lemma, token.lower, token.upos)
                    if not h.requires_word or h.requires_word & lowers  # "open" is a trigger with "case" only
                )
                if hints:
                    analysis.candidates.append(self._candidate(analysis, n, item, token, hints))
        if self.vectors is not None:
            with_candidates = sorted({c.item for c in analysis.candidates})
            encoded = self.vectors.encode([items[n].sentence.text for n in with_candidates])
            for n, vector in zip(with_candidates, encoded, strict=True):
                items[n].vector = vector
        return analysis

    def _entity_kind(self, sentence: ParsedSentence, entity: Entity) -> str:
        """ORG or PERSON: the recognizer's label, unless the phrase says the name is an organization's ("the
        Golos association", "Golos, an election watchdog", "движение «Голос»"), which a small model often
        misses for a one-word name."""
        if entity.label != "PER":
            return "ORG"
        descriptions = self.lexicon.words["descriptions"]
        inside = range(entity.start, entity.end)
        last = sentence.tokens[entity.end - 1]
        head = sentence.head(last)
        if head is not None and head.i not in inside and head.lemma in descriptions and head.upos == "NOUN":
            if last.dep in ("compound", "flat", "flat:name", "appos", "nmod", "nmod:poss") or head.i < entity.start:
                return "ORG"
        for token in (sentence.tokens[i] for i in inside):
            for child in sentence.children(token):
                if child.i not in inside and child.dep == "appos" and child.lemma in descriptions:
                    return "ORG"
        return "PERSON"

    def _candidate(self, analysis: Analysis, n: int, item: Item, token: Token, hints: tuple[Trigger, ...]) -> Candidate:
        sentence = item.parsed
        frames = self.matcher.match(sentence, token)
        arguments = self._arguments(analysis, item, token, frames, hints)
        features = candidate_features(self.lexicon, analysis, item, token, hints) + argument_summary(arguments)
        return Candidate(n, token.i, hints, frames, features, arguments)

    def _arguments(
        self, analysis: Analysis, item: Item, trigger: Token, frames: list[FrameMatch], hints: tuple[Trigger, ...]
    ) -> list[Argument]:
        sentence = item.parsed
        after = dateline_end(sentence.text)  # "MOSCOW (AP) — ": where and who reports, never a role
        heads = [
            t
            for t in sentence.tokens
            if t.i != trigger.i
            and t.start >= after
            and t.upos in syntax.NOMINAL
            and (t.upos != "ADJ" or t.ent in ("ORG", "PER", "NORP") or t.dep in ("nsubj", "nsubj:pass", "obj"))
            and t.dep not in ("compound", "flat", "flat:name", "flat:foreign", "fixed", "det", "nummod", "amod", "case")
        ]
        heads.sort(key=lambda t: abs(t.i - trigger.i))
        by_token: dict[int, list[str]] = {}
        for match in frames:
            by_token.setdefault(match.token, []).append(f"{match.role}:{match.frame}")
        found = []
        for head in heads[:MAX_ARGUMENTS]:
            for argument in self._argument(analysis, item, head):
                argument.features = argument_features(
                    self.lexicon, analysis, item, trigger, head, argument, by_token.get(head.i, ()), self.places
                )
                found.append(argument)
        return found

    def _argument(self, analysis: Analysis, item: Item, head: Token) -> list[Argument]:
        """The phrase a head stands for and the name it reports. A pronoun or a bare description
        ("it", "the group", "организация") gives one argument per antecedent worth considering
        (the latest mention of its kind, the most mentioned one, one holding the same noun); the
        trained layer tells them apart by their ``resolution``."""
        words = self.lexicon.words
        sentence = item.parsed
        ctx = analysis.context
        lemma = head.lemma
        if head.ent in ("DATE", "MONEY") or head.upos == "NUM" and head.ent != "ORG":
            return []
        if head.upos in ("PRON", "DET") and (head.upos == "PRON" or lemma in words["relative_pronouns"]):
            return self._pronoun(analysis, item, head)
        law = lemma in words["law_nouns"]
        tokens = syntax.phrase(sentence, head, self.lexicon, law=law)
        name = self.language.name(sentence, tokens)
        if not name:
            return []
        named = any(t.upos == "PROPN" or t.ent in ("ORG", "PER") or t.text in '«"“' for t in tokens if t.i != head.i)
        start, end = tokens[0].i, tokens[-1].i + 1
        if law:
            if name.lower() in words["law_nouns"] and analysis.main_law:
                return [Argument(head.i, start, end, analysis.main_law, "law", [], True, "main_law")]
            if name.lower() in words["law_nouns"]:  # "a bill that would ban ...": a law named by what it does
                tokens = syntax.with_relative_clause(sentence, head, tokens)
                name = self.language.name(sentence, tokens) or name
                end = tokens[-1].i + 1
            return [Argument(head.i, start, end, name, "law", [])]
        body = self._body_of_members(sentence, head)
        if body is not None:  # "officers from the security service": the officers, and whom they act for
            return [Argument(head.i, start, end, name, "name", []), body]
        if lemma in words["owned"] and head.upos != "PROPN":
            return self._owned(analysis, item, head, start, end)
        described = None if named else self._described(analysis, item, head, start, end, name)
        if described is not None:
            return described
        if not named and (lemma in words["never_targets"] or self._names_a_measure(head)):
            return [Argument(head.i, start, end, name, "measure", [])]
        if lemma in words["generic_targets"] and not named:
            return [Argument(head.i, start, end, name, "generic", [])]
        if head.upos == "PROPN" or named or head.ent in ("ORG", "PER", "NORP", "MISC"):
            name = ctx.canonical(name)
        return [Argument(head.i, start, end, name, "name", [])]

    def _described(
        self, analysis: Analysis, item: Item, head: Token, start: int, end: int, name: str
    ) -> list[Argument] | None:
        """A description with no name of its own ("the group", "a journalist"): the names it may stand for, or
        None when it is no description."""
        words, sentence, ctx = self.lexicon.words, item.parsed, analysis.context
        if any(c.dep.startswith("nummod") for c in sentence.children(head)):
            return None  # "six more stations", "16 NGOs": a group counted anew, not one named before
        if head.lemma in words["descriptions"] and head.upos != "PROPN":
            options = _antecedents(ctx, "ORG", item.index, head.lemma)
            following = ctx.following("ORG", item.index) if not options and self._indefinite(sentence, head) else None
            if following:  # "A Russian media rights organization has been fined ... The Center for Media Rights said"
                options = [("next", following)]
            if not options:
                return [Argument(head.i, start, end, name, "generic", [])]
            return [Argument(head.i, start, end, n, "description", [], True, how) for how, n in options]
        if self._refers_back(sentence, head):
            # "the journalist", "журналистку": a person named earlier
            options = _antecedents(ctx, "PERSON", item.index)
            if options:
                return [Argument(head.i, start, end, n, "description", [], True, f"person_{how}") for how, n in options]
        if head.lemma in words["person_descriptions"] and self._indefinite(sentence, head):
            # "A journalist was detained ... Ivan Petrov, a reporter for ..., was taken": the person named next
            following = ctx.following("PERSON", item.index)
            if following:
                return [Argument(head.i, start, end, following, "description", [], True, "person_next")]
        return None

    def _indefinite(self, sentence: ParsedSentence, head: Token, deps: tuple[str, ...] = ("det",)) -> bool:
        """ "a rights group", "an activist" (``deps``: the relations that may carry the determiner; "one
        journalist" is a number): someone the article has not named yet."""
        words = self.lexicon.words
        return any(c.dep in deps and c.lemma in words["indefinite_determiners"] for c in sentence.children(head))

    def _body_of_members(self, sentence: ParsedSentence, head: Token) -> Argument | None:
        """ "officers of the FSB", "agents from the security service": the body they act for, if named."""
        words = self.lexicon.words
        if head.lemma not in words["member_nouns"] or head.lemma in words["owned"] or head.upos == "PROPN":
            return None
        body = _owner(sentence, head, tuple(words["member_preps"]))
        if body is None or not (body.upos == "PROPN" or body.ent == "ORG" or body.lemma in words["state_bodies"]):
            return None
        tokens = syntax.phrase(sentence, body, self.lexicon)
        name = self.language.name(sentence, tokens)
        return Argument(head.i, tokens[0].i, tokens[-1].i + 1, name, "member", []) if name else None

    def _owned(self, analysis: Analysis, item: Item, head: Token, start: int, end: int) -> list[Argument]:
        """ "the office of Memorial": its owner; "its office", "the network's bureaus", "her home": whose
        it is, from earlier in the article."""
        sentence = item.parsed
        ctx = analysis.context
        owner = _owner(sentence, head)
        bodies = self.lexicon.words["state_bodies"]
        if owner is not None and head.lemma in bodies and owner.lemma in bodies:
            # "the prosecutor's office", "the president's administration": one body, named whole
            first = min(start, syntax.phrase(sentence, owner, self.lexicon)[0].i)
            return [Argument(head.i, first, end, self.language.name(sentence, sentence.tokens[first:end]), "name", [])]
        if owner is not None and not self._refers_back(sentence, owner):
            owned = syntax.phrase(sentence, owner, self.lexicon)
            return [Argument(head.i, start, end, self.language.name(sentence, owned), "owned", [])]
        # "its office", "the network's bureaus", "her home": whose it is, from earlier in the article
        if owner is None:
            owner = next(
                (c for c in sentence.children(head) if c.dep in ("nmod:poss", "det") and c.upos in ("PRON", "DET")),
                None,
            )
        options = self._referents(ctx, item.index, owner)
        return [Argument(head.i, start, end, n, "owned", [], True, how) for how, n in options]

    def _refers_back(self, sentence: ParsedSentence, token: Token) -> bool:
        """A bare description that points back to a name: "the group", "the journalist", "журналистку"
        (not "a journalist", someone new, nor "journalists")."""
        words = self.lexicon.words
        if token.upos != "NOUN" or token.feats.get("Number") == "Plur":
            return False
        if token.lemma not in words["descriptions"] and token.lemma not in words["person_descriptions"]:
            return False
        named = any(c.upos == "PROPN" for c in sentence.children(token))
        return not named and not self._indefinite(sentence, token, ("det", "nummod"))

    def _referents(self, ctx: ArticleContext, before: int, owner: Token | None) -> list[tuple[str, str]]:
        """Whom "its office", "the network's bureaus", "her home" belong to: organizations named
        earlier, or persons for a person's pronoun or description."""
        words = self.lexicon.words
        if owner is not None and (
            owner.lemma in words["person_pronouns"] or owner.lemma in words["person_descriptions"]
        ):
            people = [(f"person_{how}", n) for how, n in _antecedents(ctx, "PERSON", before)]
            if owner.lemma not in words["org_pronouns"]:
                return people
            return _antecedents(ctx, "ORG", before) + people  # "their office": a group's or people's
        noun = owner.lemma if owner is not None and owner.lemma in words["descriptions"] else None
        return _antecedents(ctx, "ORG", before, noun)

    def _news_date(self, analysis: Analysis, item: Item, trigger: Token, kind: str) -> str | None:
        """An act the article reports as its news with no time given happened on the day of
        publication (SCHEMA: such acts accept the publication date): the acts of the lead, and
        reactions, which are news when they are reported."""
        lead = analysis.extra.get("lead")
        in_lead = item.index in lead if lead is not None else item.index <= 1
        if analysis.published is None or not (in_lead or kind == "reaction"):
            return None
        earlier = self.lexicon.words.get("earlier_marks", frozenset())
        if any(t.lemma in earlier or t.lower in earlier for t in item.parsed.tokens):
            return None  # "the bill was earlier passed": background, not the day's news
        return analysis.published.isoformat()

    def _names_a_measure(self, token: Token) -> bool:
        """ "the suspension", "the arrests", "ликвидацию": a noun naming an act, not who it hit."""
        return token.upos == "NOUN" and any(
            h.type != "reaction" for h in self.lexicon.triggers_for_token(token.lemma, token.lower, token.upos)
        )

    def _pronoun(self, analysis: Analysis, item: Item, head: Token) -> list[Argument]:
        """ "X, which was fined": the antecedent; "it", "he", "они": the names it may stand for."""
        words = self.lexicon.words
        if head.lemma in words["relative_pronouns"]:
            antecedent = _antecedent(item.parsed, head)
            if antecedent is None:
                return []
            tokens = syntax.phrase(item.parsed, antecedent, self.lexicon)
            name = self.language.name(item.parsed, tokens)
            return [Argument(head.i, tokens[0].i, tokens[-1].i + 1, name, "relative", [])]
        person, org = head.lemma in words["person_pronouns"], head.lemma in words["org_pronouns"]
        options = []
        if org:
            options += _antecedents(analysis.context, "ORG", item.index)
        if person:  # a pronoun of both lists ("она": she, or a feminine noun's "it") offers both kinds
            found = _antecedents(analysis.context, "PERSON", item.index)
            options += [(f"person_{how}", name) for how, name in found] if org else found
        return [Argument(head.i, head.i, head.i + 1, name, "pronoun", [], True, how) for how, name in options]

    def _country(self, lines) -> str | None:
        counts: dict[str, float] = {}
        body = " ".join(line.text for line in lines if not line.boilerplate)
        for place, _ in self.places.scan(body):
            counts[place.code] = counts.get(place.code, 0.0) + (
                0.5 if place.code in self.lexicon.foreign_voices else 1.0
            )
        return max(counts, key=counts.__getitem__) if counts else self.lexicon.default_country

    def _main_law(self, items: list[Item]) -> str | None:
        """The restrictive law the article is about: its first named mention in a civic-space sentence."""
        words = self.lexicon.words
        for item in items:
            if not self.lexicon.civic.search(item.sentence.text):
                continue
            for token in item.parsed.tokens:
                if token.lemma in words["law_nouns"] and token.upos == "NOUN":
                    tokens = syntax.phrase(item.parsed, token, self.lexicon, law=True)
                    name = self.language.name(item.parsed, tokens)
                    if len(name.split()) > 1 and not name.lower().startswith(("this ", "the ", "этот ")):
                        return name
        return None

    # -- decision: the trained layer --------------------------------------------------------
    def decide(self, analysis: Analysis, models=None) -> list[Event]:
        models = models or self.models
        events: list[Event] = []
        if not models.relevant(analysis.extra.get("text_lower", "")):
            return events  # sport, markets, a review: no civic-space event, whatever its verbs
        by_item: dict[int, list[Candidate]] = {}
        for candidate in analysis.candidates:
            by_item.setdefault(candidate.item, []).append(candidate)
        for n, item in enumerate(analysis.items):
            chosen: list[tuple[Candidate, str, float, list[Argument], list[tuple[float, Argument]]]] = []
            for candidate in by_item.get(n, []):
                trigger = item.parsed.tokens[candidate.trigger]
                if syntax.is_conditional(item.parsed, trigger, self.lexicon):
                    continue
                if syntax.has_negation(item.parsed, trigger, self.lexicon):
                    continue
                if syntax.is_consequence(item.parsed, trigger, self.lexicon):
                    continue
                judged = self._judge(candidate, models, item.vector)
                if judged is not None:
                    chosen.append((candidate, *judged))
            if not chosen:
                continue
            triggers = [item.parsed.tokens[c.trigger] for c, *_ in chosen]
            dates = syntax.attach_dates(item.parsed, item.dates, triggers, self.lexicon, main_clause=True)
            for candidate, kind, probability, targets, actor_scores in chosen:
                event = self._event(
                    analysis, item, candidate, kind, probability, targets, actor_scores, dates, events, models
                )
                if event is not None:
                    events.append(event)
        # "last week" kept as its days while mentions are merged
        merged = merge_events(events, analysis.context.kind_of)
        for event in merged:
            event.date = in_schema(event.date)  # then given as the month that holds it (SCHEMA.md's precisions)
            self._keeper_as_actor(event)
        _defended_by_reactions(merged)
        return merged

    def _keeper_as_actor(self, event: Event) -> None:
        """A listing or delisting whose mentions name no actor is the act of whoever keeps that list in the
        event's country (``list_keepers``): Russia's foreign-agent register is the Justice Ministry's, however
        the article puts it ("was added to the register", "признан иноагентом")."""
        if event.actor or event.type not in ("designation", "delisting") or event.country is None:
            return
        keeper = self.lexicon.list_keepers.get(event.subtype, {}).get(event.country)
        if keeper:
            event.actor = keeper
            event.extra["actor_source"] = "list_keeper"

    def _event(
        self,
        analysis: Analysis,
        item: Item,
        candidate: Candidate,
        kind: str,
        probability: float,
        chosen: list[Argument],
        actor_scores: list[tuple[float, Argument]],
        dates: dict[int, str],
        earlier: list[Event],
        models,
    ) -> Event | None:
        sentence = item.parsed
        trigger = sentence.tokens[candidate.trigger]
        actor_scores = [(p, a) for p, a in actor_scores if a not in chosen]
        least = models.threshold("reaction_actor", "actor") if kind == "reaction" else models.threshold("actor")
        actor_choice = max(
            ((p, a) for p, a in actor_scores if p >= least and a.kind != "generic"),
            key=lambda pair: pair[0],
            default=None,
        )
        targets = _unique(
            [self._target_name(a, earlier) for a in sorted(chosen, key=lambda a: a.start) if a.kind != "generic"]
        )
        if not targets:
            return None
        actor = actor_choice[1].name if actor_choice is not None else None
        if kind == "reaction" and (actor is None or self._first_person(sentence, trigger)):
            actor = self._speaker(analysis, item) or actor  # "We urge ...", the group said in the next sentence
        if kind == "reaction" and actor:
            # SCHEMA: a reaction's targets are those it defends; a group speaking for itself is no third party
            targets = [t for t in targets if not names_overlap([t], [actor])]
            if not targets:
                return None
        if kind == "attack" and actor and analysis.context.is_state(actor):
            return None  # SCHEMA: an attack is done by non-state, unidentified or irregular actors, not by police
        allowed = self._subtypes(item, trigger, candidate, kind)
        if kind == "closure" and actor and (allowed is None or "$closure" in {h.subtype for h in candidate.hints}):
            # who closed it says how: the group itself, or an authority (SCHEMA: a self-closure's actor is the target)
            if any(names_overlap([actor], [t]) for t in targets):
                allowed = {"self_liquidation", "suspension", "relocation"} & (allowed or set(EVENT_TYPES["closure"]))
            elif analysis.context.is_state(actor):
                allowed = {"forced_liquidation", "suspension"} & (allowed or set(EVENT_TYPES["closure"]))
        subtype = models.subtype(kind, candidate.features, allowed or None)
        if actor is None and kind == "closure" and subtype in _DECIDED_BY_TARGET:
            actor = targets[0]  # SCHEMA: a closure the target decided has the target for its actor
        location = None if kind == "reaction" else self._location(analysis, item, trigger, chosen)
        stated = dates.get(trigger.i) or (dates.get(syntax.MAIN_CLAUSE) if kind == "reaction" else None)
        assumed = None if stated else self._news_date(analysis, item, trigger, kind)
        return Event(
            type=kind,
            subtype=subtype,
            status=syntax.status(sentence, trigger, kind, self.lexicon),
            targets=targets,
            evidence=item.sentence.text,
            actor=actor,
            date=stated or assumed,
            location=location,
            country=self._country_of(location) or analysis.country,
            confidence=round(probability * (0.5 if item.sentence.boilerplate else 1.0), 3),
            evidence_start=item.sentence.start,
            evidence_end=item.sentence.end,
            boilerplate=item.sentence.boilerplate,
            extra={
                "trigger": trigger.text,
                "trigger_pos": trigger.upos,
                "headline": item.sentence.headline,
                "model_version": models.version,
                **({"date_source": "published"} if assumed else {}),
            },
        )

    def _first_person(self, sentence: ParsedSentence, trigger: Token) -> bool:
        """ "We call on ...", "Мы считаем ...": the speaker is who quotes it, not a word of the sentence."""
        first = self.lexicon.words["first_person"]
        return any(c.lower in first for c in sentence.children(trigger) if c.dep.startswith("nsubj"))

    def _speaker(self, analysis: Analysis, item: Item) -> str | None:
        """Who speaks in a sentence or next to it: the named subject of a verb of speech or of reaction in the
        sentence, else in the next one ("..., it said"), the one before, then the one after that."""
        by_index = {other.index: other for other in analysis.items}
        for n in (item.index, item.index + 1, item.index - 1, item.index + 2):
            near = by_index.get(n)
            if near is None:
                continue
            sentence = near.parsed
            for token in sentence.tokens:
                if not self._speaks(token):
                    continue
                for child in sentence.children(token):
                    if child.dep == "nsubj" and (child.ent in ("ORG", "PER") or child.upos == "PROPN"):
                        name = self.language.name(sentence, syntax.phrase(sentence, child, self.lexicon))
                        if name:
                            return name
        return None

    def _speaks(self, token: Token) -> bool:
        return token.lemma in self.lexicon.words["speech_verbs"] or self.lexicon.names_reaction(
            token.lemma, token.lower, token.upos
        )

    def _judge(
        self, candidate: Candidate, models, vector: tuple[float, ...] | None = None
    ) -> tuple[str, float, list[Argument], list[tuple[float, Argument]]] | None:
        """Whether a candidate is an event: its type, probability, target arguments and every argument's actor
        score, or None."""
        probabilities = models.event_probabilities(candidate.features, vector)
        kind = max(probabilities, key=probabilities.__getitem__)
        if kind == NONE:
            kinds = sorted((p, k) for k, p in probabilities.items() if k != NONE)
            kind = kinds[-1][1]
        scores = [(*models.argument_scores(kind, a.features), a) for a in candidate.arguments]
        targets = [a for pt, pa, a in scores if pt >= models.threshold("target") and pt >= pa]
        if not targets and kind == "closure":
            # "the newsroom now works from Riga": a group closing or moving itself is the act's actor and its
            # target at once (SCHEMA), so its likeliest target stands even where it looks more like an actor
            top = max(scores, key=lambda s: s[0], default=None)
            if top is not None and top[0] >= models.threshold("target"):
                targets = [top[2]]
        best = max((pt for pt, _, _ in scores), default=0.0)
        # an event needs both: a trigger read as that type, and someone it is done to
        weight = models.threshold("target_weight")
        probability = probabilities[kind] ** (1 - weight) * best**weight
        if probability < models.threshold(f"event:{models.language}:{kind}", "event") or not targets:
            return None
        return kind, probability, targets, [(pa, a) for _, pa, a in scores]

    def _subtypes(self, item: Item, trigger: Token, candidate: Candidate, kind: str) -> set[str] | None:
        """The subtypes the trigger's lexicon entries allow for this type: "warn" is a warning; a
        designation's list is the one named nearest ("the foreign agents register"); None: any."""
        hinted = {h.subtype for h in candidate.hints if h.type == kind}
        if "$list" in hinted and kind in ("designation", "delisting"):
            nearest = None
            for match in self.lexicon.list_pattern.finditer(item.parsed.text):
                subtype = self.lexicon.list_subtype(match.group())
                distance = abs(match.start() - trigger.start)
                if subtype and (nearest is None or distance < nearest[0]):
                    nearest = (distance, subtype)
            if nearest is not None:
                return {nearest[1]}
        concrete = {s for s in hinted if not s.startswith("$")}
        return concrete or None

    def _target_name(self, argument: Argument, earlier: list[Event]) -> str:
        if argument.kind == "measure":
            previous = [e for e in earlier if e.type != "reaction" and not e.boilerplate]
            return previous[-1].targets[0] if previous else ""
        return argument.name

    def _location(self, analysis: Analysis, item: Item, trigger: Token, targets: list[Argument]) -> str | None:
        sentence = item.parsed
        taken = {i for a in targets if not a.resolved for i in range(a.start, a.end)}
        clause = [t for t in syntax.clause(sentence, trigger) if t.i not in taken]
        for token in sorted(clause, key=lambda t: abs(t.i - trigger.i)):
            entity = sentence.entity_of(token)
            if entity is None or entity.label != "LOC":
                continue
            name = self.language.name(sentence, sentence.tokens[entity.start : entity.end])
            place = self.places.lookup(name)
            if place is not None and place.country:
                continue
            head = sentence.head(token)
            if (
                head is not None
                and head.lemma in self.lexicon.words["state_bodies"]
                and token.dep
                in (
                    "compound",
                    "nmod:poss",
                    "amod",
                )
            ):
                if head.lemma not in self.lexicon.words["courts"]:
                    continue  # "Moscow police" acts; "a Moscow court" sits in Moscow
            return name
        return None

    def _country_of(self, location: str | None) -> str | None:
        place = self.places.lookup(location) if location else None
        return place.code if place is not None else None


def _pieces(sentence: Sentence) -> list[Sentence]:
    """A sentence longer than MAX_SENTENCE_CHARS cut at punctuation (else at spaces) into pieces."""
    text = sentence.text
    if len(text) <= MAX_SENTENCE_CHARS:
        return [sentence]
    pieces = []
    start = 0
    while start < len(text):
        end = min(len(text), start + MAX_SENTENCE_CHARS)
        if end < len(text):
            window = text[start + MAX_SENTENCE_CHARS // 2 : end]
            cut = None
            for match in _PIECE_BREAK.finditer(window):
                cut = start + MAX_SENTENCE_CHARS // 2 + match.end()
            end = cut or end
        pieces.append(
            Sentence(sentence.start + start, sentence.start + end, text[start:end], sentence.boilerplate, False)
        )
        start = end
    return [p for p in pieces if p.text.strip()]


_LEAD_SENTENCES = 2  # an article's news is told in its first sentences
_PROSE_WORDS = 8  # fewer words: a caption, a byline, a date line


def _lead(sentences: list[Sentence]) -> set[int]:
    """The sentences that tell the article's news: its title lines and its first sentences of prose (captions,
    bylines and date lines before them do not count)."""
    lead: set[int] = set()
    prose = 0
    for i, sentence in enumerate(sentences):
        if prose >= _LEAD_SENTENCES:
            break
        if sentence.headline:
            lead.add(i)
        elif not sentence.boilerplate and len(sentence.text.split()) >= _PROSE_WORDS:
            lead.add(i)
            prose += 1
    return lead


def _antecedent(sentence: ParsedSentence, pronoun: Token) -> Token | None:
    """ "X, which was fined": the noun the relative clause hangs from."""
    for node in sentence.ancestors(pronoun, 4):
        if node.dep == "acl:relcl" or node.dep == "acl":
            return sentence.head(node)
    return None


def _antecedents(ctx: ArticleContext, kind: str, before: int, noun: str | None = None) -> list[tuple[str, str]]:
    """Names a pronoun or description may stand for: (how it was found, name), distinct names only."""
    options = []
    if noun is not None:
        options.append(("same_noun", ctx.with_noun(noun, before)))
    options += [("latest", ctx.latest(kind, before)), ("salient", ctx.salient(kind, before=before))]
    seen: set[str] = set()
    found = []
    for how, name in options:
        if name and name not in seen:
            seen.add(name)
            found.append((how, name))
    return found


def _owner(sentence: ParsedSentence, token: Token, preps: tuple[str, ...] = ()) -> Token | None:
    """ "the office of Memorial", "Memorial's office", "офис «Мемориала»": whose it is (``preps``: other
    prepositions that name it)."""
    for child in sentence.children(token):
        if child.dep == "nmod:poss" and child.upos != "PRON":
            return child
    for child in sentence.children(token, "nmod"):
        case = sentence.case_of(child)
        if child.upos in ("PROPN", "NOUN") and (
            case in ("of", "у", "с", *preps) or (not case and child.feats.get("Case") == "Gen")
        ):
            return child
    for child in sentence.children(token, "compound"):
        if child.upos == "PROPN":
            return child
    return None


def _unique(names: list[str]) -> list[str]:
    seen, result = set(), []
    for name in names:
        key = " ".join(re.sub(r"[^\w\s]", " ", name.lower()).split())
        if name and key not in seen:
            seen.add(key)
            result.append(name)
    return result


EVENT_KINDS = tuple(EVENT_TYPES)


def _defended_by_reactions(events: list[Event]) -> None:
    """A reaction defends those the article's act hit (SCHEMA: its targets are the measure or the people and
    groups it defends): "rights groups condemned the suspension" names none of them. Each reaction's targets
    gain those of the act the article reports first, but never its own speaker; ``extra["act_targets"]`` lists
    what was added."""
    acts = sorted((e for e in events if e.type != "reaction" and not e.boilerplate), key=lambda e: e.evidence_start)
    if not acts:
        return
    for event in events:
        if event.type != "reaction":
            continue
        added = [
            t
            for t in acts[0].targets
            if not names_overlap([t], event.targets) and not (event.actor and names_overlap([t], [event.actor]))
        ]
        if added:
            event.targets = [*event.targets, *added]
            event.extra["act_targets"] = added
