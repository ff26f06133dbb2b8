from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_use_office(request) -> bool:
    return request.user.has_perm("services.use_office", getattr(request, "community", None))


def _office_figures(request) -> list:
    from hromada.apps.services.office_views import office_figures

    return office_figures(request)


def _find(q: str):
    from hromada.apps.services.models import Service, ServiceStatus
    from hromada.apps.services.search import search

    return search(q, Service.objects.exclude(status=ServiceStatus.RETIRED))


def _search_hit(service):
    from django.urls import reverse

    from hromada.core.ui.home import Hit

    return Hit(title=service.name, href=reverse("services:detail", args=[service.code]), meta=service.provider)


class ServicesConfig(AppConfig):
    name = "hromada.apps.services"
    label = "services"
    verbose_name = _("Administrative services")

    def ready(self) -> None:
        from hromada.core.ui import Section, cabinet_sections, office_sections, public_sections
        from hromada.core.ui.home import Searcher, searchers

        public_sections.register(Section(
            key="services", position=50, title=_("Administrative services"), url_name="services:list",
            description=_("Find a service of the ЦНАП, read what to bring, what it costs and how long it takes, "
                          "apply online and follow your case."),
        ))
        searchers.register(Searcher(key="services", position=15, title=_("Administrative services"), find=_find,
                                    hit=_search_hit))
        cabinet_sections.register(Section(
            key="services", title=_("My applications"), url_name="services:mine",
            description=_("Your applications for administrative services, their status and results."),
        ))
        office_sections.register(Section(
            key="services", title=_("Administrative services"), url_name="services:office",
            visible=_can_use_office, figures=_office_figures,
            description=_("Applications at the ЦНАП and with the providers, terms under control, the register "
                          "of services."),
        ))
