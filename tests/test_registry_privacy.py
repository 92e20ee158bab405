"""Pension numbers and birth dates never reach the database, whatever form they take and wherever they are.

Register files in every format are made here with canaries planted in every column of every row, in
every form: pension numbers (СНИЛС) with hyphens, spaces, dots, slashes or no separator at all, birth
dates after "дата рождения", "д.р.", "born", "DOB", before "г.р." Each file is imported into a fresh
SQLite database with `civicwatch registry import`; then every table is read back, and the database
file's raw bytes searched, for any trace of them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from civicwatch.cli import app
from civicwatch.registries import read_registry_bytes
from civicwatch.registries.fara import PRINCIPAL_COLUMNS, REGISTRANT_COLUMNS
from civicwatch.registries.privacy import scrub
from civicwatch.registries.ru_minjust import CAMELOT_COLUMNS, FZ255_KEYS, XLSX_COLUMNS

runner = CliRunner()

# Eleven digits no real register holds; 777 888 999 with check digits in every form of the issue.
PENSION_NUMBERS = [
    "777-888-999 02",
    "777-888-999-02",
    "77788899903",
    "777 888 999 04",
    "777.888.999.05",
    "777/888/999 06",
    "777\u00a0888\u00a0999\u00a007",
    "777–888–999–08",
    "777_888_999_09",
]
BIRTH_DATES = [
    "дата рождения 14.08.1912",
    "Дата рождения: 14.08.1912",
    "д.р. 14.08.1912",
    "д. р. 14.8.1912",
    "14.08.1912 г.р.",
    "14.08.1912 г.р",
    "1912 г. р.",
    "14.8.1912 г. р",
    "д.р 14.08.1912",
    "родился 14 августа 1912 г.",
    "родилась 14.08.1912",
    "born 14 August 1912",
    "born on August 14, 1912",
    "Born: 1912-08-14",
    "DOB 14/08/1912",
    "date of birth: 14.08.1912",
]
# What must not be found anywhere: every pension number by its digits, the birth year, the day in each form.
DIGITS_OF = re.compile(r"7\D{0,3}7\D{0,3}7\D{0,3}8\D{0,3}8\D{0,3}8\D{0,3}9\D{0,3}9\D{0,3}9\D{0,3}\d\D{0,3}\d")
FORBIDDEN = ["14.08", "14 августа", "August 14", "14 August", "14/08"]
# the year and an ISO month-day as numbers of their own: a timestamp's microseconds ("01:01:22.671912") or a
# record made on 14 August ("2026-08-14 ...") hold the digits without holding the birth date
FORBIDDEN_NUMBERS = re.compile(r"(?<!\d)1912(?!\d)|(?<![\d-])08-14(?!\d)")


def canary(row: int, column: int) -> str:
    """A cell value carrying one pension number and one birth date, different per cell."""
    number = PENSION_NUMBERS[(row + column) % len(PENSION_NUMBERS)]
    birth = BIRTH_DATES[(row * 3 + column) % len(BIRTH_DATES)]
    return f"Иванов Иван Иванович {number}, {birth}"


def planted_rows(columns: int, rows: int = len(BIRTH_DATES)) -> list[list[str]]:
    """Rows of canaries; the first column keeps an id and a name (so the row is read), and a few cells
    hold nothing but a canary, in case a bare value is treated differently from one inside text."""
    table = []
    for row in range(rows):
        cells = [canary(row, column) for column in range(columns)]
        cells[row % columns] = PENSION_NUMBERS[row % len(PENSION_NUMBERS)]
        cells[(row + 1) % columns] = BIRTH_DATES[row % len(BIRTH_DATES)]
        table.append(cells)
    return table


def minjust_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Реестр иностранных агентов"])
    sheet.append(["08.08.2025 17:00"])
    sheet.append(list(XLSX_COLUMNS))
    for number, cells in enumerate(planted_rows(len(XLSX_COLUMNS)), start=1):
        cells[0] = str(number)
        sheet.append(cells)
    sheet.append(["99", "Петров Пётр Петрович", "", "01.02.2023", "", "", "Физические лица", "", "", "", 77788899910.0])
    workbook.save(path)


def csv_file(path: Path, header: tuple[str, ...] | list[str], id_column: int, id_value=str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    for number, cells in enumerate(planted_rows(len(header)), start=1):
        cells[id_column] = id_value(number)
        writer.writerow(cells)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def fara_registrants(path: Path) -> None:
    csv_file(path, REGISTRANT_COLUMNS, 0)  # the registration number must be a number for the row to be read
    _fix_fara_dates(path, REGISTRANT_COLUMNS, ("Registration Date", "Termination Date"))


def fara_principals(path: Path) -> None:
    csv_file(path, PRINCIPAL_COLUMNS, PRINCIPAL_COLUMNS.index("Registration Number"))
    dates = ("Foreign Principal Termination Date", "Foreign Principal Registration Date", "Registrant Date")
    _fix_fara_dates(path, PRINCIPAL_COLUMNS, dates)


def _fix_fara_dates(path: Path, header: tuple[str, ...], dates: tuple[str, ...]) -> None:
    """FARA rows with a non-date in a date column are malformed and skipped; keep the date columns valid
    in half the rows (so canaries in every other column are imported) and planted in the rest."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    for number, row in enumerate(rows[1:], start=1):
        if number % 2:
            for name in dates:
                row[header.index(name)] = "02/03/2020"
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def json_file(path: Path, keys: list[str], id_key: str, id_value=str) -> None:
    items = []
    for number, cells in enumerate(planted_rows(len(keys)), start=1):
        item = dict(zip(keys, cells, strict=True))
        item[id_key] = id_value(number)
        items.append(item)
    items.append({**items[0], "members": [canary(0, 1), {"nested": canary(0, 2)}], id_key: "100"})
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")


