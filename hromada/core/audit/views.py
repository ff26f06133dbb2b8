"""The published day heads of the audit log: a public page per community (and one for the platform)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hromada.core.audit.models import AuditDayHead, chain_of

PAGE_SIZE = 50


def day_heads(request: HttpRequest) -> HttpResponse:
    community = getattr(request, "community", None)
    heads = AuditDayHead.objects.filter(chain=chain_of(getattr(community, "pk", None))).order_by("-day")
    page = Paginator(heads, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/day_heads.html", {"page": page, "chain": chain_of(getattr(community, "pk", None))})
