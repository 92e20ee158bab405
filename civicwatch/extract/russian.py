"""The Russian extractor: natasha's syntax and names, pymorphy lemmas for triggers.

Same stages as the English extractor (boilerplate, cheap sentence split and
screen, parse of candidate sentences only, article-wide names, trigger frames,
dates, merging); the frames read Universal Dependencies relations and Russian
case (an accusative object is acted on, an instrumental "Минюстом" acts).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from civicwatch.clean.boilerplate import mark_lines
from civicwatch.extract.dates import parse_published
from civicwatch.extract.dates_ru import find_dates
from civicwatch.extract.entities import ArticleContext
from civicwatch.extract.labels import mask_labels
from civicwatch.extract.lexicon import Lexicon, Trigger, load_lexicon
from civicwatch.extract.merge import merge_events, same_act
from civicwatch.extract.sentences import Sentence, split_sentences
from civicwatch.model import Event

_CASES = {"Nom": "nomn", "Gen": "gent", "Dat": "datv", "Acc": "accs", "Ins": "ablt", "Loc": "loct"}
_NAME_PREPS = {"по", "против", "при", "за", "для"}  # "Комитет по предотвращению пыток" keeps its complement
_OWNED = {
    "деятельность",
    "офис",
    "помещение",
    "здание",
    "автобус",
    "микроавтобус",
    "машина",
    "автомобиль",
    "квартира",
    "дом",
    "сайт",
    "редакция",
    "сотрудник",
    "представительство",
    "филиал",
    "отделение",
}
_SUBJECT_IS_TARGET = {"получить", "грозить"}


@dataclass
class RuToken:
    i: int
    text: str
    lemma: str
    pos: str
    rel: str
    head: int  # -1 for the root
    feats: dict[str, str]
    start: int
    end: int
    children: list[int] = field(default_factory=list)
    entity: str | None = None  # PER, ORG, LOC


@dataclass
class RuSentence:
    index: int
    sentence: Sentence
    text: str
    tokens: list[RuToken]
    spans: list[tuple[int, int, str]]  # token ranges of named entities

    def child(self, token: RuToken, *rels: str) -> list[RuToken]:
        return [self.tokens[c] for c in token.children if self.tokens[c].rel in rels]

    def head(self, token: RuToken) -> RuToken | None:
        return self.tokens[token.head] if token.head >= 0 else None

    def subtree(self, token: RuToken) -> list[RuToken]:
        result = [token]
        for c in token.children:
            result.extend(self.subtree(self.tokens[c]))
        return sorted(result, key=lambda t: t.i)

    def span_text(self, tokens: list[RuToken]) -> str:
        if not tokens:
            return ""
        return self.text[tokens[0].start : tokens[-1].end]


class _Natasha:
    """natasha's models, loaded once per process (they ship inside the wheels)."""

    def __init__(self) -> None:
        from natasha import MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, NewsSyntaxParser, Segmenter

        embedding = NewsEmbedding()
        self.segmenter = Segmenter()
        self.morph = NewsMorphTagger(embedding)
        self.syntax = NewsSyntaxParser(embedding)
        self.ner = NewsNERTagger(embedding)
        self.vocab = MorphVocab()

    def parse(self, text: str) -> tuple[list[RuToken], list[tuple[int, int, str]]]:
        from natasha import Doc

        doc = Doc(text)
        doc.segment(self.segmenter)
        doc.tag_morph(self.morph)
        doc.parse_syntax(self.syntax)
        doc.tag_ner(self.ner)
        ids = {t.id: n for n, t in enumerate(doc.tokens)}
        tokens = []
        for n, t in enumerate(doc.tokens):
            t.lemmatize(self.vocab)
            tokens.append(
                RuToken(
                    n,
                    t.text,
                    (t.lemma or t.text).lower(),
                    t.pos or "",
                    t.rel or "",
                    ids.get(t.head_id, -1),
                    dict(t.feats or {}),
                    t.start,
                    t.stop,
                )
            )
        for token in tokens:
            if token.head >= 0 and token.head != token.i:
                tokens[token.head].children.append(token.i)
            elif token.head == token.i:
                token.head = -1
        spans = []
        for span in doc.spans:
            first = next((t.i for t in tokens if t.start >= span.start), None)
            last = max((t.i for t in tokens if t.end <= span.stop), default=None)
            if first is not None and last is not None and last >= first:
                spans.append((first, last + 1, span.type))
                for k in range(first, last + 1):
                    tokens[k].entity = span.type
        return tokens, spans


