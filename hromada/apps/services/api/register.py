"""The register in the API: services (found by words), a service's card by its code, life situations, offices.

Public and read-only, like the register's pages: retired services are left out of the list and kept on
their card (cases opened under them still point there)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hromada.apps.services import cards, search
from hromada.apps.services.models import Audience, LifeSituation, Office, Service, ServiceStatus
from hromada.core.api.errors import DomainError
from hromada.core.http import ApiRequest

QUERY_MAX = 200


class LifeSituationOutput(serializers.ModelSerializer):
    class Meta:
        model = LifeSituation
        fields = ["code", "name_uk", "name_en"]


class OfficeOutput(serializers.ModelSerializer):
    class Meta:
        model = Office
        fields = ["code", "name_uk", "name_en", "address", "phone", "email", "hours", "exceptions", "latitude",
                  "longitude"]


class ServiceOutput(serializers.ModelSerializer):
    average_rating = serializers.DecimalField(max_digits=3, decimal_places=1, read_only=True, allow_null=True)
    applies_online = serializers.BooleanField(read_only=True)

    class Meta:
        model = Service
        fields = ["code", "national_code", "name_uk", "name_en", "provider", "status", "audience", "term_days",
                  "term_kind", "fee_kind", "fee_amount", "version", "average_rating", "rating_count",
                  "applies_online"]


@extend_schema_field(OpenApiTypes.OBJECT)
class CardField(serializers.Field):
    def to_representation(self, value: Service) -> dict[str, Any]:
        return cards.card_of(value)


class ServiceDetailOutput(ServiceOutput):
    card = CardField(source="*", read_only=True, help_text="The whole information card in the register's "
                                                            "file format (docs/services.md).")

    class Meta(ServiceOutput.Meta):
        fields = [*ServiceOutput.Meta.fields, "card"]


QUERY_PARAMETERS = [
    OpenApiParameter("q", str, description="Words in Ukrainian: finds the same services for "
                                           "\"реєстрація місця проживання\" and \"зареєструвати проживання\"."),
    OpenApiParameter("situation", str, description="Code of a life situation."),
    OpenApiParameter("audience", str, enum=list(Audience.values)),
]


class ServiceList(generics.ListAPIView):
    """Services of the register (not the retired ones), found by words, life situation and audience."""

    serializer_class = ServiceOutput
    permission_classes = [permissions.AllowAny]
    request: ApiRequest

    def get_queryset(self) -> QuerySet[Service]:
        params = self.request.query_params
        qs = Service.objects.exclude(status=ServiceStatus.RETIRED)
        if situation := params.get("situation", "").strip()[:40]:
            qs = qs.filter(life_situations__code=situation)
        if (audience := params.get("audience", "")) in Audience.values:
            qs = qs.filter(audience__icontains=f'"{audience}"')
        query = params.get("q", "").strip()[:QUERY_MAX]
        return search.search(query, qs) if query else qs.order_by("name_uk", "pk")

    @extend_schema(parameters=QUERY_PARAMETERS)
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ServiceDetail(APIView):
    """One service with its whole card, by its code."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: ServiceDetailOutput,
                              404: OpenApiResponse(description="`not_found`: no service with this code.")})
    def get(self, request: ApiRequest, code: str) -> Response:
        service = (Service.objects.prefetch_related("life_situations", Prefetch("offices", Office.objects.all()))
                   .filter(code=code[:40]).first())
        if service is None:
            raise DomainError(_("There is no service with this code."), code="not_found", status_code=404)
        return Response(ServiceDetailOutput(service).data)


class LifeSituationList(generics.ListAPIView):
    serializer_class = LifeSituationOutput
    permission_classes = [permissions.AllowAny]
    pagination_class = None

    def get_queryset(self) -> QuerySet[LifeSituation]:
        return LifeSituation.objects.all()


class OfficeList(generics.ListAPIView):
    serializer_class = OfficeOutput
    permission_classes = [permissions.AllowAny]
    pagination_class = None

    def get_queryset(self) -> QuerySet[Office]:
        return Office.objects.filter(is_active=True)


urlpatterns = [
    path("", ServiceList.as_view(), name="api-services"),
    path("situations/", LifeSituationList.as_view(), name="api-services-situations"),
    path("offices/", OfficeList.as_view(), name="api-services-offices"),
    path("register/<str:code>/", ServiceDetail.as_view(), name="api-service"),
]
