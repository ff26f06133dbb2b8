from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_manage(request) -> bool:
    return request.user.has_perm("opendata.manage_catalogue", getattr(request, "community", None))


def _home_figures(request) -> list[Any]:
    from django.urls import reverse
    from django.utils.translation import ngettext

    from hromada.apps.opendata import selectors
    from hromada.core.ui import Figure

    count = selectors.published_count()
    return [Figure(count, ngettext("open data set", "open data sets", count), url=reverse("opendata:index"),
                   link_text=_("Download the data"))]


def _search_hit(dataset) -> Any:
    from django.template.defaultfilters import truncatechars
    from django.urls import reverse

    from hromada.core.ui.home import Hit

    return Hit(title=dataset.title, href=reverse("opendata:dataset", args=[dataset.name]),
               meta=dataset.publisher.title, text=truncatechars(dataset.description, 240), user_text=False)


class OpenDataConfig(AppConfig):
    name = "hromada.apps.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from hromada.apps.opendata import selectors
        from hromada.core.ui import Section, cabinet_sections, office_sections, public_sections
        from hromada.core.ui.home import Searcher, home_figures, searchers

        from . import rules  # noqa: F401  (registers the permissions)

        cabinet_sections.register(Section(
            key="opendata", title=_("Open data"), url_name="opendata:index",
            description=_("Data sets of the community: search, preview, download, CKAN API and DCAT-AP."),
        ))
        public_sections.register(Section(
            key="opendata", position=40, title=_("Open data"), url_name="opendata:index",
            description=_("Data sets of the community to download and reuse: budgets, appeals, petitions and more."),
        ))
        home_figures.register("opendata", _home_figures, position=40)
        searchers.register(Searcher(key="opendata", position=40, title=_("Open data sets"),
                                    find=selectors.search_public, hit=_search_hit))
        office_sections.register(Section(
            key="opendata", title=_("Open data"), url_name="opendata:office", visible=_can_manage,
            description=_("Publish and update data sets, upload resources, refresh platform data sets."),
        ))
