"""The parts of the one reader: the common parsed view, both backends, frames, the language registry,
the gazetteer and the syntax helpers. Real parsers, hand-written sentences."""

from __future__ import annotations

import datetime as dt
import json
import sys

import pytest

from civicwatch.extract import syntax
from civicwatch.extract.frames import Frame, FrameMatcher, load_frames
from civicwatch.extract.languages import Language, get_language, register, supported
from civicwatch.extract.parse import Entity, ParsedSentence, Token
from civicwatch.extract.places import gazetteer
from civicwatch.lexicons import load_lexicon


def parse(language: str, text: str) -> ParsedSentence:
    return next(iter(get_language(language).parser.parse([text])))


def token(sentence: ParsedSentence, text: str) -> Token:
    return next(t for t in sentence.tokens if t.text == text)


# -- the common view -------------------------------------------------------------------------------
def test_english_prepositions_hang_from_their_noun_as_case() -> None:
    sentence = parse("en", "The office was raided by police in Grozny.")
    police = token(sentence, "police")
    assert police.dep == "obl:agent"
    assert sentence.head(police).text == "raided"
    assert [c.text for c in sentence.children(police, "case")] == ["by"]
    assert sentence.path(token(sentence, "raided"), police) == ">obl:agent"
    assert sentence.path(token(sentence, "raided"), token(sentence, "office")) == ">nsubj:pass"


def test_english_features_are_each_tokens_own() -> None:
    """Features come from spaCy's morphology, the modal tag and negation; tokens that share an analysis
    do not share the dictionary (the view remembers analyses, a reader may change a token's features)."""
    texts = ["The court could not fine the group.", "The police could raid the office."]
    first, second = get_language("en").parser.parse(texts)
    could, fine = token(first, "could"), token(first, "fine")
    assert could.feats.get("Modal") == "Yes" and token(first, "not").feats.get("Polarity") == "Neg"
    assert fine.feats.get("VerbForm") == "Inf"
    again = token(second, "could")
    assert again.feats == could.feats and again.feats is not could.feats
    again.feats["Mood"] = "Changed"
    assert "Mood" not in parse("en", "They could go.").tokens[1].feats


def test_russian_view_keeps_case_and_prepositions() -> None:
    sentence = parse("ru", "Суд в Москве оштрафовал «Мемориал» на 300 тысяч рублей.")
    fined = token(sentence, "оштрафовал")
    assert fined.lemma == "оштрафовать"
    target = token(sentence, "Мемориал")
    assert sentence.path(fined, target) == ">obj"
    moscow = token(sentence, "Москве")
    assert moscow.ent == "LOC" and sentence.case_of(moscow) == "в"
    assert sentence.label(moscow) == "nmod:в"


def test_walks_are_bounded_even_on_a_cyclic_parse() -> None:
    tokens = [Token(i, f"w{i}", f"w{i}", "NOUN", "dep", (i + 1) % 3, i * 3, i * 3 + 2) for i in range(3)]
    sentence = ParsedSentence("w0 w1 w2", tokens, [])
    assert len(sentence.ancestors(tokens[0])) <= 2
    assert {t.i for t in sentence.subtree(tokens[0])} == {0, 1, 2}
    assert sentence.path(tokens[0], tokens[2]) is not None or True  # terminates


def test_entities_map_tokens_to_their_span() -> None:
    tokens = [Token(i, w, w.lower(), "PROPN", "flat", 0, 0, 0) for i, w in enumerate(["Human", "Rights", "Watch"])]
    sentence = ParsedSentence("Human Rights Watch", tokens, [Entity(0, 3, "ORG")])
    assert sentence.entity_of(tokens[1]) == Entity(0, 3, "ORG")


# -- frames as data ----------------------------------------------------------------------------------
def test_frames_find_object_subject_and_agent() -> None:
    lexicon = load_lexicon("en")
    matcher = FrameMatcher(load_frames("en"), lexicon.words)
    sentence = parse("en", "The ministry fined the Northern Light Foundation on Monday.")
    found = {(m.frame, sentence.tokens[m.token].text) for m in matcher.match(sentence, token(sentence, "fined"))}
    assert ("object", "Foundation") in found
    assert ("active-subject", "ministry") in found
    passive = parse("en", "The foundation was fined by a court.")
    found = {(m.frame, passive.tokens[m.token].text) for m in matcher.match(passive, token(passive, "fined"))}
    assert ("passive-subject", "foundation") in found
    assert ("agent", "court") in found


def test_russian_frames_read_the_instrumental_agent() -> None:
    matcher = FrameMatcher(load_frames("ru"), load_lexicon("ru").words)
    sentence = parse("ru", "Фонд был оштрафован судом.")
    found = {(m.role, sentence.tokens[m.token].text) for m in matcher.match(sentence, token(sentence, "оштрафован"))}
    assert ("target", "Фонд") in found
    assert ("actor", "судом") in found


