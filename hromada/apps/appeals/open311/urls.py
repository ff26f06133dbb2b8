"""Open311 GeoReport v2 of a community: `/c/<slug>/open311/v2/…` (jurisdiction_id = the slug)."""

from django.urls import path, re_path

from hromada.apps.appeals.open311 import views

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^v2/discovery" + FMT, views.discovery, name="open311-discovery"),
    re_path(r"^v2/services" + FMT, views.services, name="open311-services"),
    re_path(r"^v2/services/(?P<code>[-\w]+)" + FMT, views.service_definition, name="open311-service"),
    re_path(r"^v2/requests" + FMT, views.requests, name="open311-requests"),
    re_path(r"^v2/requests/(?P<request_id>[-\w]+)" + FMT, views.request_detail, name="open311-request"),
    re_path(r"^v2/tokens/(?P<token>[-\w]+)" + FMT, views.token, name="open311-token"),
    path("v2/", views.discovery, {"fmt": "json"}, name="open311-root"),
    re_path(r"^(?P<path>.*)$", views.unknown, name="open311-unknown"),
]
