from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_use_office(request) -> bool:
    return request.user.has_perm("equeue.use_office", getattr(request, "community", None))


class EqueueConfig(AppConfig):
    name = "hromada.apps.equeue"
    label = "equeue"
    verbose_name = _("E-queue and clubs")

    def ready(self) -> None:
        from hromada.core.ui import Section, cabinet_sections, office_sections, public_sections

        public_sections.register(Section(
            key="equeue", position=16, title=_("Book a visit"), url_name="equeue:start",
            description=_("Book a time at a ЦНАП window or with a doctor, take a ticket, see how long the wait is."),
        ))
        public_sections.register(Section(
            key="clubs", position=17, title=_("Clubs for children"), url_name="clubs:list",
            description=_("Find a club or a section for a child and enrol, or join the waiting list."),
        ))
        cabinet_sections.register(Section(
            key="equeue", title=_("My bookings"), url_name="equeue:mine",
            description=_("Your visits booked at the ЦНАП and with doctors; move or cancel them."),
        ))
        cabinet_sections.register(Section(
            key="clubs", title=_("My children's clubs"), url_name="clubs:mine",
            description=_("Enrolments of your children in clubs and sections."),
        ))
        office_sections.register(Section(
            key="equeue", title=_("E-queue"), url_name="equeue:office", visible=_can_use_office,
            description=_("The operator's panel, the live queue, schedules of windows and doctors, clubs."),
        ))
