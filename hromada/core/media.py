"""Uploaded media served by the application itself, for `hromada run` on one machine (SERVE_MEDIA)."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponseBase
from django.views.static import serve


def serve_media(request: HttpRequest, path: str) -> HttpResponseBase:
    if not settings.SERVE_MEDIA:
        raise Http404(path)
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))