@lru_cache(maxsize=1)
def _natasha() -> _Natasha:
    return _Natasha()


@lru_cache(maxsize=1)
def _analyzer():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=20000)
def lemma_of(word: str) -> str:
    return _analyzer().parse(word.lower())[0].normal_form


def to_nominative(word: str, case: str | None, number: str | None, gender: str | None = None) -> str:
    """ "Солдатских" -> "Солдатские": a word agreeing with a name's head, put in the nominative."""
    parses = _analyzer().parse(word)
    wanted_number = {"Plur": "plur", "Sing": "sing"}.get(number or "")
    if any(
        p.tag.case == "nomn"
        and wanted_number in (None, p.tag.number)
        and (gender is None or p.tag.gender in (None, gender))
        for p in parses
    ):
        return word  # the tagger's case is a guess; a form that can be nominative stays
    wanted = _CASES.get(case or "")
    in_case = [p for p in parses if wanted and p.tag.case == wanted]
    parse = next((p for p in in_case if p.tag.number == wanted_number), in_case[0] if in_case else parses[0])
    if parse.tag.case in (None, "nomn"):
        return word
    wanted_number = parse.tag.number or wanted_number  # the form decides: "матерей" is plural whatever the tagger says
    grammemes = {"nomn"} | ({wanted_number} if wanted_number else set())
    if gender and wanted_number != "plur" and ("ADJF" in parse.tag or "Surn" in parse.tag):
        grammemes.add(gender)  # "немецкого фонда" -> "немецкий фонд", agreeing with the head
    inflected = parse.inflect(grammemes) or parse.inflect({"nomn"})
    if inflected is None:
        return word
    form = inflected.word
    if "ё" not in word.lower():
        form = form.replace("ё", "е")  # keep the article's spelling: most Russian text writes е
    if word[:1].isupper():
        form = form[:1].upper() + form[1:]
    if word.isupper():
        form = form.upper()
    return form


def nominative_phrase(text: str) -> str:
    """ "Комитета по предотвращению пыток" -> "Комитет по предотвращению пыток", from morphology alone."""
    words = text.split()
    for n, word in enumerate(words):
        parse = _analyzer().parse(word)[0]
        if "NOUN" in parse.tag or "Name" in parse.tag or "Surn" in parse.tag:
            case = next((k for k, v in _CASES.items() if v == parse.tag.case), None)
            number = "Plur" if parse.tag.number == "plur" else "Sing"
            head = to_nominative(word, case, number)
            before = [to_nominative(w, case, number) for w in words[:n]]
            return " ".join(before + [head] + words[n + 1 :])
    return text


@dataclass
class _Facts:
    published: date | None
    country: str | None
    main_law: str | None
    list_subtype: str | None = None  # the restrictive list the article is mostly about


class RussianExtractor:
    def __init__(self) -> None:
        self.lexicon: Lexicon = load_lexicon("ru")
        self.nlp = _natasha()

    def extract(self, text: str, published: date | str | None = None, url: str | None = None) -> list[Event]:
        published_date = parse_published(published)
        lines = mark_lines(text, "ru")
        sentences = split_sentences(lines)
        context = ArticleContext(self.lexicon, lemmatize=lemma_of)
        context.scan_text(text)
        for short, full in list(context.aliases.items()):
            context.aliases[short] = nominative_phrase(full)
        parsed: list[RuSentence] = []
        for index, sentence in enumerate(sentences):
            # mandatory labels ("признан иноагентом") state a status, they do not report an act
            masked = mask_labels(sentence.text, "ru")
            if not self.lexicon.screen.search(masked.lower()):
                continue
            tokens, spans = self.nlp.parse(masked)
            item = RuSentence(index, sentence, sentence.text, tokens, spans)
            for start, end, kind in spans:
                if kind in ("ORG", "PER") and not sentence.headline:
                    name = _nominative_name(item, tokens[start:end])
                    context.observe(index, name, "PERSON" if kind == "PER" else "ORG")
            parsed.append(item)
        facts = _Facts(published_date, self._country(lines), self._main_law(parsed), self._list_subtype(text))
        events: list[Event] = []
        for item in parsed:
            events.extend(_RuReader(self.lexicon, context, facts, item, events).read())
        return merge_events(events)

    def _country(self, lines) -> str | None:
        counts: Counter[str] = Counter()
        body = " ".join(line.text for line in lines if not line.boilerplate)
        for word in body.replace(",", " ").replace(".", " ").split():
            code = self.lexicon.place_country.get(word)
            if code:
                counts[code] += 0.5 if code in self.lexicon.foreign_voices else 1.0
        return counts.most_common(1)[0][0] if counts else "RU"

    def _list_subtype(self, text: str) -> str | None:
        found = Counter(self.lexicon.list_subtype(m.group()) for m in self.lexicon.list_pattern.finditer(text))
        found.pop(None, None)
        return found.most_common(1)[0][0] if found else None

    def _main_law(self, parsed: list[RuSentence]) -> str | None:
        for item in parsed:
            for token in item.tokens:
                if token.lemma in ("закон", "законопроект") and token.pos == "NOUN":
                    name = _nominative_name(item, _noun_phrase(item, token))
                    if len(name.split()) > 1:
                        return name
        return None


