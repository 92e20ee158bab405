"""Splitting a published name into the main name and the other names the registry gives for it.

Russian registers pack several names into one cell:

- persons: ``Фамилия Имя Отчество "Псевдоним, Псевдоним2"``, former names in brackets
  (``Кирия Ксения Дмитриевна (Туркова)``, ``Бортник Егор (Игорь) Михайлович``), and in the PDF-era
  mirrors ``(псевдоним - X)``;
- organisations: a trailing bracket holds a former / foreign-language / short name
  (``«Смола» («Smola»)``, ``(прежнее наименование - ...)``), or the country (``(США)``, ``, ФРГ``), or an
  address (``Deutsche Welle (Германия, Kurt-Schumacher-Strasse 3, 53113 Bonn)``).

Only trailing brackets are read as other names: brackets inside a name are part of it
(``... образования (повышение квалификации) специалистов ...``). The main name keeps its quotes as
published; other names are given without their outer quotes.

Every step is linear in the length of the name: no pattern here can backtrack over the whole name from
each position (the register's own longest name has 212 characters, but a damaged file can hold a cell of
megabytes), and at most ``MAX_TRAILING_PARTS`` trailing parts are taken off a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .countries import ru_country_code
from .text import norm

_QUOTES = "«»\"“”„'"
_BRACKET_PREFIX = re.compile(
    r"^(?:псевдоним\w*|прежн\w* (?:наименовани\w*|фио|фамили\w*|им\w+)|ранее|бывш\w*|"
    r"использующ\w* также наименовани\w*|с \d{1,2}\.\d{1,2}\.\d{4})\s*[-–—:]?\s*",
    re.IGNORECASE,
)
_PSEUDONYM_PREFIX = re.compile(r"^псевдоним\b", re.IGNORECASE)
_PERSON_QUOTED = re.compile(r"\"([^\"]+)\"?|«([^»]+)»?|“([^“”]+)”")
_LEGAL_SUFFIXES = {"LLC", "LTD", "INC", "GMBH", "AG", "SA", "NV", "BV", "PLC", "LLP", "UG", "EV", "AB", "AS", "OY"}
_TRAILING_ABBREVIATION = re.compile(r",\s*([A-Z]{2,8})$")
_TRAILING_COMMA_PART = re.compile(r",\s*([^,()«»\"]+?)\s*$")
_ALSO_NAMED = re.compile(r",\s*(?:другое используемое|сокращенное|также)\s+наименование\s*:?\s*(.+)$", re.IGNORECASE)
_TRAILING_AFTER_CLOSE = re.compile(r"[)»\"]\s+([^,()«»\"]+?)\s*$")  # '(...) Эстонская Республика'
# Only a word right after a space (or at the start) may open the match: a plain '(\S+) \(' is tried from
# every character of a long word and backtracks over all of it, which made a 60,000-character name take 23 s.
_INNER_PERSON_BRACKET = re.compile(r"(?<!\S)(\S+) \(([^()\s]+)\)")
MAX_TRAILING_PARTS = 12  # brackets, countries and abbreviations taken off the end of one name; real ones have 3
_COUNTRY_CITY = re.compile(r",\s*([^,()«»\"]+?),\s*([А-ЯЁA-Z][^,()«»\"\s]*)\s*$")  # ', Великобритания, Лондон'


@dataclass
class SplitName:
    name: str
    other_names: list[str] = field(default_factory=list)
    generated: list[str] = field(default_factory=list)  # other names we composed, not printed as such
    country: str | None = None
    qualifiers: list[str] = field(default_factory=list)  # trailing brackets that are not names (addresses)
    _keys: set[str] = field(default_factory=set, repr=False, compare=False)
    _name_key: tuple[str, str] = field(default=("", ""), repr=False, compare=False)

    def add(self, alias: str, generated: bool = False) -> None:
        alias = clean_alias(alias)
        key = _same_key(alias)
        if not alias or key == self._main_key() or key in self._known():
            return
        self.other_names.append(alias)
        self._keys.add(key)
        if generated:
            self.generated.append(alias)

    def _main_key(self) -> str:
        """The key of ``name``, computed once per name: thousands of other names must not fold it each time."""
        if self._name_key[0] is not self.name:
            self._name_key = (self.name, _same_key(self.name))
        return self._name_key[1]

    def _known(self) -> set[str]:
        """Keys of the other names, in step with ``other_names``: a set, so thousands of names stay linear."""
        if len(self._keys) != len(self.other_names):
            self._keys = {_same_key(known) for known in self.other_names}
        return self._keys


def _same_key(text: str) -> str:
    return text.strip(_QUOTES).casefold()


def _same(a: str, b: str) -> bool:
    return _same_key(a) == _same_key(b)


def clean_alias(text: str) -> str:
    """An other-name without surrounding quotes, brackets, commas or a dangling half of a quote pair."""
    text = norm(text).strip(" ,;")
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    return norm(_strip_outer_quotes(text))


def _strip_outer_quotes(text: str) -> str:
    """'«Смола»' -> 'Смола'; '«МОД «АЛЛАТРА»' -> 'МОД «АЛЛАТРА»' (Russian nesting often drops a closing quote)."""
    opening, closing = text.count("«"), text.count("»")
    if text.startswith("«") and (opening > closing or (text.endswith("»") and opening == closing)):
        text = text[1:-1] if opening == closing else text[1:]
    elif text.endswith("»") and closing > opening:
        text = text[:-1]
    for left, right in (('"', '"'), ("“", "”"), ("„", "“")):
        if len(text) > 1 and text.startswith(left) and text.endswith(right):
            text = text[1:-1]
    if text.count('"') % 2:  # a dangling straight quote at either end
        text = text[1:] if text.startswith('"') else text[:-1] if text.endswith('"') else text
    return text


def _trailing_bracket(text: str) -> tuple[int, str] | None:
    """Start and content of a top-level bracket group that ends the text; an unclosed '(' runs to the end."""
    depth, start, last = 0, -1, None
    for i, char in enumerate(text):
        if char == "(":
            if depth == 0:
                start = i
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                last = (start, i)
    if depth > 0:  # PDF mirrors lose closing brackets: '(псевдоним - Oxxxymiron (Оксимирон)'
        return start, text[start + 1 :]
    if last and last[1] == len(text) - 1:
        return last[0], text[last[0] + 1 : last[1]]
    return None


def _split_top(text: str, separators: str = ",;") -> list[str]:
    """Parts split at top-level separators: never inside (...), nor inside «...» unless right after a '»'.

    The '»,' exception copes with nested quotes that lost a closing mark: '«МОД «АЛЛАТРА», «АллатРа»'.
    """
    parts: list[str] = []
    current: list[str] = []
    parens = quotes = 0
    for char in text:
        if char == "(":
            parens += 1
        elif char == ")" and parens:
            parens -= 1
        elif char == "«":
            quotes += 1
        elif char == "»" and quotes:
            quotes -= 1
        at_top = parens == 0 and (quotes == 0 or (current and current[-1] == "»"))
        if char in separators and at_top:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [norm(part) for part in parts if norm(part)]


def _split_top_commas(text: str) -> list[str]:
    return _split_top(text, ",")


def _is_quoted(text: str) -> bool:
    return len(text) > 1 and text[0] in _QUOTES and text[-1] in _QUOTES


def _looks_like_name(part: str) -> bool:
    """A part that can stand alone as a name: starts like one and is not a legal-form tail ('Inc.')."""
    first = part[:1]
    legal = part.strip(". ").upper().replace(".", "") in _LEGAL_SUFFIXES
    return bool(first) and (first.isupper() or first.isdigit() or first in _QUOTES) and not legal


def _alias_parts(content: str) -> list[str]:
    """The names listed in one bracket: 'ACU, «A», «B»', 'A; «B»', '«A» или «B»'; 'Foo, Inc.' stays one."""
    content = re.sub(r"»\s+или\s+«", "»; «", content)
    parts = [_BRACKET_PREFIX.sub("", part) for part in _split_top(content)]
    if len(parts) > 1 and all(_looks_like_name(part) for part in parts):
        return parts
    return [_BRACKET_PREFIX.sub("", content)]


def _with_inner_brackets(alias: str) -> list[str]:
    """'Oxxxymiron (Оксимирон)' names two pseudonyms."""
    found = _trailing_bracket(alias)
    if not found or found[0] == 0:
        return [alias]
    return [alias[: found[0]], found[1]]


# --- persons -------------------------------------------------------------------------------------


def split_person(text: object) -> SplitName:
    """Main ФИО and other names of a person cell."""
    rest = norm(text)
    result = SplitName(name="")
    pseudonyms = []
    for match in _PERSON_QUOTED.finditer(rest):
        pseudonyms.extend(_split_top_commas(next(group for group in match.groups() if group)))
    rest = norm(_PERSON_QUOTED.sub(" ", rest))
    former: list[str] = []
    for _ in range(MAX_TRAILING_PARTS):
        found = _trailing_bracket(rest)
        if not found:
            break
        former.insert(0, found[1])
        rest = norm(rest[: found[0]])
    rest, substituted = _inner_person_brackets(rest)
    result.name = rest
    for alias in former:
        _add_former_person_name(result, alias)
    for alias in pseudonyms:
        for part in _with_inner_brackets(alias):
            result.add(part)
    for alias in substituted:
        result.add(alias, generated=True)
    return result


def _add_former_person_name(result: SplitName, content: str) -> None:
    pseudonym = bool(_PSEUDONYM_PREFIX.match(norm(content)))
    content = _BRACKET_PREFIX.sub("", norm(content))
    words = result.name.split()
    if not pseudonym and len(content.split()) == 1 and len(words) >= 2:
        # A single word after the full ФИО is a former surname: 'Кирия Ксения Дмитриевна (Туркова)'.
        result.add(" ".join([content, *words[1:]]), generated=True)
        return
    for part in _with_inner_brackets(content):
        result.add(part)


def _inner_person_brackets(text: str) -> tuple[str, list[str]]:
    """'Бортник Егор (Игорь) Михайлович' -> ('Бортник Егор Михайлович', ['Бортник Игорь Михайлович'])."""
    match = _INNER_PERSON_BRACKET.search(text)
    if not match:
        return text, []
    main = norm(text[: match.start()] + match[1] + text[match.end() :])
    variant = norm(text[: match.start()] + match[2] + text[match.end() :])
    return main, [variant]


_PATRONYMIC_FIO = re.compile(
    r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)? [А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)? "
    r"[А-ЯЁ][а-яё]+(?:ич|вна|ична|инична|оглы|кызы|улы|угли|кизи)"
)


def looks_like_russian_fio(name: str) -> bool:
    """'Фамилия Имя Отчество' with a patronymic ending; used only where the register gives no type."""
    return bool(_PATRONYMIC_FIO.fullmatch(norm(name)))


# --- organisations -------------------------------------------------------------------------------


def split_organisation(text: object) -> SplitName:
    """Main name, other names, country and address-like qualifiers of an organisation cell."""
    result = SplitName(name=norm(text))
    aliases: list[str] = []
    _strip_trailing_parts(result, aliases)
    result.name, listed = _split_quoted_list(result.name)
    for alias in [*listed, *aliases]:
        result.add(alias)
    return result


def _strip_trailing_parts(result: SplitName, aliases: list[str]) -> None:
    for _ in range(MAX_TRAILING_PARTS):
        if not _strip_trailing_part(result, aliases):
            return


def _strip_trailing_part(result: SplitName, aliases: list[str]) -> bool:
    """Move one trailing country / abbreviation / bracket / 'also named' off the name; False when none is left."""
    strippers = (_strip_country_city, _strip_country, _strip_abbreviation, _strip_bracket, _strip_also_named)
    return any(strip(result, aliases) for strip in strippers)


def _strip_country_city(result: SplitName, aliases: list[str]) -> bool:
    city = _COUNTRY_CITY.search(result.name)
    if not (city and ru_country_code(city[1]) and not ru_country_code(city[2])):
        return False
    result.country = result.country or city[1]
    result.qualifiers.insert(0, city[2])
    result.name = norm(result.name[: city.start()])
    return True


def _strip_country(result: SplitName, aliases: list[str]) -> bool:
    tail = _TRAILING_COMMA_PART.search(result.name) or _TRAILING_AFTER_CLOSE.search(result.name)
    if not (tail and ru_country_code(tail[1])):
        return False
    result.country = result.country or tail[1].rstrip(". ")
    result.name = norm(result.name[: tail.start(1)]).rstrip(" ,")
    return True


def _strip_abbreviation(result: SplitName, aliases: list[str]) -> bool:
    abbreviation = _TRAILING_ABBREVIATION.search(result.name)
    if not abbreviation or abbreviation[1] in _LEGAL_SUFFIXES:
        return False
    aliases.insert(0, abbreviation[1])
    result.name = norm(result.name[: abbreviation.start()])
    return True


def _strip_bracket(result: SplitName, aliases: list[str]) -> bool:
    found = _trailing_bracket(result.name)
    if not found or found[0] == 0 or re.fullmatch(r"[a-zа-яё]\S*", found[1]):
        return False  # '(haftungsbeschränkt)' qualifies the legal form; it is part of the name
    result.name = norm(result.name[: found[0]]).rstrip(" ,")
    aliases[:0] = _read_bracket(result, found[1])
    return True


def _strip_also_named(result: SplitName, aliases: list[str]) -> bool:
    also = _ALSO_NAMED.search(result.name)
    if not also:
        return False
    aliases.insert(0, also[1])
    result.name = norm(result.name[: also.start()])
    return True


def _read_bracket(result: SplitName, content: str) -> list[str]:
    """The other names in a trailing bracket; a country goes to result.country, an address to qualifiers."""
    inner = SplitName(name=content)
    nested: list[str] = []
    _strip_trailing_parts(inner, nested)  # '(CST, «...» («...») (США)' with a lost ')'
    result.country = result.country or inner.country
    result.qualifiers[:0] = inner.qualifiers
    parts = _split_top_commas(inner.name)
    if parts and ru_country_code(parts[-1]):
        result.country = result.country or parts.pop().rstrip(". ")
    elif len(parts) > 1 and ru_country_code(parts[0]) and _has_number(inner.name):
        result.country = result.country or parts.pop(0)
    rest = ", ".join(parts)
    if rest and _has_number(rest) and not _BRACKET_PREFIX.match(rest):
        result.qualifiers.insert(0, rest)  # an address or registration number, not a name
        rest = ""
    names = [part for alias in _alias_parts(rest) for part in _with_inner_brackets(alias)] if rest else []
    return [*names, *nested]


def _has_number(text: str) -> bool:
    """A postcode / registration number / registration date, not 'B4Ukraine', «Процесс 2021» or 'Фонд 24.02'."""
    return bool(re.search(r"\b\d{5,}\b|регистрац", re.sub(r"«[^«»]*»", "", text), re.IGNORECASE))


def _split_quoted_list(name: str) -> tuple[str, list[str]]:
    """'«Русский криминал», «ВЧК-ОГПУ»' lists two names; only split when every part is fully quoted."""
    parts = _split_top_commas(name)
    if len(parts) > 1 and all(_is_quoted(part) for part in parts):
        return parts[0], parts[1:]
    return name, []
