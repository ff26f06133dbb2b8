from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_use_office(request) -> bool:
    return request.user.has_perm("petitions.view_office", getattr(request, "community", None))


def _office_figures(request) -> list:
    """Petitions waiting for the moderator and for the council's consideration (one statement)."""
    from django.db.models import Count, Q
    from django.urls import reverse

    from hromada.apps.petitions.models import Petition, PetitionStatus
    from hromada.core.ui import Figure

    counts = Petition.objects.aggregate(
        moderation=Count("pk", filter=Q(status=PetitionStatus.MODERATION)),
        threshold=Count("pk", filter=Q(status=PetitionStatus.THRESHOLD_REACHED)))
    url = reverse("petitions:office")
    return [Figure(counts["moderation"], _("petitions awaiting moderation"), url),
            Figure(counts["threshold"], _("petitions awaiting consideration"), url)]
def _home_figures(request) -> list[Any]:
    from django.urls import reverse
    from django.utils.translation import ngettext

    from hromada.apps.petitions import selectors
    from hromada.core.ui import Figure

    counts = selectors.home_counts(request.community.pk)
    collecting, answered = counts["collecting"], counts["answered"]
    return [
        Figure(collecting, ngettext("petition collecting signatures", "petitions collecting signatures", collecting),
               url=f"{reverse('petitions:list')}?status=open", link_text=_("Sign a petition")),
        Figure(answered, ngettext("petition answered by the council", "petitions answered by the council",
                                  answered),
               url=f"{reverse('petitions:list')}?status=answered", link_text=_("Read the answers")),
    ]


def _public_list_changed(sender, instance, **kwargs) -> None:
    """A petition saved (a new state, an edit): the anonymous visitors' kept list pages are stale. At once, and
    again when it commits, so a page drawn in between from what was not yet committed is not kept either."""
    from django.db import transaction

    from hromada.core.public_pages import bump_generation

    community_id = instance.community_id
    bump_generation("petitions", community_id)
    transaction.on_commit(lambda: bump_generation("petitions", community_id))


def _signatures(petition) -> str:
    from django.utils.translation import gettext

    if petition.threshold:
        return gettext("%(count)s of %(needed)s signatures") % {"count": petition.signature_count,
                                                                "needed": petition.threshold}
    return gettext("%(count)s signatures") % {"count": petition.signature_count}


def _home_mine(request) -> Any:
    from django.urls import reverse

    from hromada.apps.petitions import selectors
    from hromada.core.ui.home import MineGroup, MineItem

    items = [MineItem(title=petition.title, href=reverse("petitions:detail", args=[petition.pk]),
                      status=petition.get_status_display(), colour="green" if petition.status in (
                          "collecting", "threshold_reached") else "grey", meta=_signatures(petition))
             for petition in selectors.petitions_under_way_of(request.user)]
    return MineGroup(_("Petitions you wrote"), items, href=reverse("petitions:mine"),
                     link_text=_("All your petitions"))


def _search_hit(petition) -> Any:
    from django.urls import reverse

    from hromada.core.ui.home import Hit

    return Hit(title=petition.title, href=reverse("petitions:detail", args=[petition.pk]),
               meta=f"{petition.get_status_display()} · {_signatures(petition)}")


class PetitionsConfig(AppConfig):
    name = "hromada.apps.petitions"
    label = "petitions"
    verbose_name = _("Electronic petitions")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from hromada.apps.petitions import edge, selectors
        from hromada.apps.petitions.models import Petition, PetitionPolicy, forget_cached_policies
        from hromada.core.ui import Section, cabinet_sections, office_sections, public_sections
        from hromada.core.ui.home import Searcher, home_figures, home_mine, searchers

        edge.register()  # the live count and scripted signing, answered before Django's stack

        post_save.connect(forget_cached_policies, sender=PetitionPolicy, dispatch_uid="petitions-policy-saved")
        post_save.connect(_public_list_changed, sender=Petition, dispatch_uid="petitions-public-list")
        post_delete.connect(forget_cached_policies, sender=PetitionPolicy, dispatch_uid="petitions-policy-deleted")

        cabinet_sections.register(Section(
            key="petitions", title=_("My petitions"), url_name="petitions:mine",
            description=_("Start a petition, follow the ones you wrote and signed, or browse all petitions."),
        ))
        public_sections.register(Section(
            key="petitions", position=20, title=_("Petitions"), url_name="petitions:list",
            description=_("Read and sign the petitions residents address to the council, follow the answers, "
                          "start your own."),
        ))
        home_figures.register("petitions", _home_figures, position=20)
        home_mine.register("petitions", _home_mine, position=20)
        searchers.register(Searcher(key="petitions", position=20, title=_("Petitions"),
                                    find=selectors.search_public, hit=_search_hit))
        office_sections.register(Section(
            key="petitions", title=_("Petitions"), url_name="petitions:office", visible=_can_use_office,
            figures=_office_figures,
            description=_("Moderation queue, consideration deadlines, official responses, signature checks."),
        ))
