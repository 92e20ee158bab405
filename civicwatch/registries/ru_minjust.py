"""RU Ministry of Justice register of foreign agents (255-FZ): official XLSX, camelot CSV, fz255 JSON mirror.

All three are read into the same neutral row (a dict keyed by the names in ``_FIELDS``) and turned into
entries by one function, so the same subject looks the same whichever file it came from.

Never read: СНИЛС / ``snils`` (pension number), ``Дата рождения`` / ``dob``, the special bank account
and correspondent account numbers. An individual's address and bank details are dropped too; an
organisation's are kept.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from functools import partial

from .countries import ru_country_code
from .model import RegistryEntry, RowProblem
from .names import SplitName, looks_like_russian_fio, split_organisation, split_person
from .source import Format, Parsed, Table, as_of_from_cell
from .tabular import read_records
from .text import (
    DateError,
    cell_text,
    fix_pdf_numero,
    norm,
    norm_or_none,
    number_or_none,
    parse_ru_date,
    split_members,
    split_resources,
)

REGISTRY = "ru-foreign-agents"
PERSON_TYPE = "Физические лица"

# Official XLSX header -> neutral field; None marks columns that are part of the layout but never read.
XLSX_COLUMNS = {
    "№ п/п": "id",
    "Полное наименование (прежнее наименование (в случае его изменения)) / ФИО «Псевдоним» (при наличии) "
    "(прежние ФИО (в случае их изменения))": "name",
    "Основания для включения": "grounds",
    "Дата принятия Минюстом России решения о включении в реестр": "date_in",
    "Дата принятия Минюстом России решения об исключении из реестра (при наличии)": "date_out",
    "Доменное имя информационного ресурса (при наличии)": "resources",
    "Тип иностранного агента": "type",
    "Регистрационный номер": "reg_number",
    "ИНН": "inn",
    "ОГРН": "ogrn",
    "СНИЛС": None,
    "Дата рождения": None,
    "Полное наименование или ФИО участников": "members",
    "Адрес (место нахождения)": "address",
    "Дата опубликования принятого Минюстом России решения о включении в реестр": "date_published",
    "Номер специального счета": None,
    "Наименование и местонахождение уполномоченного банка": "bank",
    "Банковский идентификационный код уполномоченного банка": None,
    "Номер корреспондентского счета (субсчета) уполномоченного банка (его филиала)": None,
    "Дата открытия специального счета": "account_opened",
    "Дата заключения договора банковского счёта": "account_contract",
}

CAMELOT_COLUMNS = {
    "№ п/п": "id",
    "Полное наименование/ФИО": "name",
    "Дата рождения": None,
    "ОГРН": "ogrn",
    "ИНН": "inn",
    "Регистрационный номер": "reg_number",
    "СНИЛС": None,
    "Адрес (место нахождения)": "address",
    "Информационный ресурс": "resources",
    "Полное наименование/ФИО участников": "members",
    "Основания включения": "grounds",
    "Дата принятия решения о включении": "date_in",
    "Дата принятия решения об исключении": "date_out",
    "Номер страницы в pdf": "pdf_page",
}

FZ255_KEYS = {
    "id": "id",
    "fullName": "name",
    "dob": None,
    "ogrn": "ogrn",
    "inn": "inn",
    "regNum": "reg_number",
    "snils": None,
    "address": "address",
    "resources": "resources",
    "members": "members",
    "law": "grounds",
    "dateIn": "date_in",
    "datePubl": "date_published",
    "dateOut": "date_out",
}

# Only consulted when the file has no type column and the name is not a ФИО.
_ORG_HINT = re.compile(
    r"[«»\"]|\b(?:ООО|АНО|НКО|фонд|организац|движени|объединени|проект|издани|центр|ассоциац|сообществ|"
    r"альянс|компани|обществ|юридическ|inc|ltd|llc|gmbh|foundation|fund|fonds|media|network)",
    re.IGNORECASE,
)


# --- readers -------------------------------------------------------------------------------------


def parse_xlsx(table: Table) -> Parsed:
    parsed = Parsed("minjust-xlsx", as_of=as_of_from_cell(table.as_of_cell))
    positions = {norm(column): index for index, column in enumerate(table.columns)}
    wanted = {key: positions[norm(column)] for column, key in XLSX_COLUMNS.items() if key}
    _warn_unknown_columns(table.columns, XLSX_COLUMNS, table.header_row + 1, parsed.warnings)
    for index in range(table.header_row + 1, len(table.rows)):
        with parsed.row(index + 1):  # no raw: the row holds the СНИЛС and birth-date cells
            cells = table.rows[index]
            row = {key: cell_text(cells[pos]) if pos < len(cells) else "" for key, pos in wanted.items()}
            if any(row.values()):
                _add(parsed, row, index + 1, "\t".join(row.values()))  # read columns only: no СНИЛС, no birth date
    return parsed


def parse_camelot_csv(table: Table) -> Parsed:
    parsed = Parsed("camelot-csv")
    keys = {index: CAMELOT_COLUMNS.get(norm(column)) for index, column in enumerate(table.columns)}
    _warn_unknown_columns(table.columns, CAMELOT_COLUMNS, 1, parsed.warnings)
    redact = partial(_redact_csv_line, keys=keys)
    for record in read_records(table.rows, len(table.columns), lambda fields: True, parsed.problems, redact):
        with parsed.row(record.line):
            row = {key: norm(value) for index, value in enumerate(record.fields) if (key := keys.get(index))}
            _add(parsed, row, record.line, "\t".join(row.values()))
    return parsed


def _redact_csv_line(line: str, keys: dict[int, str | None]) -> str:
    """A malformed line for the problem report, without the СНИЛС / birth-date cells.

    When the field count is off, columns cannot be told apart, so only the first two cells (№, name) stay.
    """
    fields = next(csv.reader([line]), [])
    if len(fields) != len(keys):
        return "\t".join(fields[:2]) + "\t…"
    return "\t".join(value for index, value in enumerate(fields) if keys.get(index))


def parse_fz255_json(table: Table) -> Parsed:
    parsed = Parsed("fz255-json")
    for position, item in enumerate(table.rows, start=1):
        if not isinstance(item, dict) or not item.get("fullName"):
            raw = _safe_raw(item, FZ255_KEYS) if isinstance(item, dict) else str(item)[:500]
            parsed.problems.append(RowProblem(position, "not an object with fullName", raw))
            continue
        with parsed.row(position, _safe_raw(item, FZ255_KEYS)):
            row = {key: norm(item.get(name)) for name, key in FZ255_KEYS.items() if key}
            _add(parsed, row, position, _safe_raw(item, FZ255_KEYS))
    return parsed


def _safe_raw(item: dict, keys: dict) -> str:
    """The raw object for a problem report, without the fields we never keep."""
    return str({name: value for name, value in item.items() if keys.get(name, name)})[:500]


def _warn_unknown_columns(columns: list[str], known: dict, line: int, warnings: list[RowProblem]) -> None:
    known_norm = {norm(column) for column in known}
    for column in columns:
        if norm(column) and norm(column) not in known_norm:
            warnings.append(RowProblem(line, f"unknown column ignored: {column}", ""))


# --- row -> entry --------------------------------------------------------------------------------


def _add(parsed: Parsed, row: dict[str, str], line: int, raw: str) -> None:
    if not row.get("id") or not row.get("name"):
        parsed.problems.append(RowProblem(line, "row without № п/п or name", raw[:500]))
        return
    parsed.add(entry_from_row(row, line, parsed.warnings), line, raw)


def entry_from_row(row: dict[str, str], line: int, warnings: list[RowProblem]) -> RegistryEntry:
    # PDF extraction glues a word to the opening quote: 'организация«Центр'
    row = {**row, "name": re.sub(r"(?<=[^\W\d_])«", " «", row["name"])}
    entity_type = row.get("type") or None
    is_person = _is_person(row, entity_type)
    split = split_person(row["name"]) if is_person else split_organisation(row["name"])
    resources, telegram_ids = split_resources(row.get("resources"))
    return RegistryEntry(
        registry=REGISTRY,
        entry_id=norm(row["id"]),
        name=split.name,
        other_names=tuple(split.other_names),
        is_person=is_person,
        entity_type=entity_type,
        date_in=_date(row, "date_in", line, warnings),
        date_out=_date(row, "date_out", line, warnings),
        inn=_identifier(row, "inn", (10, 12), line, warnings),
        ogrn=_identifier(row, "ogrn", (13,), line, warnings),
        reg_number=number_or_none(row.get("reg_number")),
        grounds=fix_pdf_numero(norm_or_none(row.get("grounds"))),
        resources=resources,
        country=split.country,
        extra=_extra(row, split, is_person, telegram_ids, line, warnings),
    )


def _is_person(row: dict[str, str], entity_type: str | None) -> bool | None:
    """From the register's type where given; the PDF mirrors have none, so use INN length and the name."""
    if entity_type:
        return entity_type == PERSON_TYPE
    inn = number_or_none(row.get("inn")) or ""
    if len(inn) == 12 or looks_like_russian_fio(split_person(row["name"]).name):
        return True
    if len(inn) == 10 or row.get("ogrn") or _ORG_HINT.search(row["name"]):
        return False
    return None


