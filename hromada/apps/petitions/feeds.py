"""RSS and Atom feeds of new and answered petitions."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from hromada.apps.petitions import selectors
from hromada.apps.petitions.models import Petition, PetitionStatus
from hromada.core.http import HromadaRequest


class PetitionsRss(Feed):
    def get_object(self, request: HttpRequest, *args, **kwargs):
        return cast(HromadaRequest, request).community

    def title(self, community) -> str:
        return _("Petitions — %(community)s") % {"community": community.name}

    def link(self) -> str:
        return reverse("petitions:list")

    def description(self, community) -> str:
        return _("New and answered electronic petitions of %(community)s.") % {"community": community.name}

    def items(self):
        return selectors.feed_items()

    def item_title(self, item: Petition) -> str:
        if item.status == PetitionStatus.ANSWERED:
            return _("Answered: %(title)s") % {"title": item.title}
        return item.title

    def item_description(self, item: Petition) -> str:
        # Plain text; the feed generator escapes it.
        return item.text[:1000]

    def item_link(self, item: Petition) -> str:
        return item.get_absolute_url()

    def item_author_name(self, item: Petition) -> str:
        return item.author.full_name

    def item_pubdate(self, item: Petition) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Petition) -> datetime | None:
        return item.answered_at or item.published_at


class PetitionsAtom(PetitionsRss):
    feed_type = Atom1Feed

    def subtitle(self, community) -> str:
        return self.description(community)
