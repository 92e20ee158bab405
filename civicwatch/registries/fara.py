"""US DOJ FARA: bulk registrants CSV, bulk foreign-principals CSV, and the eFile "browse" export.

Person or organisation? The bulk files have no type column. Individuals are printed "Last, First
Middle" and ``Business Name`` is NOT a signal: it is a trade name that both firms ("Quinn Gillespie &
Associates, LLC" / "QGA Public Affairs") and individuals ("Tate, Florence" / "Florence Tate &
Associates") fill, and most individuals leave it empty like most firms do. So a registrant is a
person when its name has the "Last, First" shape (or "First Last, Jr.") and no organisation word; a
name without a comma is an organisation (FARA does not print individuals that way); anything else
stays None. On the 2025-04-09 file: 2,116 persons, 4,811 organisations, 1 None. Foreign principals
are printed in natural order, so only an honorific ("Mr.", "H.E.") marks a person there; most stay None.

Addresses are kept for organisations only.
"""

from __future__ import annotations

import re
from datetime import date

from .countries import fara_country_code
from .model import RegistryEntry, RowProblem
from .source import Format, Parsed, Table
from .tabular import Record, read_records
from .text import DateError, is_us_date_or_empty, norm, norm_or_none, parse_us_date, unhtml

REGISTRANTS = "us-fara-registrants"
PRINCIPALS = "us-fara-principals"

REGISTRANT_COLUMNS = (
    "Registration Number", "Registration Date", "Termination Date", "Name", "Business Name",
    "Address 1", "Address 2", "City", "State", "Zip",
)  # fmt: skip
PRINCIPAL_COLUMNS = (
    "Foreign Principal Termination Date", "Foreign Principal", "Foreign Principal Registration Date",
    "Country/Location Represented", "Registration Number", "Registrant Date", "Registrant Name",
    "Address 1", "Address 2", "City", "State", "Zip",
)  # fmt: skip
# The browse export glues header words where the web table wrapped them.
BROWSE_COLUMNS = (
    "Country/LocationRepresented", "Foreign Principal", "Foreign PrincipalRegistration Date", "Address",
    "State", "Registrant", "Registration #", "RegistrationDate",
)  # fmt: skip

_ORG_WORDS = re.compile(
    r"\b(?:inc|llc|l\.l\.c|ltd|limited|corp|corporation|company|co|cos|group|associates|assoc|partners|"
    r"partnership|llp|lp|plc|pllc|pc|p\.c|pa|p\.a|gmbh|ag|sa|s\.a|nv|bv|government|ministry|embassy|consulate|"
    r"office|bureau|agency|council|committee|commission|association|foundation|institute|university|party|"
    r"union|league|federation|chamber|bank|board|authority|republic|kingdom|state|department|services?|"
    r"cent(?:er|re)|organi[sz]ation|movement|front|congress|society|trust|fund|media|news|press|"
    r"communications?|strategies|strategy|consulting|consultants?|international|holdings?|enterprises?|"
    r"touris[mt]|airlines?|trade|trading|club|church|mission|school|college|academy|network|alliance|coalition|"
    r"project|forum|studios?|productions?|law|firm|affairs|relations|public|global|solutions|advisors|"
    r"advisory|information|travel|systems|industries|energy|petroleum|shipping|lines|export|development|"
    r"investments?|capital|management|marketing|research|worldwide|national|federal|delegation|"
    r"representative|friends|radio|television|tv|times|journal|publishing|publications|broadcasting|films?|"
    r"partido|partio|filial|instituto|oficina|gobierno|ministerio|camara|asociacion|comite|consejo|embajada|"
    r"nfp|usa|l\.?l\.?p|l\.c|dba|of|the|for|and)\b",  # English function words do not occur in personal names
    re.IGNORECASE,
)
_LETTERS = r"[^\W\d_](?:[^\W\d_]|['’.\-])*"  # a name token: letters, apostrophes, dots, hyphens
_SUFFIX = r"(?:Jr|Sr|II|III|IV|Esq)\.?"
_LAST_FIRST = re.compile(rf"{_LETTERS}(?: {_LETTERS})*,\s*{_LETTERS}(?: {_LETTERS})*(?:, {_SUFFIX})?")
_FIRST_LAST_SUFFIX = re.compile(rf"{_LETTERS}(?: {_LETTERS})+, {_SUFFIX}")  # 'Irwin W. Stolz, Jr.'
_NICKNAME = re.compile(r"\s?\([^()]*\)|\s?\"[^\"]*\"")  # 'Jones, Theodore L. (TED)', 'McCrary, John ("Tex")'
_HONORIFIC = re.compile(r"(?:Mr|Mrs|Ms|Dr|H\.\s?E|Sheikh|Prince|Princess|Ambassador)\.?\s", re.IGNORECASE)


