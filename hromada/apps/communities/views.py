from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from hromada.apps.communities.models import Community
from hromada.core.ui import cabinet_sections


def platform_home(request: HttpRequest) -> HttpResponse:
    communities = Community.objects.filter(is_active=True).order_by("name_uk")
    return render(request, "communities/platform_home.html", {"communities": communities})


def community_home(request: HttpRequest) -> HttpResponse:
    return render(request, "communities/home.html", {"sections": cabinet_sections.public(request)})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
