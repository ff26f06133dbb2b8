"""REST API of appeals: the resident's own appeals and the staff back office."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions
from rest_framework.request import Request
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

ERRORS = {
    400: OpenApiResponse(AppealErrors, description="Bad input: `required`, `too_long`, `unknown_category`, "
                                                   "`outside_community`, `bad_location`, `bad_rating`, "
                                                   "`term_too_long`."),
    403: OpenApiResponse(AppealErrors, description="`forbidden` (or `not_authenticated`)."),
    404: OpenApiResponse(AppealErrors, description="`not_found`."),
    409: OpenApiResponse(AppealErrors, description="`bad_transition`, `guard_failed`, `already_rated`."),
}


def _appeal(request: Request, pk: int, permission: str = "appeals.view_appeal") -> Appeal:
    appeal = selectors.with_related(Appeal.objects.all()).filter(pk=pk).first()
    if appeal is not None:
        appeal.community = request.community  # type: ignore[attr-defined]
    if appeal is None or not request.user.has_perm(permission, appeal):
        raise DomainError(_("There is no such appeal."), code="not_found", status_code=404)
    return appeal


class MyAppeals(generics.ListAPIView):
    """The signed-in resident's own appeals (GET) and a new appeal (POST)."""

    serializer_class = AppealOutput
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return selectors.my_appeals(self.request.user)

    @extend_schema(request=AppealInput, responses={
        201: AppealOutput, **ERRORS,
        429: OpenApiResponse(AppealErrors, description="`rate_limited`: too many appeals filed in the last hour."),
    })
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = AppealInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        limits.check_filing(community=request.community, user_id=request.user.pk)  # type: ignore[attr-defined]
        appeal = actions.appeal_register(
            community=request.community, text=v["text"], type=v["type"], category=v.get("category") or None,  # type: ignore[attr-defined]
            channel=Channel.API, author=actions.Author(user=request.user, address=v["address"]),  # type: ignore[arg-type]
            latitude=v.get("latitude"), longitude=v.get("longitude"), location_text=v.get("location_text", ""),
            description_public=v["description_public"])
        return Response(AppealOutput(appeal).data, status=201)


class AppealDetail(APIView):
    """One appeal with its timeline: for its author and the staff handling it."""

    @extend_schema(responses={200: AppealDetailOutput, 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        return Response(AppealDetailOutput(_appeal(request, pk)).data)


class AppealRate(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=RateInput, responses={200: AppealOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        data = RateInput(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = actions.appeal_rate(appeal=_appeal(request, pk), rating=data.validated_data["rating"],
                                     comment=data.validated_data.get("comment", ""), by=request.user)  # type: ignore[arg-type]
        return Response(AppealOutput(appeal).data)


class AppealAction(APIView):
    """A back-office operation on an appeal; the action checks the role and the current status."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ActionInput, responses={200: AppealOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        data = ActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        appeal, user = _appeal(request, pk), request.user
        name = v["action"]
        if name == "route":
            actions.appeal_route(appeal=appeal, department=v.get("department"), by=user)  # type: ignore[arg-type]
        elif name == "take":
            actions.appeal_take(appeal=appeal, by=user)  # type: ignore[arg-type]
        elif name == "forward":
            actions.appeal_forward(appeal=appeal, department=v.get("department"), reason=v.get("reason", ""),
                                   by=user)  # type: ignore[arg-type]
        elif name == "extend":
            actions.appeal_extend(appeal=appeal, reason=v.get("reason", ""), until=v.get("until"), by=user)  # type: ignore[arg-type]
        elif name == "answer":
            actions.appeal_answer(appeal=appeal, text=v.get("answer", ""), by=user,  # type: ignore[arg-type]
                                  public_answer=v.get("public_answer", ""))
        elif name == "close":
            actions.appeal_close(appeal=appeal, by=user)  # type: ignore[arg-type]
        elif name == "return":
            actions.appeal_return(appeal=appeal, reason=v.get("reason", ""), by=user)  # type: ignore[arg-type]
        elif name == "not_consider":
            actions.appeal_not_consider(appeal=appeal, reason=v.get("reason", ""), by=user)  # type: ignore[arg-type]
        else:
            actions.appeal_request_details(appeal=appeal, question=v.get("reason", ""), by=user)  # type: ignore[arg-type]
        return Response(AppealOutput(appeal).data)


class ExecutorQueue(generics.ListAPIView):
    """Open appeals of the signed-in executor's departments, nearest term first."""

    serializer_class = AppealOutput
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        departments = executor_department_ids(self.request.user, self.request.community)  # type: ignore[attr-defined]
        if not departments:
            raise DomainError(_("Only executors of a department have a queue."), code="forbidden", status_code=403)
        return selectors.executor_queue(departments, status=self.request.query_params.get("status", ""))


class TriageQueue(generics.ListAPIView):
    """Registered appeals that no routing rule placed: for operators."""

    serializer_class = AppealOutput
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        if not self.request.user.has_perm("appeals.intake_appeal", self.request.community):  # type: ignore[attr-defined]
            raise DomainError(_("You do not have permission to do this."), code="forbidden", status_code=403)
        return selectors.triage_queue()
