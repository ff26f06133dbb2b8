"""Who may do what in the e-queue. The object is a booking, a ticket, an enrolment, a club or the community.

Operators run the ЦНАП's queue (book on a resident's behalf, record no-shows, issue tickets at reception) and
call tickets only to the windows they are assigned to; community admins keep resources, schedules and clubs;
controllers read the statistics; a club's staff decide its enrolments.
"""

from __future__ import annotations

import rules

from hromada.apps.accounts.models import Role
from hromada.apps.accounts.roles import staff_roles
from hromada.apps.communities.models import Community
from hromada.apps.equeue.models import Booking, Club, Enrolment, Ticket, WindowAssignment


def _community(obj) -> Community | int | None:
    if isinstance(obj, Community):
        return obj
    return getattr(obj, "community_id", None)


def _staff(roles: tuple[str, ...], name: str) -> rules.Predicate:
    return rules.predicate(lambda user, obj: obj is not None and staff_roles(user, _community(obj)).has(*roles),
                           name=name)


operator = _staff((Role.OPERATOR, Role.ADMIN), "equeue_operator")
controller = _staff((Role.CONTROLLER, Role.ADMIN), "equeue_controller")
admin = _staff((Role.ADMIN,), "equeue_admin")


@rules.predicate
def is_booking_person(user, booking) -> bool:
    return (isinstance(booking, Booking) and getattr(user, "is_authenticated", False)
            and booking.person_id == user.pk)


@rules.predicate
def works_at_the_window(user, ticket) -> bool:
    """Assigned to the window the ticket is called to (platform admins work at every window)."""
    if not isinstance(ticket, Ticket) or not getattr(user, "is_authenticated", False):
        return False
    if staff_roles(user, ticket.community_id).every_role:
        return True
    return ticket.window_id is not None and WindowAssignment.objects.filter(
        window_id=ticket.window_id, user_id=user.pk).exists()


@rules.predicate
def is_parent(user, enrolment) -> bool:
    return (isinstance(enrolment, Enrolment) and getattr(user, "is_authenticated", False)
            and enrolment.child.parent_id == user.pk)


@rules.predicate
def runs_the_club(user, obj) -> bool:
    club = obj if isinstance(obj, Club) else obj.group.club if isinstance(obj, Enrolment) else None
    return (club is not None and getattr(user, "is_authenticated", False)
            and club.managers.filter(pk=user.pk).exists())


@rules.predicate
def is_signed_in(user, obj) -> bool:
    return obj is not None and bool(getattr(user, "is_authenticated", False))


rules.add_perm("equeue.book", is_signed_in)
rules.add_perm("equeue.book_for_others", operator)
rules.add_perm("equeue.view_booking", is_booking_person | operator | controller)
rules.add_perm("equeue.change_booking", is_booking_person | operator)  # cancel, move (until the cut-off)
rules.add_perm("equeue.check_in", is_booking_person | operator)
rules.add_perm("equeue.record_no_show", operator)
rules.add_perm("equeue.issue_ticket", operator)  # at reception; the hall's kiosk page issues walk-in tickets too
rules.add_perm("equeue.call_ticket", works_at_the_window)  # the ticket's window is set before the check
rules.add_perm("equeue.use_panel", operator)
rules.add_perm("equeue.manage_resources", admin)  # resources, schedules, exceptions, assignments, clubs
rules.add_perm("equeue.view_statistics", controller)
rules.add_perm("equeue.enrol", is_signed_in)
rules.add_perm("equeue.withdraw_enrolment", is_parent)
rules.add_perm("equeue.decide_enrolment", runs_the_club | admin)
rules.add_perm("equeue.use_office", operator | controller | runs_the_club)
