"""One identity for every spelling of a name: the keys that targets and actors are known by.

A name is reduced to phonetic *keys* (ASCII, words joined by "-") so that its spellings meet:

* Cyrillic and its romanisations: Russian words are lemmatised with pymorphy3, transliterated with one
  iuliia scheme (Wikipedia), and every Latin word is reduced to a skeleton where the romanisation
  standards agree (kh/h, -y/-iy/-ii/-ij, ts/tz/tc/c, ya/ia/ja, yu/iu/ju, e/ye/je/iye/ie, yo/e, doubled
  letters, w/v, soft signs, ALA-LC ties and háčeks: č/ch, š/sh, ž/zh). "Khodorkovsky", "Khodorkovskiy",
  "Ходорковского" -> "hodorkovski"; "Оюб Титиев", "Oyub Titiyev", "Oiub Titiev" -> "oiub-titev". Cyrillic
  goes through the same skeleton after transliteration. Not covered: schemes that write х as x (GOST 7.79
  "Xodorkovskij"), ж as j or ц as a bare c (Telegram "Prigojin", UNGEGN "Melʹkonʹjanc").
* Inflection: each Russian word is replaced by its normal form, so "Солдатских матерей
  Санкт-Петербурга" and "Солдатские матери Санкт-Петербурга" share "soldatski-mat-sankt-peterburg".
  A romanised Russian word ("Otkrytoy", "Politkovskaya", "Navalnaia") is spelled back in Cyrillic and
  lemmatised the same way when pymorphy knows it, so it meets its Cyrillic form. A capitalised word shaped
  like a surname (-ов/-ев/-ин) is read as one ("Титиева" -> "титиев", not a given name "Титиева").
* Legal names: a leading legal form (АНО, "Автономная некоммерческая организация", LLC, Фонд before a
  quoted name) is dropped from the full key; the quoted name inside a legal name is the core key.
* Generic words: organisation nouns and descriptors at the edges of a name are dropped for the
  *reduced* key ("Memorial International" -> "memorial", "Levada Center" -> "levada"), and so is a
  description made only of generic words after a capitalised name ("Agora Inter-Regional Association of
  Human Rights Public Associations" -> "agora"); generic words alone never make a key, so "Human Rights
  Watch" and "Human Rights Centre" stay apart.
* Descriptions before a name: lower-case words before the capitalised words that end a name are a
  description ("election monitoring group Golos", "human rights NGO Memorial", "издание Медуза"): the
  name after them is the reduced key (so "Golos" matches at 0.8), or, for a person or a place, the whole
  key ("Kremlin critic Alexei Navalny" = "Alexei Navalny"). Not after a function word ("supporters of
  Navalny") nor, in Russian, before a genitive ("сторонники Навального", "матери Санкт-Петербурга").
* Quotes: every quotation style gives the same keys (« », „ “, “ ”, " ", ‘ ’, ' '); a single quote after
  a letter is an apostrophe ("Memorial's", "Soldiers' Mothers"), never a quotation.
* Places: with a place kind ("PLACE", "LOC", "GPE", "LOCATION") a name gets a key although it is a
  common word elsewhere ("Moscow", "Москве", "России"); only all-generic names ("the city", "область")
  have none. English exonyms listed in the data file take their Russian name's key ("Moscow" = "Москва").
  Other kinds keep the organisation and person guards: ``entity_key("Russia")`` is None.
* Translations do not meet here: "Soldiers' Mothers of St. Petersburg" and "Солдатские матери
  Санкт-Петербурга", "Open Russia" and "Открытая Россия" are spelled with different words, which no
  transliteration or skeleton can bring together (and a dictionary of translated words would merge
  namesakes across languages). They are linked entity by entity in ``civicwatch.resolve.aliases`` (the
  curated table shipped as data, and ``AliasTable`` for what one source says); only place exonyms are
  listed here, since places are few and fixed.

Keys a name can have (see ``NameKeys``):

* ``full``: the whole name, spelling-normalised; legal forms, articles, parentheticals and (for people)
  patronymics dropped, people's names put given name first. Equal full keys are the same entity.
* ``core``: the entity key: the quoted name, else the reduced name, else the full one. It names the
  *name family*: "Memorial" and "Memorial Human Rights Centre" share "memorial" although they are two
  legal entities; telling those apart is the full key's job (``match_strength`` 1.0 vs 0.8).
* ``acronyms``: "KPP" from "Committee Against Torture (KPP)", or a name written as an acronym ("КПП").
* ``surname``: for a person, the last name alone, so "Mikhail Khodorkovsky" can be linked to a bare
  "Ходорковский". It is weaker than the others: ``match_strength`` only uses it against a bare surname
  or a name with the same first initial, so two Khodorkovskys with different first names stay apart.

Guards: a key made only of generic words (organisation nouns, descriptors, legal forms, articles) does
not exist ("the group", "Фонд", "International Foundation"); a one-word key needs four letters and must
not be generic or a common word that is never a name on its own ("Russia", "Center", "Watch"), unless
it is written as an acronym.
"""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib.resources import files
from typing import Any

import iuliia
from rapidfuzz.distance import Levenshtein

