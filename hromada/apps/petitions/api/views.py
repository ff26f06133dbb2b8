"""REST API of petitions: public reads and open data, signing for signed-in people (token or session)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hromada.apps.petitions import actions, ratelimit, selectors
from hromada.apps.petitions.api.serializers import (
    CountOutput,
    PetitionDetailOutput,
    PetitionErrors,
    PetitionListOutput,
    SignatoryOutput,
    SignatureOutput,
    SignInput,
)
from hromada.apps.petitions.models import Petition, PetitionPolicy
from hromada.core import exports
from hromada.core.api.errors import DomainError
from hromada.core.http import ApiRequest, SignedInApiRequest
from hromada.core.inputs import bounded_int
from hromada.core.streaming import ScopedStreamingResponse

SIGN_ERRORS = {
    400: OpenApiResponse(PetitionErrors, description="Bad input."),
    401: OpenApiResponse(PetitionErrors, description="Not signed in (`not_authenticated`)."),
    403: OpenApiResponse(PetitionErrors, description="`identity_not_verified`, `too_young`, `birth_date_unknown`, "
                                                     "`not_resident`."),
    404: OpenApiResponse(PetitionErrors, description="No such petition (`not_found`)."),
    409: OpenApiResponse(PetitionErrors, description="`already_signed`, `not_signed`, `petition_not_published`, "
                                                     "`petition_closed`, `petition_answered`, `collection_ended`."),
    429: OpenApiResponse(PetitionErrors, description="`rate_limited`: too many attempts from the account or IP."),
}


def _petition(request: ApiRequest, pk: int) -> Petition:
    petition = selectors.petition_for_signing(pk, request.community)
    if petition is None:
        raise DomainError(_("There is no such petition."), code="not_found", status_code=404)
    return petition


class PetitionList(generics.ListAPIView):
    """Published petitions with search, filters and sorting."""

    serializer_class = PetitionListOutput
    permission_classes: list = []

    @extend_schema(parameters=[
        OpenApiParameter("q", str, description="Search in the title and text."),
        OpenApiParameter("status", str, description="`open` (signable now), or a status such as `answered`."),
        OpenApiParameter("category", int, description="Category id."),
        OpenApiParameter("period", str, enum=list(selectors.PERIODS), description="Published within."),
        OpenApiParameter("sort", str, enum=list(selectors.SORTS), description="Order (default newest)."),
    ])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        category = bounded_int(params.get("category"), minimum=1)
        return selectors.filter_petitions(
            selectors.public_petitions(), q=params.get("q", "").strip()[:200], status=params.get("status", ""),
            category=category, period=params.get("period", ""), sort=params.get("sort", "newest"))


class PetitionDetail(APIView):
    """One petition with its official response; drafts only for their author and the staff handling them."""

    permission_classes: list = []

    @extend_schema(responses={200: PetitionDetailOutput, 404: PetitionErrors})
    def get(self, request: Request, pk: int) -> Response:
        petition = selectors.visible_petition(pk, request.user)
        return Response(PetitionDetailOutput(petition).data)


class PetitionSign(APIView):
    """Sign the petition as the signed-in person (verified identity needed). One signature a person."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=SignInput, responses={201: SignatureOutput, **SIGN_ERRORS})
    def post(self, request: SignedInApiRequest, pk: int) -> Response:
        data = SignInput(data=request.data)
        data.is_valid(raise_exception=True)
        petition = _petition(request, pk)
        policy = PetitionPolicy.cached_for(petition.community)
        ip = ratelimit.client_ip(request._request)
        ratelimit.check_sign_rate(policy=policy, user_id=int(request.user.pk or 0), ip=ip)
        actions.petition_sign(petition=petition, person=request.user, ip=ip, policy=policy,
                              notify_on_answer=data.validated_data["notify_on_answer"])
        return Response(SignatureOutput({"signed": True, "count": petition.signature_count,
                                         "status": petition.status}).data, status=status.HTTP_201_CREATED)


class PetitionWithdraw(APIView):
    """Withdraw one's signature while signatures are collected."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: SignatureOutput, **SIGN_ERRORS})
    def post(self, request: SignedInApiRequest, pk: int) -> Response:
        petition = _petition(request, pk)
        actions.petition_withdraw_signature(petition=petition, person=request.user)
        return Response(SignatureOutput({"signed": False, "count": petition.signature_count,
                                         "status": petition.status}).data)


class PetitionCount(APIView):
    """The signature count, cached for one second: cheap enough to poll."""

    permission_classes: list = []
    authentication_classes: list = []

    @extend_schema(responses={200: CountOutput, 404: PetitionErrors})
    def get(self, request: ApiRequest, pk: int) -> Response:
        payload = selectors.count_payload(request.community.pk, pk)
        if payload is None:
            raise DomainError(_("There is no such petition."), code="not_found", status_code=404)
        response = Response(CountOutput(payload).data)
        response["Cache-Control"] = "public, max-age=1"
        return response


class SignatoryList(generics.ListAPIView):
    """The public list of signatories: names and times only (open data), in signing order."""

    serializer_class = SignatoryOutput
    permission_classes: list = []

    def get_queryset(self):
        petition = selectors.visible_petition(self.kwargs["pk"], self.request.user)
        return selectors.signatories_queryset(petition)


class SignatoryCsv(APIView):
    """All signatories as CSV (name, signed_at), streamed."""

    permission_classes: list = []

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR, 404: PetitionErrors})
    def get(self, request: Request, pk: int) -> ScopedStreamingResponse:
        petition = selectors.visible_petition(pk, request.user)
        rows = ((name, signed_at.isoformat()) for name, signed_at in selectors.signatories_rows(petition))
        return exports.csv_response(["name", "signed_at"], rows, filename=f"petition-{petition.pk}-signatories.csv")
