from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.translation import get_language

from hromada.apps.communities.forms import SearchForm
from hromada.apps.communities.models import Community
from hromada.core.http import HromadaRequest
from hromada.core.memo import TimedMemory
from hromada.core.ui import cabinet_sections, public_sections
from hromada.core.ui.home import Hit, Searcher, home_figures, home_mine, searchers

SEARCH_PREVIEW = 5  # hits of each module on the page of all results
SEARCH_PAGE_SIZE = 20  # hits on the page of one module's results


def platform_home(request: HttpRequest) -> HttpResponse:
    communities = Community.objects.filter(is_active=True).order_by("name_uk")
    return render(request, "communities/platform_home.html", {"communities": communities})


HOME_SHARED_SECONDS = 60
_HOME_SHARED = TimedMemory("communities.home_shared", limit=1_000)


def community_home(request: HromadaRequest) -> HttpResponse:
    """The resident's home: what the community offers (public entry points first), what is happening in it, the
    signed-in resident's own open items and a search box. Each module adds its part through the registries
    of `hromada.core.ui` and `hromada.core.ui.home`."""
    signed_in = request.user.is_authenticated
    return render(request, "communities/home.html", {
        "shared": _home_shared(request),
        "mine": home_mine.collect(request) if signed_in else [],
        "cabinet_sections": cabinet_sections.public(request) if signed_in else [],
    })


def _home_shared(request: HromadaRequest) -> dict[str, str]:
    """The parts of the home that are the same for every visitor of the community: the search box, the figures
    and the public entry points, drawn once and kept HOME_SHARED_SECONDS per community, language and address
    (the links differ between /c/<slug>/ and the community's own host). Drawn without the request, so nothing
    of one visitor can get into them (docs/decisions.md)."""

    def draw() -> dict[str, str]:
        context = {"sections": public_sections.public(request), "figures": home_figures.collect(request),
                   "search_form": SearchForm(auto_id="home-%s")}
        return {"now": render_to_string("communities/_home_now.html", context),
                "services": render_to_string("communities/_home_services.html", context)}

    return _HOME_SHARED.remember(request.community.pk, (get_language(), get_script_prefix()), draw,
                                 HOME_SHARED_SECONDS)


@dataclass
class SearchGroup:
    searcher: Searcher
    count: int
    hits: list[Hit]
    page: Page | None = None  # when the results of this module alone are shown


def _hits(searcher: Searcher, rows: Any) -> list[Hit]:
    return [searcher.hit(row) for row in rows]


def community_search(request: HromadaRequest) -> HttpResponse:
    """Search across the modules' public things (`searchers`): every module's count and first hits, or one
    module's hits page by page (`?in=<module>`). Matching is each module's own (see docs/decisions.md)."""
    form = SearchForm(request.GET if "q" in request.GET else None)
    available = searchers.public(request)
    chosen = next((s for s in available if s.key == request.GET.get("in")), None)
    groups: list[SearchGroup] = []
    q = form.cleaned_data["q"] if form.is_valid() else ""
    if q and chosen is not None:
        page = Paginator(chosen.find(q), SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
        groups.append(SearchGroup(chosen, page.paginator.count, _hits(chosen, page.object_list), page))
    elif q:
        for searcher in available:
            found = searcher.find(q)
            count = found.count()
            groups.append(SearchGroup(searcher, count, _hits(searcher, found[:SEARCH_PREVIEW]) if count else []))
    return render(request, "communities/search.html", {
        "form": form, "q": q, "groups": groups, "chosen": chosen,
        "total": sum(group.count for group in groups),
    }, status=400 if form.errors else 200)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