EXACT = 1.0  # the same full key: the same entity
VARIANT = 0.8  # they share a quoted, reduced or acronym key: the same name, maybe not the same legal entity
NEAR = 0.7  # full or core keys one spelling slip apart (long organisation names only)
SURNAME = 0.6  # a person and a bare surname (or the same initial and surname)
NONE = 0.0

_SCHEME = iuliia.WIKIPEDIA  # any scheme would do: the skeleton erases their differences
_MIN_LETTERS = 4  # a one-word key shorter than this matches by accident ("Rus", "Yes")
_MAX_ACRONYM = 5  # all-caps words up to this length are acronyms, kept as written (not lemmatised)
_NEAR_MIN_CHARS = 10  # fuzzy matching only where one slip cannot turn one real name into another

# --------------------------------------------------------------------------------------------- words


@dataclass(frozen=True, slots=True)
class _Part:
    """One word (or hyphen-separated part of a word) of a name, reduced to its key."""

    key: str
    letters: int  # letters of the lemma, for the four-letter rule
    acronym: bool = False
    title: bool = False  # capitalised in the source: a proper name can follow a generic head noun
    # what pymorphy says the word can be, to recognise people and put their names in order
    given: bool = False
    surname: bool = False
    patronymic: bool = False
    # can be nominative as written: a Russian apposition ("издание Медуза") is, a genitive complement
    # ("сторонники Навального", "прав СМИ") is not; Latin words and acronyms always can
    nominative: bool = True
    joined: bool = False  # continues the word before it: "Murza" in "Kara-Murza"


_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W_](?:[\w'’\-]*[^\W_])?")
_APOSTROPHES = str.maketrans("", "", "'’ʼʹ`")
# letters that look alike in both scripts: a word written mostly in one gets the other's look-alikes fixed
_TO_LATIN = str.maketrans("АВЕКМНОРСТУХаеорсух", "ABEKMHOPCTYXaeopcyx")
_TO_CYRILLIC = str.maketrans("ABEKMHOPCTYXaeopcyx", "АВЕКМНОРСТУХаеорсух")


@cache
def _morph() -> Any:
    """The pymorphy3 analyzer, built on first use (its dictionaries take a moment to load)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def _fix_homoglyphs(token: str) -> str:
    if "-" in token:  # "ОВД-Info": each part keeps its own script
        return "-".join(_fix_homoglyphs(part) for part in token.split("-"))
    cyr = len(_CYRILLIC.findall(token))
    lat = sum(ch.isascii() and ch.isalpha() for ch in token)
    if not cyr or not lat:
        return token
    return token.translate(_TO_LATIN) if lat >= cyr else token.translate(_TO_CYRILLIC)


# háček and circumflex letters of scholarly and UN romanisations (Čerkasov, Šlosberg, ISO ŝ for щ): spelled out,
# since dropping the diacritic would leave c/s/z where the others write ch/sh/zh
_HACEK = str.maketrans({"č": "ch", "Č": "Ch", "š": "sh", "Š": "Sh", "ž": "zh", "Ž": "Zh", "ŝ": "shch", "Ŝ": "Shch"})


def _ascii(text: str) -> str:
    """Latin letters without diacritics (ISO "Hodorkovskij", "Ûrij"; UNGEGN "Čerkasov" -> "Cherkasov")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_HACEK))
    return "".join(ch for ch in decomposed if ch.isascii())


# Skeleton: rewrite rules applied in order to one lower-case Latin word; the comments say which
# romanisation differences each rule erases.
_SKELETON_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        (r"[^a-z0-9]", ""),
        (r"tsch", "ch"),  # German Tsch-
        (r"shch|sch", "sh"),  # щ: shch / sch / sh
        (r"tch", "ch"),  # French Tch-
        (r"tc", "ts"),  # ц: GOST 52535 passports write tc (Melkoniantc)
        (r"kh", "h"),  # х: kh / h
        (r"ph", "f"),
        (r"th", "t"),
        (r"tz", "ts"),  # ц: tz / ts / c (below)
        (r"x", "ks"),  # Alexei / Aleksei
        (r"w", "v"),  # German w
        (r"ck", "k"),
        (r"q", "k"),
        (r"j", "y"),  # й, iotated vowels: j / y / i
        (r"(?<=[^aeiouy])yo", "e"),  # ё after a consonant: Fyodor / Fedor, Ponomaryov / Ponomarev
        (r"y", "i"),  # -y / -iy / -yi / -ii meet after doubles collapse
        (r"ts(?=[aeiou])", "c"),  # ц before a vowel; elsewhere "ts" is often т+с (Soldatskie) or a plural
        (r"([a-z])\1+", r"\1"),
        (r"ie", "e"),  # е: ye / e (Yevgeny / Evgeny, Vasilyev / Vasilev)
        (r"(?<=[^aeiou])iu", "u"),  # ю after a consonant: Lyudmila / Ludmila
        (r"([a-z])\1+", r"\1"),
        (r"ia$", "i"),  # -ия: Dinastiya / Dynasty, Akademiya / Academy
        (r"([aeiou][^aeiou]?[bdfgkptv])re$", r"\1er"),  # centre / center
        (r"([aeiou][^aeiou]?[bdfgkptv])r$", r"\1er"),  # tsentr / center, ministr / minister, Pyotr / Peter
    ]
]


