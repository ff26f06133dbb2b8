from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_use_office(request) -> bool:
    return request.user.has_perm("appeals.use_office", getattr(request, "community", None))


def _home_figures(request) -> list[Any]:
    from django.urls import reverse
    from django.utils.translation import ngettext

    from hromada.apps.appeals import selectors
    from hromada.core.ui import Figure

    counts = selectors.home_counts()
    answered, open_now = counts["answered_this_month"], counts["open"]
    return [
        Figure(answered, ngettext("appeal answered this month", "appeals answered this month", answered),
               url=reverse("appeals:stats"), link_text=_("Statistics of appeals")),
        Figure(open_now, ngettext("appeal being worked on", "appeals being worked on", open_now),
               url=reverse("appeals:map"), link_text=_("Problem map")),
    ]


def _home_mine(request) -> Any:
    from django.template.defaultfilters import truncatechars
    from django.urls import reverse
    from django.utils.formats import date_format

    from hromada.apps.appeals import selectors
    from hromada.core.ui.home import MineGroup, MineItem

    items = [MineItem(title=truncatechars(appeal.text, 90), href=reverse("appeals:detail", args=[appeal.pk]),
                      status=appeal.get_status_display(), colour="blue",
                      meta=f"{appeal.number} · {date_format(appeal.registered_at, 'SHORT_DATE_FORMAT')}")
             for appeal in selectors.open_appeals_of(request.user)]
    return MineGroup(_("Your appeals in progress"), items, href=reverse("appeals:mine"),
                     link_text=_("All your appeals"))


def _search_hit(appeal) -> Any:
    from django.template.defaultfilters import truncatechars
    from django.urls import reverse
    from django.utils.translation import gettext

    from hromada.apps.appeals import selectors
    from hromada.core.ui.home import Hit

    text = selectors.public_description(appeal) or selectors.public_answer(appeal) or ""
    category = appeal.category.name if appeal.category else ""
    return Hit(title=gettext("Problem %(number)s") % {"number": appeal.number},
               href=reverse("appeals:public_appeal", args=[appeal.number]),
               meta=" · ".join(part for part in (category, str(appeal.get_status_display())) if part),
               text=truncatechars(text, 240))


class AppealsConfig(AppConfig):
    name = "hromada.apps.appeals"
    label = "appeals"
    verbose_name = _("Citizens' appeals")

    def ready(self) -> None:
        from hromada.apps.appeals import selectors
        from hromada.apps.appeals.dashboard import office_figures
        from hromada.apps.appeals.open311.views import error_for_path
        from hromada.core.errors import register_standard_api_errors
        from hromada.core.ui import Section, cabinet_sections, office_sections, public_sections
        from hromada.core.ui.home import Searcher, home_figures, home_mine, searchers

        register_standard_api_errors("open311/", error_for_path)

        cabinet_sections.register(Section(
            key="appeals", title=_("My appeals"), url_name="appeals:mine",
            description=_("Report a problem, make a proposal or a complaint and follow it to the answer."),
        ))
        public_sections.register(Section(
            key="appeals", position=10, title=_("Problem map"), url_name="appeals:map",
            description=_("See the problems residents reported near you and what the council did about them; "
                          "report a new one."),
        ))
        home_figures.register("appeals", _home_figures, position=10)
        home_mine.register("appeals", _home_mine, position=10)
        searchers.register(Searcher(key="appeals", position=10, title=_("Problems"),
                                    find=selectors.search_public, hit=_search_hit))
        office_sections.register(Section(
            key="appeals", title=_("Appeals"), url_name="appeals:office", visible=_can_use_office,
            figures=office_figures,
            description=_("Processing centre, triage, department queues, control of terms, Open311 keys."),
        ))
