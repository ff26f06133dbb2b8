"""Exports: what an official opens in a spreadsheet is the data, never a formula someone typed in; big
exports go out while they are read, and the workbook is written to disk, not held in memory."""

from __future__ import annotations

import csv
import decimal
import io
import itertools
import zipfile

import pytest
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import load_workbook

from hromada.core import exports

UKRAINIAN = "Громада «Київ», вул. Хрещатик, 1; м'ята й пʼять — ЄЇҐ"


def _csv_cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_text_cell_that_a_spreadsheet_would_run_gets_an_apostrophe(start):
    value = f"{start}HYPERLINK(\"https://example.org/?\"&A1)"
    rows = _csv_cells("".join(exports.csv_lines(["text"], [[value], ["plain"]])))
    assert rows[1] == ["'" + value]
    assert rows[2] == ["plain"]


def test_numbers_stay_numbers_and_ordinary_text_is_untouched():
    row = [-5, 3.25, decimal.Decimal("-1250.50"), "-12.5", "+380", "a=b", "e-mail", "", None]
    [line] = exports.csv_lines(None, [row])
    assert _csv_cells(line) == [["-5", "3.25", "-1250.50", "-12.5", "+380", "a=b", "e-mail", "", ""]]
    assert exports.neutralise("-1+2") == "'-1+2"  # arithmetic is a formula, not a number
    assert exports.neutralise("+380 44 123") == "'+380 44 123"


def test_the_plain_writer_keeps_standard_formats_exactly():
    assert exports.plain_line(["=1", "-x"], delimiter=";", lineterminator="\n") == "=1;-x\n"


def test_ukrainian_text_comes_back_the_same_from_csv_and_xlsx():
    body = b"".join(exports.csv_chunks(["назва"], [[UKRAINIAN]], bom=True)).decode("utf-8")
    assert body.startswith("\ufeff")
    assert _csv_cells(body) == [["назва"], [UKRAINIAN]]
    out = io.BytesIO()
    exports.write_xlsx(["назва"], [[UKRAINIAN]], out)
    sheet = load_workbook(out).active
    assert sheet["A2"].value == UKRAINIAN


def test_xlsx_text_is_shown_as_written_and_never_a_formula():
    out = io.BytesIO()
    exports.write_xlsx(["text", "number"], [["=1+2", 7], ["@SUM(A1:A9)", -3], ["-x", decimal.Decimal("2.5")]], out)
    workbook = load_workbook(io.BytesIO(out.getvalue()))
    sheet = workbook.active
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["=1+2", 7], ["@SUM(A1:A9)", -3], ["-x", 2.5]]
    assert {sheet[f"A{n}"].data_type for n in (2, 3, 4)} == {"s"}
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as package:
        xml = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_the_workbook_is_written_in_write_only_mode_and_streamed_from_a_file(monkeypatch):
    import openpyxl

    modes = []
    real = openpyxl.Workbook

    def spy(*args, **kwargs):
        modes.append(kwargs.get("write_only"))
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "Workbook", spy)
    response = exports.xlsx_response(["n"], ([n] for n in range(5000)), filename="rows.xlsx")
    assert modes == [True]
    assert isinstance(response, FileResponse) and response.streaming
    assert not isinstance(response.file_to_stream, io.BytesIO)  # a temporary file on disk
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert 'filename="rows.xlsx"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    response.file_to_stream.close()  # the temporary file goes; a whole close() would end a request
    assert sum(1 for _row in load_workbook(io.BytesIO(body), read_only=True).active.iter_rows()) == 5001


def test_a_large_csv_export_is_sent_while_it_is_read():
    produced = itertools.count()

    def rows():
        for n in range(1_000_000):
            next(produced)
            yield [n, f"рядок {n}"]

    response = exports.csv_response(["n", "text"], rows(), filename="big.csv")
    assert isinstance(response, StreamingHttpResponse)
    chunks = iter(response.streaming_content)
    first = next(chunks)
    assert first.decode().startswith("\ufeffn,text")
    assert next(produced) < 10  # one row read for one line sent, not the million


def test_xlsx_cells_lose_only_what_a_workbook_cannot_hold():
    out = io.BytesIO()
    exports.write_xlsx(None, [["Яма\x00 на\x1b дорозі\ttab"]], out)
    assert load_workbook(out).active["A1"].value == "Яма на дорозі\ttab"
