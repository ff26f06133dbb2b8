"""Applications in the API: submit one (multipart, with its documents), the resident's own cases, one case by
its number, and the status by number and status code without signing in (limited against guessing)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, parsers, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hromada.apps.services.actions import intake
from hromada.apps.services.application_views import find_by_code, normalise_number
from hromada.apps.services.models import Service, ServiceCase, ServiceCaseEvent
from hromada.core.api.errors import DomainError
from hromada.core.http import ApiRequest, SignedInApiRequest


class CaseErrorItem(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)


class CaseErrors(serializers.Serializer):
    errors = CaseErrorItem(many=True)  # type: ignore[assignment]


STATUSES = ("One of submitted, returned, accepted, in_work, granted, refused, result_ready, issued, withdrawn.")


class ApplicationInput(serializers.Serializer):
    service = serializers.CharField(max_length=40, help_text="The service's code in the register.")

    class Meta:
        ref_name = "ServiceApplicationInput"


class EventOutput(serializers.ModelSerializer):
    class Meta:
        model = ServiceCaseEvent
        fields = ["at", "kind", "from_status", "to_status"]
        ref_name = "ServiceCaseEventOutput"


class CaseOutput(serializers.ModelSerializer):
    service: Any = serializers.SlugRelatedField(slug_field="code", read_only=True)
    service_name = serializers.SerializerMethodField()
    card_version = serializers.IntegerField(source="version.number", read_only=True)
    status = serializers.CharField(read_only=True, help_text=STATUSES)
    channel = serializers.CharField(read_only=True, help_text="online, desk or post.")

    class Meta:
        model = ServiceCase
        fields = ["number", "status_code", "service", "service_name", "card_version", "channel", "status",
                  "submitted_at", "due_date", "missing_documents", "refusal_ground", "decision_note", "rating",
                  "data"]

    def get_service_name(self, case: ServiceCase) -> str:
        return str(case.card.get("name", ""))


class CaseDetailOutput(CaseOutput):
    events = EventOutput(many=True, read_only=True)

    class Meta(CaseOutput.Meta):
        fields = [*CaseOutput.Meta.fields, "events"]


class StatusOutput(serializers.ModelSerializer):
    """What the number and code show: no personal data, no answers."""

    service_name = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True, help_text=STATUSES)
    events = EventOutput(many=True, read_only=True)

    class Meta:
        model = ServiceCase
        fields = ["number", "service_name", "status", "submitted_at", "due_date", "missing_documents", "events"]

    def get_service_name(self, case: ServiceCase) -> str:
        return str(case.card.get("name", ""))


def _errors(description: str) -> OpenApiResponse:
    return OpenApiResponse(CaseErrors, description=description)


def _own_cases(request: SignedInApiRequest) -> QuerySet[ServiceCase]:
    return (ServiceCase.objects.filter(applicant=request.user).select_related("service", "version")
            .order_by("-submitted_at", "-id"))


class MyCases(generics.ListAPIView):
    """The signed-in resident's applications, newest first (GET), and a new application (POST)."""

    serializer_class = CaseOutput
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]
    request: SignedInApiRequest

    def get_queryset(self) -> QuerySet[ServiceCase]:
        return _own_cases(self.request)

    @extend_schema(
        description="Submit an application for a service: its answers and documents, as the service's form "
                    "defines them (the card's `form`). Answers with the case, its number and its status code.",
        request={"multipart/form-data": {"type": "object", "properties": {"service": {"type": "string"}},
                                         "required": ["service"], "additionalProperties": True,
                                         "description": "`service`: the service's code; then the answers of "
                                                        "its form by field name, documents as files."}},
        responses={201: CaseOutput,
                   400: _errors("`invalid_application` (one item per field at fault), `required`."),
                   403: _errors("`identity_not_verified`, `forbidden` or `not_authenticated`."),
                   404: _errors("`not_found`: no such service."),
                   409: _errors("`service_not_accepting` (suspended or retired), `not_online`."),
                   415: _errors("`unsupported_media_type`.")})
    def post(self, request: SignedInApiRequest, *args: Any, **kwargs: Any) -> Response:
        data = request.data
        code = data.get("service") if hasattr(data, "get") else None
        if not isinstance(code, str) or not code.strip():
            raise DomainError(_("Name the service by its code."), code="required", field="service")
        service = Service.objects.exclude(version=0).filter(code=code.strip()[:40]).first()
        if service is None:
            raise DomainError(_("There is no such service."), code="not_found", field="service", status_code=404)
        answers: Any = data if isinstance(data, QueryDict) else {
            k: v for k, v in dict(data).items() if not isinstance(v, dict | list)}
        case = intake.submit_application(service=service, user=request.user, data=answers, files=request.FILES)
        return Response(CaseOutput(case).data, status=201)


class CaseDetail(APIView):
    """One application with its timeline: for its applicant and the staff who may see it."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: CaseDetailOutput, 404: _errors("`not_found`.")})
    def get(self, request: SignedInApiRequest, number: str) -> Response:
        found = (ServiceCase.objects.select_related("service", "version").filter(number=normalise_number(number))
                 .first())
        # A case the person may not see is answered as one that does not exist (404, never 403).
        case = found if found is not None and request.user.has_perm("services.view_case", found) else None
        if case is None:
            raise DomainError(_("There is no such application."), code="not_found", status_code=404)
        return Response(CaseDetailOutput(case).data)


class CaseStatus(APIView):
    """The status of an application by its number and status code, for anyone holding both."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        parameters=[OpenApiParameter("number", str, required=True), OpenApiParameter("code", str, required=True)],
        responses={200: StatusOutput,
                   400: _errors("`required`: the number or the code is missing."),
                   404: _errors("`not_found`: no application has this number and code (which of the two is "
                                "wrong is not said)."),
                   429: _errors("`rate_limited`: too many wrong pairs from this address; wait.")})
    def get(self, request: ApiRequest) -> Response:
        number, code = request.query_params.get("number", ""), request.query_params.get("code", "")
        if not number.strip() or not code.strip():
            raise DomainError(_("Give the application number and the status code."), code="required",
                              field="number" if not number.strip() else "code")
        return Response(StatusOutput(find_by_code(request, number[:32], code[:12])).data)


urlpatterns = [
    path("cases/", MyCases.as_view(), name="api-services-cases"),
    path("cases/<str:number>/", CaseDetail.as_view(), name="api-services-case"),
    path("status/", CaseStatus.as_view(), name="api-services-status"),
]
