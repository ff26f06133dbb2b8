"""The ways of a booking, a ticket in the live queue and a club enrolment, as data on the case core.

Each step is checked in the core's one order (permission, then state, then guard; decision 49) inside the
action's transaction holding the row's lock. Their timestamps live on the rows themselves (a ticket is
called and served within minutes; the statistics read the times, not a timeline).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from hromada.apps.equeue.models import BookingStatus as B
from hromada.apps.equeue.models import EnrolmentStatus as E
from hromada.apps.equeue.models import TicketStatus as T
from hromada.core.cases.workflow import Transition, Workflow

NEW = ""  # a row being created

BOOKING = Workflow((
    Transition("book", frozenset({NEW}), B.BOOKED, None, gettext_lazy("Book")),
    Transition("cancel", frozenset({B.BOOKED}), B.CANCELLED, "equeue.change_booking", gettext_lazy("Cancel")),
    Transition("move", frozenset({B.BOOKED}), B.MOVED, "equeue.change_booking", gettext_lazy("Move to another time")),
    Transition("check_in", frozenset({B.BOOKED}), B.CHECKED_IN, "equeue.check_in", gettext_lazy("Check in")),
    Transition("serve", frozenset({B.CHECKED_IN}), B.SERVED, None, gettext_lazy("Served")),
    Transition("no_show", frozenset({B.BOOKED}), B.NO_SHOW, "equeue.record_no_show",
               gettext_lazy("Record that the person did not come")),
), state_message=gettext_lazy("This cannot be done while the booking is “%(status)s”."))

TICKET = Workflow((
    Transition("issue", frozenset({NEW}), T.WAITING, None, gettext_lazy("Take a ticket")),
    Transition("call", frozenset({T.WAITING, T.REDIRECTED}), T.CALLED, "equeue.call_ticket", gettext_lazy("Call")),
    Transition("recall", frozenset({T.CALLED}), T.CALLED, "equeue.call_ticket", gettext_lazy("Call again")),
    Transition("serve", frozenset({T.CALLED}), T.SERVED, "equeue.call_ticket", gettext_lazy("Served")),
    Transition("redirect", frozenset({T.CALLED}), T.REDIRECTED, "equeue.call_ticket",
               gettext_lazy("Send to another window")),
    Transition("absent", frozenset({T.CALLED}), T.ABSENT, "equeue.call_ticket", gettext_lazy("Did not come up")),
), state_message=gettext_lazy("This cannot be done while the ticket is “%(status)s”."))

ENROLMENT = Workflow((
    Transition("request", frozenset({NEW}), E.REQUESTED, None, gettext_lazy("Ask for a place")),
    Transition("wait", frozenset({NEW}), E.WAITING, None, gettext_lazy("Join the waiting list")),
    Transition("offer", frozenset({E.WAITING}), E.REQUESTED, None, gettext_lazy("A place is free")),
    Transition("confirm", frozenset({E.REQUESTED}), E.CONFIRMED, "equeue.decide_enrolment", gettext_lazy("Confirm")),
    Transition("decline", frozenset({E.REQUESTED, E.WAITING}), E.DECLINED, "equeue.decide_enrolment",
               gettext_lazy("Decline")),
    Transition("withdraw", frozenset({E.REQUESTED, E.WAITING, E.CONFIRMED}), E.WITHDRAWN, "equeue.withdraw_enrolment",
               gettext_lazy("Withdraw")),
), state_message=gettext_lazy("This cannot be done while the enrolment is “%(status)s”."))