@pytest.mark.parametrize(
    "pattern",
    [
        [{"RIGHT_ID": "x", "RIGHT_ATTRS": {}}],  # must start at the trigger
        [{"RIGHT_ID": "trigger", "RIGHT_ATTRS": {}}],  # must name an arg
        [{"RIGHT_ID": "trigger"}, {"LEFT_ID": "nowhere", "REL_OP": ">", "RIGHT_ID": "arg"}],
        [{"RIGHT_ID": "trigger"}, {"LEFT_ID": "trigger", "REL_OP": "$+", "RIGHT_ID": "arg"}],
    ],
)
def test_malformed_frames_are_refused(tmp_path, monkeypatch, pattern) -> None:
    frames = sys.modules["civicwatch.extract.frames"]
    data = tmp_path / "data" / "xx"
    data.mkdir(parents=True)
    (data / "frames.json").write_text(json.dumps({"frames": [{"id": "bad", "role": "target", "pattern": pattern}]}))
    monkeypatch.setattr(frames.resources, "files", lambda package: tmp_path)
    load_frames.cache_clear()
    try:
        with pytest.raises(ValueError):
            load_frames("xx")
    finally:
        load_frames.cache_clear()


def test_a_frame_attribute_the_matcher_does_not_know_is_an_error() -> None:
    sentence = parse("en", "Police raided the office.")
    frame = Frame("odd", "target", ({"RIGHT_ID": "trigger", "RIGHT_ATTRS": {"COLOUR": "red"}}, {}))
    with pytest.raises(ValueError):
        FrameMatcher((frame,), {}).match(sentence, token(sentence, "raided"))


# -- the registry of languages --------------------------------------------------------------------
def test_languages_are_found_through_the_registry() -> None:
    assert {"en", "ru"} <= set(supported())
    assert get_language("ru").code == "ru"
    with pytest.raises(KeyError):
        get_language("xx")


def test_a_new_language_is_a_registration() -> None:
    language = Language(
        "zz",
        backend=lambda: None,  # type: ignore[arg-type,return-value]
        dates=lambda sentence, published: [],
        name=lambda sentence, tokens: " ".join(t.text for t in tokens),
        lemmatize=str.lower,
        place_key=str,
        cite=str,
    )
    register(language)
    assert get_language("zz") is language
    assert "zz" in supported()


# -- places --------------------------------------------------------------------------------------
def test_gazetteer_tells_places_from_countries_in_both_languages() -> None:
    english = gazetteer("en", get_language("en").place_key)
    assert english.lookup("Bishkek").code == "KG" and not english.lookup("Bishkek").country
    assert english.lookup("Kyrgyzstan").country
    assert english.lookup("us") is None  # the pronoun is not the country
    russian = gazetteer("ru", get_language("ru").place_key)
    found = {(p.code, surface) for p, surface in russian.scan("Суд в Махачкале и полиция в Бишкеке")}
    assert found == {("RU", "Махачкале"), ("KG", "Бишкеке")}


# -- syntax --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "trigger", "status"),
    [
        ("The group will be liquidated next month.", "liquidated", "planned"),
        ("The ministry warned that the group will be fined.", "fined", "threatened"),
        ("The court fined the group on Monday.", "fined", "occurred"),
    ],
)
def test_status_from_modality(text: str, trigger: str, status: str) -> None:
    sentence = parse("en", text)
    kind = "closure" if trigger == "liquidated" else "sanction"
    assert syntax.status(sentence, token(sentence, trigger), kind, load_lexicon("en")) == status


def test_negation_and_conditions_are_read() -> None:
    lexicon = load_lexicon("en")
    refused = parse("en", "The court refused to liquidate the group.")
    assert syntax.has_negation(refused, token(refused, "liquidate"), lexicon)
    conditional = parse("en", "If the group is fined, it will close.")
    assert syntax.is_conditional(conditional, token(conditional, "fined"), lexicon)
    plain = parse("en", "The group was fined.")
    assert not syntax.has_negation(plain, token(plain, "fined"), lexicon)


def test_names_keep_their_complements() -> None:
    lexicon = load_lexicon("en")
    sentence = parse("en", "Police raided the Committee Against Torture in Grozny.")
    committee = token(sentence, "Committee")
    name = get_language("en").name(sentence, syntax.phrase(sentence, committee, lexicon))
    assert name.startswith("Committee Against Torture")
    sentence = parse("en", "Reporters Without Borders condemned the ruling as censorship of independent journalists.")
    reporters = token(sentence, "Reporters")
    assert get_language("en").name(sentence, syntax.phrase(sentence, reporters, lexicon)) == "Reporters Without Borders"


def test_russian_names_are_given_in_the_nominative() -> None:
    lexicon = load_lexicon("ru")
    sentence = parse("ru", "Суд оштрафовал Комитет против пыток.")
    committee = token(sentence, "Комитет")
    assert get_language("ru").name(sentence, syntax.phrase(sentence, committee, lexicon)) == "Комитет против пыток"
    sentence = parse("ru", "Прокуратура проверила Фонд поддержки свободной прессы.")
    fund = token(sentence, "Фонд")
    assert (
        get_language("ru").name(sentence, syntax.phrase(sentence, fund, lexicon)) == "Фонд поддержки свободной прессы"
    )
    sentence = parse("ru", "В Минске были задержаны 15 человек.")
    people = token(sentence, "человек")
    assert get_language("ru").name(sentence, syntax.phrase(sentence, people, lexicon)) == "15 человек"  # not "люди"


