"""Registry parsers against the real files in ../shared/registries (see its README for the expected counts)."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import time
from datetime import date
from pathlib import Path

import pytest

from civicwatch.registries import (
    KINDS,
    RegistryEntry,
    RegistryFormatError,
    RegistrySnapshot,
    diff_snapshots,
    read_registry,
)
from civicwatch.registries.names import split_organisation, split_person

REGISTRIES = Path(__file__).resolve().parents[2] / "shared" / "registries"
pytestmark = pytest.mark.skipif(
    not REGISTRIES.is_dir(), reason=f"registry fixtures not found at {REGISTRIES} (the repo's ../shared checkout)"
)

XLSX_0808 = "ru_minjust_foreign_agents_2025-08-08.xlsx"
XLSX_0815 = "ru_minjust_foreign_agents_2025-08-15.xlsx"
CAMELOT = "ru_minjust_foreign_agents_2022-12-01_camelot.csv"
FZ255_AGENTS = "ru_minjust_foreign_agents_fz255_2024-10-01.json"
FZ255_UNDESIRABLE = "ru_undesirable_orgs_fz255_2024-09-05.json"
CHEKAZOID = "ru_undesirable_orgs_chekazoid_2026-07-29.json"
REGISTRANTS = "us_fara_All_Registrants_2025-04-09.csv"
PRINCIPALS = "us_fara_All_ForeignPrincipals_2025-04-10_first6000lines.csv"
BROWSE = "us_fara_browse_Active_Foreign_Principals_2025-04-11.csv"

FILES = {
    XLSX_0808: "ru-foreign-agents",
    XLSX_0815: "ru-foreign-agents",
    CAMELOT: "ru-foreign-agents",
    FZ255_AGENTS: "ru-foreign-agents",
    FZ255_UNDESIRABLE: "ru-undesirable",
    CHEKAZOID: "ru-undesirable",
    REGISTRANTS: "us-fara-registrants",
    PRINCIPALS: "us-fara-principals",
    BROWSE: "us-fara-principals",
}

SNILS = re.compile(r"\d{3}-\d{3}-\d{3} \d{2}")
FORBIDDEN_KEYS = {"snils", "dob", "снилс", "дата рождения", "date_of_birth", "birth_date"}


@pytest.fixture(scope="module")
def snapshots() -> dict[str, RegistrySnapshot]:
    return {name: read_registry(REGISTRIES / name, kind) for name, kind in FILES.items()}


def _strings(value: object):
    """Every string inside an entry field or extra value, however nested."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)


def _entry_strings(entry: RegistryEntry) -> list[str]:
    return [text for field in dataclasses.fields(entry) for text in _strings(getattr(entry, field.name))]


def _active(snapshot: RegistrySnapshot) -> int:
    return sum(entry.date_out is None for entry in snapshot.entries)


# --- every file ----------------------------------------------------------------------------------


def test_every_file_parses_with_unique_ids_and_normalised_names(snapshots):
    for name, snapshot in snapshots.items():
        assert snapshot.registry == FILES[name] and snapshot.source == name
        ids = [entry.entry_id for entry in snapshot.entries]
        assert len(ids) == len(set(ids)), name
        for entry in snapshot.entries:
            assert entry.registry == snapshot.registry
            for text in (entry.name, *entry.other_names):
                assert text and text == text.strip(), (name, entry.entry_id, text)
                assert not re.search(r"\s\s|[\n\r\t\u00a0]", text), (name, entry.entry_id, text)
            assert entry.date_in is not None, (name, entry.entry_id)


def test_no_pension_numbers_or_birth_dates_anywhere(snapshots):
    for snapshot in snapshots.values():
        for entry in snapshot.entries:
            assert not any(SNILS.search(text) for text in _entry_strings(entry)), entry.entry_id
            assert not {key.casefold() for key in entry.extra} & FORBIDDEN_KEYS, entry.entry_id


def test_kinds_and_unknown_kind():
    assert KINDS == ("ru-foreign-agents", "ru-undesirable", "us-fara-registrants", "us-fara-principals")
    with pytest.raises(ValueError, match="unknown registry kind"):
        read_registry(REGISTRIES / XLSX_0808, "ru-extremists")