class _RuReader:
    def __init__(
        self, lexicon: Lexicon, context: ArticleContext, facts: _Facts, item: RuSentence, earlier: list[Event]
    ) -> None:
        self.lex = lexicon
        self.words = lexicon.words
        self.ctx = context
        self.facts = facts
        self.item = item
        self.earlier = earlier
        self.lower_words = {t.text.lower() for t in item.tokens}

    def read(self) -> list[Event]:
        found: list[tuple[RuToken, Trigger]] = []
        for token in self.item.tokens:
            for trigger in self.lex.triggers_for_token(token.lemma, token.text.lower(), token.pos):
                if self._applies(token, trigger):
                    found.append((token, trigger))
                    break
        dates = self._dates([t for t, _ in found])
        events = []
        for token, trigger in found:
            event = self._event(token, trigger, dates.get(token.i))
            if event is not None:
                events.append(event)
        return events

    def _applies(self, token: RuToken, trigger: Trigger) -> bool:
        if trigger.requires_word and not (trigger.requires_word & self.lower_words):
            return False
        if trigger.hold_needs and token.lemma == "взять" and not (trigger.hold_needs & self.lower_words):
            return False
        if trigger.needs == "list" and not self.lex.list_pattern.search(self.item.text):
            # "вывело организацию из реестра": the register the article is about
            beside = any(t.lemma in self.words["list_nouns"] for t in self._obliques(token))
            if not (beside and self.facts.list_subtype):
                return False
        if trigger.needs == "law":
            if not any(t.lemma in self.words["law_nouns"] for t in self.item.tokens):
                return False
            if (
                trigger.type == "law"
                and self.lex.list_pattern.search(self.item.text)
                and any(t.lemma in self.words["list_nouns"] for t in self._obliques(token))
            ):
                return False  # "внести в реестр": a designation, not a bill
        return True

    def _obliques(self, token: RuToken) -> list[RuToken]:
        return self.item.child(token, "obl", "nmod")

    # -- one event -----------------------------------------------------------
    def _event(self, token: RuToken, trigger: Trigger, date_value: str | None) -> Event | None:
        kind, subtype = trigger.type, trigger.subtype
        if self._negated(token) or self._names_a_list(token) or (kind != "law" and self._in_law_name(token)):
            return None
        if (
            kind == "attack"
            and token.pos == "NOUN"
            and self._head_lemma(token) in ("расследование", "дело", "обстоятельство", "последствие", "жертва")
        ):
            return None  # "расследование атаки": the attack is told elsewhere
        targets, actor = self._roles(token, trigger)
        process = self._process(token) if kind in ("closure", "sanction") else None
        if process is not None:
            kind, subtype = "prosecution", "lawsuit"
            actor = process if process.i != token.i else actor
        if kind == "law":
            targets = self._law_targets(targets)
        elif kind == "reaction":
            if actor is not None and self.ctx.is_state(self._name(actor) or "") and self._demands_measure(token):
                return None  # "Минюст потребовал ликвидировать": a suit, not a reaction
            targets = self._reaction_targets(token, targets, actor)
        if kind in ("designation", "delisting"):
            targets = [t for t in targets if not self.lex.list_pattern.search(t)]
        targets = _unique(targets)
        if not targets:
            return None
        actor_name = self._name(actor) if actor is not None else None
        if kind == "reaction" and not actor_name:
            return None
        subtype = self._subtype(token, kind, subtype, actor_name)
        if subtype is None:
            return None
        sentence = self.item.sentence
        confidence = 0.6 + (0.1 if actor_name else 0) + (0.05 if date_value else 0) - (0.15 if sentence.headline else 0)
        return Event(
            type=kind,
            subtype=subtype,
            status=self._status(token, kind) if kind != "reaction" else "occurred",
            targets=targets,
            evidence=sentence.text,
            actor=actor_name,
            date=date_value,
            location=self._location(token) if kind != "reaction" else None,
            country=self.facts.country,
            confidence=round(max(0.05, min(confidence, 0.95)) * (0.5 if sentence.boilerplate else 1.0), 2),
            evidence_start=sentence.start,
            evidence_end=sentence.end,
            boilerplate=sentence.boilerplate,
            extra={"trigger": token.text, "headline": sentence.headline},
        )

    def _names_a_list(self, token: RuToken) -> bool:
        """ "перечень организаций, деятельность которых признана нежелательной" names the list, reports no act."""
        node = self.item.head(token)
        for _ in range(3):
            if node is None:
                return False
            if node.lemma in self.words["list_nouns"]:
                return token.rel in ("acl:relcl", "acl") or self.item.head(token) is not node
            node = self.item.head(node)
        return False

    def _in_law_name(self, token: RuToken) -> bool:
        """ "законопроект о запрете пропаганды": the ban is what the bill is about, not an act."""
        node = self.item.head(token)
        for _ in range(3):
            if node is None:
                return False
            if node.lemma in self.words["law_nouns"]:
                return True
            node = self.item.head(node)
        return False

    def _head_lemma(self, token: RuToken) -> str:
        head = self.item.head(token)
        return head.lemma if head is not None else ""

    def _negated(self, token: RuToken) -> bool:
        node: RuToken | None = token
        for depth in range(3):
            if node is None:
                return False
            if any(c.lemma == "не" for c in self.item.child(node, "advmod", "discourse", "aux")):
                return True
            if depth and node.lemma in self.words["negations"]:
                return True
            if node.rel in ("ccomp", "root", "parataxis"):
                return False
            node = self.item.head(node)
        return False

    def _roles(self, token: RuToken, trigger: Trigger) -> tuple[list[str], RuToken | None]:
        item = self.item
        heads: list[RuToken] = []
        actor: RuToken | None = None
        if trigger.frame in ("verb", "self"):
            passive = token.feats.get("Voice") == "Pass" or bool(item.child(token, "nsubj:pass", "aux:pass"))
            subjects = self._subjects(token)
            agent = self._agent(token)
            if token.feats.get("VerbForm") == "Part" and token.rel in ("acl", "amod") and token.head >= 0:
                heads, actor = [item.tokens[token.head]], agent
            elif passive:
                heads, actor = subjects, agent
            elif trigger.frame == "self":
                heads = subjects[:1]
                actor = subjects[0] if subjects else None
            else:
                objects = item.child(token, "obj", "iobj")
                if not objects and len(subjects) > 1:
                    # "эти организации признала ... прокуратура": OVS order parsed as two subjects
                    state = [s for s in subjects if self.ctx.is_state(self._name(s) or "")]
                    actor = state[0] if state else subjects[-1]
                    objects = [s for s in subjects if s is not actor]
                else:
                    actor = subjects[0] if subjects else None
                heads = objects
                if not heads and trigger.type == "closure":
                    heads, actor = subjects[:1], (subjects[0] if subjects else None)
                if trigger.type == "attack" and not heads:
                    heads = self._prep_objects(token, {"на"})
        elif trigger.frame in ("noun", "speech"):
            heads, actor = self._noun_roles(token, trigger)
        if not heads and trigger.frame == "verb" and trigger.type not in ("law", "reaction", "attack"):
            # the parse lost the object ("внес в реестр ... журналиста Илью Азара"): names after the verb
            heads = self._named_after(token, exclude=actor)
        names = []
        for head in heads:
            for conj in self._with_conjuncts(head):
                if trigger.type == "law" and conj.lemma in self.words["law_nouns"]:
                    names.append(_nominative_name(item, _noun_phrase(item, conj)))
                    continue
                name = self._target(conj)
                if name:
                    names.append(name)
        return names, actor

    def _named_after(self, token: RuToken, exclude: RuToken | None) -> list[RuToken]:
        skip = {t.i for t in self.item.subtree(exclude)} if exclude is not None else set()
        found = []
        passive = token.feats.get("Voice") == "Pass"
        for start, end, kind in self.item.spans:
            if kind not in ("ORG", "PER") or start in skip or (start < token.i and not passive):
                continue
            tokens = self.item.tokens[start:end]
            name = _nominative_name(self.item, tokens)
            head = next((t for t in tokens if not start <= t.head < end), tokens[0])
            if not self.ctx.is_state(name) and not self.lex.list_pattern.search(name):
                found.append(head)
        return found

    def _subjects(self, token: RuToken) -> list[RuToken]:
        node: RuToken | None = token
        for _ in range(3):
            if node is None:
                return []
            found = self.item.child(node, "nsubj", "nsubj:pass")
            if found:
                return found
            if node.rel not in ("conj", "xcomp", "advcl"):
                return []
            node = self.item.head(node)
        return []

    def _agent(self, token: RuToken) -> RuToken | None:
        for child in self.item.child(token, "obl:agent", "obl"):
            if child.rel == "obl:agent" or (child.feats.get("Case") == "Ins" and not self.item.child(child, "case")):
                if child.lemma not in (
                    "вечер",
                    "утро",
                    "день",
                    "ночь",
                    "образ",
                    "лето",
                    "зима",
                    "весна",
                    "осень",
                    "год",
                ):
                    return child
        return None

    def _prep_objects(self, token: RuToken, preps: set[str]) -> list[RuToken]:
        return [
            c
            for c in self.item.child(token, "obl", "nmod")
            if any(p.text.lower() in preps for p in self.item.child(c, "case"))
        ]

    def _noun_roles(self, token: RuToken, trigger: Trigger) -> tuple[list[RuToken], RuToken | None]:
        item = self.item
        heads: list[RuToken] = []
        for child in item.child(token, "nmod", "obl"):
            preps = {p.text.lower() for p in item.child(child, "case")}
            owned_place = preps & {"в", "у"} and child.lemma in _OWNED
            if (
                (not preps and child.feats.get("Case") == "Gen")
                or preps & {"на", "против", "в отношении"}
                or owned_place
            ):
                if child.lemma not in self.words["list_nouns"]:
                    heads.append(child)
        actor: RuToken | None = None
        head = item.head(token)
        if trigger.frame == "speech":
            subjects = self._subjects(token if token.pos == "VERB" else head or token)
            return heads, subjects[0] if subjects else None
        if head is not None and token.rel in ("obj", "nsubj", "nsubj:pass") and head.pos == "VERB":
            subjects = [s for s in self._subjects(head) if s.i != token.i]
            reacting = any(
                t.type == "reaction" for t in self.lex.triggers_for_token(head.lemma, head.text.lower(), "VERB")
            )
            if head.lemma in _SUBJECT_IS_TARGET:
                heads = subjects[:1] + heads
            elif subjects and not reacting:  # "Amnesty осудила ликвидацию": Amnesty did not liquidate
                actor = subjects[0]
            # "вынесла предупреждение центру", "провели обыски в офисе фонда"
            for child in item.child(head, "obl", "iobj"):
                preps = {p.text.lower() for p in item.child(child, "case")}
                if (not preps and child.feats.get("Case") == "Dat") or (preps & {"в", "у"} and child.lemma in _OWNED):
                    heads.append(child)
            heads += [
                c
                for c in item.child(head, "obl", "iobj")
                if any(p.text.lower() in ("на", "против") for p in item.child(c, "case"))
            ]
            if not heads:
                heads = [o for o in item.child(head, "obj") if o.i != token.i]
        return heads, actor

    def _process(self, token: RuToken) -> RuToken | None:
        """ "иск о ликвидации", "потребовал ликвидировать": a closure asked of a court is a lawsuit."""
        node = token
        for _ in range(2):
            head = self.item.head(node)
            if head is None:
                return None
            if head.lemma in self.words["process_nouns"] and head.pos == "NOUN":
                owner = [o for o in self.item.child(head, "nmod") if o.feats.get("Case") == "Gen"]
                if owner:
                    return owner[0]
                verb = self.item.head(head)  # "Минюст подал иск о ликвидации": who filed it
                subjects = self._subjects(verb) if verb is not None and verb.pos == "VERB" else []
                return subjects[0] if subjects else token
            if head.lemma in ("потребовать", "требовать", "попросить", "просить", "добиваться") and head.pos == "VERB":
                subjects = self._subjects(head)
                return subjects[0] if subjects else token
            node = head
        return None

    def _demands_measure(self, token: RuToken) -> bool:
        return any(t.lemma in ("ликвидировать", "ликвидация", "запретить", "закрыть") for t in self.item.subtree(token))

    def _with_conjuncts(self, token: RuToken) -> list[RuToken]:
        result = [token]
        for child in self.item.child(token, "conj"):
            if child.pos in ("NOUN", "PROPN"):
                result.extend(self._with_conjuncts(child))
        return result

    # -- names ---------------------------------------------------------------
    def _target(self, token: RuToken) -> str | None:
        item = self.item
        if token.lemma in _OWNED:
            owners = [
                c for c in item.child(token, "nmod") if c.feats.get("Case") == "Gen" and not item.child(c, "case")
            ]
            owners = owners or [
                c for c in item.child(token, "nmod") if any(p.text.lower() == "с" for p in item.child(c, "case"))
            ]
            if owners:
                token = owners[0]
            else:
                return self.ctx.latest("ORG", item.index)
        if token.pos == "PRON" or token.lemma in ("который",):
            return self.ctx.latest("ORG", item.index) if token.lemma in ("она", "оно", "они") else None
        for _ in range(2):
            appositions = sorted(
                (c for c in item.child(token, "appos") if c.pos in ("PROPN", "NOUN") and c.i > token.i),
                key=lambda c: c.i,
            )
            if token.pos != "PROPN" and appositions:
                token = appositions[0]  # "организацию «Солдатские матери»": the name, not the description
        if token.entity == "LOC" or token.text in self.lex.place_country:
            return None
        if token.lemma in self.words["never_targets"] or token.lemma in ("вечер", "среда", "год"):
            return None
        phrase = self._with_trailing_name(_noun_phrase(item, token))
        name = _nominative_name(item, phrase)
        if not name or self.ctx.is_state(name):
            return None
        direct = token.rel in ("nsubj", "nsubj:pass", "obj")
        if (
            direct
            and len(phrase) == 1
            and token.lemma in self.words["descriptions"]
            and token.feats.get("Number") != "Plur"
        ):
            return self.ctx.latest("ORG", item.index)  # "организация будет оштрафована": the one just named
        if token.lemma in self.words["generic_targets"] and not any(
            t.pos == "PROPN" or t.rel == "nummod" or t.lemma in ("этот", "три", "два", "пять") for t in phrase
        ):
            return None
        if token.lemma in self.words["descriptions"]:
            last = max(t.i for t in phrase) + 4
            inner = [s for s in item.spans if s[2] == "ORG" and token.i <= s[0] and s[1] <= last]
            if inner:  # "фонд ... «Либеральная миссия»": the quoted name the description introduces
                return self.ctx.canonical(_nominative_name(item, item.tokens[inner[0][0] : inner[0][1]]))
            if len(phrase) == 1:
                return self.ctx.latest("ORG", item.index)
        if any(t.rel in ("nummod", "nummod:gov") and t.text.isdigit() for t in phrase) and not any(
            t.pos == "PROPN" for t in phrase
        ):
            return None  # "100 организаций": a count, not a target
        return self.ctx.canonical(name)

    def _with_trailing_name(self, phrase: list[RuToken]) -> list[RuToken]:
        """ "Фонд некоммерческих программ Дмитрия Зимина «Династия»": the quoted name that ends a legal name."""
        if not phrase:
            return phrase
        end = phrase[-1].i + 1
        while end < len(self.item.tokens) and self.item.tokens[end].entity == "PER":
            end += 1
        quoted = next((s for s in self.item.spans if s[2] == "ORG" and s[0] in (end, end + 1)), None)
        if quoted and (quoted[0] == end or self.item.tokens[end].text in '«"„“'):
            closing = quoted[1]
            if closing < len(self.item.tokens) and self.item.tokens[closing].text in '»"”':
                closing += 1
            return phrase + self.item.tokens[phrase[-1].i + 1 : closing]
        return phrase

    def _name(self, token: RuToken) -> str | None:
        if token.pos == "PRON":  # "Они избили...": whoever acted in the sentence before
            previous = [e.actor for e in self.earlier if e.actor and not e.boilerplate]
            return previous[-1] if previous else None
        return self.ctx.canonical(_nominative_name(self.item, _noun_phrase(self.item, token)))

    def _law_targets(self, targets: list[str]) -> list[str]:
        result = []
        for name in targets:
            first = name.split()[0].lower() if name else ""
            if lemma_of(first) in self.words["law_nouns"]:
                if len(name.split()) == 1 or lemma_of(first) == "документ":
                    name = self.facts.main_law or name
                result.append(name)
        return result

    def _reaction_targets(self, token: RuToken, targets: list[str], actor: RuToken | None) -> list[str]:
        actor_ids = {t.i for t in self.item.subtree(actor)} if actor is not None else set()
        found = list(targets)
        for t in self.item.subtree(token):
            if t.i in actor_ids or t.i == token.i:
                continue
            if t.lemma in self.words["people_groups"] or t.entity == "ORG":
                name = self._target(t)
                if name and not self.ctx.is_state(name):
                    found.append(name)
        if not found:
            previous = [e for e in self.earlier if e.type != "reaction" and not e.boilerplate]
            if previous:  # the act reacted to, with every mention of it so far
                last = previous[-1]
                for event in previous:
                    if event is last or same_act(event, last):
                        found.extend(event.targets)
        return found

    # -- attributes ----------------------------------------------------------
    def _subtype(self, token: RuToken, kind: str, subtype: str, actor: str | None) -> str | None:
        if subtype == "$list":
            match = self.lex.list_pattern.search(self.item.text)
            return self.lex.list_subtype(match.group()) if match else self.facts.list_subtype
        if subtype == "$closure":
            if actor and self.ctx.is_state(actor) or self._head_lemma(token) in ("решение", "постановление"):
                return "forced_liquidation"
            if not actor and (self.words["courts"] & {lemma_of(w) for w in self.lower_words}):
                return "forced_liquidation"
            return "self_liquidation"
        if subtype == "$attack":
            objects = {t.lemma for t in self.item.subtree(token)}
            return "vandalism" if objects & {"офис", "помещение", "здание", "квартира"} else "assault"
        return subtype

    def _status(self, token: RuToken, kind: str) -> str:
        aux = {c.text.lower() for c in self.item.child(token, "aux", "aux:pass")}
        head = self.item.head(token)
        governing = head.lemma if head is not None and token.rel in ("xcomp", "obj") else ""
        if governing in ("грозить", "мочь") or (head is not None and head.lemma == "грозить"):
            return "threatened"
        warned = head is not None and head.lemma in ("предупредить", "пригрозить", "угрожать", "предостеречь")
        if warned and aux & {"будет", "будут", "может", "могут"}:
            return "threatened"  # "предупредил, что организация будет оштрафована"
        if aux & {"будет", "будут", "будем"} or governing in ("планировать", "намереваться", "собираться", "решить"):
            return "planned"
        return "occurred"

    def _dates(self, triggers: list[RuToken]) -> dict[int, str]:
        attached: dict[int, str] = {}
        if not triggers:
            return attached
        for mention in find_dates(self.item.text, self.facts.published):
            if getattr(mention, "preposition", None) in ("до", "после", "к"):
                continue
            token = next((t for t in self.item.tokens if t.start >= mention.start), None)
            if token is None:
                continue
            owner = self._date_owner(token, {t.i for t in triggers}, mention)
            if owner is not None:
                attached.setdefault(owner, mention.value)
        return attached

    def _date_owner(self, token: RuToken, trigger_ids: set[int], mention) -> int | None:
        node: RuToken | None = token
        for _ in range(6):
            if node is None:
                break
            if node.i in trigger_ids:
                return node.i
            if (
                node.pos == "VERB"
                and node.lemma not in self.words["speech_verbs"]
                and not (mention.start <= node.start < mention.end)
            ):
                governed = [t for t in trigger_ids if self._governs(node, self.item.tokens[t])]
                return min(governed, key=lambda t: abs(t - token.i)) if governed else None
            node = self.item.head(node)
        candidates = sorted(trigger_ids, key=lambda t: abs(t - token.i))
        return candidates[0] if candidates else None

    def _governs(self, verb: RuToken, trigger: RuToken) -> bool:
        node: RuToken | None = trigger
        for _ in range(4):
            if node is None:
                return False
            if node.i == verb.i:
                return True
            node = self.item.head(node)
        return False

    def _location(self, token: RuToken) -> str | None:
        countries = _country_lemmas(self.lex.language)
        for start, end, kind in self.item.spans:
            tokens = self.item.tokens[start:end]
            if kind != "LOC" or not any(t.i in {s.i for s in self.item.subtree(token)} for t in tokens):
                continue
            if any(t.lemma in countries for t in tokens):
                continue  # a country is not "the most specific place named"
            return _nominative_name(self.item, tokens)
        return None