def _identifier(
    row: dict[str, str], key: str, lengths: tuple[int, ...], line: int, warnings: list[RowProblem]
) -> str | None:
    """An INN (10 or 12 digits) or OGRN (13); anything else is a typo or a stray value, reported and left empty."""
    value = number_or_none(row.get(key))
    if value is None or (value.isascii() and value.isdigit() and len(value) in lengths):
        return value
    digits = " or ".join(str(n) for n in lengths)
    warnings.append(RowProblem(line, f"{key}: not a {digits}-digit number; left empty", value[:100]))
    return None


def _date(row: dict[str, str], key: str, line: int, warnings: list[RowProblem]) -> date | None:
    try:
        return parse_ru_date(row.get(key))
    except DateError as exc:
        warnings.append(RowProblem(line, f"{key}: {exc}; left empty", row.get(key, "")))
        return None


def _iso(row: dict[str, str], key: str, line: int, warnings: list[RowProblem]) -> str | None:
    value = _date(row, key, line, warnings)
    return value.isoformat() if value else None


def _extra(
    row: dict[str, str],
    split: SplitName,
    is_person: bool | None,
    telegram_ids: tuple[str, ...],
    line: int,
    warnings: list[RowProblem],
) -> dict:
    extra: dict = {
        "name_as_published": norm(row["name"]) if norm(row["name"]) != split.name else None,
        "generated_other_names": tuple(split.generated) or None,
        "name_qualifiers": tuple(split.qualifiers) or None,
        "country_code": ru_country_code(split.country) if split.country else None,
        "telegram_ids": telegram_ids or None,
        "members": split_members(row.get("members")) or None,
        "date_published": _iso(row, "date_published", line, warnings),
        "pdf_page": norm_or_none(row.get("pdf_page")),
    }
    if is_person is False:  # an organisation's address and bank are public facts; an individual's are not kept
        extra["address"] = norm_or_none(row.get("address"))
        extra["special_account_bank"] = norm_or_none(row.get("bank"))
        extra["special_account_opened"] = _iso(row, "account_opened", line, warnings)
        extra["special_account_contract"] = _iso(row, "account_contract", line, warnings)
    return {key: value for key, value in extra.items() if value is not None}


FORMATS = (
    Format("minjust-xlsx", "xlsx", tuple(XLSX_COLUMNS), parse_xlsx),
    Format("camelot-csv", "csv", tuple(CAMELOT_COLUMNS), parse_camelot_csv),
    Format("fz255-json", "json", ("id", "fullName", "dateIn", "dateOut", "law"), parse_fz255_json),
)
