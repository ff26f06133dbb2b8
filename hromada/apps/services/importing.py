"""The whole register in and out of a file, CSV or JSON: all or nothing, with a report row by row.

JSON is the register's own format (docs/services.md): {"format", "life_situations", "offices", "services"}.
CSV carries the services only, one row per service, with the columns of `CSV_COLUMNS`:

- a list (audience, life_situations, keywords, legal_basis, apply_methods, refusal_grounds, offices) is one
  item per line inside its cell;
- documents are one per line, "title — requirements" (an em dash between spaces; a title alone when there
  are no requirements), numbered by their order;
- the fee is three columns (fee_kind, fee_amount, fee_details), the term three (term_days, term_kind,
  term_text); the online form is its JSON in the `form` cell ([] when none).

The offices and life situations a CSV row names must exist in the community (or come in the same JSON file).
The export's cells are safe for a spreadsheet (a cell that would start a formula gets a leading apostrophe);
the import takes that apostrophe off again, so export → import gives the same cards.

`import_register` checks everything first; any error and nothing is written (`RegisterImportError` carries
the report). Otherwise every life situation, office and card is written in one transaction; a card equal
to the current one makes no new version. Services missing from the file are left as they are.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from hromada.apps.services import cards, register
from hromada.apps.services.models import LifeSituation, Office, Service
from hromada.core import exports

CSV_COLUMNS = ("code", "national_code", "name", "name_en", "provider", "audience", "life_situations", "status",
               "keywords", "legal_basis", "documents", "apply_methods", "fee_kind", "fee_amount", "fee_details",
               "term_days", "term_kind", "term_text", "result", "delivery", "refusal_grounds", "appeal_procedure",
               "offices", "identity_level", "form")
CSV_REQUIRED = ("code", "name", "provider")
LIST_COLUMNS = ("audience", "life_situations", "keywords", "legal_basis", "apply_methods", "refusal_grounds",
                "offices")
MAX_BYTES = 20 * 1024 * 1024
MAX_SERVICES = 10_000
MAX_REPORT = 500
ANALYZE_AFTER = 200  # cards written by one import, after which PostgreSQL's statistics are refreshed


@dataclass(frozen=True)
class ReportRow:
    row: int  # the CSV line (the header is 1) or the position in the JSON list (from 1); 0: the whole file
    code: str
    field: str
    message: str

    def __str__(self) -> str:
        where = _("row %(row)s") % {"row": self.row} if self.row else _("file")
        code = f" [{self.code}]" if self.code else ""
        return f"{where}{code}, {self.field}: {self.message}"


class RegisterImportError(Exception):
    """The file was not imported; `report` says why, row by row."""

    def __init__(self, report: list[ReportRow]) -> None:
        super().__init__(f"{len(report)} errors")
        self.report = report


@dataclass
class Parsed:
    situations: list[tuple[int, Any]] = field(default_factory=list)
    offices: list[tuple[int, Any]] = field(default_factory=list)
    services: list[tuple[int, Any]] = field(default_factory=list)  # (row, raw card)
    report: list[ReportRow] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    created: int
    changed: int
    unchanged: int
    situations: int
    offices: int


# --- reading ---------------------------------------------------------------------------------------------


def _unneutralise(value: str) -> str:
    """Undo the export's guard against formulas (`exports.neutralise`)."""
    if value.startswith("'") and value[1:].startswith(exports.FORMULA_STARTS):
        return value[1:]
    return value


def _lines(cell: str) -> list[str]:
    return [line.strip() for line in cell.splitlines() if line.strip()]


def card_from_csv_row(row: dict[str, str]) -> dict[str, Any]:
    """A raw card (for `register.check_card`) from one CSV row; a bad form cell is left for the check."""
    values = {key: _unneutralise(value or "") for key, value in row.items() if key in CSV_COLUMNS}
    raw: dict[str, Any] = {}
    for key in ("code", "national_code", "name", "name_en", "provider", "status", "result", "delivery",
                "appeal_procedure", "identity_level"):
        if key in values:
            raw[key] = values[key].replace("\r\n", "\n")
    for key in LIST_COLUMNS:
        if key in values:
            raw[key] = _lines(values[key])
    if "documents" in values:
        documents = []
        for line in _lines(values["documents"]):
            title, _sep, requirements = line.partition(register.DOCUMENT_SEPARATOR)
            documents.append({"title": title.strip(), "requirements": requirements.strip()})
        raw["documents"] = documents
    raw["fee"] = {"kind": values.get("fee_kind", "") or "free", "amount": values.get("fee_amount", "") or None,
                  "details": values.get("fee_details", "").replace("\r\n", "\n")}
    raw["term"] = {"days": values.get("term_days", "") or None, "kind": values.get("term_kind", "") or "working",
                   "text": values.get("term_text", "")}
    form = values.get("form", "").strip()
    if form:
        try:
            raw["form"] = json.loads(form)
        except ValueError:
            raw["form"] = "not JSON"  # check_card reports it
    return raw