FZ255_UNDESIRABLE = [
    "id", "fullName", "decisionInMinjust", "decisionInGenproc", "decisionOutMinjust", "decisionOutGenproc", "dateIn",
    "dateOut",
]  # fmt: skip
FILES = {
    "minjust.xlsx": ("ru-foreign-agents", minjust_xlsx),
    "camelot.csv": ("ru-foreign-agents", lambda p: csv_file(p, list(CAMELOT_COLUMNS), 0)),
    "fz255_agents.json": ("ru-foreign-agents", lambda p: json_file(p, list(FZ255_KEYS), "id")),
    "fz255_undesirable.json": ("ru-undesirable", lambda p: json_file(p, FZ255_UNDESIRABLE, "id")),
    "chekazoid.json": (  # keyed by name: the name carries a canary after a name that tells the rows apart
        "ru-undesirable",
        lambda p: json_file(p, ["name", "dateIn", "aliases", "type"], "name", lambda n: f"Фонд {n} {canary(n, 0)}"),
    ),
    "fara_registrants.csv": ("us-fara-registrants", fara_registrants),
    "fara_principals.csv": ("us-fara-principals", fara_principals),
}


def leaks(text: str) -> list[str]:
    found = [match.group() for match in DIGITS_OF.finditer(text)]
    found += [match.group() for match in FORBIDDEN_NUMBERS.finditer(text)]
    return found + [needle for needle in FORBIDDEN if needle in text]


def test_the_canaries_are_canaries() -> None:
    """Each planted form is caught by the leak check, so a clean scan means something."""
    for value in PENSION_NUMBERS + BIRTH_DATES:
        assert leaks(value), value
        assert not leaks(scrub(value)), value
    for stamp in ("2026-12-08 01:01:22.671912", "2026-08-14 10:00:00", "id 19120"):  # no birth date in them
        assert not leaks(stamp), stamp
    for value in ("born 1912", "1912-08-14", "08-14-1912"):
        assert leaks(value), value


@pytest.mark.parametrize("name", list(FILES))
def test_no_canary_reaches_any_table_or_byte_of_the_database(tmp_path: Path, name: str) -> None:
    kind, make = FILES[name]
    path = tmp_path / name
    make(path)
    snapshot = read_registry_bytes(path.read_bytes(), name, kind)
    assert len(snapshot.entries) >= 5, (snapshot.problems, snapshot.warnings)  # rows were read, not skipped
    db = tmp_path / "events.db"
    result = runner.invoke(app, ["registry", "import", str(path), "--kind", kind, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert not leaks(result.output)

    connection = sqlite3.connect(db)
    try:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        stored = 0
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):  # noqa: S608 - names from sqlite_master
                for value in row:
                    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                    assert not leaks(text), (table, text)
                    stored += 1
    finally:
        connection.close()
    assert stored > 100 and "registry_records" in tables
    for file in tmp_path.glob("events.db*"):  # the database and any journal beside it, as raw bytes
        raw = file.read_bytes().decode("utf-8", "replace")
        assert not leaks(raw), file.name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://ok.ru/profile/77788899903", "https://ok.ru/profile/77788899903"),  # a URL keeps its digits
        ("vk.com/id77788899903", "vk.com/id77788899903"),  # glued to a Latin identifier
        ("регистрационный номер 77788899903", "регистрационный номер 77788899903"),  # labelled as what it is
        ("Фонд 77788899903", "Фонд [removed]"),
        ("СНИЛС77788899903", "СНИЛС[removed]"),  # glued to a Cyrillic word: no identifier
        ("snils77788899903", "snils[removed]"),
        ("\u00c277788899903\u00ab", "\u00c2[removed]\u00ab"),  # '«' read in the wrong code page leaves 'Â'
        ("1777-888-999 02", "1777-888-999 02"),  # twelve digits: not a pension number
    ],
)
def test_eleven_bare_digits_are_kept_only_where_they_are_plainly_something_else(text: str, expected: str) -> None:
    assert scrub(text) == expected