@lru_cache(maxsize=65536)
def _skeleton(latin: str) -> str:
    text = _ascii(latin).lower()
    for pattern, repl in _SKELETON_RULES:
        text = pattern.sub(repl, text)
    return text


# Romanised Russian back to Cyrillic, good enough for pymorphy to recognise the word. Endings are
# ambiguous, so each gives candidates: -y is -ый, -ий or -ы, -ii is -ии (Rossii) or -ий
# (Khodorkovskii); a word-initial e is э (BGN) or е.
_BACK_ENDINGS: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(p), r)
    for p, r in [
        (r"(iy|ij)$", ("ий",)),
        (r"(aia|aja)$", ("ая",)),  # ICAO/UN -ая: Navalnaia, Politkovskaja
        (r"(iia|ija)$", ("ия",)),
        (r"(yy|yi)$", ("ый",)),
        (r"oy$", ("ой",)),
        (r"(ey|ei)$", ("ей",)),
        (r"ay$", ("ай",)),
        (r"(?<=[kgh])y$", ("ий", "и")),
        (r"y$", ("ый", "ий", "ы")),  # Navalny, Yevgeny (English media write -ий as -y too), Moskvy
        (r"ii$", ("ии", "ий")),
        (r"ia$", ("ия",)),
    ]
]
_BACK_DIGRAPHS = re.compile(r"shch|sch|kh|zh|ch|sh|tsk|ts|yu|ya|yo|ye")
_BACK_DIGRAPH_MAP = {
    "shch": "щ", "sch": "щ", "kh": "х", "zh": "ж", "ch": "ч", "sh": "ш", "tsk": "тск", "ts": "ц",
    "yu": "ю", "ya": "я", "yo": "е", "ye": "е",
}  # fmt: skip
_BACK_Y = re.compile(r"(?<=[аеиоуыэюяaeiou])y")
_BACK_LETTERS = str.maketrans("abvgdezijklmnoprstufhcy", "абвгдезийклмнопрстуфхцы")


def _back_part(latin: str) -> list[str]:
    stems = [latin]
    for pattern, endings in _BACK_ENDINGS:
        if pattern.search(latin):
            stems = [pattern.sub(ending, latin) for ending in endings]
            break
    out: list[str] = []
    for stem in stems:
        text = _BACK_DIGRAPHS.sub(lambda m: _BACK_DIGRAPH_MAP[m.group()], stem)
        text = _BACK_Y.sub("й", text).translate(_BACK_LETTERS)
        out.extend(["э" + text[1:], text] if text.startswith("е") else [text])
    return out


def _back_candidates(latin: str) -> list[str]:
    """Cyrillic spellings a romanised word may stand for, likeliest first; hyphen parts separately."""
    candidates = [""]
    for i, part in enumerate(latin.split("-")):
        joiner = "-" if i else ""
        candidates = [c + joiner + b for c in candidates for b in _back_part(part)][:8]
    return candidates


# Latin words that cannot be romanised Russian (English spelling), so are never re-read as Russian
_NOT_ROMANISED = re.compile(r"[^a-z-]|c(?!h)|[wq]|th|ph|ou|oo|gh|ea|^-|-$|--")  # "ee" is Russian too: Alekseeva
_RUSSIAN_ENDING = re.compile(r"(aya|aia|aja|oye|iye|yye|ogo|ego|ykh|ikh|oy|skoy|ova|eva|ina|yna|ovoy|evoy|inoy)$")


# a Russian surname in -ов/-ев/-ёв, any case, or -ин/-ын as written: read as the surname, whatever pymorphy guesses
# ("Титиев" is no plural of "титий", "Титиева" no given name); -ина is left alone (Марина, Ирина are given names)
_SURNAME_FORM = re.compile(r"(?:[оеё]в(?:а|у|ым|ом|е|ой)?|[иы]н)$")


def _best_parse(parses: list[Any], title: bool, word: str = "") -> Any:
    """pymorphy's likeliest parse, except that a capitalised noun that can be a name is read as one:
    "Пригожин" is the surname, not the genitive plural of "пригожина"."""
    first = parses[0]
    if title and _SURNAME_FORM.search(word):
        surnames = [p for p in parses if "Surn" in p.tag.grammemes]
        if surnames:
            return max(surnames, key=lambda p: p.score)
    if not title or {"ADJF", "ADJS", "PRTF"} & first.tag.grammemes:
        return first
    for parse in parses:
        if {"Name", "Surn", "Patr"} & parse.tag.grammemes and parse.score >= first.score / 2:
            return parse
    return first


def _russian_reading(latin: str, title: bool = False) -> Any | None:
    """The pymorphy parse of a romanised Russian word ("otkrytoy", "materi"), or None for other words."""
    latin = latin.replace("x", "ks").replace("tc", "ts")  # Alexeyeva; GOST 52535 tc for ц
    if len(latin) < 4 or _NOT_ROMANISED.search(latin) or latin in _english_words():
        return None  # short and English words misread: "for" as "фора", "Dud" as "дуда"
    morph = _morph()
    candidates = _back_candidates(latin)
    for cyrillic in candidates:
        if morph.word_is_known(cyrillic):
            return _best_parse(morph.parse(cyrillic), title, cyrillic)
    # unknown surnames and adjectives ("Navalnaya" lacks the soft sign): trust the guesser on Russian endings only
    if _RUSSIAN_ENDING.search(latin):
        guess = morph.parse(candidates[0])[0]
        if {"Surn", "ADJF"} & guess.tag.grammemes:
            return guess
    return None


