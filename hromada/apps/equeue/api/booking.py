"""REST API of bookings under `/c/<slug>/api/v1/queue/`: resources, free slots, booking, one's bookings,
cancelling and moving. Errors in the shared envelope {"errors": [{code, message, field}]}."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hromada.apps.equeue import schedules
from hromada.apps.equeue.actions import booking as actions
from hromada.apps.equeue.models import Booking, Child, Resource, Slot
from hromada.core.api.errors import DomainError
from hromada.core.calendar import kyiv_date
from hromada.core.http import SignedInApiRequest
from hromada.core.inputs import bounded_int

MAX_DAYS = 31


class BookingErrorItem(serializers.Serializer):
    code = serializers.CharField(help_text="Stable error code: slot_taken, slot_past, not_open_yet, beyond_horizon, "
                                           "already_booked, over_limit, after_cutoff, other_community, …")
    message = serializers.CharField(help_text="Explanation in the request's language.")
    field = serializers.CharField(allow_null=True)


BookingErrors = inline_serializer(name="BookingErrors", fields={"errors": BookingErrorItem(many=True)})
ERRORS = {
    400: OpenApiResponse(BookingErrors, description="Bad input."),
    401: OpenApiResponse(BookingErrors, description="Not signed in."),
    403: OpenApiResponse(BookingErrors, description="Not allowed (`forbidden`)."),
    404: OpenApiResponse(BookingErrors, description="No such resource, slot or booking here."),
    409: OpenApiResponse(BookingErrors, description="`slot_taken`, `slot_past`, `not_open_yet`, `beyond_horizon`, "
                                                    "`already_booked`, `over_limit`, `after_cutoff`, `invalid_state`."),
}


class ResourceOutput(serializers.ModelSerializer):
    # Plain strings (values listed): an enum component named `KindEnum` would clash with other modules'.
    kind = serializers.CharField(help_text="window, doctor or group.")
    name = serializers.CharField(source="name_uk")
    services = serializers.SerializerMethodField()

    class Meta:
        model = Resource
        fields = ["id", "kind", "name", "clinic", "speciality", "address", "slot_minutes", "capacity",
                  "horizon_days", "cutoff_hours", "services"]

    def get_services(self, obj: Resource) -> list[int]:
        return [s.pk for s in obj.window.services.all()] if obj.window is not None else []


class SlotOutput(serializers.Serializer):
    id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    free = serializers.IntegerField()


class BookingInput(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1, max_value=2**62)
    service = serializers.IntegerField(min_value=1, max_value=2**62, required=False, allow_null=True)
    child = serializers.IntegerField(min_value=1, max_value=2**62, required=False, allow_null=True)


class MoveInput(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1, max_value=2**62)


class BookingOutput(serializers.ModelSerializer):
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    ends_at = serializers.DateTimeField(source="slot.ends_at")
    resource_name = serializers.CharField(source="resource.name_uk")
    status = serializers.CharField(help_text="booked, checked_in, served, no_show, cancelled, moved.")

    class Meta:
        model = Booking
        fields = ["uid", "code", "status", "resource", "resource_name", "slot", "service", "child", "day",
                  "starts_at", "ends_at", "sequence"]


def _resource(pk: int) -> Resource:
    resource = Resource.objects.filter(pk=pk, is_active=True).select_related("window").first()
    if resource is None:
        raise DomainError(_("There is no such resource here."), code="not_found", status_code=404)
    return resource


def _booking(request: Any, uid: Any) -> Booking:
    booking = Booking.objects.filter(uid=uid).select_related("slot", "resource", "person").first()
    if booking is None or not request.user.has_perm("equeue.view_booking", booking):
        raise DomainError(_("There is no such booking."), code="not_found", status_code=404)
    return booking


class ResourceList(APIView):
    """The community's bookable resources: windows (with the services they serve), doctors, group sessions."""

    permission_classes: list = []

    @extend_schema(responses={200: ResourceOutput(many=True)})
    def get(self, request: Request) -> Response:
        rows = Resource.objects.filter(is_active=True).select_related("window").prefetch_related("window__services")
        return Response(ResourceOutput(rows, many=True).data)


