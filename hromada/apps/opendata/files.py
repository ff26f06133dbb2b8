"""Writing data set files as streams (memory stays flat however many rows) and reading uploads."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from hromada.apps.opendata.models import Format
from hromada.core import exports

CHUNK_BYTES = 64 * 1024


def cell(value: Any) -> Any:
    """A value as it appears in CSV/JSON: ISO dates, plain numbers, empty for None."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def iter_csv(rows: Iterable[Sequence[Any]], header: Sequence[str]) -> Iterator[bytes]:
    """CSV (UTF-8, comma, CRLF as RFC 4180) in chunks of about CHUNK_BYTES.

    Written exactly as the data is (the plain writer of hromada.core.exports, no formula neutralisation):
    it must equal PostgreSQL's `COPY ... CSV` of the same rows, and open data is read by programs."""
    return exports.csv_chunks(header, ([cell(v) for v in row] for row in rows), neutralise=False,
                              chunk_chars=CHUNK_BYTES)


def iter_json(rows: Iterable[Sequence[Any]], header: Sequence[str]) -> Iterator[bytes]:
    """A JSON array of objects keyed by the column names, streamed."""
    parts = ["["]
    size, first = 0, True
    for row in rows:
        text = json.dumps(dict(zip(header, (cell(v) for v in row), strict=True)), ensure_ascii=False)
        parts.append(text if first else "," + text)
        first = False
        size += len(text)
        if size >= CHUNK_BYTES:
            yield "".join(parts).encode()
            parts, size = [], 0
    parts.append("]")
    yield "".join(parts).encode()


def iter_geojson(rows: Iterable[Sequence[Any]], header: Sequence[str], geometry: tuple[str, str]) -> Iterator[bytes]:
    lon_index, lat_index = header.index(geometry[0]), header.index(geometry[1])
    parts = ['{"type":"FeatureCollection","features":[']
    size, first = 0, True
    for row in rows:
        lon, lat = row[lon_index], row[lat_index]
        if lon is None or lat is None or lon == "" or lat == "":
            continue
        properties = {k: cell(v) for k, v in zip(header, row, strict=True) if k not in geometry}
        feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
                   "properties": properties}
        text = json.dumps(feature, ensure_ascii=False)
        parts.append(text if first else "," + text)
        first = False
        size += len(text)
        if size >= CHUNK_BYTES:
            yield "".join(parts).encode()
            parts, size = [], 0
    parts.append("]}")
    yield "".join(parts).encode()


def write_xlsx(rows: Iterable[Sequence[Any]], header: Sequence[str], out: IO[bytes]) -> None:
    """The rows as a workbook (hromada.core.exports: write-only, text cells never formulas); numbers stay
    numbers, everything else is the text the CSV shows."""
    exports.write_xlsx(header, ([v if isinstance(v, int | float) and not isinstance(v, bool) else cell(v) for v in row]
                                for row in rows), out, sheet="data")


@dataclass
class Written:
    file: IO[bytes]  # positioned at 0
    size: int
    checksum: str
    rows: int | None


