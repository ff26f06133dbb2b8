"""(being written)"""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


office_home = resources = resource_edit = resource_day = _missing