class FreeSlots(APIView):
    """The free slots of a resource from a day (`from`, default today) for `days` days (1–31, default 7)."""

    permission_classes: list = []

    @extend_schema(parameters=[OpenApiParameter("from", str, description="First day, YYYY-MM-DD (Kyiv)."),
                               OpenApiParameter("days", int, description="How many days (1–31).")],
                   responses={200: SlotOutput(many=True), 400: BookingErrors, 404: BookingErrors})
    def get(self, request: Request, pk: int) -> Response:
        from datetime import date

        resource = _resource(pk)
        start = kyiv_date(timezone.now())
        raw = request.query_params.get("from", "")
        if raw:
            try:
                start = date.fromisoformat(raw[:10])
            except ValueError:
                raise DomainError(_("Give the day as YYYY-MM-DD."), code="bad_date", field="from") from None
            if abs((start - kyiv_date(timezone.now())).days) > 366:
                raise DomainError(_("Give a day within a year from today."), code="bad_date", field="from")
        days = bounded_int(request.query_params.get("days", "7"), minimum=1, maximum=MAX_DAYS)
        if days is None:
            raise DomainError(_("Days must be a number from 1 to %(max)s.") % {"max": MAX_DAYS}, code="bad_days",
                              field="days")
        rows = schedules.free_slots(resource, start, days)
        return Response([{"id": r["id"], "starts_at": r["starts_at"], "ends_at": r["ends_at"],
                          "free": r["capacity"] - r["booked"]} for r in rows])


class Bookings(APIView):
    """One's bookings (GET: upcoming first), and booking a slot (POST)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: BookingOutput(many=True), 401: BookingErrors, 403: BookingErrors})
    def get(self, request: SignedInApiRequest) -> Response:  # type: ignore[override]
        since = timezone.now() - timedelta(days=90)
        rows = (Booking.objects.filter(person=request.user, slot__starts_at__gte=since)
                .select_related("slot", "resource").order_by("slot__starts_at")[:200])
        return Response(BookingOutput(rows, many=True).data)

    @extend_schema(request=BookingInput, responses={201: BookingOutput, **ERRORS})
    def post(self, request: SignedInApiRequest) -> Response:
        data = BookingInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        slot = Slot.objects.filter(pk=values["slot"]).select_related("resource__window").first()
        if slot is None:
            raise DomainError(_("There is no such time to book."), code="not_found", field="slot", status_code=404)
        service = None
        if values.get("service"):
            from hromada.apps.services.models import Service

            service = Service.objects.filter(pk=values["service"]).first()
            if service is None:
                raise DomainError(_("There is no such service."), code="bad_service", field="service")
        child = None
        if values.get("child"):
            child = Child.objects.filter(pk=values["child"], parent=request.user).first()
            if child is None:
                raise DomainError(_("This child is not recorded under your account."), code="forbidden",
                                  field="child", status_code=403)
        booking = actions.book(resource=slot.resource, slot=slot, person=request.user, by=request.user,
                               service=service, child=child, community=request.community)
        return Response(BookingOutput(booking).data, status=status.HTTP_201_CREATED)


class BookingDetail(APIView):
    """One booking (GET) and cancelling it until the cut-off (DELETE)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: BookingOutput, 401: BookingErrors, 403: BookingErrors, 404: BookingErrors})
    def get(self, request: Request, uid: Any) -> Response:
        return Response(BookingOutput(_booking(request, uid)).data)

    @extend_schema(responses={200: BookingOutput, **ERRORS})
    def delete(self, request: Request, uid: Any) -> Response:
        booking = actions.cancel(booking=_booking(request, uid), by=request.user)
        return Response(BookingOutput(booking).data)


class BookingMove(APIView):
    """Move a booking to another free slot of the same resource, until the cut-off: all or nothing."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=MoveInput, responses={201: BookingOutput, **ERRORS})
    def post(self, request: Request, uid: Any) -> Response:
        data = MoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        booking = _booking(request, uid)
        slot = get_object_or_404(Slot, pk=data.validated_data["slot"], resource_id=booking.resource_id)
        new = actions.move(booking=booking, slot=slot, by=request.user)
        return Response(BookingOutput(new).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("resources/", ResourceList.as_view(), name="api-equeue-resources"),
    path("resources/<int:pk>/slots/", FreeSlots.as_view(), name="api-equeue-slots"),
    path("bookings/", Bookings.as_view(), name="api-equeue-bookings"),
    path("bookings/<uuid:uid>/", BookingDetail.as_view(), name="api-equeue-booking"),
    path("bookings/<uuid:uid>/move/", BookingMove.as_view(), name="api-equeue-booking-move"),
]
