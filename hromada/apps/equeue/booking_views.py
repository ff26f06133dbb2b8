"""(being written)"""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


start = resource = book = join_waiting_list = my_bookings = _missing
calendar_feed = booking_detail = booking_ics = cancel = move = _missing
accept_offer = _missing
