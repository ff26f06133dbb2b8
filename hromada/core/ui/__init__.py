"""Registries through which modules add their sections to the shared UI shell.

A module calls ``cabinet_sections.register(...)`` in its ``AppConfig.ready()`` and its
section appears in the resident's cabinet; ``public_sections`` are the public entry points of the
community home page (the problem map, not "my appeals"); ``office_sections`` the back office. What the
home page counts, shows of a signed-in resident and searches is registered in ``hromada.core.ui.home``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Figure:
    """A number a section shows on the back-office home: what awaits the official, or what their role controls.
    The first figure of a section is its card's counter; all of them are KPI tiles. `status` is "bad" or
    "warn" when the figure needs attention (the tile then says so in words: `status_text`)."""

    value: int | str
    label: StrOrPromise
    url: str = ""
    status: str = ""
    status_text: StrOrPromise = ""
    link_text: StrOrPromise = ""  # the words of the link to `url` where the figure shows one (the home page)


@dataclass(frozen=True)
class Section:
    key: str
    title: StrOrPromise  # lazy gettext
    description: StrOrPromise = ""
    url_name: str | None = None  # a named URL in the community URLconf
    visible: Callable[[HttpRequest], bool] = field(default=lambda request: True)
    # What awaits the official in this section (the back-office home's counters and tiles); called only
    # for visible sections. None: the section shows no figures.
    figures: Callable[[HttpRequest], list[Figure]] | None = None
    position: int = 100  # lower first; equal positions keep the order of registration

    def url(self) -> str | None:
        if not self.url_name:
            return None
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


class SectionRegistry:
    def __init__(self) -> None:
        self._sections: dict[str, Section] = {}

    def register(self, section: Section) -> None:
        self._sections[section.key] = section

    def all(self) -> list[Section]:
        return sorted(self._sections.values(), key=lambda s: s.position)

    def public(self, request: HttpRequest) -> list[Section]:
        return [s for s in self.all() if s.visible(request)]


cabinet_sections = SectionRegistry()  # the resident's cabinet (their own things; most need signing in)
public_sections = SectionRegistry()  # the community home page: public entry points, open without signing in
office_sections = SectionRegistry()  # the staff back office