@cache
def _english_words() -> frozenset[str]:
    """The English words of the lists: never read as romanised Russian."""
    raw = _raw_lists()
    entries = [e for key, value in raw.items() if isinstance(value, list) for e in value]
    return frozenset(word for entry in entries for word in entry.split() if word.isascii())


def _person_flags(parses: Iterable[Any]) -> tuple[bool, bool, bool]:
    """Whether any of these parses is a given name, a surname, a patronymic."""
    grammemes: set[str] = set()
    for parse in parses:
        grammemes |= parse.tag.grammemes
    return "Name" in grammemes, "Surn" in grammemes, "Patr" in grammemes


def _acronym_key(lower: str) -> str:
    """Letter by letter, so doubled letters stay (KPP is not KP) while Ю/Yu, Ц/C still meet."""
    return "".join(_skeleton(_SCHEME.translate(ch)) or ch for ch in lower)


@cache
def _raw_lists() -> dict[str, Any]:
    return json.loads(files("civicwatch.resolve").joinpath("data/identity.json").read_text(encoding="utf-8"))


_Flags = tuple[bool, bool, bool]  # given name, surname, patronymic


_NOMINAL = frozenset({"NOUN", "ADJF", "PRTF", "NUMR", "NPRO"})


def _nominative(best: Any) -> bool:
    """Whether the word, as pymorphy reads it, is a nominative noun or adjective (or unknown: "Оюб")."""
    if "UNKN" in best.tag.grammemes or "Fixd" in best.tag.grammemes:
        return True
    return best.tag.POS in _NOMINAL and best.tag.case == "nomn"


def _cyrillic_lemma(lower: str, title: bool) -> tuple[str, _Flags, bool]:
    parses = _morph().parse(lower)
    best = _best_parse(parses, title, lower)
    flags = _person_flags([best, *parses[:3]])
    if title and "Surn" not in best.tag.grammemes and lower.endswith(("ов", "ев", "ин", "ын")):
        # an unknown surname pymorphy misreads and has no surname reading for: the word as written
        if not _morph().word_is_known(lower):
            return lower, (flags[0], True, flags[2]), True
    return best.normal_form.replace("ё", "е"), flags, _nominative(best)


def _latin_lemma(lower: str, title: bool) -> tuple[str, _Flags, bool]:
    """The word itself, or the lemma of the Russian word it romanises ("Otkrytoy" -> "открытый")."""
    latin = _ascii(lower).translate(_APOSTROPHES)
    latin = _raw_lists()["abbreviations"].get(latin, latin)  # St Petersburg = Saint Petersburg
    reading = _russian_reading(latin, title)
    if reading is None:
        return latin, (False, False, False), True
    return reading.normal_form.replace("ё", "е"), _person_flags([reading]), True


@lru_cache(maxsize=200_000)
def _word(token: str) -> tuple[_Part, ...]:
    """A source word as key parts: lemma, transliteration, skeleton; each hyphen-separated part its own."""
    token = _fix_homoglyphs(token)
    letters = sum(ch.isalpha() for ch in token)
    acronym = token.isupper() and 2 <= letters <= _MAX_ACRONYM
    title = token[:1].isupper()
    name_like = all(part[:1].isupper() for part in token.split("-") if part)  # "Кара-Мурза", not "НКО-иноагентов"
    lower = token.lower().replace("ё", "е")
    nominative = True
    if acronym:  # not lemmatised: "КПП" is no inflected word
        lemma, flags, latin = lower, (False, False, False), _acronym_key(lower)
    else:
        cyrillic = bool(_CYRILLIC.search(lower))
        lemma, flags, nominative = _cyrillic_lemma(lower, name_like) if cyrillic else _latin_lemma(lower, name_like)
        latin = lemma if lemma.isascii() else _SCHEME.translate(lemma)
    keys = latin.split("-") if acronym else [_skeleton(part) for part in latin.split("-")]
    sources = lemma.split("-")
    if len(sources) != len(keys):
        sources = keys
    return tuple(
        _Part(key, len(src), acronym, title, *flags, nominative=nominative, joined=i > 0)
        for i, (key, src) in enumerate(zip(keys, sources, strict=True))
        if key
    )


# --------------------------------------------------------------------------------------------- lists


@dataclass(frozen=True)
class _Lists:
    articles: frozenset[str]
    titles: frozenset[str]
    function: frozenset[str]
    descriptors: frozenset[str]
    org_nouns: frozenset[str]
    not_alone: frozenset[str]
    legal_abbr: frozenset[str]
    legal_phrases: tuple[tuple[str, ...], ...]  # longest first
    place_nouns: frozenset[str] = frozenset()  # "city", "область": no place key by themselves
    generic: frozenset[str] = frozenset()  # words that carry no identity: a name made only of these has no key


