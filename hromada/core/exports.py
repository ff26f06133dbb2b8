"""Every table a person downloads, as CSV or XLSX, streamed; cells safe to open in a spreadsheet.

CSV goes out row by row through a `ScopedStreamingResponse`: a million rows never sit in memory, and
each row is read in the request's community scope. XLSX is written with openpyxl's write-only mode to
a temporary file (rows go to disk as they are written) and the file is streamed from there with a
`FileResponse`; no workbook is ever held whole in memory.

Formula injection. A spreadsheet treats a cell that begins with `=`, `+`, `-` or `@` (and, in some,
a tab, a carriage return or a line feed) as a formula: a resident's "=HYPERLINK(...)" in an appeal would
run on the official's machine when the export is opened. Following OWASP's guidance on CSV injection:

- CSV: a text cell that begins with one of those characters gets a leading apostrophe (`'`), which
  spreadsheets read as "this is text" (`neutralise`). Numbers stay numbers: a Python int, float or
  Decimal is written as it is, and so is text that is only a number ("-12.5"), which no spreadsheet runs.
- XLSX: every text cell is written with the string type, never as a formula, so the text stays exactly
  as it was written (no apostrophe) and is still never run.

The file formats that are standards (open-data CSV, which must equal PostgreSQL's `COPY ... CSV`
byte for byte, and pabulib `.pb` files read by the tally tools) use the plain writer
(`neutralise=False`): an apostrophe there would change the data every other program reads.

The writers import nothing from Django, so the tally package (pure Python) writes its files with them.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import FileResponse

    from hromada.core.streaming import ScopedStreamingResponse

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"  # Excel reads a UTF-8 CSV as UTF-8 only when it starts with one
CHUNK_CHARS = 64 * 1024

# The characters a spreadsheet may take as the start of a formula (OWASP: =, +, -, @, tab, carriage
# return; a line feed and NUL for the readers that strip leading white space or stop at NUL).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def is_number(value: Any) -> bool:
    return isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool)


def neutralise(value: Any) -> Any:
    """`value` safe for a spreadsheet cell: text that a spreadsheet would run as a formula gets a
    leading apostrophe; numbers, and text that is only a number, are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def text_of(value: Any) -> Any:
    """A value as a CSV cell shows it: empty for None, ISO 8601 for dates and times."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


class _Line:
    """A file-like object for `csv.writer` that hands back what was written (one row at a time)."""

    def write(self, text: str) -> str:
        return text


class CsvWriter:
    """Rows as CSV lines. `neutralise=False` only for the standard formats (see the module's notes)."""

    def __init__(self, *, delimiter: str = ",", lineterminator: str = "\r\n", neutralise: bool = True) -> None:
        self._writer = csv.writer(_Line(), delimiter=delimiter, lineterminator=lineterminator)
        self._neutralise = neutralise

    def line(self, row: Iterable[Any]) -> str:
        cells = (text_of(value) for value in row)
        if self._neutralise:
            cells = (neutralise(value) for value in cells)
        line: str = self._writer.writerow(list(cells))  # `_Line.write` hands the text back
        return line


def plain_line(row: Iterable[Any], *, delimiter: str = ",", lineterminator: str = "\r\n") -> str:
    """One CSV line written exactly as the data is (no formula neutralisation): for standard formats."""
    return CsvWriter(delimiter=delimiter, lineterminator=lineterminator, neutralise=False).line(row)


def csv_lines(header: Sequence[Any] | None, rows: Iterable[Iterable[Any]], *, bom: bool = False,
              neutralise: bool = True, delimiter: str = ",", lineterminator: str = "\r\n") -> Iterator[str]:
    """The header (if any) and then each row as a CSV line, produced lazily."""
    writer = CsvWriter(delimiter=delimiter, lineterminator=lineterminator, neutralise=neutralise)
    first = BOM if bom else ""
    if header is not None:
        yield first + writer.line(header)
        first = ""
    for row in rows:
        yield first + writer.line(row)
        first = ""
    if first:
        yield first


def csv_chunks(header: Sequence[Any] | None, rows: Iterable[Iterable[Any]], *, chunk_chars: int = CHUNK_CHARS,
               **options: Any) -> Iterator[bytes]:
    """`csv_lines` gathered into UTF-8 chunks of about `chunk_chars` characters (fewer, larger writes)."""
    parts: list[str] = []
    size = 0
    for line in csv_lines(header, rows, **options):
        parts.append(line)
        size += len(line)
        if size >= chunk_chars:
            yield "".join(parts).encode()
            parts, size = [], 0
    yield "".join(parts).encode()


def stream_response(chunks: Iterable[Any], *, filename: str, content_type: str = CSV_CONTENT_TYPE
                    ) -> ScopedStreamingResponse:
    """A download of ready chunks (CSV lines or bytes), read in the request's community scope."""
    from hromada.core.streaming import ScopedStreamingResponse

    return ScopedStreamingResponse(chunks, content_type=content_type, filename=filename)


def csv_response(header: Sequence[Any] | None, rows: Iterable[Iterable[Any]], *, filename: str, bom: bool = True,
                 **options: Any) -> ScopedStreamingResponse:
    """A CSV download streamed row by row. The rows are read while the response is sent, in the
    request's community scope, so pass a lazy iterable (a generator over `queryset.iterator()`)."""
    return stream_response(csv_lines(header, rows, bom=bom, **options), filename=filename)


def _xlsx_value(value: Any) -> Any:
    if value is None or is_number(value):
        return value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.isoformat()  # a workbook has no time zones; the text keeps the offset
    if isinstance(value, dt.date | dt.time):
        return value
    if isinstance(value, bool):
        return value
    from hromada.core.text import xml_safe

    return xml_safe(value)  # a workbook is XML: it cannot hold control characters


def write_xlsx(header: Sequence[Any] | None, rows: Iterable[Iterable[Any]], out: IO[bytes], *,
               sheet: str = "data") -> None:
    """The rows as a workbook of one sheet, written to `out` with openpyxl's write-only mode.

    Text cells are typed as strings, so a text that begins with "=" is shown as it is and never run."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)

    def cells(row: Iterable[Any]) -> list[Any]:
        written = []
        for value in row:
            value = _xlsx_value(value)
            if isinstance(value, str):
                cell = WriteOnlyCell(worksheet, value=value)
                cell.data_type = "s"  # text, never a formula (openpyxl reads a leading "=" as one)
                written.append(cell)
            else:
                written.append(value)
        return written

    if header is not None:
        worksheet.append(cells(header))
    for row in rows:
        worksheet.append(cells(row))
    workbook.save(out)


def xlsx_file(header: Sequence[Any] | None, rows: Iterable[Iterable[Any]], *, sheet: str = "data") -> IO[bytes]:
    """The workbook in a temporary file, positioned at its start; the caller closes it."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller (a FileResponse closes it)
    try:
        write_xlsx(header, rows, out, sheet=sheet)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def xlsx_response(header: Sequence[Any] | None, rows: Iterable[Iterable[Any]], *, filename: str,
                  sheet: str = "data") -> FileResponse:
    """An XLSX download: written to a temporary file now (in the view, in the request's scope), then
    streamed from the file in blocks; the file is deleted when the response is closed."""
    from django.http import FileResponse

    return FileResponse(xlsx_file(header, rows, sheet=sheet), as_attachment=True, filename=filename,
                        content_type=XLSX_CONTENT_TYPE)
