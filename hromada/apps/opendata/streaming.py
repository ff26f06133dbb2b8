"""A zip archive written straight into the HTTP response: memory stays flat whatever its size."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Iterator


class _Sink:
    """A write-only file for ZipFile; the generator drains it after each write."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def stream_zip(entries: Iterable[tuple[str, Callable[[], Iterator[bytes]]]]) -> Iterator[bytes]:
    """Yield a zip of `entries`: (name in the archive, function returning the file's chunks)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:  # type: ignore[call-overload]
        for name, chunks in entries:
            with archive.open(name, mode="w", force_zip64=True) as member:
                for chunk in chunks():
                    member.write(chunk)
                    if sum(len(p) for p in sink.parts) >= 256 * 1024:
                        yield sink.drain()
            yield sink.drain()
    yield sink.drain()