def _keys_of(entries: Iterable[str]) -> frozenset[str]:
    return frozenset(part.key for entry in entries for token in entry.split() for part in _word(token))


@cache
def _lists() -> _Lists:
    raw = _raw_lists()
    phrases = {tuple(p.key for token in phrase.split() for p in _word(token)) for phrase in raw["legal_form_phrases"]}
    lists = _Lists(
        articles=_keys_of(raw["articles"]),
        titles=_keys_of(raw["titles"]),
        function=_keys_of(raw["function_words"]),
        descriptors=_keys_of(raw["descriptors"]),
        org_nouns=_keys_of(raw["org_nouns"]),
        not_alone=_keys_of(raw["not_alone"]),
        legal_abbr=frozenset(
            key for a in raw["legal_form_abbreviations"] for key in (_skeleton(_SCHEME.translate(a)), _acronym_key(a))
        ),
        legal_phrases=tuple(sorted(phrases, key=len, reverse=True)),
        place_nouns=_keys_of(raw["place_nouns"]),
    )
    generic = lists.articles | lists.function | lists.descriptors | lists.org_nouns | lists.legal_abbr
    return dataclasses.replace(lists, generic=generic)


def _is(key: str, words: frozenset[str]) -> bool:
    """Membership that also accepts an English plural ("groups", "rights", "NGOs")."""
    return key in words or (len(key) > 3 and key.endswith("s") and key[:-1] in words)


# --------------------------------------------------------------------------------------------- names


@dataclass(frozen=True)
class NameKeys:
    """Every key a name is known by; ``None``/empty where the name gives none (see the module doc)."""

    full: str | None = None
    core: str | None = None
    reduced: str | None = None
    acronyms: frozenset[str] = frozenset()
    alternates: frozenset[str] = frozenset()  # keys of names it carries: the quoted name, "(Full Name)"
    surname: str | None = None
    initial: str | None = None  # first letter of a person's given name, to tell namesakes apart
    person: bool = False

    @cached_property
    def strong(self) -> frozenset[str]:
        """Keys that identify the name by themselves (everything but the surname)."""
        keys = {self.full, self.core, self.reduced, *self.acronyms, *self.alternates}
        return frozenset(k for k in keys if k)

    @cached_property
    def variants(self) -> frozenset[str]:
        return self.strong | ({self.surname} if self.surname else set())


# Every quotation style closes with its own mark or the straight one, so the style never changes a key:
# «…», „…“, “…”, "…", ‹…›, ‘…’, ‚…‘ and '…' all give the same keys ("'foreign agents' bill" = "‘foreign agents’ bill").
_OPENERS = {
    "«": "»", "„": "“”\"", "“": "”\"", "‟": "”\"", '"': '"”', "‹": "›",
    "‘": "’'", "‚": "‘’'", "‛": "’'", "'": "'’",
}  # fmt: skip
_SINGLE = frozenset("'‘’‚‛")  # single quotes double as apostrophes: Memorial's, Soldiers' Mothers
_PAREN = re.compile(r"\(([^()]*)\)")
_DASHES = re.compile(r"\s+[–—-]\s+|[–—]")
_DOTTED_ACRONYM = re.compile(r"\b(?:[A-ZА-ЯЁ]\.){2,}")


def _undot(match: re.Match[str]) -> str:
    return match.group().replace(".", "")


_TIES = str.maketrans("", "", "\u00ad\u0360\u0361\ufe20\ufe21\ufe22\ufe23")  # soft hyphen; ALA-LC ties (I͡urii)


def _normalise(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).translate(_TIES)
    text = _DOTTED_ACRONYM.sub(_undot, _DASHES.sub(" ", text))  # F.B.K. = FBK
    return " ".join(text.split()).strip(" .,;:")


def _split_quoted(text: str) -> tuple[str, str, str] | None:
    """(before, inside, after) of the first quoted span; nested «…«…»…» kept whole inside."""
    for start, ch in enumerate(text):
        if ch not in _OPENERS:
            continue
        if ch in _SINGLE and not _opens(text, start):
            continue  # an apostrophe, not an opening quote
        closers, depth = _OPENERS[ch], 0
        for end in range(start + 1, len(text)):
            if text[end] in _SINGLE and not _closes(text, end):
                continue  # an apostrophe inside the quote: 'Memorial's office'
            if text[end] == ch and ch not in closers:
                depth += 1
            elif text[end] in closers:
                if depth == 0:
                    return text[:start], text[start + 1 : end], text[end + 1 :]
                depth -= 1
        return None
    return None


def _opens(text: str, at: int) -> bool:
    """A single quote opens a quotation at the start of a word, not after a letter (Memorial's, Soldiers')."""
    return (at == 0 or not text[at - 1].isalnum()) and at + 1 < len(text) and not text[at + 1].isspace()


def _closes(text: str, at: int) -> bool:
    """A single quote closes a quotation at the end of a word, not before a letter (Memorial's)."""
    return (at + 1 == len(text) or not text[at + 1].isalnum()) and not text[at - 1].isspace()


