"""A community's URLs as the platform serves them, plus `bench/floor/` (benchmark servers only)."""

from django.urls import path

from bench.floor.views import floor
from hromada.config import urls_community

handler400 = urls_community.handler400
handler403 = urls_community.handler403
handler404 = urls_community.handler404
handler500 = urls_community.handler500

urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    *urls_community.urlpatterns,
]