def test_a_female_name_keeps_its_gender_in_the_nominative() -> None:
    # "Марину Соколову" is Марина Соколова: the dictionary's first guess for "Марину" is the dative of Марин
    lexicon = load_lexicon("ru")
    sentence = parse("ru", "Суд оштрафовал Марину Соколову и Ивана Петрова.")
    for first, expected in (("Марину", "Марина Соколова"), ("Ивана", "Иван Петров")):
        assert get_language("ru").name(sentence, syntax.phrase(sentence, token(sentence, first), lexicon)) == expected


@pytest.mark.parametrize(
    ("text", "first", "expected"),
    [
        ("Полиция задержала Петра Иванова в Москве.", "Петра", "Петр Иванов"),  # not the woman's name Петра
        ("Суд оштрафовал главного редактора Дмитрия Муратова.", "Дмитрия", "Дмитрий Муратов"),
    ],
)
def test_a_male_first_name_in_an_oblique_case_is_put_in_the_nominative(text: str, first: str, expected: str) -> None:
    lexicon = load_lexicon("ru")
    sentence = parse("ru", text)
    assert get_language("ru").name(sentence, syntax.phrase(sentence, token(sentence, first), lexicon)) == expected


@pytest.mark.parametrize(
    ("text", "trigger", "hint"),
    [
        ("Belarus put the news site Vesna24 on the national terrorism watchlist.", "put", ("designation", "$list")),
        (
            "The ministry demanded that the Vesna Centre register as a foreign agent.",
            "demanded",
            ("sanction", "warning"),
        ),
        ("A court ordered the Vesna Centre to pay 50,000 roubles.", "ordered", ("sanction", "fine")),
        (
            "Ten activists are being investigated for membership of an armed terrorist organisation.",
            "investigated",
            ("prosecution", "criminal_case"),
        ),
    ],
)
def test_watchlists_registration_demands_and_orders_to_pay_are_candidates(text: str, trigger: str, hint) -> None:
    from civicwatch.extract.reader import Reader

    assert hint in _hints_of(Reader("en").analyze(text), trigger)


def _hints_of(analysis, trigger: str) -> set[tuple[str, str]]:
    """(type, subtype) of every lexicon entry the word ``trigger`` of the analysed text is a candidate for."""
    return {
        (h.type, h.subtype)
        for c in analysis.candidates
        if analysis.items[c.item].parsed.tokens[c.trigger].text == trigger
        for h in c.hints
    }


@pytest.mark.parametrize(
    ("language", "text", "trigger", "hint"),
    [
        ("en", "Police searched the newsroom of Vesna24 and seized its computers.", "seized", "asset_freeze"),
        ("en", "The government moved to block the website of Vesna24.", "moved", "relocation"),
        ("ru", "Полиция провела обыск в редакции «Вереска» и изъяла технику.", "изъяла", "asset_freeze"),
        ("ru", "Фонд «Вереск» покинул реестр иностранных агентов.", "покинул", "relocation"),
    ],
)
def test_equipment_taken_in_a_search_and_a_mere_move_are_no_freeze_or_relocation(
    language: str, text: str, trigger: str, hint: str
) -> None:
    from civicwatch.extract.reader import Reader

    analysis = Reader(language).analyze(text)
    hints = {
        h.subtype
        for c in analysis.candidates
        if analysis.items[c.item].parsed.tokens[c.trigger].text == trigger
        for h in c.hints
    }
    assert hint not in hints


# -- what the reader makes of an article's layout ---------------------------------------------------
def test_the_lead_is_the_titles_and_first_prose_sentences_after_captions() -> None:
    from civicwatch.extract.reader import Reader

    text = (
        "Police raid rights group\n\n"
        "Photo: a file picture.\n\n"
        "Police raided the office of a human rights group in the capital on Tuesday, its director said. "
        "Officers took away computers and documents from the office, according to the group's lawyer. "
        "The group has documented abuses for more than twenty years in the region and abroad."
    )
    analysis = Reader("en").analyze(text, "2024-05-08")
    sentences = {item.index: item.sentence.text for item in analysis.items}
    lead = analysis.extra["lead"]
    assert any(sentences.get(i, "").startswith("Police raided") for i in lead)
    assert any(sentences.get(i, "").startswith("Officers took") for i in lead)
    assert not any(sentences.get(i, "").startswith("The group has") for i in lead)


def test_a_dateline_names_no_argument() -> None:
    from civicwatch.extract.reader import Reader

    analysis = Reader("en").analyze("MINSK (AP) — Police raided the office of the Viasna human rights group.")
    raided = [c for c in analysis.candidates if analysis.items[c.item].parsed.tokens[c.trigger].text == "raided"]
    names = {a.name for c in raided for a in c.arguments}
    assert raided and "MINSK" not in names and any("Viasna" in n for n in names)


