"""(being written)"""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


office_home = cnap_queue = provider_queue = control = office_case = office_step = _missing
