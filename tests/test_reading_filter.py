"""Which sentences the reader reads in full (``sentences.ReadingFilter``) and what the backends give the rest.

A screened sentence with no word that may be a trigger (and, in a civic-space sentence, no law noun) is read
for its names only: spaCy's entity recognizer alone, or natasha's names tagger, with its morphology and syntax
only where it names a person or an organisation. The reader must find the same candidates, main law and
names as when it reads every screened sentence in full; the eval sets' articles are the check.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from extract_checks import SHARED, shared_or_skip
from hypothesis import given, settings
from hypothesis import strategies as st

from civicwatch.clean.boilerplate import mark_lines
from civicwatch.extract.extractor import get_extractor
from civicwatch.extract.labels import mask_labels
from civicwatch.extract.reader import Reader, _pieces
from civicwatch.extract.sentences import ReadingFilter, reading_filter, split_sentences
from civicwatch.lexicons import _data, _shared_prefixes, _stems, load_lexicon

LANGUAGES = ("en", "ru")


def articles(language: str, splits: tuple[str, ...]) -> list[tuple[Path, dict]]:
    found = []
    for split in splits:
        root = shared_or_skip(SHARED / "eval" / split)
        for gold in sorted(root.glob("*.gold.json")):
            data = json.loads(gold.read_text(encoding="utf-8"))
            if data.get("language") == language:
                found.append((gold.with_name(gold.name[: -len(".gold.json")] + ".txt"), data))
    assert found
    return found


@cache
def reader(language: str) -> Reader:
    return get_extractor(language)


def summary(analysis) -> tuple:
    """What the decisions read from an analysis: every candidate with its features and arguments, the main law,
    the article's names in order."""
    candidates = [
        (
            analysis.items[c.item].index,
            c.trigger,
            sorted((h.type, h.subtype) for h in c.hints),
            c.features,
            [(a.name, a.kind, a.start, a.end, a.resolution, a.features) for a in c.arguments],
        )
        for c in analysis.candidates
    ]
    names = [(m.name, m.kind, m.order) for m in analysis.context.mentions]
    return candidates, analysis.main_law, names, dict(analysis.context.aliases)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_filter_leaves_the_reader_the_same_candidates_law_and_names(language, monkeypatch):
    """dev and merge-dev, each article read twice: with the filter, and with every screened sentence in full."""
    current = reader(language)
    shallow = 0
    for path, data in articles(language, ("dev", "merge-dev")):
        text = path.read_text(encoding="utf-8")
        filtered = current.analyze(text, data.get("published"))
        with monkeypatch.context() as patch:
            patch.setattr(ReadingFilter, "deep", lambda self, text, civic: True)
            whole = current.analyze(text, data.get("published"))
        assert summary(filtered) == summary(whole), path.name
        assert {i.index for i in filtered.items} <= {i.index for i in whole.items}
        shallow += len(whole.items) - len(filtered.items)
    assert shallow > 20  # the filter does leave sentences out


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_gold_event_sentence_with_a_trigger_is_read_in_full(language):
    """Over train, dev and merge-dev: a screened sentence holding a gold event's evidence that the filter reads
    for names only has, parsed in full, no token the lexicon takes for a trigger."""
    current = reader(language)
    lexicon = current.lexicon
    wanted = reading_filter(lexicon, current.parser)
    left_out = []
    events = 0
    for path, data in articles(language, ("dev", "merge-dev", "train")):
        text = path.read_text(encoding="utf-8")
        sentences = [p for s in split_sentences(mark_lines(text, language)) for p in _pieces(s)]
        for event in data["events"]:
            at = text.find(event["evidence"][:80])
            if at < 0:
                continue
            events += 1
            for sentence in sentences:
                if sentence.start < at + len(event["evidence"]) and sentence.end > at:
                    masked = mask_labels(sentence.text, language)
                    civic = bool(lexicon.civic.search(sentence.text))
                    if lexicon.screen.search(masked) and not wanted.deep(masked, civic):
                        left_out.append(masked)
    assert events > 50
    for parsed in current.parser.parse(left_out):
        lowers = {t.lower for t in parsed.tokens}
        for token in parsed.tokens:
            hints = [
                h
                for h in lexicon.triggers_for_token(token.lemma, token.lower, token.upos)
                if not h.requires_word or h.requires_word & lowers
            ]
            assert not hints, (parsed.text, token.text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_lemma_the_backend_gives_is_among_the_filters_keys(language):
    """The filter's premise, on the dev articles' sentences: each token's lemma is one of ``lemmas_of`` its word."""
    current = reader(language)
    wanted = reading_filter(current.lexicon, current.parser)
    texts = []
    for path, _ in articles(language, ("dev",)):
        lines = mark_lines(path.read_text(encoding="utf-8"), language)
        texts += [mask_labels(p.text, language) for s in split_sentences(lines) for p in _pieces(s)]
    tokens = 0
    for parsed in current.parser.parse(texts):
        for token in parsed.tokens:
            if token.lower.isalpha():
                tokens += 1
                assert token.lemma in wanted.keys(token.lower), (token.text, token.lemma, token.upos)
    assert tokens > 500


def test_an_english_sentence_without_a_trigger_gets_names_only(monkeypatch):
    current = reader("en")
    text = (
        "Police detained the editor of the Daily Herald in Springfield on Monday.\n"
        "John Smith, a writer of the Daily Herald, visited the capital with Mary Jones."
    )
    asked: list[list[bool]] = []
    parse = current.parser.parse

    def spy(texts, deep=None):
        asked.append(list(deep))
        return parse(texts, deep)

    monkeypatch.setattr(current.parser, "parse", spy)
    analysis = current.analyze(text, "2024-03-04")
    assert asked == [[True, False]]  # "visited" passes the screen ("visi", from "visit"), but no trigger is there
    assert [item.index for item in analysis.items] == [0]
    assert any(c.hints for c in analysis.candidates)
    assert any(m.name == "John Smith" and m.order == 1 for m in analysis.context.mentions)  # its names still count
    shallow, whole = list(parse([text.split("\n")[1]] * 2, [False, True]))
    assert {t.upos for t in shallow.tokens} == {""} and {t.dep for t in shallow.tokens} <= {"", "root"}
    assert [(e.start, e.end, e.label) for e in shallow.entities] == [(e.start, e.end, e.label) for e in whole.entities]
    assert [t.text for t in shallow.tokens] == [t.text for t in whole.tokens]


def test_a_russian_sentence_without_a_trigger_is_tagged_only_when_it_names_someone():
    backend = reader("ru").parser
    texts = [
        "Суд оштрафовал редакцию газеты.",
        "Погода в городе была тёплой.",
        "Об этом рассказал Иван Петров, сотрудник фонда «Общественный вердикт».",
    ]
    shallow = list(backend.parse(texts, [True, False, False]))
    whole = list(backend.parse(texts))
    assert {t.upos for t in shallow[1].tokens} == {"X"}  # no name: neither morphology nor syntax ran
    assert all(t.head == -1 for t in shallow[1].tokens)
    for n in (0, 2):  # read in full, or for the names it holds: the same as a full read
        assert [(t.lemma, t.upos, t.dep, t.head, t.feats, t.ent) for t in shallow[n].tokens] == [
            (t.lemma, t.upos, t.dep, t.head, t.feats, t.ent) for t in whole[n].tokens
        ]
    assert [(e.start, e.end, e.label) for e in shallow[1].entities] == [
        (e.start, e.end, e.label) for e in whole[1].entities
    ]


def test_slovnets_encoders_without_the_copy_tag_as_slovnet_does():
    """natasha's morphology, syntax and names on the Russian dev articles, with slovnet's own CNN encoder and
    with ``fast_encode``: every token the same."""
    from slovnet.exec.model import CNNEncoder

    from civicwatch.extract.backends.natasha_backend import SLOVNET, fast_encode

    backend = reader("ru").parser
    assert CNNEncoder.__call__ is fast_encode
    texts = []
    for path, _ in articles("ru", ("dev",)):
        texts += [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    assert len(texts) > 30

    def view() -> list:
        return [
            [(t.text, t.lemma, t.upos, t.dep, t.head, t.feats, t.ent) for t in p.tokens] for p in backend.parse(texts)
        ]

    fast = view()
    try:
        CNNEncoder.__call__ = SLOVNET["CNNEncoder.__call__"]
        plain = view()
    finally:
        CNNEncoder.__call__ = fast_encode
    assert fast == plain


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ru", "В феврале журналист уехал с семьей в Вильнюс."),  # уехать: past forms drop the infinitive's -ть
        ("ru", "Неизвестные избили корреспондента у подъезда."),
        ("ru", "Редакцию лишили лицензии."),
        ("en", "A reporter was slain on 5 October."),  # an irregular form the lexicon lists
    ],
)
def test_the_screen_passes_the_inflected_forms_of_trigger_verbs(language: str, text: str) -> None:
    from civicwatch.lexicons import load_lexicon

    assert load_lexicon(language).screen.search(text)