@lru_cache(maxsize=4)
def _country_lemmas(language: str) -> frozenset[str]:
    names = load_lexicon(language).country_names
    return frozenset(lemma_of(w) for name in names for w in name.split()) | {"федерация", "рф"}


def _noun_phrase(item: RuSentence, token: RuToken) -> list[RuToken]:
    """The name headed by ``token``: agreeing words, genitive complements, quotes, "по ..." parts."""
    keep = _phrase_ids(item, token, law=token.lemma in ("закон", "законопроект", "поправка", "указ"))
    tokens = [item.tokens[i] for i in range(min(keep), max(keep) + 1)]
    while tokens and tokens[0].pos == "PUNCT" and tokens[0].text not in '«"„“':
        tokens = tokens[1:]
    while tokens and tokens[-1].pos == "PUNCT" and tokens[-1].text not in '»"”':
        tokens = tokens[:-1]
    return tokens


def _phrase_ids(item: RuSentence, token: RuToken, law: bool = False, depth: int = 0) -> set[int]:
    keep = {token.i}
    if depth > 6:
        return keep
    preps_allowed = _NAME_PREPS | ({"о", "об", "в", "над", "на", "от", "с", "из"} if law else set())
    for child_i in token.children:
        child = item.tokens[child_i]
        preps = {p.text.lower() for p in item.child(child, "case")}
        if child.rel in (
            "amod",
            "flat:name",
            "flat",
            "nummod",
            "nummod:gov",
            "det",
            "compound",
            "flat:foreign",
            "conj",
            "cc",
        ) and (child.rel not in ("conj", "cc") or token.pos == "ADJ"):
            keep |= _phrase_ids(item, child, law, depth + 1)
        elif child.rel == "nmod" and (
            (not preps and child.feats.get("Case") == "Gen" and child.pos != "PRON") or preps & preps_allowed
        ):
            keep |= _phrase_ids(item, child, law, depth + 1) | {c.i for c in item.child(child, "case")}
        elif child.rel == "appos" and child.pos in ("PROPN", "NOUN") and child.i == token.i + 1:
            keep |= _phrase_ids(item, child, law, depth + 1)
        elif child.rel == "punct" and child.text in '«»"„“”':
            keep.add(child.i)
    return keep


