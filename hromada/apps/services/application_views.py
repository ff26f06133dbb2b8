"""(being written)"""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


status_check = my_cases = case_detail = receipt_pdf = resubmit = withdraw = rate = attachment = _missing
paper_application = apply = _missing