def _decode(data: bytes, report: list[ReportRow]) -> str | None:
    if len(data) > MAX_BYTES:
        report.append(ReportRow(0, "", "file", _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES >> 20}))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.append(ReportRow(0, "", "file", _("The file is not UTF-8 text.")))
        return None


def parse_csv(data: bytes) -> Parsed:
    parsed = Parsed()
    text = _decode(data, parsed.report)
    if text is None:
        return parsed
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    if not header:
        parsed.report.append(ReportRow(0, "", "file", _("The file is empty.")))
        return parsed
    for name in CSV_REQUIRED:
        if name not in header:
            parsed.report.append(ReportRow(1, "", name, _("The column “%(name)s” is missing.") % {"name": name}))
    for name in header:
        if name not in CSV_COLUMNS:
            parsed.report.append(ReportRow(1, "", name[:40], _("Unknown column “%(name)s”; the columns are: "
                                                              "%(columns)s.") % {"name": name[:40],
                                                                                "columns": ", ".join(CSV_COLUMNS)}))
    if parsed.report:
        return parsed
    try:
        for row in reader:
            if None in row:  # more cells than columns
                parsed.report.append(ReportRow(reader.line_num, row.get("code") or "", "row",
                                               _("The row has more cells than the header has columns.")))
                continue
            if not any((value or "").strip() for value in row.values()):
                continue
            parsed.services.append((reader.line_num, card_from_csv_row(row)))
            if len(parsed.services) > MAX_SERVICES:
                parsed.report.append(ReportRow(0, "", "file", _("At most %(max)s services in one file.")
                                               % {"max": MAX_SERVICES}))
                return parsed
    except csv.Error as error:
        parsed.report.append(ReportRow(reader.line_num, "", "file", _("The CSV is broken: %(error)s")
                                       % {"error": str(error)[:200]}))
    return parsed


def parse_json(data: bytes) -> Parsed:
    parsed = Parsed()
    text = _decode(data, parsed.report)
    if text is None:
        return parsed
    try:
        document = json.loads(text)
    except ValueError as error:
        parsed.report.append(ReportRow(0, "", "file", _("The file is not JSON: %(error)s")
                                       % {"error": str(error)[:200]}))
        return parsed
    if not isinstance(document, dict) or document.get("format") != cards.FORMAT:
        parsed.report.append(ReportRow(0, "", "format", _("A register file is a JSON object with "
                                                          "\"format\": \"%(format)s\".") % {"format": cards.FORMAT}))
        return parsed
    for key, target in (("life_situations", parsed.situations), ("offices", parsed.offices),
                        ("services", parsed.services)):
        items = document.get(key, [])
        if not isinstance(items, list):
            parsed.report.append(ReportRow(0, "", key, _("Must be a list.")))
            continue
        if len(items) > MAX_SERVICES:
            parsed.report.append(ReportRow(0, "", key, _("At most %(max)s services in one file.")
                                           % {"max": MAX_SERVICES}))
            continue
        target.extend(enumerate(items, start=1))
    return parsed


def parse(data: bytes, name: str) -> Parsed:
    """The file by its kind: `.json` or `.csv` (its name's ending)."""
    lowered = name.lower()
    if lowered.endswith(".json"):
        return parse_json(data)
    if lowered.endswith(".csv"):
        return parse_csv(data)
    parsed = Parsed()
    parsed.report.append(ReportRow(0, "", "file", _("Import a .csv or a .json file.")))
    return parsed


# --- checking and writing --------------------------------------------------------------------------------