def _flat(words: list[tuple[str, str]]) -> re.Pattern[str]:
    """The same words as a flat alternation, longest first: what ``_shared_prefixes`` stands for."""
    ordered = sorted(words, key=lambda w: (-len(w[0]), w))
    return re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(w) + end for w, end in ordered)})", re.I)


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(
        st.tuples(st.text(alphabet="abcдеё'-", min_size=1, max_size=5), st.sampled_from(["", r"(?!\w)"])),
        min_size=1,
        max_size=12,
    ),
    text=st.text(alphabet="abcдеёABCДЕЁ '-.x", max_size=40),
)
def test_a_tree_of_shared_beginnings_finds_the_words_where_a_flat_list_does(words, text) -> None:
    tree = re.compile(rf"(?<!\w){_shared_prefixes(words)}", re.I)
    flat = _flat(words).search(text)
    found = tree.search(text)
    assert (found is None) == (flat is None)
    assert found is None or flat is None or found.start() == flat.start()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_screen_and_the_cues_pass_the_eval_sentences_a_flat_list_passes(language: str) -> None:
    lexicon = load_lexicon(language)
    stems = [(s, "") for s in _stems(_data(language, "lexicon.json"), lexicon.triggers, core=False)]
    cues = [(c[:-1], "") if c.endswith("*") else (c, r"(?!\w)") for c in lexicon.civic_cues]
    checks = [(lexicon.screen, _flat(stems)), (lexicon.civic, _flat(cues))]
    for path, _ in articles(language, ("train",)):
        for sentence in split_sentences(mark_lines(path.read_text(encoding="utf-8"), language)):
            for fast, flat in checks:
                found, expected = fast.search(sentence.text), flat.search(sentence.text)
                assert (found is None) == (expected is None), sentence.text
                assert found is None or expected is None or found.start() == expected.start()