def test_entries_are_frozen(snapshots):
    entry = snapshots[XLSX_0808].entries[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.name = "x"  # type: ignore[misc]


# --- RU foreign agents ---------------------------------------------------------------------------


def test_minjust_xlsx_counts_dates_and_as_of(snapshots):
    old, new = snapshots[XLSX_0808], snapshots[XLSX_0815]
    assert (len(old.entries), len(new.entries)) == (1045, 1050)
    assert (_active(new), len(new.entries) - _active(new)) == (818, 232)
    assert (old.as_of, old.as_of_source, old.source_format) == (date(2025, 8, 8), "xlsx-cell-A2", "minjust-xlsx")
    assert new.as_of == date(2025, 8, 15)
    assert not old.problems and not old.warnings
    first = old.by_id()["1"]
    assert first.name == "«Евразийская антимонопольная ассоциация»"
    assert (first.date_in, first.date_out) == (date(2013, 6, 27), date(2023, 7, 5))
    assert (first.inn, first.ogrn, first.is_person, first.entity_type) == (
        "7729441207",
        "1097799044518",
        False,
        "Юридические лица",
    )
    assert first.grounds.startswith("Статья 32 Федерального закона от 12.01.1996 № 7-ФЗ")


def test_minjust_xlsx_read_finishes():
    """A hang guard only: the read's speed is measured by bench/bench_registry.py (speed goals live in bench/)."""
    started = time.perf_counter()
    snapshot = read_registry(REGISTRIES / XLSX_0815, "ru-foreign-agents")
    elapsed = time.perf_counter() - started
    assert len(snapshot.entries) == 1050
    assert elapsed < 60, f"XLSX read took {elapsed:.2f} s"


def test_minjust_xlsx_names_pseudonyms_and_resources(snapshots):
    entries = snapshots[XLSX_0815].by_id()
    oxxxymiron = entries["443"]
    assert (oxxxymiron.name, oxxxymiron.other_names) == ("Федоров Мирон Янович", ("Oxxxymiron", "Оксимирон"))
    assert oxxxymiron.is_person and oxxxymiron.inn == "780255753385"
    assert entries["1024"].other_names == ("Наум Блик", "Dry Ice")
    bortnik = entries["599"]  # 'Бортник Егор (Игорь) Михайлович "Лёва Би-2"'
    assert bortnik.name == "Бортник Егор Михайлович"
    assert bortnik.other_names == ("Лёва Би-2", "Бортник Игорь Михайлович")
    assert bortnik.extra["generated_other_names"] == ("Бортник Игорь Михайлович",)
    assert entries["845"].name == "«НЕЗЫГАРЬ»" and "НZГ. Russica" in entries["845"].other_names
    assert entries["786"].other_names == ("Smola",)
    dw = entries["340"]  # 'Deutsche Welle (Германия, Kurt-Schumacher-Strasse 3, 53113 Bonn)'
    assert (dw.name, dw.country, dw.extra["country_code"], dw.other_names) == ("Deutsche Welle", "Германия", "DE", ())
    assert dw.extra["name_as_published"] == "Deutsche Welle (Германия, Kurt-Schumacher-Strasse 3, 53113 Bonn)"
    project = entries["1045"]  # NBSP and ', ID: -100…' inside the resources cell
    assert project.resources[:2] == ("https://prosleduet.media", "https://t.me/prosleduet_media")
    assert "https://www.tiktok.com/@prosleduet_media" in project.resources
    assert project.extra["telegram_ids"] == ("-1001419814137",)
    assert project.extra["members"][0] == "Каныгин Павел Юрьевич"


def test_minjust_xlsx_keeps_no_personal_bank_or_address_data(snapshots):
    for entry in snapshots[XLSX_0815].entries:
        if entry.is_person:
            assert not {"address", "special_account_bank", "special_account_opened"} & set(entry.extra)
    # organisations keep their address and bank; account numbers are never read
    addresses = [entry.extra["address"] for entry in snapshots[XLSX_0815].entries if "address" in entry.extra]
    assert "г. Москва" in addresses
    assert not any(re.search(r"\b\d{20}\b", text) for e in snapshots[XLSX_0815].entries for text in _entry_strings(e))


def test_camelot_csv(snapshots):
    snapshot = snapshots[CAMELOT]
    assert (len(snapshot.entries), snapshot.source_format) == (493, "camelot-csv")
    assert len(snapshot.entries) - _active(snapshot) == 166
    assert (snapshot.as_of, snapshot.as_of_source) == (date(2022, 12, 1), "file-name")
    assert {entry.reg_number for entry in snapshot.entries if entry.reg_number} >= {"827418", "27100791"}
    assert snapshot.by_id()["2"].extra["pdf_page"] == "1"


def test_fz255_foreign_agents_json(snapshots):
    snapshot = snapshots[FZ255_AGENTS]
    # README: "212 excluded" counts non-empty dateOut strings; № 782 has dateOut " " (excluded only on
    # 07.03.2025 per the XLSX, after this 2024-10-01 state), so 211 have an exclusion date.
    assert (len(snapshot.entries), len(snapshot.entries) - _active(snapshot)) == (866, 211)
    assert snapshot.source_format == "fz255-json" and snapshot.as_of == date(2024, 10, 1)
    assert not any(re.search(r"\bNo \d", entry.grounds or "") for entry in snapshot.entries)  # PDF '№' restored
    velikovsky = snapshot.by_id()["244"]  # '(псевдоним - Мика Великовский)'
    assert (velikovsky.name, velikovsky.other_names) == ("Великовский Дмитрий Александрович", ("Мика Великовский",))
    assert snapshot.by_id()["782"].date_out is None  # dateOut ' '


def test_is_person_agrees_with_the_register_type_where_both_exist(snapshots):
    typed = snapshots[XLSX_0815].by_id()
    for name in (FZ255_AGENTS, CAMELOT):
        for entry in snapshots[name].entries:
            official = typed.get(entry.entry_id)
            if official and entry.is_person is not None:
                assert entry.is_person == official.is_person, (name, entry.entry_id, entry.name)


# --- RU undesirable ------------------------------------------------------------------------------


def test_undesirable_fz255(snapshots):
    snapshot = snapshots[FZ255_UNDESIRABLE]
    assert (len(snapshot.entries), _active(snapshot)) == (188, 188)
    assert max(entry.date_in for entry in snapshot.entries) == date(2024, 8, 27)
    ned = snapshot.by_id()["1"]
    assert ned.name == "«Национальный фонд в поддержку демократии»"
    assert ned.other_names == ("The National Endowment for Democracy",)
    assert ned.is_person is False and ned.date_in == date(2015, 7, 29)
    assert ned.extra["decision_in_minjust"] == "№ 1076-р от 29.07.2015"
    assert ned.extra["genproc_decision_date"] == "2015-07-28"
    assert "decision_out_minjust" not in ned.extra  # the NBSP-only cell means no decision
    cepa = next(entry for entry in snapshot.entries if entry.name.startswith("Center for European Policy"))
    assert (cepa.name, cepa.country, cepa.extra["country_code"]) == ("Center for European Policy Analysis", "США", "US")
    assert cepa.other_names == ("CEPA", "Центр анализа европейской политики")


def test_undesirable_chekazoid(snapshots):
    snapshot = snapshots[CHEKAZOID]
    assert (len(snapshot.entries), _active(snapshot), snapshot.source_format) == (367, 367, "chekazoid-json")
    assert max(entry.date_in for entry in snapshot.entries) == date(2026, 7, 3)
    for entry in snapshot.entries:
        assert set(entry.extra.get("generated_other_names", ())) <= set(entry.other_names)
        assert entry.is_person is False
    nemtsov = next(entry for entry in snapshot.entries if entry.name == "Free Russia Foundation")
    assert nemtsov.other_names[:2] == ("Free Russia", "Фонд «Свободная Россия»")
    assert nemtsov.extra["generated_other_names"] == ("Свободная Россия",)
    # the plugin took country names for aliases; they are not kept as names
    assert not any(name in ("Королевство Бельгия", "США") for entry in snapshot.entries for name in entry.other_names)


def test_organisation_name_splitting_rules():
    split = split_organisation("Wild Salmon Center («Центр дикого лосося») (США)")
    assert (split.name, split.other_names, split.country) == ("Wild Salmon Center", ["Центр дикого лосося"], "США")
    split = split_organisation("Helpdesk Media gUG (haftungsbeschränkt) («Медиа-служба»), ФРГ")
    assert (split.name, split.other_names) == ("Helpdesk Media gUG (haftungsbeschränkt)", ["Медиа-служба"])
    split = split_organisation("MEDIA DEVELOPMENT INVESTMENT FUND, Inc.")
    assert (split.name, split.other_names) == ("MEDIA DEVELOPMENT INVESTMENT FUND, Inc.", [])
    split = split_person("Кирия Ксения Дмитриевна (Туркова)")
    assert (split.name, split.generated) == ("Кирия Ксения Дмитриевна", ["Туркова Ксения Дмитриевна"])


# --- FARA ----------------------------------------------------------------------------------------


def test_fara_registrants(snapshots):
    snapshot = snapshots[REGISTRANTS]
    duplicates = [w for w in snapshot.warnings if "duplicate" in w.reason]
    repaired = sorted(w.line for w in snapshot.warnings if "unescaped quotes" in w.reason)
    assert len(snapshot.entries) + len(duplicates) == 6929  # 5769 is listed twice
    assert [w.line for w in duplicates] == [1630]
    assert _active(snapshot) == 541 and not snapshot.problems
    assert repaired == [4266, 6551, 6749]
    assert (snapshot.as_of, snapshot.as_of_source) == (date(2025, 4, 9), "file-name")
    entries = snapshot.by_id()
    togo = entries["3133"]
    assert togo.other_names == ('"The Togo Information Service"',) and togo.date_out == date(1991, 2, 5)
    earhart = entries["7565"]
    assert (earhart.name, earhart.is_person, earhart.date_in, earhart.date_out) == (
        "Earhart Turner LLC",
        False,
        date(2025, 4, 2),
        None,
    )
    assert earhart.extra["address"] == "300 New Jersey Avenue, NW Suite 300, Washington, DC, 20001"
    person = next(entry for entry in snapshot.entries if entry.name == "Manafort Jr., Paul J.")
    assert person.is_person and person.other_names == ("Paul J. Manafort Jr.",)
    assert person.extra["generated_other_names"] == ("Paul J. Manafort Jr.",) and "address" not in person.extra


def test_fara_principals_bulk_repairs_unescaped_quotes(snapshots):
    snapshot = snapshots[PRINCIPALS]
    duplicates = [w for w in snapshot.warnings if "duplicate" in w.reason]
    repaired = {w.line for w in snapshot.warnings if "unescaped quotes" in w.reason}
    assert len(snapshot.entries) + len(duplicates) == 5964  # 6,000 data lines, 36 records span two
    assert not snapshot.problems
    # the rows a plain csv.reader splits into 11/13/14 fields are all repaired, not skipped
    assert {228, 275, 609, 619, 640, 642, 949, 1462, 1861, 2138, 2452, 2729, 4697} <= repaired
    entries = snapshot.by_id()
    trace = entries["7424|Trace Group Hold Plc|2024-06-17"]
    assert trace.extra["address"] == '"Nikola obrazopisov" 12 Sofia, Region Triaditsa'
    ngo = entries['7383|NGO “Free and Faithful"|2024-03-25']
    assert (ngo.country, ngo.extra["country_code"], ngo.date_out) == ("UKRAINE", "UA", date(2024, 9, 1))
    # '\r\r\n' inside a quoted registrant name
    basha = entries["6399|Mr. Lulzi'm Basha|2025-02-19"]
    assert basha.extra["registrant_name"] == "Sonoran Policy Group, LLC D/B/A Stryk Global Diplomacy"
    assert basha.is_person is True and "address" not in basha.extra


def test_fara_principals_unrepairable_rows_are_reported_by_line(tmp_path):
    lines = (REGISTRIES / PRINCIPALS).read_bytes().split(b"\r\n")
    broken = b'"","Bad "Row","Inc"","01/01/2020","RUSSIA","1","01/01/2020","X","","","","",""'
    shifted = b'"","Shifted","not a date","RUSSIA","1","01/01/2020","X","","","","",""'
    copy = tmp_path / "principals.csv"
    copy.write_bytes(b"\r\n".join([*lines[:3], broken, shifted, *lines[3:]]))
    snapshot = read_registry(copy, "us-fara-principals")
    assert [(problem.line, problem.raw) for problem in snapshot.problems] == [
        (4, broken.decode()),
        (5, shifted.decode()),
    ]
    assert "expected 12 fields" in snapshot.problems[0].reason
    original = read_registry(REGISTRIES / PRINCIPALS, "us-fara-principals")
    assert len(snapshot.entries) == len(original.entries)


def test_fara_browse_export(snapshots):
    snapshot = snapshots[BROWSE]
    assert (len(snapshot.entries), _active(snapshot), snapshot.source_format) == (777, 777, "fara-browse-csv")
    assert not any("&nbsp;" in text or "&amp;" in text for e in snapshot.entries for text in _entry_strings(e))
    ida = snapshot.entries[0]
    assert (ida.name, ida.country, ida.extra["country_code"], ida.reg_number) == (
        "Irish Development Authority, Irish Government Body",
        "IRELAND",
        "IE",
        "1770",
    )
    assert ida.extra["address"] == "Three Park PlaceHatch Street UpperDublin 2"  # glued lines: as published


def test_fara_browse_and_bulk_share_entry_ids(snapshots):
    bulk = snapshots[PRINCIPALS].by_id()
    shared = [entry for entry in snapshots[BROWSE].entries if entry.entry_id in bulk]
    assert len(shared) > 600  # the bulk file is a newest-first subset
    assert all(bulk[entry.entry_id].date_out is None for entry in shared)


# --- format errors -------------------------------------------------------------------------------


def test_wrong_kind_names_file_expected_and_found_columns():
    with pytest.raises(RegistryFormatError) as error:
        read_registry(REGISTRIES / REGISTRANTS, "ru-foreign-agents")
    message = str(error.value)
    assert REGISTRANTS in message
    assert "Полное наименование/ФИО" in message  # expected (camelot CSV is the CSV layout of this kind)
    assert "Registration Number" in message  # found
    with pytest.raises(RegistryFormatError, match="Foreign Principal"):
        read_registry(REGISTRIES / XLSX_0808, "us-fara-principals")
    with pytest.raises(RegistryFormatError, match="decisionInMinjust"):
        read_registry(REGISTRIES / FZ255_AGENTS, "ru-undesirable")


def test_changed_csv_header_is_rejected(tmp_path):
    copy = tmp_path / REGISTRANTS
    data = (REGISTRIES / REGISTRANTS).read_bytes()
    copy.write_bytes(data.replace(b'"Termination Date"', b'"End Date"', 1))
    with pytest.raises(RegistryFormatError) as error:
        read_registry(copy, "us-fara-registrants")
    assert "Termination Date" in str(error.value) and "End Date" in str(error.value)


def test_changed_xlsx_header_is_rejected(tmp_path):
    from openpyxl import load_workbook

    workbook = load_workbook(REGISTRIES / XLSX_0808)
    workbook.worksheets[0]["E3"] = "Дата исключения"
    copy = tmp_path / "changed.xlsx"
    workbook.save(copy)
    with pytest.raises(RegistryFormatError) as error:
        read_registry(copy, "ru-foreign-agents")
    message = str(error.value)
    assert "changed.xlsx" in message and "Дата исключения" in message
    assert "Дата принятия Минюстом России решения об исключении из реестра (при наличии)" in message


def test_non_json_payload_is_a_format_error(tmp_path):
    copy = tmp_path / "broken.json"
    copy.write_text("[{", encoding="utf-8")
    with pytest.raises(RegistryFormatError, match="broken.json"):
        read_registry(copy, "ru-undesirable")


# --- privacy with data present -------------------------------------------------------------------


def test_pension_numbers_and_birth_dates_in_the_xlsx_are_never_kept(tmp_path):
    from openpyxl import load_workbook

    workbook = load_workbook(REGISTRIES / XLSX_0808)
    sheet = workbook.worksheets[0]
    sheet["K5"], sheet["L5"] = "123-456-789 01", "01.02.1970"  # row of № 1044, a person
    sheet["F6"] = "https://example.org; 987-654-321 09"  # a number pasted into another column
    sheet["P5"] = "40817810340150078631"  # special account number
    copy = tmp_path / "with_snils.xlsx"
    workbook.save(copy)
    snapshot = read_registry(copy, "ru-foreign-agents")
    texts = [text for entry in snapshot.entries for text in _entry_strings(entry)]
    assert not any(SNILS.search(text) or "01.02.1970" in text or "1970-02-01" in text for text in texts)
    assert not any("40817810340150078631" in text for text in texts)
    # every cell is scrubbed as the file is loaded: the СНИЛС column's own cell (row 5) is reported too
    assert [w.line for w in snapshot.warnings if "pension-number" in w.reason] == [5, 6]


def test_pension_numbers_and_birth_dates_in_the_json_are_never_kept(tmp_path):
    items = json.loads((REGISTRIES / FZ255_AGENTS).read_text(encoding="utf-8"))
    items[500]["snils"], items[500]["dob"] = "123-456-789 01", "01.02.1970"
    copy = tmp_path / "agents.json"
    copy.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    snapshot = read_registry(copy, "ru-foreign-agents")
    texts = [text for entry in snapshot.entries for text in _entry_strings(entry)]
    assert not any("123-456-789" in text or "01.02.1970" in text for text in texts)


def test_pension_numbers_and_birth_dates_in_the_camelot_csv_are_never_kept(tmp_path):
    lines = (REGISTRIES / CAMELOT).read_text(encoding="utf-8").splitlines()
    good = "9001,Иванов Иван Иванович,01.02.1970,,,,123-456-789 01,г. Москва,,,Статья 7,01.12.2022,,15"
    malformed = "9002,Петров Петр Петрович,03.04.1980,123-456-789 02,01.12.2022"
    copy = tmp_path / "camelot.csv"
    copy.write_text("\n".join([*lines, good, malformed]) + "\n", encoding="utf-8")
    snapshot = read_registry(copy, "ru-foreign-agents")
    ivanov = snapshot.by_id()["9001"]
    assert ivanov.is_person and "address" not in ivanov.extra  # an individual's address is not kept
    texts = [text for entry in snapshot.entries for text in _entry_strings(entry)]
    texts += [problem.raw for problem in snapshot.problems] + [warning.raw for warning in snapshot.warnings]
    assert not any("123-456-789" in text or "01.02.1970" in text or "03.04.1980" in text for text in texts)
    assert [(problem.line, problem.raw) for problem in snapshot.problems] == [
        (len(lines) + 2, "9002\tПетров Петр Петрович\t…")
    ]


# --- diff ----------------------------------------------------------------------------------------


def test_diff_between_weekly_exports(snapshots):
    diff = diff_snapshots(snapshots[XLSX_0808], snapshots[XLSX_0815])
    assert sorted(entry.entry_id for entry in diff.added) == ["1046", "1047", "1048", "1049", "1050"]
    assert diff.removed == []
    assert [(entry.entry_id, entry.date_out) for entry in diff.excluded] == [("535", date(2025, 8, 15))]
    changes = {change.entry_id: change.fields for change in diff.changed}
    assert set(changes) == {"535", "951"}
    assert changes["535"] == {"date_out": (None, date(2025, 8, 15))}
    old, new = changes["951"]["resources"]
    assert "https://t.me/zakat_podcast" in new and "https://t.me/zakat_podcast" not in old
    assert (diff.old_as_of, diff.new_as_of) == (date(2025, 8, 8), date(2025, 8, 15))


def test_diff_of_identical_snapshots_is_empty(snapshots):
    diff = diff_snapshots(snapshots[XLSX_0808], snapshots[XLSX_0808])
    assert not (diff.added or diff.removed or diff.excluded or diff.changed)


def test_diff_refuses_different_registries(snapshots):
    with pytest.raises(ValueError, match="cannot diff"):
        diff_snapshots(snapshots[XLSX_0808], snapshots[FZ255_UNDESIRABLE])


def test_read_registry_accepts_str_paths(tmp_path):
    copy = tmp_path / "undesirable.json"
    shutil.copy(REGISTRIES / FZ255_UNDESIRABLE, copy)
    snapshot = read_registry(str(copy), "ru-undesirable")
    assert len(snapshot.entries) == 188
    assert snapshot.as_of_source == "latest-date-in-file" and snapshot.as_of == date(2024, 8, 27)
