"""(being written)"""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


register_list = card_create = register_import = register_export = card_edit = _missing