# --- person detection ----------------------------------------------------------------------------


def registrant_is_person(name: str) -> bool | None:
    if re.search(r"[&/\d]", name):
        return False  # firms ("Windels, Marx, Davies & Ives"), never one individual
    bare = _without_nicknames(name)
    if _FIRST_LAST_SUFFIX.fullmatch(bare):
        return not _ORG_WORDS.search(bare)
    if _LAST_FIRST.fullmatch(bare):
        surname, given = bare.split(",", 1)
        # a one-word surname may itself be an organisation word (Church, Law, Banks): judge the given names
        checked = given if " " not in surname.strip() else bare
        return not _ORG_WORDS.search(checked)
    return False if "," not in name or _ORG_WORDS.search(name) else None


def _without_nicknames(name: str) -> str:
    return norm(_NICKNAME.sub("", name)).strip(" ,")


def principal_is_person(name: str) -> bool | None:
    organisation = bool(re.search(r"[&/\d]", name) or _ORG_WORDS.search(name))
    if _HONORIFIC.match(name):
        # 'Mr. Nikolai Zlochevsky (through Burisma Holdings, Limited)' vs 'Prince Albert 2 of Monaco Foundation'
        return None if organisation else True
    return False if organisation else None


def natural_order(name: str) -> str | None:
    """'Manafort Jr., Paul J.' -> 'Paul J. Manafort Jr.' (the order news text uses); None if already natural."""
    bare = _without_nicknames(name)
    if _FIRST_LAST_SUFFIX.fullmatch(bare) or "," not in bare:
        return None
    last, first, *suffix = [part.strip() for part in bare.split(",")]
    return norm(" ".join([first, last, *suffix]))


# --- shared --------------------------------------------------------------------------------------


def _columns(table: Table, expected: tuple[str, ...]) -> dict[str, int]:
    positions = {norm(column): index for index, column in enumerate(table.columns)}
    return {column: positions[column] for column in expected}


def _validator(positions: dict[str, int], dates: tuple[str, ...], number: str):
    """Accept a record only if its date columns hold dates and its registration number is a number."""

    def valid(fields: list[str]) -> bool:
        return norm(fields[positions[number]]).isdigit() and all(
            is_us_date_or_empty(fields[positions[column]]) for column in dates
        )

    return valid


def _records(table: Table, parsed: Parsed, dates: tuple[str, ...], number: str, expected: tuple[str, ...]):
    positions = _columns(table, expected)
    valid = _validator(positions, dates, number)
    for record in read_records(table.rows, len(table.columns), valid, parsed.problems):
        if record.repaired:
            parsed.warnings.append(
                RowProblem(record.line, "unescaped quotes inside a field; split on '\",\"'", record.raw)
            )
        yield record, {column: record.fields[index] for column, index in positions.items()}


def _date(value: str, record: Record, warnings: list[RowProblem]) -> date | None:
    try:
        return parse_us_date(value)
    except DateError as exc:  # unreachable for validated records; kept for safety
        warnings.append(RowProblem(record.line, str(exc), record.raw))
        return None


def _address(*parts: str) -> str | None:
    return ", ".join(part for part in (norm(p) for p in parts) if part) or None


def _clean_extra(extra: dict) -> dict:
    return {key: value for key, value in extra.items() if value is not None}


# --- registrants ---------------------------------------------------------------------------------


def parse_registrants(table: Table) -> Parsed:
    parsed = Parsed("fara-bulk-csv")
    dates = ("Registration Date", "Termination Date")
    for record, row in _records(table, parsed, dates, "Registration Number", REGISTRANT_COLUMNS):
        with parsed.row(record.line, record.raw):
            parsed.add(_registrant(record, row, parsed.warnings), record.line, record.raw)
    return parsed


