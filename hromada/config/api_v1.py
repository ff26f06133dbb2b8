"""REST API v1 of a community (`/c/<slug>/api/v1/`). Each module includes its routes here."""

from django.urls import include, path

from hromada.apps.accounts.api import views as accounts_api
from hromada.apps.communities.api import views as communities_api

urlpatterns = [
    path("community/", communities_api.CommunityDetail.as_view(), name="api-community"),
    path("community/districts/", communities_api.DistrictList.as_view(), name="api-districts"),
    path("community/departments/", communities_api.DepartmentList.as_view(), name="api-departments"),
    path("me/", accounts_api.Me.as_view(), name="api-me"),
    path("auth/token/", accounts_api.ObtainToken.as_view(), name="api-token"),
    path("petitions/", include("hromada.apps.petitions.api.urls")),
    path("budget/", include("hromada.apps.budgeting.api.urls")),
    path("appeals/", include("hromada.apps.appeals.api.urls")),
    path("services/", include("hromada.apps.services.api.urls")),
]