def _nominative_name(item: RuSentence, tokens: list[RuToken]) -> str:
    """The phrase in the nominative: its head and the words agreeing with it change, complements stay."""
    if not tokens:
        return ""
    ids = {t.i for t in tokens}
    head = next((t for t in tokens if t.head not in ids), tokens[0])
    agreeing = {head.i} | {
        c for c in head.children if item.tokens[c].rel in ("amod", "det", "flat:name", "flat") and c in ids
    }
    head_parse = _analyzer().parse(item.text[head.start : head.end])[0]
    gender = head_parse.tag.gender if head.pos in ("NOUN", "PROPN") else None
    # a quoted name inside: «Солдатских матерей» agrees with its own head
    parts = []
    for token in tokens:
        text = item.text[token.start : token.end]
        if token.i in agreeing and token.pos in ("NOUN", "PROPN", "ADJ", "DET") and token.feats.get("Case") != "Nom":
            agrees_in_gender = token.i != head.i and (token.pos in ("ADJ", "DET") or token.rel.startswith("flat"))
            text = to_nominative(
                text, token.feats.get("Case"), token.feats.get("Number"), gender if agrees_in_gender else None
            )
        parts.append((token, text))
    out = ""
    for n, (token, text) in enumerate(parts):
        if n:
            gap = item.text[parts[n - 1][0].end : token.start]
            out += " " if gap else ""
        out += text
    out = out.strip().strip(",.;:")
    if out.count("«") != out.count("»"):
        out = out.replace("«", "").replace("»", "")
    if out.count('"') % 2:
        out = out.replace('"', "")
    return out


def _unique(names: list[str]) -> list[str]:
    seen, result = set(), []
    for name in names:
        if name and name.lower() not in seen:
            seen.add(name.lower())
            result.append(name)
    return result
