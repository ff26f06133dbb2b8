"""Uploaded files that are not for everyone: stored outside MEDIA_ROOT, under random names, and served
only by views that check who asks.

`MEDIA_ROOT` (`/media/`) may be served by the front proxy to anyone. Office scans, attachments and the
photos of appeals live in `PRIVATE_MEDIA_ROOT` instead, which nothing serves by itself: a view loads
the object, checks the permission, and answers with `serve()`. In production the proxy sends the bytes:
with `MEDIA_ACCEL_REDIRECT_PREFIX` set (e.g. `/protected/`), `serve()` answers with an empty body and an
`X-Accel-Redirect` header naming the file under that prefix, which nginx maps to PRIVATE_MEDIA_ROOT in
an `internal` location (docs/operations.md). A stored name is random (`RandomName`): it tells nothing
of the resident or of the original file, and cannot be guessed.
"""

from __future__ import annotations

import mimetypes
import os
import uuid
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header

SAFE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".pdf", ".txt", ".csv", ".doc", ".docx", ".odt", ".xls",
                   ".xlsx", ".ods", ".rtf", ".zip"}


@deconstructible
class PrivateStorage(FileSystemStorage):
    """The file system under PRIVATE_MEDIA_ROOT (read when used, so tests may point it elsewhere). Its
    files have no URL: `url()` raises, so a template can never link one past the checking view."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def base_location(self) -> Any:  # type: ignore[override]
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name: Any) -> str:
        raise ValueError("a private file has no public URL; link the view that checks access")


private_storage = PrivateStorage()


def get_private_storage() -> PrivateStorage:
    return private_storage


@deconstructible
class RandomName:
    """`upload_to` giving `<folder>/<year>/<month>/<32 random hex digits><extension>`: the original name is
    dropped (only a known extension is kept)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder.strip("/")

    def __call__(self, instance: Any, filename: str) -> str:
        extension = os.path.splitext(filename or "")[1].lower()
        if extension not in SAFE_EXTENSIONS:
            extension = ""
        now = timezone.now()
        return f"{self.folder}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def serve(field_file: Any, *, download_name: str = "") -> HttpResponseBase:
    """The response carrying a private file, for a view that has checked access: never cached by shared
    caches, never sniffed. Through the proxy (X-Accel-Redirect) when MEDIA_ACCEL_REDIRECT_PREFIX is set."""
    name = str(field_file.name or "")
    if not name or ".." in name.split("/"):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    prefix = settings.MEDIA_ACCEL_REDIRECT_PREFIX
    response: HttpResponseBase
    if prefix:
        response = HttpResponse(content_type=content_type)
        # nginx decodes the URI; old files keep uploaders' names (Cyrillic, spaces, "#", "%"), so quote them.
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
    else:
        try:
            handle = field_file.storage.open(name, "rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
    inline = content_type.startswith("image/") or content_type == "application/pdf"
    response["Content-Disposition"] = content_disposition_header(
        not inline, (download_name or "file") + os.path.splitext(name)[1]) or "attachment"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
