"""Writes the synthetic regression corpus beside it: one file per input that broke a reader.

Every file is made here from words of our own (no third-party text): run it again after adding a case.
The folder a file is in names its reader; a register file's name starts with its kind and "--".
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
RUSSIAN = "Суд оштрафовал независимую газету за репортаж о протесте в центре города на прошлой неделе."
GOOD_LINE = json.dumps({"url": "https://example.org/ok", "text": "A court fined the newspaper for its report."})


def write(relative: str, data: bytes | str) -> None:
    path = HERE / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


def minjust_xlsx(rows: list[list[str]], edit=None) -> bytes:
    from openpyxl import Workbook

    from civicwatch.registries.ru_minjust import XLSX_COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    for row in [["Реестр иностранных агентов"], ["08.08.2025 17:00"], list(XLSX_COLUMNS), *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if edit is None:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(out, "w") as sink:
        for info in source.infolist():
            content = source.read(info)
            sink.writestr(info, edit(content) if info.filename == "xl/worksheets/sheet1.xml" else content)
    return out.getvalue()


def person(number: int) -> list[str]:
    row = [""] * 21
    row[0], row[1], row[3], row[6] = str(number), f"Иванов Иван Иванович {number}", "01.02.2023", "Физические лица"
    return row


def main() -> None:
    # JSONL: RecursionError and the 4,300-digit limit of int() stopped the whole file
    write("jsonl/deep-nesting.jsonl", b"[" * 100_000 + b"\n" + b'{"text": ' + b"[" * 5000 + b"\n" + GOOD_LINE.encode())
    write("jsonl/huge-integer.jsonl", b'{"text": "x", "id": ' + b"7" * 5000 + b"}\n" + GOOD_LINE.encode())
    write("jsonl/html-in-a-line-with-undefined-cp1251.jsonl",
          json.dumps({"html": "<p>" + RUSSIAN + "</p>"}) + "\n" + GOOD_LINE)  # fmt: skip
    # cp1251 leaves 0x98 undefined: picking it without checking raised UnicodeDecodeError
    write("text/cp1251-undefined-byte.txt", "Привет".encode("cp1251") + b"\x98")
    write("html/cp1251-undefined-byte.html", f"<html><body><p>{RUSSIAN}</p></body></html>".encode("cp1251") + b"\x98")
    page = f'<html><head><meta charset="rot13"></head><body><p>{RUSSIAN}</p></body></html>'.encode("cp1251")
    write("html/charset-rot13.html", page)  # LookupError: rot13 is no text encoding
    write("html/charset-idna.html", page.replace(b"rot13", b"idna"))  # UnicodeError, not UnicodeDecodeError
    # a feed item whose link urllib cannot parse
    write("feeds/bad-ipv6-link.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
          "<item><title>a</title><link>http://[::1</link></item>"
          "<item><title>b</title><link>https://example.org/b</link></item></channel></rss>")  # fmt: skip
    # registers
    base = {"decisionInGenproc": "", "decisionOutMinjust": " ", "decisionOutGenproc": " ", "dateIn": "", "dateOut": ""}
    rows = [
        {**base, "id": "1", "fullName": "Фонд «Первый»", "decisionInMinjust": "№ 1-р от 31.06.2015",
         "decisionInGenproc": "№1 от 31.06.2015"},
        {**base, "id": "2", "fullName": "Фонд «Второй» (США)", "decisionInMinjust": "№ 2-р от 01.02.2016"},
    ]  # fmt: skip
    write("registers/ru-undesirable--impossible-decision-date.json", json.dumps(rows, ensure_ascii=False))
    write("registers/ru-undesirable--deep-nesting.json", b"{" * 50_000)
    write("registers/ru-undesirable--not-a-list.json", b"42")
    chekazoid = [{"name": "Фонд «Третий»", "dateIn": "01.02.2020", "aliases": 5, "type": "undesirable"}]
    write("registers/ru-undesirable--aliases-not-a-list.json", json.dumps(chekazoid, ensure_ascii=False))
    # eleven digits glued to a letter were kept as an identifier, also where the "letter" is half of a '«'
    # that a file which is not UTF-8 (read as latin-1) turned into 'Â': only Latin letters start identifiers
    misread = json.dumps([{"name": "«Фонд Четвёртый»", "dateIn": "01.02.2020", "aliases": [], "type": "undesirable"}],
                         ensure_ascii=False).encode()  # fmt: skip
    write("registers/ru-undesirable--pension-number-after-a-misread-letter.json",
          misread.replace("«".encode(), b"\xc277788899903\xab", 1))  # fmt: skip
    write("registers/ru-foreign-agents--huge-integer.json", b'[{"id": ' + b"9" * 5000 + b"}]")
    agents = [{"id": "1", "fullName": "Организация", "dateIn": "01.02.2023", "dateOut": "", "law": "ст. 4",
               "inn": "1234567890123456789", "ogrn": "x"}]  # fmt: skip
    write("registers/ru-foreign-agents--inn-too-long.json", json.dumps(agents, ensure_ascii=False))
    good = minjust_xlsx([person(1), person(2)])
    damaged = bytearray(good)
    damaged[200:260] = b"\x00" * 60
    write("registers/ru-foreign-agents--damaged-zip.xlsx", bytes(damaged))

    def far_row(xml: bytes) -> bytes:
        xml = xml.replace(b'<dimension ref="A1:U5"/>', b'<dimension ref="A1:XFD1048576"/>')
        return xml.replace(b'<row r="5"', b'<row r="1000000"').replace(b'r="A5"', b'r="A1000000"')

    write("registers/ru-foreign-agents--a-million-rows.xlsx", minjust_xlsx([person(1), person(2)], far_row))
    write("registers/us-fara-registrants--nul-in-header.csv", b'"Registration Number\x00","Name"\r\n"1","A"\r\n')
    write("registers/us-fara-registrants--oversized-field.csv", b'"Registration Number","' + b"x" * 140_000 + b'"\n')
    # names: quadratic patterns (a 60,000-character name took 23 s)
    write("names/one-long-word-before-a-bracket.txt", "а" * 60_000 + " (б")
    write("names/many-trailing-brackets.txt", "Имя " + "(а)" * 10_000)
    write("names/many-trailing-countries.txt", "Фонд" + ", США" * 10_000)
    write("names/unclosed-quotes.txt", "“а" * 20_000)


if __name__ == "__main__":
    main()
