"""Multi-tenancy: which community a piece of work belongs to.

Every tenant-owned model inherits :class:`TenantModel`; its default manager filters by the
community that is *active* for the current request, job or command, and refuses to run
at all when none is active. Code that really spans communities (platform admin, the
job workers, migrations of data) says so with ``scope(all_communities=True)``.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hromada.apps.communities.models import Community


class ScopeError(RuntimeError):
    """A tenant-owned table was queried with no community active."""


@dataclass(frozen=True)
class _Scope:
    community_id: int | None
    all_communities: bool = False


_current: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar("hromada_scope", default=None)


@contextlib.contextmanager
def scope(community: Community | None = None, *, all_communities: bool = False) -> Iterator[None]:
    """Activate one community (or, explicitly, all of them) for the block."""
    if community is None and not all_communities:
        raise ValueError("scope() needs a community or all_communities=True")
    token = _current.set(_Scope(community.pk if community is not None else None, all_communities))
    try:
        yield
    finally:
        _current.reset(token)


def keep_scope(chunks: Iterable[str | bytes]) -> Iterator[str | bytes]:
    """`chunks` read in the scope active now. A streaming response's body is read by the server after
    the view and the middleware have returned, when the request's scope is no longer active."""
    active = _current.get()  # taken now, in the view: a generator's body would run only when first read

    def read() -> Iterator[str | bytes]:
        iterator = iter(chunks)
        while True:
            token = _current.set(active)
            try:
                chunk = next(iterator)
            except StopIteration:
                return
            finally:
                _current.reset(token)
            yield chunk

    return read()


def activate(community: Community | None) -> contextvars.Token:
    return _current.set(_Scope(community.pk, False) if community is not None else None)


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)


def current_scope() -> _Scope | None:
    return _current.get()


def current_community_id() -> int | None:
    active = _current.get()
    return active.community_id if active else None