def test_who_reacts_to_a_measure_is_marked_as_such() -> None:
    from civicwatch.extract.reader import Reader

    analysis = Reader("en").analyze(
        "France denounces the sentencing of the journalist Ivan Petrov to six years in prison."
    )
    by_trigger = {analysis.items[c.item].parsed.tokens[c.trigger].text: c for c in analysis.candidates}
    france = next(a for a in by_trigger["sentencing"].arguments if a.name == "France")
    assert "reacts" in france.features
    speaker = next(a for a in by_trigger["denounces"].arguments if a.name == "France")
    assert "reacts" not in speaker.features


def _arguments_of(analysis, trigger: str) -> list:
    return [
        a
        for c in analysis.candidates
        if analysis.items[c.item].parsed.tokens[c.trigger].text == trigger
        for a in c.arguments
    ]


def test_the_journalist_points_back_to_the_person_named_before() -> None:
    from civicwatch.extract.reader import Reader

    analysis = Reader("en").analyze(
        "Police detained the reporter Anna Kovalenko in Minsk on Monday. "
        "Officers searched the apartment of the journalist and later charged the journalist with extremism."
    )
    charged = _arguments_of(analysis, "charged")
    assert any(a.name == "Anna Kovalenko" and a.kind == "description" and a.resolved for a in charged)
    # "a journalist" is someone new: it stands for no one named before
    fresh = Reader("en").analyze(
        "Police detained the reporter Anna Kovalenko in Minsk on Monday. Officers also detained a journalist."
    )
    assert not any(a.name == "Anna Kovalenko" and a.start > 12 for a in _arguments_of(fresh, "detained"))


def test_a_russian_description_of_a_person_points_back() -> None:
    from civicwatch.extract.reader import Reader

    analysis = Reader("ru").analyze(
        "В Минске задержали журналистку Анну Коваленко. Вечером суд арестовал журналистку на десять суток."
    )
    arrested = _arguments_of(analysis, "арестовал")
    assert any(a.name.startswith("Анна Коваленко") and a.resolved for a in arrested)


def test_a_russian_pronoun_of_both_kinds_offers_the_person_and_the_group() -> None:
    from civicwatch.extract.reader import Reader

    # "она" is "she" or a feminine noun's "it" (организация, газета): the model chooses among both
    first = "Суд оштрафовал правозащитный фонд «Вереск» и его директора Марину Соколову. "
    analysis = Reader("ru").analyze(first + "Вечером она была задержана полицией.")
    detained = {(a.name, a.resolution) for a in _arguments_of(analysis, "задержана") if a.kind == "pronoun"}
    assert ("Марина Соколова", "person_latest") in detained
    assert ("Вереск", "latest") in detained
    # "он" is a person's pronoun only
    single = Reader("ru").analyze(first + "Вечером он был задержан полицией.")
    assert {a.resolution for a in _arguments_of(single, "задержан") if a.kind == "pronoun"} == {"latest"}


def test_an_owner_described_by_a_noun_is_the_group_named_before() -> None:
    from civicwatch.extract.reader import Reader

    analysis = Reader("en").analyze(
        "The Gulf Broadcasting Corporation, an independent television network based in Doha, was fined last year. "
        "The minister signed an order to close the network's offices in the capital."
    )
    close = _arguments_of(analysis, "close")
    assert any(a.name == "Gulf Broadcasting Corporation" and a.kind == "owned" and a.resolved for a in close)


def test_a_name_the_recognizer_calls_a_person_is_an_organization_when_its_phrase_says_so() -> None:
    from civicwatch.extract.reader import Reader

    reader = Reader("en")

    def tagged(text: str, name: str) -> ParsedSentence:
        sentence = parse("en", text)
        first = next(t.i for t in sentence.tokens if t.text == name)
        return ParsedSentence(sentence.text, sentence.tokens, [Entity(first, first + 1, "PER")])

    # a compound of an organization's noun, and an apposition naming one: the small model's usual misses
    association = tagged("Police searched the Vesna association in Tver.", "Vesna")
    assert reader._entity_kind(association, association.entities[0]) == "ORG"
    watchdog = tagged("Vesna, an election watchdog, was fined.", "Vesna")
    assert reader._entity_kind(watchdog, watchdog.entities[0]) == "ORG"
    person = tagged("Police detained Kovalenko, a reporter, in Tver.", "Kovalenko")
    assert reader._entity_kind(person, person.entities[0]) == "PERSON"
    assert reader._entity_kind(person, Entity(2, 3, "ORG")) == "ORG"


def test_a_wire_credit_is_no_antecedent_and_a_self_closure_has_its_target_for_actor() -> None:
    from civicwatch.extract import extract

    events = extract(
        "MOSCOW (Wire News / Agency - 04th June, 2021) The independent news website Pravdoryb announced on Friday "
        "that it would permanently shut down its operations after the authorities labelled it a foreign agent.",
        language="en",
        published="2021-06-04",
    )
    names = {n for e in events for n in e.targets} | {e.actor for e in events}
    assert not any("Wire News" in str(n) for n in names)
    closures = [e for e in events if e.type == "closure"]
    assert [(e.subtype, e.actor) for e in closures] == [("self_liquidation", "Pravdoryb")]