def _unwrap(text: str) -> str:
    """Drop quotes around the whole name: «Мемориал», "«Мемориал»"."""
    while True:
        split = _split_quoted(text)
        if split is None or split[0].strip() or split[2].strip():
            return text
        text = split[1].strip()


def _parts(text: str) -> list[_Part]:
    out: list[_Part] = []
    for token in _TOKEN.findall(text):
        token = re.sub(r"['’]s$", "", token)  # English possessive: Memorial's
        out.extend(_word(token))
    return out


def _strip_prefixes(parts: list[_Part], quoted_follows: bool) -> list[_Part]:
    """Drop a leading article, title and legal form: none of them changes who the entity is.

    An abbreviation (АНО, LLC) always goes. A spelled-out form goes when it is all that stands before a
    quoted name ("Фонд «Династия»"), or, unquoted, when it has several words and a capitalised name
    follows; a lone "Фонд" before unquoted words may be part of the name ("Фонд борьбы с коррупцией").
    """
    lists = _lists()
    while parts and parts[0].key in lists.articles:
        parts = parts[1:]
    # a title before a name ("President Vladimir Putin"), not a head noun ("Minister of Justice")
    while len(parts) > 1 and parts[0].key in lists.titles and parts[1].title and parts[1].key not in lists.function:
        parts = parts[1:]
    if parts and parts[0].key in lists.legal_abbr and (len(parts) > 1 or quoted_follows):
        return parts[1:]
    keys = tuple(p.key for p in parts)
    for phrase in lists.legal_phrases:
        n = len(phrase)
        if keys[:n] != phrase:
            continue
        if quoted_follows and n == len(parts):
            return []
        if not quoted_follows and n > 1 and len(parts) > n and parts[n].title:
            return parts[n:]
    return parts


def _strip_trailing_legal(parts: list[_Part]) -> list[_Part]:
    lists = _lists()
    while len(parts) > 1 and parts[-1].key in lists.legal_abbr:  # Memorial Ltd
        parts = parts[:-1]
    return parts


def _join(parts: list[_Part]) -> str | None:
    """The key of these words, or None when they are all generic or a lone word fails the guards."""
    if not parts:
        return None
    lists = _lists()
    if all(_is(p.key, _lists().generic) for p in parts):
        return None
    if len(parts) == 1:
        only = parts[0]
        if _is(only.key, lists.not_alone) or (only.letters < _MIN_LETTERS and not only.acronym):
            return None
    return "-".join(p.key for p in parts)


def _reduce(parts: list[_Part]) -> str | None:
    """The name without generic descriptors and organisation nouns at its edges ("Levada Center").

    A leading organisation noun (or "NGOs") goes only before a capitalised word: "Фонд Династия" loses "Фонд",
    but "Committee Against Torture", "Group of Seven" and "Центр защиты прав" keep their head noun, since
    what follows it is a complement, not a name. ("Фонд Зимина" becomes "zimin", like "Zimin Foundation":
    the name family of the foundation, which a person "Zimin" shares as an entity key but not as a surname.)
    """
    lists = _lists()
    edge = lists.descriptors | lists.org_nouns | lists.articles
    start, end = 0, len(parts)
    # "Center for the Protection of Media Rights": the words after "for" are a complement, not descriptors
    if any(p.key in lists.function for p in parts):
        end = _name_before_description(parts)
    else:
        while end > start and _is(parts[end - 1].key, edge):
            end -= 1
    while start < end:
        key = parts[start].key
        if _is(key, lists.descriptors | lists.articles):
            start += 1
        elif _is(key, lists.org_nouns | lists.legal_abbr) and start + 1 < end and parts[start + 1].title:
            start += 1
        else:
            break
    core = parts[start:end]
    if not core or (start, end) == (0, len(parts)) or core[0].key in lists.function:
        return None
    if core[-1].key in lists.function:
        return None
    return _join(core)


def _name_before_description(parts: list[_Part]) -> int:
    """Where a proper name ends and a description made only of generic words begins: "Agora Inter-Regional
    Association of Human Rights Public Associations" is "Agora". The name is the capitalised words before the
    first generic word, with no function word among them; a function word right after the name starts a
    complement ("Navalny for Human Rights" stays whole). Returns ``len(parts)`` where there is no such split.
    """
    lists = _lists()
    cut = len(parts)
    while cut > 0 and _is(parts[cut - 1].key, lists.generic):
        cut -= 1
    head = parts[:cut]
    if not head or cut == len(parts) or parts[cut].key in lists.function or parts[cut].key in lists.articles:
        return len(parts)
    if any(not p.title or p.key in lists.function for p in head):
        return len(parts)
    return cut


def _apposition(parts: list[_Part]) -> int | None:
    """Where a proper name starts after lower-case words that describe it: "election monitoring group Golos",
    "human rights NGO Memorial", "Kremlin critic Alexei Navalny", "издание Медуза".

    The name is the capitalised words (function words allowed inside) that end the phrase, after a lower-case
    word. No function word may stand before it ("supporters of Navalny" is not Navalny), and in Russian both
    the last descriptive word and the name's first word must be able to be nominative: an apposition agrees,
    a genitive complement does not ("сторонники Навального", "Центр защиты прав СМИ", "матери Санкт-Петербурга").
    """
    if len(parts) < 2 or not parts[-1].title:
        return None
    lists = _lists()
    link = lists.function | lists.articles
    at = len(parts)
    while at > 0 and (parts[at - 1].title or parts[at - 1].key in link):
        at -= 1
    if at == 0 or parts[at].key in link and not parts[at].title or not parts[at - 1].key[:1].isalpha():
        return None  # all capitalised, a complement ("of Navalny"), or a number ("17 January")
    if any(p.key in lists.function for p in parts[:at]):
        return None
    if not (parts[at - 1].nominative and parts[at].nominative):
        return None
    return at


