"""The processing centre: scanned paper letters, their recognised text and their registration."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hromada.apps.accounts.models import User
from hromada.apps.appeals import media
from hromada.apps.appeals.actions.intake import Author, check_registration, write_registration
from hromada.apps.appeals.models import Appeal, AppealAttachment, Channel, OcrStatus, PaperScan
from hromada.apps.communities.models import Community
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.cases.actions import lock, require
from hromada.core.tasks import enqueue

logger = logging.getLogger("hromada.appeals")


def paper_scan_upload(*, community: Community, upload: Any, by: User) -> PaperScan:
    """Store a scanned letter (PDF or image) and queue the recognition of its text (`appeals.scan_ocr`).

    Only the cheap checks run here (size, pages, page size); a refused scan stores nothing."""
    from hromada.apps.appeals.tasks import scan_ocr

    require(by, "appeals.intake_appeal", community)
    data, pages = media.check_scan(upload)
    # Stored under a random name (the upload's own name may hold the resident's); an image scan is the
    # copy without metadata that `check_scan` made.
    extension = ".pdf" if data[:5] == b"%PDF-" else ".jpg"
    with transaction.atomic(durable=True):
        scan = PaperScan.objects.create(community=community, file=ContentFile(data, name=f"scan{extension}"),
                                        pages=pages, ocr_status=OcrStatus.QUEUED, uploaded_by=by)
        audit_record(actor=by, action="appeals.scan_upload", community=community, target=scan)
        enqueue(scan_ocr, community_id=community.pk, scan_id=scan.pk)
    return scan


# Shown to the operator (translated when shown: the job runs in no one's language).
OCR_TOO_LONG = gettext_noop("The recognition took too long. Read the scan and type its text.")
OCR_UNREADABLE = gettext_noop("The scan could not be recognised. Read the scan and type its text.")


def paper_scan_recognise(*, scan: PaperScan) -> PaperScan:
    """Recognise the text of a stored scan page by page, showing the progress on the scan's row.

    Limits: the pages and their sizes were checked on upload; each page is rendered at most
    media.MAX_OCR_PIXELS large; the whole scan gets media.OCR_JOB_SECONDS. Run by the job."""
    if scan.ocr_status == OcrStatus.DONE:
        return scan
    rows = PaperScan.objects.filter(pk=scan.pk)
    rows.update(ocr_status=OcrStatus.RUNNING, ocr_pages_done=0, ocr_error="")
    deadline = time.monotonic() + media.OCR_JOB_SECONDS

    def on_page(number: int, text: str) -> None:
        rows.update(ocr_pages_done=number, ocr_text=text)

    try:
        with scan.file.open("rb") as handle:
            data = handle.read()
        text = media.recognise_scan(data, deadline=deadline, on_page=on_page)
    except media.OcrTimeout:
        rows.update(ocr_status=OcrStatus.FAILED, ocr_error=OCR_TOO_LONG)
    except Exception:  # a scan that passed the checks but breaks the renderer: the operator types it
        logger.exception("recognition of paper scan %s failed", scan.pk)
        rows.update(ocr_status=OcrStatus.FAILED, ocr_error=OCR_UNREADABLE)
    else:
        rows.update(ocr_status=OcrStatus.DONE, ocr_text=text, ocr_pages_done=scan.pages)
    scan.refresh_from_db()
    return scan


def paper_register(*, scan: PaperScan, by: User, text: str, author: Author, **fields: Any) -> Appeal:
    """Register a paper letter from its (corrected) text; the scan is attached to the appeal.

    One transaction registers the appeal and attaches the scan, its row locked, so a letter is registered
    once even when two operators send it at the same moment."""
    require(by, "appeals.intake_appeal", scan.community)
    if scan.appeal_id:
        raise DomainError(_("This letter is already registered."), code="already_registered", status_code=409)
    registration = check_registration(community=scan.community, text=text, channel=Channel.PAPER, author=author,
                                      by=by, **fields)
    with transaction.atomic(durable=True):
        if lock(scan).appeal_id:
            raise DomainError(_("This letter is already registered."), code="already_registered", status_code=409)
        appeal = write_registration(registration)
        scan.appeal = appeal
        scan.save(update_fields=["appeal"])
        extension = str(scan.file.name).rsplit(".", 1)[-1] if "." in str(scan.file.name) else ""
        AppealAttachment.objects.create(community=scan.community, appeal=appeal, file=scan.file.name,
                                        name=f"{appeal.number}.{extension}" if extension else appeal.number,
                                        uploaded_by=by)
    return appeal