def test_a_day_and_its_year_tagged_apart_are_one_date() -> None:
    """spaCy tags "May 14" and "2019" apart when no comma closes the year: one date all the same, and no
    part of the name that follows it."""
    english = get_language("en")
    sentence = parse("en", "On May 14, 2019 Tver prosecutor Ivan Petrov filed a lawsuit against the foundation.")
    assert [d.value for d in english.dates(sentence, None)] == ["2019-05-14"]
    prosecutor = token(sentence, "prosecutor")
    name = english.name(sentence, syntax.phrase(sentence, prosecutor, load_lexicon("en")))
    assert not name[0].isdigit() and "prosecutor" in name


def test_a_date_of_the_clause_above_dates_the_act_in_its_when_clause() -> None:
    lexicon = load_lexicon("en")
    sentence = parse("en", "Petrov was walking home on March 9 when two men beat him near the station.")
    dates = get_language("en").dates(sentence, None)
    beat = token(sentence, "beat")
    assert syntax.attach_dates(sentence, dates, [beat], lexicon) == {beat.i: "XXXX-03-09"}
    # "after ..." tells of another time
    sentence = parse("en", "Petrov left the city on March 9 after two men had beaten him near the station.")
    beaten = token(sentence, "beaten")
    assert syntax.attach_dates(sentence, get_language("en").dates(sentence, None), [beaten], lexicon) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tver, Apr 09, 2015: The government barred the foundation from receiving funds.", "2015-04-09"),
        ("TVER (Agency - 30th September, 2021) The ministry removed the foundation from the list.", "2021-09-30"),
    ],
)
def test_a_day_or_month_the_model_leaves_out_of_a_date_is_put_back(text: str, expected: str) -> None:
    assert [d.value for d in get_language("en").dates(parse("en", text), None)] == [expected]


def _dates_attached(text: str, trigger: str, published: dt.date | None) -> dict[str, str]:
    """What ``attach_dates`` gives an English sentence whose one trigger is ``trigger``, keyed by the word."""
    sentence = parse("en", text)
    found = token(sentence, trigger)
    dates = get_language("en").dates(sentence, published)
    attached = syntax.attach_dates(sentence, dates, [found], load_lexicon("en"))
    return {sentence.tokens[i].text: value for i, value in attached.items()}


def test_a_triggers_own_date_wins_over_the_date_of_the_verb_it_is_conjoined_to() -> None:
    text = "Deputies rushed the bill through parliament last month and the president signed it on May 25."
    assert _dates_attached(text, "signed", dt.date(2017, 6, 5)) == {"signed": "2017-05-25"}


def test_officers_of_a_body_offer_the_body_as_a_candidate() -> None:
    from civicwatch.extract.reader import Reader

    analysis = Reader("en").analyze(
        "On Monday, officers from the State Committee for National Security searched the office of the outlet."
    )
    searched = _arguments_of(analysis, "searched")
    assert any(a.kind == "member" and a.name == "State Committee for National Security" for a in searched)
    assert any(a.kind == "name" and a.name == "officers" for a in searched)  # the officers stay a candidate too
    # officers whose body is not named offer nothing more
    bare = _arguments_of(Reader("en").analyze("Officers searched the office of the outlet."), "searched")
    assert not any(a.kind == "member" for a in bare)


def test_a_state_body_s_office_is_named_whole() -> None:
    from civicwatch.extract.reader import Reader

    analysis = Reader("en").analyze("In 2023, the prosecutor's office filed a lawsuit to shut down the foundation.")
    office = [a for a in _arguments_of(analysis, "filed") if "path=>nsubj" in a.features]
    assert [a.name for a in office] == ["prosecutor's office"]
    # the office of a group is still the group's: it names the group
    raided = _arguments_of(Reader("en").analyze("Police raided Memorial's office in Moscow."), "raided")
    assert any(a.kind == "owned" and a.name == "Memorial" for a in raided)


def test_a_page_that_is_no_civic_news_is_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    from civicwatch.extract.reader import Reader

    reader = Reader("en")
    recipe = " ".join(
        [
            "Preheat the oven and butter a deep baking dish before you start on the sauce.",
            "Slice the onions thinly, soften them in olive oil and add two cloves of garlic.",
            "Stir in the tomatoes, a pinch of sugar and the basil, then let it simmer gently.",
            "Layer the pasta sheets with the sauce and the cheese, finishing with a layer of cheese.",
            "Bake for forty minutes until golden and bubbling, and rest it before serving.",
        ]
        * 3
    )
    assert not reader.models.relevant(recipe.lower())
    calls = []
    parse = reader.parser.parse
    monkeypatch.setattr(reader.parser, "parse", lambda texts, *args: calls.append(texts) or parse(texts, *args))
    assert reader.extract(recipe, "2024-05-08") == []
    assert calls == []  # relevance is judged on the words alone, before any parsing
    news = "Police raided the office of the human rights group Memorial in Moscow on Monday, the group said."
    assert reader.extract(news, "2024-05-08") and calls


@pytest.mark.parametrize(
    ("text", "keeper"),
    [
        (
            "The election monitor Golos was added to the register of foreign agents in Russia on Friday.",
            "Justice Ministry",
        ),
        ("Движение «Голос» включено в реестр иностранных агентов.", "Минюст"),
    ],
)
def test_a_russian_foreign_agent_listing_naming_no_actor_is_the_keepers_act(text: str, keeper: str) -> None:
    from civicwatch.extract import extract

    [event] = [e for e in extract(text, published="2021-08-20") if e.type == "designation"]
    assert (event.country, event.actor, event.extra.get("actor_source")) == ("RU", keeper, "list_keeper")