class _CountingRows:
    def __init__(self, rows: Iterable[Sequence[Any]]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self.rows:
            self.count += 1
            yield row


def write_format(fmt: str, rows: Iterable[Sequence[Any]], header: Sequence[str],
                 geometry: tuple[str, str] | None = None) -> Written:
    """Write rows in `fmt` to a temporary file, hashing as it goes."""
    counted = _CountingRows(rows)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - returned to the caller, who closes it
    digest = hashlib.sha256()
    if fmt == Format.XLSX:
        write_xlsx(counted, header, out)
        out.seek(0)
        while chunk := out.read(CHUNK_BYTES):
            digest.update(chunk)
    else:
        if fmt == Format.CSV:
            chunks = iter_csv(counted, header)
        elif fmt == Format.JSON:
            chunks = iter_json(counted, header)
        elif fmt == Format.GEOJSON:
            if geometry is None:
                raise ValueError("GeoJSON needs a geometry")
            chunks = iter_geojson(counted, header, geometry)
        else:
            raise ValueError(f"unknown format {fmt}")
        for chunk in chunks:
            digest.update(chunk)
            out.write(chunk)
    size = out.tell() if fmt != Format.XLSX else out.seek(0, io.SEEK_END)
    out.seek(0)
    return Written(file=out, size=size, checksum=digest.hexdigest(), rows=counted.count)


def write_chunks(chunks: Iterable[bytes]) -> Written:
    """Write ready CSV chunks (one header line, then one line per row) to a temporary file, hashing."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - returned to the caller, who closes it
    digest = hashlib.sha256()
    lines = 0
    for chunk in chunks:
        digest.update(chunk)
        out.write(chunk)
        lines += chunk.count(b"\n")
    size = out.tell()
    out.seek(0)
    return Written(file=out, size=size, checksum=digest.hexdigest(), rows=max(lines - 1, 0))


class UploadError(ValueError):
    """An uploaded file we refuse; the message is for the person who uploaded it."""


def decode_text_upload(raw: bytes) -> str:
    """Text of an uploaded CSV/JSON: UTF-8 (with or without BOM) or Windows-1251, never mojibake.

    UTF-8 is strict: Cyrillic in Windows-1251 is almost never valid UTF-8, so a failure means 1251.
    Text that decodes as UTF-8 but looks like UTF-8 read as 1251 once before (``Ð``, ``Ñ`` pairs, or
    ``Р°``-style pairs) is refused rather than stored garbled.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1251")
        except UnicodeDecodeError as exc:
            raise UploadError("The file is neither UTF-8 nor Windows-1251 text.") from exc
    if _looks_like_mojibake(text):
        raise UploadError("The file's text is garbled (UTF-8 read as another encoding). Export it again as UTF-8.")
    return text


GEOJSON_TYPES = {"FeatureCollection", "Feature", "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                 "MultiPolygon", "GeometryCollection"}
XLSX_PARTS = {"[Content_Types].xml", "xl/workbook.xml"}


def check_content(fmt: str, raw: bytes) -> None:
    """Raise UploadError unless `raw` is what its declared format says: CSV is plain text that is not
    markup, JSON and GeoJSON parse (GeoJSON as a GeoJSON object), XLSX is a workbook package.
    A file sent under another format's name (an SVG or a web page as CSV) is refused."""
    from django.utils.translation import gettext as _

    if fmt == Format.XLSX:
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as package:
                names = set(package.namelist())
        except zipfile.BadZipFile:
            names = set()
        if not XLSX_PARTS <= names:
            raise UploadError(_("The file is not an XLSX workbook."))
        return
    text = decode_text_upload(raw)
    if "\x00" in text:
        raise UploadError(_("The file contains NUL characters: it is not a text file."))
    start = text.lstrip("\ufeff \t\r\n")[:1]
    if fmt == Format.CSV:
        if start == "<":
            raise UploadError(_("The file is markup (HTML, XML or SVG), not CSV."))
        return
    try:
        from hromada.core.inputs import loads_bounded

        data = loads_bounded(text)
    except ValueError as exc:
        raise UploadError(_("The file is not valid JSON.")) from exc
    if fmt == Format.GEOJSON and not (isinstance(data, dict) and data.get("type") in GEOJSON_TYPES):
        raise UploadError(_("The file is JSON but not GeoJSON (no GeoJSON \"type\")."))


_MOJIBAKE_MARKS = ("Ð°", "Ð¾", "Ñ\x96", "Ñ\x8f", "Р°", "Рѕ", "С–", "Рё", "Рµ")


def _looks_like_mojibake(text: str) -> bool:
    sample = text[:20000]
    return sum(sample.count(mark) for mark in _MOJIBAKE_MARKS) >= 3


def read_csv_preview(raw: bytes, limit: int = 20) -> tuple[list[str], list[list[str]]]:
    text = decode_text_upload(raw)
    reader = csv.reader(io.StringIO(text))
    rows = []
    for row in reader:
        rows.append(row)
        if len(rows) > limit:
            break
    return (rows[0] if rows else []), rows[1:]


def read_xlsx_preview(fileobj: IO[bytes], limit: int = 20) -> tuple[list[str], list[list[str]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(fileobj, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    rows: list[list[str]] = []
    for values in sheet.iter_rows(values_only=True):
        rows.append(["" if v is None else str(v) for v in values])
        if len(rows) > limit:
            break
    workbook.close()
    return (rows[0] if rows else []), rows[1:]
