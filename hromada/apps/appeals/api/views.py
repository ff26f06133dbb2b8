"""REST API of appeals: the resident's own appeals and the staff back office."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from hromada.apps.appeals import actions, limits, selectors
from hromada.apps.appeals.api.serializers import (
    ActionInput,
    AppealDetailOutput,
    AppealErrors,
    AppealInput,
    AppealOutput,
    RateInput,
)
from hromada.apps.appeals.models import Appeal, Channel
from hromada.apps.appeals.rules import executor_department_ids
from hromada.core.api.errors import DomainError
from hromada.core.api.permissions import HasRule
from hromada.core.http import ApiRequest, SignedInApiRequest

ERRORS = {
    400: OpenApiResponse(AppealErrors, description="Bad input: `required`, `too_long`, `unknown_category`, "
                                                   "`outside_community`, `bad_location`, `bad_rating`, "
                                                   "`term_too_long`."),
    403: OpenApiResponse(AppealErrors, description="`forbidden` (or `not_authenticated`)."),
    404: OpenApiResponse(AppealErrors, description="`not_found`."),
    409: OpenApiResponse(AppealErrors, description="`bad_transition`, `guard_failed`, `already_rated`."),
}


def _appeal(request: ApiRequest, pk: int) -> Appeal:
    """The appeal if the person may see it (its author, the staff handling it); `not_found` otherwise."""
    try:
        return selectors.visible_appeal(pk, request.user, request.community)
    except Http404:
        raise DomainError(_("There is no such appeal."), code="not_found", status_code=404) from None


class MyAppeals(generics.ListAPIView):
    """The signed-in resident's own appeals (GET) and a new appeal (POST)."""

    serializer_class = AppealOutput
    permission_classes = [permissions.IsAuthenticated]
    request: SignedInApiRequest

    def get_queryset(self) -> QuerySet[Appeal]:
        return selectors.my_appeals(self.request.user)

    @extend_schema(request=AppealInput, responses={
        201: AppealOutput, **ERRORS,
        429: OpenApiResponse(AppealErrors, description="`rate_limited`: too many appeals filed in the last hour."),
    })
    def post(self, request: SignedInApiRequest, *args: Any, **kwargs: Any) -> Response:
        data = AppealInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        limits.check_filing(community=request.community, user_id=request.user.pk)
        appeal = actions.appeal_register(
            community=request.community, text=v["text"], type=v["type"], category=v.get("category") or None,
            channel=Channel.API, author=actions.Author(user=request.user, address=v["address"]),
            latitude=v.get("latitude"), longitude=v.get("longitude"), location_text=v.get("location_text", ""),
            description_public=v["description_public"])
        return Response(AppealOutput(appeal).data, status=201)


class AppealDetail(APIView):
    """One appeal with its timeline: for its author and the staff handling it."""

    @extend_schema(responses={200: AppealDetailOutput, 404: ERRORS[404]})
    def get(self, request: ApiRequest, pk: int) -> Response:
        return Response(AppealDetailOutput(_appeal(request, pk)).data)


class AppealRate(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=RateInput, responses={200: AppealOutput, **ERRORS})
    def post(self, request: SignedInApiRequest, pk: int) -> Response:
        data = RateInput(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = actions.appeal_rate(appeal=_appeal(request, pk), rating=data.validated_data["rating"],
                                     comment=data.validated_data.get("comment", ""), by=request.user)
        return Response(AppealOutput(appeal).data)


class AppealAction(APIView):
    """A back-office operation on an appeal; the action checks the role and the current status."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ActionInput, responses={200: AppealOutput, **ERRORS})
    def post(self, request: SignedInApiRequest, pk: int) -> Response:
        data = ActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        appeal, user = _appeal(request, pk), request.user
        name = v["action"]
        if name == "route":
            actions.appeal_route(appeal=appeal, department=v.get("department"), by=user)
        elif name == "take":
            actions.appeal_take(appeal=appeal, by=user)
        elif name == "forward":
            actions.appeal_forward(appeal=appeal, department=v.get("department"), reason=v.get("reason", ""),
                                   by=user)
        elif name == "extend":
            actions.appeal_extend(appeal=appeal, reason=v.get("reason", ""), until=v.get("until"), by=user)
        elif name == "answer":
            actions.appeal_answer(appeal=appeal, text=v.get("answer", ""), by=user,
                                  public_answer=v.get("public_answer", ""))
        elif name == "close":
            actions.appeal_close(appeal=appeal, by=user)
        elif name == "return":
            actions.appeal_return(appeal=appeal, reason=v.get("reason", ""), by=user)
        elif name == "not_consider":
            actions.appeal_not_consider(appeal=appeal, reason=v.get("reason", ""), by=user)
        else:
            actions.appeal_request_details(appeal=appeal, question=v.get("reason", ""), by=user)
        return Response(AppealOutput(appeal).data)


class ExecutorQueue(generics.ListAPIView):
    """Open appeals of the signed-in executor's departments, nearest term first."""

    serializer_class = AppealOutput
    permission_classes = [permissions.IsAuthenticated, HasRule]
    permission_required = "appeals.view_department_queue"
    permission_denied_message = gettext_lazy("Only executors of a department have a queue.")
    request: SignedInApiRequest

    def get_queryset(self) -> QuerySet[Appeal]:
        departments = executor_department_ids(self.request.user, self.request.community)
        return selectors.executor_queue(departments, status=self.request.query_params.get("status", ""))


class TriageQueue(generics.ListAPIView):
    """Registered appeals that no routing rule placed: for operators."""

    serializer_class = AppealOutput
    permission_classes = [permissions.IsAuthenticated, HasRule]
    permission_required = "appeals.intake_appeal"

    def get_queryset(self) -> QuerySet[Appeal]:
        return selectors.triage_queue()