def test_a_listing_keeps_the_actor_its_text_names_and_other_countries_get_no_keeper() -> None:
    from civicwatch.extract import extract

    named = extract("A Moscow court added the election monitor Golos to the register of foreign agents.", "2021-08-20")
    assert [(e.country, e.actor, e.extra.get("actor_source")) for e in named if e.type == "designation"] == [
        ("RU", "Moscow court", None)
    ]
    elsewhere = extract(
        "The election monitor Golos was added to the register of foreign agents in Kyrgyzstan.", "2024-08-20"
    )
    assert [(e.country, e.actor) for e in elsewhere if e.type == "designation"] == [("KG", None)]


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("In October 2022, the court in Pskov fined the journalist Denis Kamalagin 35,000 rubles.", "court in Pskov"),
        ("15 октября суд в Махачкале оштрафовал журналиста Абдулмумина Гаджиева.", "суд в Махачкале"),
    ],
)
def test_a_court_is_named_with_the_seat_that_follows_it(text: str, actor: str) -> None:
    from civicwatch.extract import extract

    assert [e.actor for e in extract(text, published="2022-11-20") if e.type == "sanction"] == [actor]


def test_a_first_person_appeal_is_the_speakers_named_next_to_it_and_not_its_own_target() -> None:
    from civicwatch.extract import extract

    text = (
        "Police detained three editors of the Daily Voice newspaper in Minsk on Monday. "
        "Amnesty International said the arrests were unlawful. "
        '"We call on the authorities to release the editors of the Daily Voice at once."'
    )
    [appeal] = [e for e in extract(text, published="2022-11-20") if e.type == "reaction"]
    assert appeal.actor == "Amnesty International"
    assert appeal.targets and all("Amnesty" not in t for t in appeal.targets)


def test_a_russian_quote_takes_the_speaker_of_its_own_sentence() -> None:
    from civicwatch.extract import extract

    text = (
        "Полиция задержала трёх редакторов газеты «Голос Минска» в понедельник. "
        "«Мы призываем власти немедленно освободить редакторов газеты», — заявил Комитет защиты журналистов."
    )
    [appeal] = [e for e in extract(text, published="2022-11-20") if e.type == "reaction"]
    assert appeal.actor == "Комитет защиты журналистов"
    assert "Комитет защиты журналистов" not in appeal.targets


def test_whom_a_source_tells_is_marked_as_an_addressee() -> None:
    from civicwatch.extract.reader import Reader

    analysis = Reader("en").analyze(
        "Officials told NDTV that the ministry had cancelled the charity's licence.", "2022-01-01"
    )
    marked = {a.name for c in analysis.candidates for a in c.arguments if "addressee" in a.features}
    assert marked == {"NDTV"}


def test_a_russian_name_drops_the_footnote_mark_glued_to_it() -> None:
    from civicwatch.extract import extract

    text = "Минюст внес ФБК3 в реестр иностранных агентов, сообщила «Новая газета»1."
    targets = [t for e in extract(text, published="2021-06-10") if e.type == "designation" for t in e.targets]
    assert "ФБК" in targets and not any(t.endswith("3") for t in targets)


def test_an_outlet_working_from_abroad_is_the_target_and_actor_of_its_relocation() -> None:
    from civicwatch.extract import extract

    events = extract("Издание The Village продолжает работать из Варшавы.", published="2022-04-20")
    assert [(e.type, e.subtype, e.targets, e.actor) for e in events] == [
        ("closure", "relocation", ["The Village"], "The Village")
    ]


def test_a_reaction_gains_the_first_act_s_targets_but_never_its_own_speaker() -> None:
    from civicwatch.extract.reader import _defended_by_reactions
    from civicwatch.model import Event

    act = Event(
        "sanction", "fine", "occurred", ["Golos", "Amnesty International"], "Golos was fined.", evidence_start=0
    )
    later = Event("sanction", "block", "occurred", ["Meduza"], "Meduza was blocked.", evidence_start=90)
    reaction = Event(
        "reaction",
        "condemnation",
        "occurred",
        ["fine"],
        "Amnesty condemned it.",
        "Amnesty International",
        None,
        evidence_start=40,
    )
    _defended_by_reactions([later, reaction, act])
    assert reaction.targets == ["fine", "Golos"]
    assert reaction.extra["act_targets"] == ["Golos"]
    alone = Event("reaction", "appeal", "occurred", ["Golos"], "Free Golos.", evidence_start=0)
    _defended_by_reactions([alone])
    assert alone.targets == ["Golos"] and "act_targets" not in alone.extra


def test_a_lead_s_unnamed_group_is_the_group_the_next_sentence_names() -> None:
    from civicwatch.extract import extract

    text = (
        "A Russian media rights organization has been fined 300,000 rubles for failing to label itself a foreign "
        "agent, its lawyer said.\n\nThe Voronezh-based Center for Media Rights said it would appeal the ruling."
    )
    [fine] = [e for e in extract(text, published="2015-04-16") if e.type == "sanction"]
    assert fine.targets == ["Center for Media Rights"]


