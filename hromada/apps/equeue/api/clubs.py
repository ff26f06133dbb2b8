"""REST API of clubs under `/c/<slug>/api/v1/queue/clubs/`: clubs and their groups (public), a parent's
children, enrolling, the parent's enrolments and withdrawing."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hromada.apps.equeue import club_views
from hromada.apps.equeue.actions import enrolment as actions
from hromada.apps.equeue.models import Child, Club, ClubGroup, Enrolment, EnrolmentStatus
from hromada.core.api.errors import DomainError
from hromada.core.http import SignedInApiRequest
from hromada.core.inputs import bounded_int


class ClubErrorItem(serializers.Serializer):
    code = serializers.CharField(help_text="Stable error code, e.g. group_closed, quota_reached.")
    message = serializers.CharField(help_text="Explanation in the request's language.")
    field = serializers.CharField(allow_null=True)


ClubErrors = inline_serializer(name="ClubErrors", fields={"errors": ClubErrorItem(many=True)})

ENROL_ERRORS = {
    400: OpenApiResponse(ClubErrors, description="Bad input (`required`, `invalid`, `other_community`)."),
    403: OpenApiResponse(ClubErrors, description="`not_your_child`, `permission_denied`."),
    404: OpenApiResponse(ClubErrors, description="No such group or child (`not_found`)."),
    409: OpenApiResponse(ClubErrors, description="`group_closed`, `age_out_of_range`, `quota_reached`, "
                                                 "`already_enrolled`."),
}


# ---------------------------------------------------------------- serializers


class GroupOutput(serializers.ModelSerializer):
    places_left = serializers.SerializerMethodField()
    fee = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True, coerce_to_string=False)

    class Meta:
        model = ClubGroup
        fields = ["id", "name", "season", "age_min", "age_max", "schedule", "capacity", "enrolled", "places_left",
                  "fee", "is_open"]

    def get_places_left(self, group: ClubGroup) -> int:
        return max(group.capacity - group.enrolled, 0)


class ClubOutput(serializers.ModelSerializer):
    name = serializers.CharField()
    groups = serializers.SerializerMethodField()

    class Meta:
        model = Club
        fields = ["id", "name", "kind", "address", "description", "phone", "email", "groups"]

    @extend_schema_field(GroupOutput(many=True))
    def get_groups(self, club: Club) -> list[dict[str, Any]]:
        return GroupOutput([g for g in club.groups.all() if g.is_open], many=True).data  # type: ignore[return-value]


class ChildOutput(serializers.ModelSerializer):
    class Meta:
        model = Child
        fields = ["id", "full_name", "birth_date"]


class ChildInput(serializers.Serializer):
    full_name = serializers.CharField(max_length=800)
    birth_date = serializers.DateField()


class EnrolInput(serializers.Serializer):
    child = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="The id of one of your children.")


class EnrolmentOutput(serializers.ModelSerializer):
    child = ChildOutput()
    group = GroupOutput()
    club = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices, help_text=(
        "requested: a place is held, the club will confirm; waiting: on the waiting list; confirmed; declined; "
        "withdrawn."))

    class Meta:
        model = Enrolment
        fields = ["id", "child", "club", "group", "season", "status", "created_at", "decided_at", "note"]

    def get_club(self, enrolment: Enrolment) -> str:
        return enrolment.group.club.name


# ---------------------------------------------------------------- views


class ClubList(generics.ListAPIView):
    """Active clubs with their open groups; filters as on the public page."""

    serializer_class = ClubOutput
    permission_classes: list = []

    @extend_schema(parameters=[
        OpenApiParameter("q", str, description="Words of the name, the district or the street."),
        OpenApiParameter("kind", str, description="The kind of club (sport, music, …)."),
        OpenApiParameter("age", int, description="Only clubs with an open group for a child of this age."),
        OpenApiParameter("free", bool, description="Only clubs with an open group that has a free place."),
    ])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Club]:
        params = self.request.query_params
        return club_views.filter_clubs(
            q=params.get("q", "").strip()[:200], kind=params.get("kind", "")[:100],
            age=bounded_int(params.get("age"), minimum=0, maximum=18),
            free=params.get("free", "").lower() in ("1", "true")).prefetch_related("groups")


class ClubDetail(APIView):
    """One club with its open groups."""

    permission_classes: list = []

    @extend_schema(responses={200: ClubOutput, 404: ClubErrors})
    def get(self, request: Request, pk: int) -> Response:
        club = Club.objects.filter(pk=pk, is_active=True).prefetch_related("groups").first()
        if club is None:
            raise DomainError(_("There is no such club."), code="not_found", status_code=404)
        return Response(ClubOutput(club).data)


class ChildList(APIView):
    """The signed-in parent's children; POST adds one."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: ChildOutput(many=True)})
    def get(self, request: SignedInApiRequest) -> Response:
        children = Child.objects.filter(parent=request.user).order_by("birth_date", "pk")
        return Response(ChildOutput(children, many=True).data)

    @extend_schema(request=ChildInput, responses={
        201: ChildOutput,
        400: OpenApiResponse(ClubErrors, description="`required`, `too_long`, `birth_date_future`, "
                                                     "`birth_date_adult`.")})
    def post(self, request: SignedInApiRequest) -> Response:
        data = ChildInput(data=request.data)
        data.is_valid(raise_exception=True)
        child = actions.add_child(parent=request.user, community=request.community, **data.validated_data)
        return Response(ChildOutput(child).data, status=status.HTTP_201_CREATED)