def _registrant(record: Record, row: dict[str, str], warnings: list[RowProblem]) -> RegistryEntry:
    name = norm(row["Name"])
    is_person = registrant_is_person(name)
    business = norm_or_none(row["Business Name"])
    other_names = []
    # "(See Reg. No. 48)" is a cross-reference, not a name
    if business and not re.match(r"\(?\s*see\b", business, re.IGNORECASE):
        other_names.append(business)
    generated = natural_order(name) if is_person else None  # made by us, hence marked as generated
    if generated:
        other_names.append(generated)
    address = _address(row["Address 1"], row["Address 2"], row["City"], row["State"], row["Zip"])
    return RegistryEntry(
        registry=REGISTRANTS,
        entry_id=norm(row["Registration Number"]),
        name=name,
        other_names=tuple(dict.fromkeys(other_names)),
        is_person=is_person,
        date_in=_date(row["Registration Date"], record, warnings),
        date_out=_date(row["Termination Date"], record, warnings),
        reg_number=norm(row["Registration Number"]),
        extra=_clean_extra(
            {
                "business_name": business,
                "generated_other_names": (generated,) if generated else None,
                "address": address if is_person is False else None,
            }
        ),
    )


# --- foreign principals --------------------------------------------------------------------------


def principal_id(reg_number: str, name: str, registered: date | None) -> str:
    """Registration number + principal name + principal registration date.

    A registrant can register the same principal again after terminating it (both rows stay in the
    file), so number and name alone are not unique.
    """
    return f"{reg_number}|{name}|{registered.isoformat() if registered else ''}"


def parse_principals(table: Table) -> Parsed:
    parsed = Parsed("fara-bulk-csv")
    dates = ("Foreign Principal Termination Date", "Foreign Principal Registration Date", "Registrant Date")
    for record, row in _records(table, parsed, dates, "Registration Number", PRINCIPAL_COLUMNS):
        with parsed.row(record.line, record.raw):
            _add_principal(parsed, record, row)
    return parsed


def _add_principal(parsed: Parsed, record: Record, row: dict[str, str]) -> None:
    address = _address(row["Address 1"], row["Address 2"], row["City"], row["State"], row["Zip"])
    parsed.add(
        _principal(
            record,
            parsed.warnings,
            name=row["Foreign Principal"],
            registered=row["Foreign Principal Registration Date"],
            terminated=row["Foreign Principal Termination Date"],
            country=row["Country/Location Represented"],
            reg_number=row["Registration Number"],
            registrant=row["Registrant Name"],
            registrant_date=row["Registrant Date"],
            address=address,
        ),
        record.line,
        record.raw,
    )


def parse_browse(table: Table) -> Parsed:
    """The eFile 'Active Foreign Principals' export: active only, address lines glued, '&nbsp;' residue."""
    parsed = Parsed("fara-browse-csv")
    dates = ("Foreign PrincipalRegistration Date", "RegistrationDate")
    for record, row in _records(table, parsed, dates, "Registration #", BROWSE_COLUMNS):
        with parsed.row(record.line, record.raw):
            _add_browsed(parsed, record, row)
    return parsed


def _add_browsed(parsed: Parsed, record: Record, row: dict[str, str]) -> None:
    parsed.add(
        _principal(
            record,
            parsed.warnings,
            name=unhtml(row["Foreign Principal"]),
            registered=row["Foreign PrincipalRegistration Date"],
            terminated="",
            country=unhtml(row["Country/LocationRepresented"]),
            reg_number=row["Registration #"],
            registrant=unhtml(row["Registrant"]),
            registrant_date=row["RegistrationDate"],
            address=_address(unhtml(row["Address"]), unhtml(row["State"])),
        ),
        record.line,
        record.raw,
    )


def _principal(record: Record, warnings: list[RowProblem], **row: str | None) -> RegistryEntry:
    name = norm(row["name"])
    reg_number = norm(row["reg_number"])
    registered = _date(row["registered"] or "", record, warnings)
    is_person = principal_is_person(name)
    country = norm_or_none(row["country"])
    registrant_date = _date(row["registrant_date"] or "", record, warnings)
    extra = {
        "country_code": fara_country_code(country),
        "registrant_name": norm_or_none(row["registrant"]),
        "registrant_date": registrant_date.isoformat() if registrant_date else None,
        "address": row["address"] if is_person is False else None,
    }
    return RegistryEntry(
        registry=PRINCIPALS,
        entry_id=principal_id(reg_number, name, registered),
        name=name,
        is_person=is_person,
        date_in=registered,
        date_out=_date(row["terminated"] or "", record, warnings),
        reg_number=reg_number,
        country=country,
        extra=_clean_extra(extra),
    )


REGISTRANT_FORMATS = (Format("fara-bulk-csv", "csv", REGISTRANT_COLUMNS, parse_registrants),)
PRINCIPAL_FORMATS = (
    Format("fara-bulk-csv", "csv", PRINCIPAL_COLUMNS, parse_principals),
    Format("fara-browse-csv", "csv", BROWSE_COLUMNS, parse_browse),
)
