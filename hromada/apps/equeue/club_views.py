"""(being written)"""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


club_list = club_detail = enrol = children = my_enrolments = _missing
withdraw = office = office_group = office_step = _missing
