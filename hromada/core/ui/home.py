"""What the community home page counts, shows a signed-in resident of their own, and searches.

Each module registers in its ``AppConfig.ready()``:

- ``home_figures.register(key, provider)``: ``provider(request)`` returns the module's `Figure`s ("3 petitions
  collecting signatures"). One cheap aggregate query per module. The figures are public and the same for
  every visitor of the community (never the reader's own: those are ``home_mine``), so the page keeps what
  all the providers returned for FIGURES_SECONDS per community and language (``hromada.core.memo``): the
  home page asks the modules at most once a minute per process, and a new petition shows within a minute.
- ``home_mine.register(key, provider)``: ``provider(request)`` returns a `MineGroup` of the signed-in resident's
  open items in the module (their appeals in progress, petitions they wrote, their vote) or None. Called only
  for a signed-in person; one query per module.
- ``searchers.register(Searcher(...))``: the module's part of the community search (`/search/?q=`). `find(q)`
  returns a queryset of public things only (never what the public pages do not show); `hit(obj)` makes a `Hit`.

Each takes a `position` (lower first; equal ones keep the order of registration), so the page is stable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import get_script_prefix
from django.utils.translation import get_language

from hromada.core.memo import ABOVE_COMMUNITIES, TimedMemory
from hromada.core.ui import Figure

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class MineItem:
    title: str  # the resident's own text (Ukrainian)
    href: str
    status: StrOrPromise = ""
    colour: str = "grey"  # a <c-tag> colour
    meta: StrOrPromise = ""
    user_text: bool = True  # the title was written by people (Ukrainian): marked lang="uk"


@dataclass(frozen=True)
class MineGroup:
    title: StrOrPromise
    items: list[MineItem]
    href: str = ""  # the module's full list of the resident's things
    link_text: StrOrPromise = ""


@dataclass(frozen=True)
class Hit:
    title: str
    href: str
    meta: StrOrPromise = ""
    text: str = ""  # an excerpt of public text
    user_text: bool = True  # title and text were written by people (Ukrainian): marked lang="uk"


@dataclass(frozen=True)
class Searcher:
    key: str
    title: StrOrPromise
    find: Callable[[str], QuerySet[Any]]
    hit: Callable[[Any], Hit]
    visible: Callable[[HttpRequest], bool] = field(default=lambda request: True)
    position: int = 100  # lower first


class _ProviderRegistry:
    def __init__(self) -> None:
        self._providers: dict[str, tuple[int, Callable[[HttpRequest], Any]]] = {}

    def register(self, key: str, provider: Callable[[HttpRequest], Any], *, position: int = 100) -> None:
        """`position`: lower first; equal positions keep the order of registration."""
        self._providers[key] = (position, provider)

    def providers(self) -> list[Callable[[HttpRequest], Any]]:
        return [provider for _position, provider in sorted(self._providers.values(), key=lambda item: item[0])]

    def keys(self) -> list[str]:
        return list(self._providers)


FIGURES_SECONDS = 60.0
_FIGURES = TimedMemory("ui.home_figures")


class FigureRegistry(_ProviderRegistry):
    def collect(self, request: HttpRequest) -> list[Figure]:
        """Every module's figures for the request's community, in order; kept FIGURES_SECONDS per community,
        language (the labels are words of the reader's language) and address. Read them, never change them."""
        community = getattr(request, "community", None)
        community_id = community.pk if community is not None else ABOVE_COMMUNITIES
        # The links differ by address (/c/<slug>/ on the platform's host, / on the community's own).
        key = ("figures", get_language(), get_script_prefix())
        return _FIGURES.remember(community_id, key, lambda: self.fresh(request), FIGURES_SECONDS)

    def fresh(self, request: HttpRequest) -> list[Figure]:
        """The figures asked of every module now (what `collect` keeps)."""
        return [figure for provider in self.providers() for figure in provider(request)]


class MineRegistry(_ProviderRegistry):
    def collect(self, request: HttpRequest) -> list[MineGroup]:
        if not request.user.is_authenticated:
            return []
        groups = (provider(request) for provider in self.providers())
        return [group for group in groups if group is not None and group.items]


class SearcherRegistry:
    def __init__(self) -> None:
        self._searchers: dict[str, Searcher] = {}

    def register(self, searcher: Searcher) -> None:
        self._searchers[searcher.key] = searcher

    def public(self, request: HttpRequest) -> list[Searcher]:
        return [s for s in sorted(self._searchers.values(), key=lambda s: s.position) if s.visible(request)]


home_figures = FigureRegistry()
home_mine = MineRegistry()
searchers = SearcherRegistry()
