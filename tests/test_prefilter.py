"""The relevance prefilter: no gold event lost, ordinary text dropped, keywords from the lexicons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from civicwatch.clean.prefilter import (
    Prefilter,
    cheap_text,
    english_forms,
    normalize,
    regex_stems,
    self_sufficient_lemmas,
)
from civicwatch.lexicons import load_lexicon

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "eval" / "dev"
WEB = Path(__file__).parent / "data" / "web"


@pytest.fixture(scope="module")
def prefilter() -> Prefilter:
    return Prefilter.for_languages(("en", "ru"))


def dev_articles(with_events: bool) -> list[Path]:
    if not DEV.is_dir():
        return []
    return [
        gold.with_name(gold.name.replace(".gold.json", ".txt"))
        for gold in sorted(DEV.glob("*.gold.json"))
        if bool(json.loads(gold.read_text(encoding="utf-8"))["events"]) == with_events
    ]


def test_every_dev_article_with_a_gold_event_passes(prefilter: Prefilter) -> None:
    articles = dev_articles(with_events=True)
    if not articles:
        pytest.skip(f"dev set not found at {DEV}: the recall check needs a copy of shared/ beside the repository")
    decisions = {a.name: prefilter.score(a.read_text(encoding="utf-8")) for a in articles}
    dropped = {name: d.reason for name, d in decisions.items() if not d.passed}
    assert not dropped, f"the prefilter would lose gold events: {dropped}"


def test_dev_article_about_oil_output_is_dropped(prefilter: Prefilter) -> None:
    path = DEV / "lenta-2016-oil-output-up.txt"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    assert not prefilter.passes(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "text",
    [
        "The ministry labelled the group a foreign-agent on Friday.",
        'Prosecutors declared the foundation an "undesirable" organization.',
        "Фонд признан иноагентом.",
        "Минюст внёс фонд в реестр иностранных агентов.",
        "Деятельность организации признана нежелательной на территории России.",
        "Организацию внесли в перечень нежелательных организаций.",
    ],
)
def test_restrictive_list_names_pass_alone(prefilter: Prefilter, text: str) -> None:
    decision = prefilter.score(text)
    assert decision.passed and decision.reason.startswith("restrictive-list keyword")


@pytest.mark.parametrize(
    "text",
    [
        "Police raided the offices of the human rights group on Tuesday.",
        "A court fined the newspaper 200,000 roubles.",
        "Unknown assailants torched the car of a local journalist.",
        "Суд оштрафовал редакцию независимого издания на 300 тысяч рублей.",
        "Неизвестные избили правозащитника в Грозном.",
        "Полиция провела обыск в офисе НКО.",
    ],
)
def test_civic_anchor_with_an_act_passes(prefilter: Prefilter, text: str) -> None:
    assert prefilter.passes(text)


@pytest.mark.parametrize(
    "text",
    [
        "The weather was fine and the shop closed early; we bought a suit.",  # everyday forms of triggers
        "Journalists gathered at the press conference to hear the coach.",  # anchor, no act
        "Police arrested two men after a raid on a warehouse of stolen phones.",  # acts, no civic anchor
        "The urban planners will define the bandwidth of the banner.",  # ban/fine inside other words
        "Добыча нефти в России выросла на два процента, сообщает Интерфакс.",
        "Избиратели пришли на участки; значит, явка будет высокой.",  # "изби", "значит" are not acts
    ],
)
def test_ordinary_text_is_dropped(prefilter: Prefilter, text: str) -> None:
    assert not prefilter.passes(text)


def test_triggers_must_be_near_the_anchor() -> None:
    filler = " The festival drew a large crowd to the riverside that evening." * 20
    text = "The newspaper published its spring supplement." + filler + " Officers detained two suspects."
    assert not Prefilter.for_languages(window=500).passes(text)
    assert Prefilter.for_languages(window=None).passes(text)


def test_min_triggers_counts_distinct_lemmas() -> None:
    strict = Prefilter.for_languages(min_triggers=2)
    assert not strict.passes("The court fined the NGO, and fines against NGOs keep growing.")
    assert strict.passes("The court fined the NGO and banned its director from leaving the country.")


def test_decision_names_the_hits(prefilter: Prefilter) -> None:
    decision = prefilter.score("Police raided the NGO and detained its director.")
    assert decision.passed
    assert decision.hits == ("anchor:ngo", "trigger:detain", "trigger:raid")
    assert decision.reason == "2 distinct event triggers within 500 characters of a civic anchor"
    assert prefilter.score("").reason.startswith("no civic anchor")


def test_cheap_text_reads_the_main_content_in_its_encoding() -> None:
    russian = cheap_text((WEB / "ru-fund-closed.html").read_bytes())
    assert "внесённый Минюстом в реестр" in russian
    english = cheap_text((WEB / "en-ngo-fined.html").read_text(encoding="utf-8"))
    assert "fined the human rights group Vigil" in english
    assert "Weekend weather" not in english  # the sidebar is not main content


@pytest.mark.parametrize(
    ("name", "passes"),
    [
        ("en-ngo-fined.html", True),
        ("ru-fund-closed.html", True),
        ("recipe.html", False),  # anchors ("newspaper", "activists") but only everyday words ("beat", "fine")
        ("boilerplate-only.html", False),
    ],
)
def test_score_html_on_pages(prefilter: Prefilter, name: str, passes: bool) -> None:
    assert prefilter.score_html((WEB / name).read_bytes()).passed is passes


def test_keywords_follow_the_trigger_lexicon() -> None:
    lemmas = self_sufficient_lemmas(load_lexicon("en"))
    assert {"liquidate", "raid", "detain", "fine", "condemn"} <= lemmas
    assert not {"add", "sign", "take", "call"} & lemmas  # need a list, law or companion word
    assert {"ban", "bans", "banned", "banning"} <= english_forms("ban")
    assert {"liquidated", "liquidating", "fined"} <= english_forms("liquidate") | english_forms("fine")
    assert regex_stems(r"иностранн\w*\s+агент\w*|иноагент\w*|иностранного влияния") == [
        "иностранн* агент*",
        "иноагент*",
        "иностранного влияния",
    ]


def test_normalize_joins_hyphens_quotes_and_yo() -> None:
    assert normalize('"Foreign-Agent" внёс') == " foreign agent внес "