def check(parsed: Parsed, community: Any) -> tuple[list[dict], list[dict], list[tuple[int, dict]]]:
    """Every part of the file checked (errors go to `parsed.report`); returns the checked situations,
    offices and cards. Reads the community's existing codes (in its scope)."""
    situations: list[dict] = []
    offices: list[dict] = []
    services: list[tuple[int, dict]] = []
    seen: dict[str, dict[str, int]] = {"situation": {}, "office": {}}
    for kind, items, checker, target in (("situation", parsed.situations, register.check_situation, situations),
                                         ("office", parsed.offices, register.check_office, offices)):
        for row, raw in items:
            item, errors = checker(raw)
            label = "life_situations" if kind == "situation" else "offices"
            for error in errors:
                parsed.report.append(ReportRow(row, item["code"], f"{label}.{error.field}", error.message))
            if item["code"] in seen[kind]:
                parsed.report.append(ReportRow(row, item["code"], f"{label}.code",
                                               _("The code “%(code)s” is already used in row %(row)s.")
                                               % {"code": item["code"], "row": seen[kind][item["code"]]}))
            seen[kind].setdefault(item["code"], row)
            target.append(item)
    known_situations = set(LifeSituation.objects.values_list("code", flat=True)) | set(seen["situation"])
    known_offices = set(Office.objects.values_list("code", flat=True)) | set(seen["office"])
    codes: dict[str, int] = {}
    for row, raw in parsed.services:
        card, errors = register.check_card(raw)
        errors += register.check_references(card, situations=known_situations, offices=known_offices)
        code = card["code"]
        for error in errors:
            parsed.report.append(ReportRow(row, code, error.field, error.message))
        if code and code in codes:
            parsed.report.append(ReportRow(row, code, "code", _("The code “%(code)s” is already used in row "
                                                                "%(row)s.") % {"code": code, "row": codes[code]}))
        codes.setdefault(code, row)
        services.append((row, card))
    return situations, offices, services


def import_register(community: Any, data: bytes, name: str, *, by: Any = None) -> ImportResult:
    """Import a register file into `community` (its scope active): everything or, on any error, nothing
    (`RegisterImportError` with the report)."""
    parsed = parse(data, name)
    if parsed.report:
        raise RegisterImportError(parsed.report[:MAX_REPORT])
    situations, offices, services = check(parsed, community)
    if parsed.report:
        raise RegisterImportError(sorted(parsed.report, key=lambda r: r.row)[:MAX_REPORT])
    created = changed = unchanged = 0
    with transaction.atomic():
        for position, item in enumerate(situations):
            register.apply_situation(community, item, position)
        for item in offices:
            register.apply_office(community, item)
        by_situation = {s.code: s for s in LifeSituation.objects.all()}
        by_office = {o.code: o for o in Office.objects.all()}
        existing = {s.code: s for s in Service.objects.prefetch_related("life_situations", "offices")}
        for _row, card in services:
            service = existing.get(card["code"])
            _service, written = register.apply_card(community, card, by=by, service=service,
                                                    situations=by_situation, offices=by_office)
            if service is None:
                created += 1
            elif written:
                changed += 1
            else:
                unchanged += 1
    if connection.vendor == "postgresql" and created + changed >= ANALYZE_AFTER:
        # Fresh statistics, so that search takes the trigram index at once rather than after autovacuum.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE services_service")
    return ImportResult(created=created, changed=changed, unchanged=unchanged, situations=len(situations),
                        offices=len(offices))


# --- exporting -------------------------------------------------------------------------------------------


def _services() -> Any:
    return Service.objects.order_by("code").prefetch_related("life_situations", "offices")


def register_document() -> dict[str, Any]:
    """The community's whole register (its scope active) as the JSON file holds it."""
    return {"format": cards.FORMAT,
            "life_situations": [register.situation_of(s) for s in LifeSituation.objects.order_by("position", "code")],
            "offices": [register.office_of(o) for o in Office.objects.order_by("code")],
            "services": [cards.card_of(s) for s in _services()]}


def export_json() -> bytes:
    return json.dumps(register_document(), ensure_ascii=False, indent=1).encode()


def csv_row(card: dict[str, Any]) -> list[Any]:
    """One CSV row of a card, in the order of `CSV_COLUMNS` (text, before the spreadsheet guard)."""
    documents = [d["title"] + (f"{register.DOCUMENT_SEPARATOR}{d['requirements']}" if d["requirements"] else "")
                 for d in card["documents"]]
    values = {**{key: card[key] for key in CSV_COLUMNS if key in card},
              **{key: "\n".join(card[key]) for key in LIST_COLUMNS},
              "documents": "\n".join(documents),
              "fee_kind": card["fee"]["kind"], "fee_amount": card["fee"]["amount"] or "",
              "fee_details": card["fee"]["details"],
              "term_days": "" if card["term"]["days"] is None else str(card["term"]["days"]),
              "term_kind": card["term"]["kind"], "term_text": card["term"]["text"],
              "form": json.dumps(card["form"], ensure_ascii=False) if card["form"] else ""}
    return [values[key] for key in CSV_COLUMNS]


def csv_rows() -> Iterator[list[Any]]:
    for service in _services().iterator(chunk_size=500):
        yield csv_row(cards.card_of(service))


def export_csv() -> bytes:
    return "".join(exports.csv_lines(CSV_COLUMNS, csv_rows(), bom=True)).encode()
