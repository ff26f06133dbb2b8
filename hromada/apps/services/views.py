"""(being written)"""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


service_list = situation = office_list = office_detail = service_detail = _missing