_PERSON_SUFFIX = re.compile(r"(ov|ova|ev|eva|in|ina|ski|skaia|ich|enko|uk|ian|shvili|dze)$")


def _looks_like_person(parts: list[_Part]) -> bool:
    """Two to four capitalised words, none generic, with a given name, surname or patronymic among them."""
    if not 2 <= len(parts) <= 4 or not all(p.title for p in parts):
        return False
    generic = _lists().generic | _lists().not_alone
    if any(_is(p.key, generic) for p in parts):
        return False
    return any(p.given or p.surname or p.patronymic for p in parts) or bool(_PERSON_SUFFIX.search(parts[-1].key))


def _person_order(parts: list[_Part]) -> list[_Part]:
    """Given name first, patronymic dropped: the register's "Ходорковский Михаил Борисович" = "Mikhail Khodorkovsky"."""
    patronymic_at = next((i for i in (2, 1) if len(parts) == 3 and parts[i].patronymic), None)
    if patronymic_at is not None:
        parts = [p for i, p in enumerate(parts) if i != patronymic_at]
    if len(parts) == 2:
        first, last = parts
        # surname first when pymorphy is sure of both, or the patronymic closes the name (register order)
        if first.surname and last.given and not last.surname and (not first.given or patronymic_at == 2):
            parts = [last, first]
    return parts


def name_keys(name: str, kind: str | None = None) -> NameKeys:
    """All keys of ``name``. ``kind`` ("PERSON", "ORG", ...) overrides the guess whether it is a person;
    a place kind ("PLACE", "LOC", "GPE", "LOCATION") gives a place its key (see ``_place_key``)."""
    return _name_keys(name, kind)  # positional, so every caller hits the same cache entry


_PLACE_KINDS = frozenset({"PLACE", "LOC", "LOCATION", "GPE"})


def _is_place(kind: str | None) -> bool:
    return kind is not None and kind.upper() in _PLACE_KINDS


@lru_cache(maxsize=65536)
def _name_keys(name: str, kind: str | None) -> NameKeys:
    text = _normalise(name)
    acronyms: set[str] = set()
    alternates: set[str] = set()
    for inner in _PAREN.findall(text):
        _read_parenthetical(inner, acronyms, alternates)
    text = _unwrap(" ".join(_PAREN.sub(" ", text).split()))
    if _is_place(kind):  # "Nazran, Ingushetia": the first place is the one named
        text = _plain(text).split(",")[0]
    else:
        split = _split_quoted(text)
        if split is not None:
            return _quoted_name_keys(split, acronyms, alternates)
    parts = _strip_trailing_legal(_strip_prefixes(_parts(text), quoted_follows=False))
    keys = _unquoted_keys(parts, kind)
    at = _apposition(parts)
    if at is not None:
        named = _unquoted_keys(_strip_prefixes(parts[at:], quoted_follows=False), kind)
        if named.core and (named.person or _is_place(kind)):  # descriptions of people and places go, like titles
            keys = named
        elif named.core:  # "human rights NGO Memorial": one of the Memorials, so a variant of "Memorial"
            keys = NameKeys(
                full=keys.full,
                core=named.core,
                reduced=named.reduced or named.full,
                acronyms=named.acronyms,
                alternates=named.strong - {keys.full},
            )
    if not acronyms and not alternates:
        return keys
    return dataclasses.replace(
        keys,
        core=keys.core or next(iter(sorted(acronyms)), None),
        acronyms=keys.acronyms | acronyms,
        alternates=keys.alternates | alternates,
    )


def _unquoted_keys(parts: list[_Part], kind: str | None) -> NameKeys:
    """The keys of a name without quotes or parentheses."""
    if _is_place(kind):
        key = _place_key(parts)
        return NameKeys(full=key, core=key)
    person = _is_person(parts, kind)
    if person:
        parts = _person_order(parts)
    full = _join(parts)
    acronyms = frozenset({full}) if len(parts) == 1 and parts[0].acronym and full else frozenset()
    reduced = None if person else _reduce(parts)
    surname = _surname(parts) if person else None
    return NameKeys(
        full=full,
        core=reduced or full,
        reduced=reduced,
        acronyms=acronyms,
        surname=surname,
        initial=parts[0].key[:1] if surname else None,
        person=person,
    )


def _surname(parts: list[_Part]) -> str | None:
    """The last word of a person's name, all its hyphenated parts ("Kara-Murza"); None for a one-word name."""
    start = len(parts) - 1
    while start > 0 and parts[start].joined:
        start -= 1
    return _join(parts[start:]) if start > 0 else None


_MIN_PLACE_LETTERS = 3  # Ufa, Orel


