"""The services' REST API under `/c/<slug>/api/v1/services/`."""

from hromada.apps.services.api import cases, register

urlpatterns = [*register.urlpatterns, *cases.urlpatterns]
