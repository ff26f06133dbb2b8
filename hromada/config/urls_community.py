"""A community's URLs. Served at `/c/<slug>/` and, on the community's own host name, at `/`.

Each module adds one line here: its web pages and its API under `api/v1/`.
"""

from django.urls import include, path

from hromada.apps.communities import views as community_views
from hromada.core.ui import views as ui_views

handler400 = "hromada.core.errors.handler400"
handler403 = "hromada.core.errors.handler403"
handler404 = "hromada.core.errors.handler404"
handler500 = "hromada.core.errors.handler500"

urlpatterns = [
    path("", community_views.community_home, name="home"),
    path("search/", community_views.community_search, name="search"),
    path("healthz", community_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("hromada.apps.accounts.urls")),
    path("office/ui/", ui_views.catalogue, name="ui_catalogue"),
    path("office/", include("hromada.apps.backoffice.urls")),
    path("office/community/", include("hromada.apps.communities.office_urls")),
    path("petitions/", include("hromada.apps.petitions.urls")),
    path("budget/", include("hromada.apps.budgeting.urls")),
    path("appeals/", include("hromada.apps.appeals.urls")),
    path("open311/", include("hromada.apps.appeals.open311.urls")),
    path("opendata/", include("hromada.apps.opendata.urls")),
    path("services/", include("hromada.apps.services.urls")),
    path("audit/", include("hromada.core.audit.urls")),
    # CKAN Action API (data.gov.ua harvests it): both the versioned and the plain path, as CKAN serves.
    path("api/3/action/", include(("hromada.apps.opendata.ckan.urls", "ckan"), namespace="ckan3")),
    path("api/action/", include(("hromada.apps.opendata.ckan.urls", "ckan"), namespace="ckan")),
    path("api/v1/", include("hromada.config.api_v1")),
]