def _place_key(parts: list[_Part], exonyms: bool = True) -> str | None:
    """A place's key: the organisation and person guards do not apply ("Moscow", "России" are places), only the
    generic one ("the city", "область" have none). A leading preposition goes ("в Москве"), and an English
    exonym takes its Russian name's key from the list ``place_exonyms`` ("Moscow" = "Москва")."""
    lists = _lists()
    while parts and (parts[0].key in lists.function or parts[0].key in lists.articles):
        parts = parts[1:]
    if not parts or all(_is(p.key, lists.generic | lists.place_nouns) for p in parts):
        return None
    if len(parts) == 1 and parts[0].letters < _MIN_PLACE_LETTERS and not parts[0].acronym:
        return None
    key = "-".join(p.key for p in parts)
    return _exonyms().get(key, key) if exonyms else key


@cache
def _exonyms() -> dict[str, str]:
    """English (and other) names of places -> the key of their Russian name."""
    out: dict[str, str] = {}
    for name, russian in _raw_lists()["place_exonyms"].items():
        key = _place_key(_parts(name), exonyms=False)
        target = _place_key(_parts(russian), exonyms=False)
        if key and target and key != target:
            out[key] = target
    return out


def _is_person(parts: list[_Part], kind: str | None) -> bool:
    if kind is not None:
        return kind.upper() in {"PERSON", "PER"} and len(parts) >= 1
    return _looks_like_person(parts)


def _read_parenthetical(inner: str, acronyms: set[str], alternates: set[str]) -> None:
    """ "(KPP)" is an acronym; "(Комитет против пыток)" another name of the same entity."""
    tokens = _TOKEN.findall(inner)
    if len(tokens) == 1 and tokens[0].isupper():
        key = _join(_parts(inner))
        if key:
            acronyms.add(key)
    elif tokens:
        alternates.update(name_keys(inner, "ORG").strong)


def _quoted_name_keys(split: tuple[str, str, str], acronyms: set[str], alternates: set[str]) -> NameKeys:
    """A legal name around a quoted one: "Международное общество «Мемориал»" has core "memorial"."""
    before, inside, after = split
    inner = name_keys(inside, "ORG")
    outer = _strip_prefixes(_parts(before), quoted_follows=True)
    # the quoted name starts a name, whatever its case ("Фонд «династия»"), so a head noun before it can go
    quoted = _parts(_plain(inside))
    if quoted:
        quoted[0] = dataclasses.replace(quoted[0], title=True)
    parts = _strip_trailing_legal(outer + quoted + _parts(after))
    full = inner.full if not outer and not _parts(after) else _join(parts)
    alternates |= inner.strong
    acronyms |= inner.acronyms
    reduced = _reduce(parts)
    return NameKeys(
        full=full,
        core=inner.core or reduced or full,
        reduced=reduced,
        acronyms=frozenset(acronyms),
        alternates=frozenset(alternates - {full}),
    )


def _plain(text: str) -> str:
    return re.sub(r"[«»„“”‟\"‹›‘’‚‛]", " ", text)


# --------------------------------------------------------------------------------------------- API


def entity_key(name: str, kind: str | None = None) -> str | None:
    """The canonical key of ``name``: shared by its spellings, inflections and legal forms; None if generic.

    >>> entity_key("Международное общество «Мемориал»") == entity_key("Memorial International")
    True
    """
    return name_keys(name, kind).core


def name_variants(name: str, kind: str | None = None) -> set[str]:
    """Every key the name can be known by: full, core (quoted or reduced), acronyms, other names it carries,
    and for a person the surname alone (a weak key: see ``match_strength``)."""
    return set(name_keys(name, kind).variants)


def _strength(a: NameKeys, b: NameKeys) -> float:
    if a.full and a.full == b.full:
        return EXACT
    if a.strong & b.strong:
        return VARIANT
    if _near(a, b):
        return NEAR
    if a.surname and (a.surname == b.full or (a.surname == b.surname and a.initial == b.initial)):
        return SURNAME
    if b.surname and b.surname == a.full:
        return SURNAME
    return NONE


def _near(a: NameKeys, b: NameKeys) -> bool:
    """One slip apart in a long organisation name ("Sakharov Centre"/"Sakharow Centre" is caught by the
    skeleton already; this is for typos). People are excluded: Kalyapin and Kalyagin are two men."""
    if a.person or b.person:
        return False
    for x, y in ((a.full, b.full), (a.core, b.core)):
        if not x or not y or x.count("-") != y.count("-"):
            continue
        if min(len(x), len(y)) - x.count("-") >= _NEAR_MIN_CHARS and Levenshtein.distance(x, y, score_cutoff=1) <= 1:
            return True
    return False


def match_strength(a: str, b: str) -> float:
    """How surely two names are one entity: 1.0 same full key, 0.8 a shared quoted/reduced/acronym key,
    0.7 a one-letter slip in a long organisation name, 0.6 a surname against a person, 0.0 none."""
    return _strength(name_keys(a), name_keys(b))


def same_entity(a: str, b: str) -> bool:
    """True when the names share a non-generic key (the surname key only as ``match_strength`` allows)."""
    return match_strength(a, b) > NONE
