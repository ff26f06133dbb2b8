"""(being written)"""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


ticket_page = check_in = display = display_events = display_state = _missing
waiting_time = ticket_detail = panel = panel_step = statistics = _missing