class GroupEnrol(APIView):
    """Enrol one of your children in the group: `requested` when a place is free (held until the club
    confirms), `waiting` when the group is full."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=EnrolInput, responses={201: EnrolmentOutput, **ENROL_ERRORS})
    def post(self, request: SignedInApiRequest, pk: int) -> Response:
        data = EnrolInput(data=request.data)
        data.is_valid(raise_exception=True)
        group = ClubGroup.objects.select_related("club").filter(pk=pk, club__is_active=True).first()
        if group is None:
            raise DomainError(_("There is no such group."), code="not_found", status_code=404)
        child = Child.objects.filter(pk=data.validated_data["child"]).first()
        if child is None:
            raise DomainError(_("There is no such child."), code="not_found", field="child", status_code=404)
        enrolment = actions.enrol(group=group, child=child, parent=request.user)
        return Response(EnrolmentOutput(enrolment).data, status=status.HTTP_201_CREATED)


class EnrolmentList(generics.ListAPIView):
    """The enrolments of the signed-in parent's children, newest first."""

    serializer_class = EnrolmentOutput
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Enrolment]:
        return club_views.enrolments_of(self.request.user)  # type: ignore[arg-type]


class EnrolmentWithdraw(APIView):
    """Take your child off the group or its waiting list; a held place goes to the first child waiting."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={
        200: EnrolmentOutput,
        404: OpenApiResponse(ClubErrors, description="Not an enrolment of your child (`not_found`)."),
        409: OpenApiResponse(ClubErrors, description="`bad_transition`: already withdrawn or declined.")})
    def post(self, request: SignedInApiRequest, pk: int) -> Response:
        enrolment = club_views.enrolments_of(request.user).filter(pk=pk).first()
        if enrolment is None:
            raise DomainError(_("There is no such enrolment."), code="not_found", status_code=404)
        actions.withdraw(enrolment=enrolment, by=request.user)
        return Response(EnrolmentOutput(enrolment).data)


urlpatterns = [
    path("clubs/", ClubList.as_view(), name="api-clubs"),
    path("clubs/<int:pk>/", ClubDetail.as_view(), name="api-club"),
    path("clubs/children/", ChildList.as_view(), name="api-club-children"),
    path("clubs/groups/<int:pk>/enrol/", GroupEnrol.as_view(), name="api-club-enrol"),
    path("clubs/enrolments/", EnrolmentList.as_view(), name="api-club-enrolments"),
    path("clubs/enrolments/<int:pk>/withdraw/", EnrolmentWithdraw.as_view(), name="api-club-withdraw"),
]
