"""RU list of undesirable foreign/international organisations: fz255 JSON mirror and chekazoid plugin JSON."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from .countries import ru_country_code
from .model import RegistryEntry, RowProblem
from .names import SplitName, clean_alias, split_organisation
from .source import Format, Parsed, Table
from .text import DateError, find_ru_date, norm, norm_or_none, parse_ru_date

REGISTRY = "ru-undesirable"


def parse_fz255_json(table: Table) -> Parsed:
    """fz255 scrape of the Minjust HTML table; a cell holding a lone space (NBSP) means 'no decision'."""
    return _parse_objects(table, "fz255-json", ("id", "fullName"), _fz255_entry)


def _parse_objects(
    table: Table,
    source_format: str,
    required: tuple[str, ...],
    entry: Callable[[dict, int, list[RowProblem]], RegistryEntry],
) -> Parsed:
    """One entry per JSON object of the table; an item that is not an object with the ``required`` keys
    filled is a problem of its row."""
    parsed = Parsed(source_format)
    for position, item in enumerate(table.rows, start=1):
        if not isinstance(item, dict) or not all(norm(item.get(key)) for key in required):
            parsed.problems.append(
                RowProblem(position, f"not an object with {' and '.join(required)}", str(item)[:500])
            )
            continue
        with parsed.row(position, item):
            parsed.add(entry(item, position, parsed.warnings), position, str(item))
    return parsed


def _fz255_entry(item: dict, position: int, warnings: list[RowProblem]) -> RegistryEntry:
    split = split_organisation(item["fullName"])
    decision_in = norm_or_none(item.get("decisionInMinjust"))
    decision_out = norm_or_none(item.get("decisionOutMinjust"))
    extra = {
        "decision_in_minjust": decision_in,
        "decision_in_genproc": norm_or_none(item.get("decisionInGenproc")),
        "genproc_decision_date": _iso(_found_date(item.get("decisionInGenproc"), position, warnings)),
        "decision_out_minjust": decision_out,
        "decision_out_genproc": norm_or_none(item.get("decisionOutGenproc")),
    }
    return _entry(
        entry_id=norm(item["id"]),
        raw_name=item["fullName"],
        split=split,
        # the scraper's own date fields first; the decision text when it left them empty
        date_in=_date(item.get("dateIn"), position, warnings) or _found_date(decision_in, position, warnings),
        date_out=_date(item.get("dateOut"), position, warnings) or _found_date(decision_out, position, warnings),
        extra=extra,
    )


def parse_chekazoid_json(table: Table) -> Parsed:
    """chekazoid plugin bundle: no register number, so the official name is the id; its aliases are generated."""
    return _parse_objects(table, "chekazoid-json", ("name",), _chekazoid_entry)


def _chekazoid_entry(item: dict, position: int, warnings: list[RowProblem]) -> RegistryEntry:
    split = split_organisation(item["name"])
    aliases = item.get("aliases")
    for alias in aliases if isinstance(aliases, list) else ():
        # the plugin cut country names out of the brackets as if they were names; those are not aliases
        if not ru_country_code(clean_alias(alias)):
            split.add(alias, generated=True)
    is_person = item.get("is_person")
    return _entry(
        entry_id=norm(item["name"]),
        raw_name=item["name"],
        split=split,
        date_in=_date(item.get("dateIn"), position, warnings),
        date_out=_date(item.get("dateOut"), position, warnings),
        extra={"list_type": norm_or_none(item.get("type"))},
        is_person=is_person if isinstance(is_person, bool) else False,
    )


def _entry(
    entry_id: str,
    raw_name: str,
    split: SplitName,
    date_in: date | None,
    date_out: date | None,
    extra: dict,
    is_person: bool = False,
) -> RegistryEntry:
    extra = {
        **extra,
        "name_as_published": norm(raw_name) if norm(raw_name) != split.name else None,
        "generated_other_names": tuple(split.generated) or None,
        "name_qualifiers": tuple(split.qualifiers) or None,
        "country_code": ru_country_code(split.country) if split.country else None,
    }
    return RegistryEntry(
        registry=REGISTRY,
        entry_id=entry_id,
        name=split.name,
        other_names=tuple(split.other_names),
        is_person=is_person,  # the law applies to organisations only
        date_in=date_in,
        date_out=date_out,
        country=split.country,
        extra={key: value for key, value in extra.items() if value is not None},
    )


def _date(value: object, position: int, warnings: list[RowProblem]) -> date | None:
    try:
        return parse_ru_date(value)
    except DateError as exc:
        warnings.append(RowProblem(position, f"{exc}; left empty", norm(value)))
        return None


def _found_date(value: object, position: int, warnings: list[RowProblem]) -> date | None:
    """The date inside a decision text ("№ 1076-р от 29.07.2015"); an impossible one ("31.06.2015") is a warning."""
    try:
        return find_ru_date(value)
    except DateError as exc:
        warnings.append(RowProblem(position, f"{exc}; left empty", norm(value)))
        return None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


FORMATS = (
    Format("fz255-json", "json", ("id", "fullName", "decisionInMinjust", "dateIn"), parse_fz255_json),
    Format("chekazoid-json", "json", ("name", "dateIn", "aliases"), parse_chekazoid_json),
)
