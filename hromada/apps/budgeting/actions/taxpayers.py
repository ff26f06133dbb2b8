"""The community's register of taxpayers (who may vote where taxpayers do), kept as keyed hashes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.apps.accounts.models import tax_number_hash
from hromada.apps.budgeting.actions.common import require
from hromada.apps.budgeting.models import Taxpayer
from hromada.apps.communities.models import Community
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record

MAX_TAXPAYER_FILE_BYTES = 64 * 1024 * 1024  # about five million tax numbers


MAX_LISTED_ERRORS = 5


@dataclass
class TaxpayerImport:
    rows: int  # tax numbers in the file
    taxpayers: int  # distinct tax numbers: the register's new size
    replaced: int  # size of the register before


def _taxpayer_hashes(content: bytes) -> tuple[list[str], int]:
    """The keyed hashes of the file's tax numbers (distinct, in file order) and the number of rows.

    The file is a CSV (comma or semicolon) in UTF-8 with the tax number (RNOKPP, 10 digits) in the first
    column; a first line with letters in it is a header; empty lines are skipped; other columns are ignored.
    Any bad line refuses the whole file. The raw numbers live only in this function's memory."""
    if len(content) > MAX_TAXPAYER_FILE_BYTES:
        raise DomainError(_("The file is larger than 64 MB; split it or leave out the other columns."),
                          code="file_too_large", field="file")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(_("The file is not text in UTF-8; save it as CSV (UTF-8)."), code="not_utf8",
                          field="file") from None
    problems: list[str] = []
    bad_lines = 0
    hashes: dict[str, None] = {}
    rows = 0
    for number, line in enumerate(text.splitlines(), start=1):
        first = line.replace(";", ",").split(",", 1)[0].strip().strip('"').strip()
        if not first:
            if line.strip(" ,;\t\""):
                bad_lines += 1
                if len(problems) < MAX_LISTED_ERRORS:
                    problems.append(_("line %(line)d: the first column is empty") % {"line": number})
            continue
        if number == 1 and any(ch.isalpha() for ch in first):
            continue  # a header
        if len(first) != 10 or not first.isdigit() or not first.isascii():
            bad_lines += 1
            if len(problems) < MAX_LISTED_ERRORS:
                problems.append(_("line %(line)d: “%(value)s” is not a tax number of 10 digits")
                                % {"line": number, "value": first[:20]})
            continue
        rows += 1
        hashes[tax_number_hash(first)] = None
    if problems:
        listed = "; ".join(problems)
        if bad_lines > len(problems):
            listed += "; " + _("and %(n)d more") % {"n": bad_lines - len(problems)}
        raise DomainError(_("Nothing was imported: %(problems)s.") % {"problems": listed}, code="bad_tax_number",
                          field="file")
    if not hashes:
        raise DomainError(_("Nothing was imported: the file has no tax numbers."), code="empty_file", field="file")
    return list(hashes), rows


def taxpayers_import(*, community: Community, by: Any, content: bytes) -> TaxpayerImport:
    """Replace the community's register of taxpayers with the tax numbers in `content` (see
    ``_taxpayer_hashes`` for the format). Only keyed hashes are stored; the act is audited with counts.
    A bad file raises DomainError and leaves the register as it was."""
    require(by, "budgeting.import_taxpayers", community)
    hashes, rows = _taxpayer_hashes(content)
    now = timezone.now()
    with transaction.atomic(durable=True):
        replaced, _deleted = Taxpayer.objects.filter(community=community).delete()
        Taxpayer.objects.bulk_create(
            [Taxpayer(community=community, tax_number_hash=value, imported_at=now) for value in hashes],
            batch_size=5000)
        audit_record(actor=by, action="budgeting.import_taxpayers", community=community,
                     data={"rows": rows, "taxpayers": len(hashes), "replaced": replaced})
    return TaxpayerImport(rows=rows, taxpayers=len(hashes), replaced=replaced)