def test_an_unnamed_group_is_resolved_forward_only_when_indefinite_and_near() -> None:
    from civicwatch.extract.entities import ArticleContext

    context = ArticleContext(load_lexicon("en"))
    context.observe(1, "Golos", "ORG")
    context.observe(4, "Memorial", "ORG")
    assert context.following("ORG", 0) == "Golos"
    assert context.following("ORG", 1) is None  # Memorial comes three sentences later


def test_a_lead_s_unnamed_person_is_the_person_the_next_sentence_names() -> None:
    from civicwatch.extract import extract

    text = (
        "A journalist was detained in Minsk on Monday, the Belarusian Association of Journalists said.\n\n"
        "Ivan Petrov, a reporter for the Daily Voice newspaper, was taken to a police station."
    )
    [detention] = [e for e in extract(text, published="2015-04-16") if e.type == "prosecution"]
    assert detention.targets[0] == "Ivan Petrov" and "journalist" not in detention.targets


def test_a_law_named_only_by_what_it_does_keeps_its_relative_clause() -> None:
    from civicwatch.extract.reader import Reader

    analysis = Reader("en").analyze(
        "The parliament on Tuesday passed a bill that would bar charities from taking “foreign grants,” "
        "a step critics called a new blow."
    )
    names = {a.name for a in _arguments_of(analysis, "passed") if a.kind == "law"}
    assert "bill that would bar charities from taking “foreign grants”" in names
    # a law with a name of its own keeps only that name
    named = Reader("en").analyze("The parliament passed the Media Act that critics opposed.")
    assert {a.name for a in _arguments_of(named, "passed") if a.kind == "law"} == {"Media Act"}


def test_a_counted_group_is_a_new_group_not_one_named_before() -> None:
    from civicwatch.extract.reader import Reader

    analysis = Reader("en").analyze(
        "The regulator fined the Free Voice association on Monday. "
        "On Friday the union reported the closure of six more stations in the north."
    )
    closure = _arguments_of(analysis, "closure")
    assert any(a.name == "six more stations" and not a.resolved for a in closure)
    assert not any(a.name == "Free Voice association" for a in closure)


def test_a_word_the_parse_hangs_on_a_name_from_far_away_stays_out_of_its_span() -> None:
    assert syntax._run_around({3, 4, 5, 7, 19}, 5) == (3, 7)
    assert syntax._run_around({5}, 5) == (5, 5)
    lexicon = load_lexicon("ru")
    sentence = parse(
        "ru",
        "21 января против члена федерального совета «Открытой России» 39-летней Анастасии Шевченко из "
        "Ростова-на-Дону завели — впервые в России — уголовное дело (статья 284.1 УК РФ).",
    )
    name = get_language("ru").name(sentence, syntax.phrase(sentence, token(sentence, "России"), lexicon))
    assert "завели" not in name and "Открытая Россия" in name


def test_a_singular_subject_of_a_plural_russian_verb_is_marked_as_disagreeing() -> None:
    # "оштрафовали" has no named doer: the parse's subject is whom it fined, and the feature tells the model so
    from civicwatch.extract.reader import Reader

    analysis = Reader("ru").analyze(
        "Региональное издание оштрафовали за публикацию. Минюст оштрафовал издание «Вестник»."
    )
    fined = [a for a in _arguments_of(analysis, "оштрафовали") if a.name == "Региональное издание"]
    assert fined and "subject_disagrees" in fined[0].features
    ministry = [a for a in _arguments_of(analysis, "оштрафовал") if a.name == "Минюст"]
    assert ministry and "subject_disagrees" not in ministry[0].features


@pytest.mark.parametrize(
    ("language", "text", "head", "expected"),
    [
        (
            "en",
            "The government adopted the Federal Law of March 3, 2019, No. 77-FZ on Amendments to the Code.",
            "Law",
            "Federal Law of March 3, 2019, No. 77-FZ",
        ),
        ("ru", "Президент подписал Федеральный закон № 77-ФЗ об общественных объединениях.", "закон", "№ 77-ФЗ"),
        # a law's complement keeps its words, not the relative clause that follows them
        ("en", "The deputies amended the Federal Law on Public Associations, which regulates charities.", "Law", None),
    ],
)
def test_a_law_keeps_its_date_and_number_but_not_a_following_clause(language, text, head, expected) -> None:
    sentence = parse(language, text)
    name = get_language(language).name(
        sentence, syntax.phrase(sentence, token(sentence, head), load_lexicon(language), law=True)
    )
    if expected is None:
        assert name == "Federal Law on Public Associations"
    else:
        assert expected in name


@pytest.mark.parametrize(
    ("language", "text", "trigger", "hint"),
    [
        ("en", "In March the police came to the editorial office of Free Voice.", "came", ("prosecution", "raid")),
        ("ru", "Вечером силовики пришли в редакцию газеты «Свет».", "пришли", ("prosecution", "raid")),
        ("ru", "В фонд «Свет» пришли с проверкой из прокуратуры.", "пришли", ("sanction", "inspection")),
    ],
)
def test_officers_coming_to_an_office_is_a_candidate_raid_or_inspection(language, text, trigger, hint) -> None:
    from civicwatch.extract.reader import Reader

    assert hint in _hints_of(Reader(language).analyze(text), trigger)
    # a visitor who is no officer makes no candidate
    assert not _hints_of(
        Reader("en").analyze("In March the minister came to the editorial office of Free Voice."), "came"
    )


