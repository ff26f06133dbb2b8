"""Streamed responses that keep the request's community scope.

A server reads a `StreamingHttpResponse` after the view returned and after `CommunityMiddleware`
left the community's scope (and reset the script prefix). A stream that queries tenant-owned
tables would then raise `ScopeError` half-way, and the visitor gets a header row, an empty file or
the server's error page. `in_request_scope()` remembers the scope, the language and the script
prefix of the moment the response is built and restores them around every step of the stream, so
each export is read exactly as the view would have read it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from django.http import StreamingHttpResponse
from django.urls import get_script_prefix, set_script_prefix
from django.utils import translation
from django.utils.http import content_disposition_header

from hromada.core import tenancy

T = TypeVar("T")


@contextlib.contextmanager
def _restored(active: Any, language: str | None, prefix: str) -> Iterator[None]:
    token = tenancy.restore(active)
    old_prefix = get_script_prefix()
    set_script_prefix(prefix)
    try:
        if language:
            with translation.override(language):
                yield
        else:
            yield
    finally:
        set_script_prefix(old_prefix)
        tenancy.deactivate(token)


def in_request_scope(chunks: Iterable[T]) -> Iterator[T]:
    """`chunks`, each produced inside the community scope, language and script prefix active now.

    Call it while the request is being handled (in the view); the returned iterator may be read
    later, from anywhere. Closing it closes `chunks` in the same scope (a cursor's clean-up)."""
    active, language, prefix = tenancy.current_scope(), translation.get_language(), get_script_prefix()
    iterator = iter(chunks)

    def generate() -> Iterator[T]:
        try:
            while True:
                with _restored(active, language, prefix):
                    try:
                        chunk = next(iterator)
                    except StopIteration:
                        return
                yield chunk
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                with _restored(active, language, prefix):
                    close()

    return generate()


class ScopedStreamingResponse(StreamingHttpResponse):
    """A `StreamingHttpResponse` whose content is produced in the request's community scope.

    `filename` makes it a download (Content-Disposition: attachment)."""

    def __init__(self, chunks: Iterable[Any], *args: Any, filename: str | None = None, **kwargs: Any) -> None:
        super().__init__(in_request_scope(chunks), *args, **kwargs)
        if filename:
            self["Content-Disposition"] = content_disposition_header(True, filename)