def test_what_a_measure_means_is_no_act_of_its_own() -> None:
    from civicwatch.extract import extract

    consequence = "The designation means the rights group Free Voice must stop all work in the country."
    assert not [e for e in extract(consequence, language="en", published="2022-01-01") if e.type == "closure"]
    lexicon = load_lexicon("en")
    sentence = parse("en", "The ruling means that the movement Free Voice will be shut down.")
    assert syntax.is_consequence(sentence, token(sentence, "shut"), lexicon)
    sentence = parse("en", "The court shut down the movement Free Voice on Monday.")
    assert not syntax.is_consequence(sentence, token(sentence, "shut"), lexicon)
    ru = load_lexicon("ru")
    sentence = parse("ru", "Решение означает, что фонд «Свет» будет ликвидирован.")
    assert syntax.is_consequence(sentence, token(sentence, "ликвидирован"), ru)


def test_the_main_verb_s_date_is_kept_for_a_reaction_read_from_what_it_says() -> None:
    from civicwatch.extract.reader import Reader

    text = "On 4 September the union issued a statement, saying that the attack on the reporter was planned."
    item = Reader("en").analyze(text, "2017-09-09").items[0]
    attack = token(item.parsed, "attack")
    dates = syntax.attach_dates(item.parsed, item.dates, [attack], load_lexicon("en"), main_clause=True)
    assert dates == {syntax.MAIN_CLAUSE: "2017-09-04"}  # not the attack's date: when it was said
    assert syntax.attach_dates(item.parsed, item.dates, [attack], load_lexicon("en")) == {}
    told = "On 4 September police said that unknown men attacked the journalist Ivan Petrov."
    item = Reader("en").analyze(told, "2017-09-09").items[0]
    attacked = [token(item.parsed, "attacked")]
    dates = syntax.attach_dates(item.parsed, item.dates, attacked, load_lexicon("en"), main_clause=True)
    assert syntax.MAIN_CLAUSE not in dates


def test_a_date_in_the_clause_a_trigger_asks_for_dates_the_trigger() -> None:
    text = "The ministry demanded that the Tver group register as a foreign agent back in April 2013, a paper says."
    assert _dates_attached(text, "demanded", dt.date(2015, 6, 1)) == {"demanded": "2013-04"}
    # a deadline in that clause is no date of the act
    text = "The ministry demanded that the Tver foundation leave the building by April 2013."
    assert _dates_attached(text, "demanded", dt.date(2013, 1, 10)) == {}


@pytest.mark.parametrize(
    ("text", "assumed"),
    [
        ("The police searched the offices of the Legal Initiative rights group in Minsk.", "2021-07-20"),
        ("The police earlier searched the offices of the Legal Initiative rights group in Minsk.", None),
        ("Police had previously searched the offices of the Legal Initiative rights group in Minsk.", None),
        ("Полиция провела обыск в офисе правозащитной группы «Правовая инициатива» в Минске.", "2021-07-20"),
        ("Ранее полиция провела обыск в офисе правозащитной группы «Правовая инициатива» в Минске.", None),
    ],
)
def test_an_act_the_lead_places_earlier_takes_no_publication_date(text: str, assumed: str | None) -> None:
    from civicwatch.extract import extract

    events = extract(text, published="2021-07-20")
    assert [e.type for e in events] == ["prosecution"]
    assert events[0].date == assumed
    assert events[0].extra.get("date_source") == ("published" if assumed else None)


def test_a_year_that_says_which_one_is_no_date_of_the_act() -> None:
    lexicon = load_lexicon("en")
    text = "The court sentenced the 2021 Tver Prize laureate Ivan Petrov to five years in prison."
    sentence = parse("en", text)
    sentenced = token(sentence, "sentenced")
    dates = get_language("en").dates(sentence, dt.date(2023, 3, 5))
    assert [d.value for d in dates] == ["2021"]
    assert syntax.attach_dates(sentence, dates, [sentenced], lexicon) == {}
    # the year of the act's own noun dates it
    text = "The March 2019 raid on the Tver office was illegal, the court ruled."
    assert _dates_attached(text, "raid", dt.date(2023, 3, 5)) == {"raid": "2019-03"}


def test_violence_by_the_state_s_own_officers_is_no_attack() -> None:
    from civicwatch.extract import extract

    def attacks(subject: str) -> list:
        text = f"{subject} beat the journalist Ivan Petrov of the Tver Herald outside his flat in Tver on Monday."
        return [e for e in extract(text, language="en", published="2024-05-08") if e.type == "attack"]

    # SCHEMA: an attack is done by non-state, unidentified or irregular actors
    assert [e.actor for e in attacks("Unknown men")] == ["Unknown men"]
    assert attacks("Police officers") == []
    assert attacks("Riot police") == []
