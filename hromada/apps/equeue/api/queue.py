"""The hall's REST API under `/c/<slug>/api/v1/queue/`: take a ticket, check a booking in, read an office's
line, and an operator's steps at a window (call next, call again, served, send to another window, absent).

Taking a ticket and checking in are open to a kiosk without an account (counted per address, as the kiosk
page; decision in docs/decisions.md); the window steps need an operator assigned to the window (403 otherwise).
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from hromada.apps.equeue import hall_events
from hromada.apps.equeue.actions import tickets
from hromada.apps.equeue.models import Ticket
from hromada.apps.services.models import Office, Service, Window
from hromada.core import ratelimit
from hromada.core.api.errors import DomainError
from hromada.core.http import ApiRequest, SignedInApiRequest
from hromada.core.inputs import INT_MAX

KIOSK_PER_HOUR = 120


class _ErrorItem(serializers.Serializer):
    code = serializers.CharField(help_text="Stable error code, e.g. service_not_here, ticket_open.")
    message = serializers.CharField(help_text="Explanation in the request's language.")
    field = serializers.CharField(allow_null=True)


QueueErrors = inline_serializer(name="QueueErrors", fields={"errors": _ErrorItem(many=True)})


class TicketInput(serializers.Serializer):
    service = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=INT_MAX,
                                       help_text="The service's id; empty: a general question.")


class CheckInInput(serializers.Serializer):
    uid = serializers.UUIDField(required=False, help_text="The booking's QR code (its uid).")
    code = serializers.CharField(required=False, max_length=16, help_text="The booking number.")
    phone = serializers.RegexField(r"^\d{4}$", required=False,
                                   help_text="The last four digits of the booker's phone (not needed when signed in "
                                             "as the booker or an operator).")


class TicketOutput(serializers.ModelSerializer):
    number = serializers.CharField()
    status = serializers.CharField(help_text="waiting, called, served, absent or redirected.")
    office = serializers.CharField(source="office.code")
    window = serializers.CharField(source="window.number", allow_null=True, default=None)
    booked = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = ["id", "number", "status", "office", "window", "day", "priority_at", "issued_at", "called_at",
                  "booked"]

    def get_booked(self, obj: Ticket) -> bool:
        return obj.booking_id is not None


class CheckInOutput(serializers.Serializer):
    ticket = TicketOutput()
    late = serializers.BooleanField(help_text="Came after the booking's time: in line as a walk-in.")


class CallOutput(serializers.Serializer):
    id = serializers.IntegerField()
    ticket = serializers.CharField()
    window = serializers.CharField()
    window_name = serializers.CharField()
    recall = serializers.BooleanField()
    at = serializers.DateTimeField()


class LineOutput(serializers.Serializer):
    office = serializers.CharField()
    last_id = serializers.IntegerField(help_text="The newest call's id (the display stream's event id).")
    calls = CallOutput(many=True)
    waiting = serializers.IntegerField()
    wait_minutes = serializers.IntegerField(help_text="Expected wait of a new ticket, minutes.")


class StepInput(serializers.Serializer):
    service = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=INT_MAX,
                                       help_text="served: the service actually given (default: the ticket's).")
    to_window = serializers.IntegerField(required=False, min_value=1, max_value=INT_MAX,
                                         help_text="redirect: the window's id.")


class StepOutput(serializers.Serializer):
    ticket = TicketOutput(allow_null=True)


def _office(code: str) -> Office:
    office = Office.objects.filter(code=code, is_active=True).first()
    if office is None:
        raise DomainError(_("There is no such office."), code="not_found", status_code=404)
    return office


def _kiosk_count(request: ApiRequest, office: Office, door: str) -> None:
    if not request.user.has_perm("equeue.issue_ticket", request.community):
        ratelimit.check([(f"equeue.{door}.{office.pk}", ratelimit.client_address(request.META),
                          ratelimit.per_hour(KIOSK_PER_HOUR))])


COMMON = {404: QueueErrors, 429: OpenApiResponse(QueueErrors, description="`rate_limited`.")}


class TicketIssue(APIView):
    """Take a walk-in ticket at the office (a kiosk may do it without signing in)."""

    permission_classes: list = []

    @extend_schema(request=TicketInput, responses={201: TicketOutput, 400: QueueErrors, 409: QueueErrors, **COMMON})
    def post(self, request: ApiRequest, office: str) -> Response:
        data = TicketInput(data=request.data)
        data.is_valid(raise_exception=True)
        place = _office(office)
        service = None
        if data.validated_data.get("service"):
            service = Service.objects.filter(pk=data.validated_data["service"]).first()
            if service is None:
                raise DomainError(_("There is no such service."), code="invalid", field="service")
        _kiosk_count(request, place, "kiosk")
        ticket = tickets.issue_ticket(office=place, service=service)
        return Response(TicketOutput(ticket).data, status=status.HTTP_201_CREATED)


class CheckIn(APIView):
    """Check a booking in: by its QR uid, or its number (with the phone's last four digits unless signed in)."""

    permission_classes: list = []

    @extend_schema(request=CheckInInput, responses={
        201: CheckInOutput, 400: QueueErrors,
        403: OpenApiResponse(QueueErrors, description="`forbidden`: another person's booking."),
        409: OpenApiResponse(QueueErrors, description="`wrong_office`, `wrong_day`, `too_early`, `bad_transition`."),
        **COMMON})
    def post(self, request: ApiRequest, office: str) -> Response:
        data = CheckInInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        place = _office(office)
        _kiosk_count(request, place, "check_in")
        if values.get("uid"):
            result = tickets.check_in(booking=tickets.find_booking(uid=values["uid"]), office=place, proven=True)
        elif values.get("code") and values.get("phone"):
            booking = tickets.find_booking(code=values["code"], phone_digits=values["phone"])
            result = tickets.check_in(booking=booking, office=place, proven=True)
        elif values.get("code") and request.user.is_authenticated:
            booking = tickets.find_booking_for(user=request.user, code=values["code"])
            result = tickets.check_in(booking=booking, office=place, by=request.user)
        else:
            raise DomainError(_("Give the booking's QR code, or its number and the last four digits of the phone."),
                              code="required", field="code")
        return Response(CheckInOutput({"ticket": result.ticket, "late": result.late}).data,
                        status=status.HTTP_201_CREATED)


class OfficeLine(APIView):
    """The office's line now: the latest calls (ticket and window), how many wait and the expected wait."""

    permission_classes: list = []

    @extend_schema(responses={200: LineOutput, 404: QueueErrors})
    def get(self, request: ApiRequest, office: str) -> Response:
        return Response(LineOutput(hall_events.display_state(_office(office))).data)


STEPS = ("call-next", "recall", "served", "redirect", "absent")


class WindowStep(APIView):
    """An operator's step at a window they are assigned to: `call-next`, `recall`, `served` (with `service`),
    `redirect` (with `to_window`), `absent`. call-next answers `ticket: null` when nobody waits."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=StepInput, responses={
        200: StepOutput, 400: QueueErrors, 401: OpenApiResponse(QueueErrors, description="Not signed in."),
        403: OpenApiResponse(QueueErrors, description="`forbidden`: not assigned to this window."),
        404: QueueErrors,
        409: OpenApiResponse(QueueErrors, description="`ticket_open`, `no_ticket`, `window_closed`, "
                                                      "`bad_transition`.")})
    def post(self, request: SignedInApiRequest, window: int, step: str) -> Response:
        place = Window.objects.select_related("office").filter(pk=window).first() if window <= INT_MAX else None
        if place is None or step not in STEPS:
            raise DomainError(_("There is no such window."), code="not_found", status_code=404)
        data = StepInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(StepOutput({"ticket": _run(request, place, step, data.validated_data)}).data)


def _run(request: SignedInApiRequest, window: Window, step: str, values: dict[str, Any]) -> Ticket | None:
    user = request.user
    if step == "call-next":
        return tickets.call_next(window=window, by=user)
    if not tickets.works_at(user, window):
        raise DomainError(_("You are not assigned to this window."), code="forbidden", status_code=403)
    current = tickets.current_ticket(window)
    if current is None:
        raise DomainError(_("No ticket is called to this window."), code="no_ticket", status_code=409)
    if step == "recall":
        return tickets.recall(ticket=current, window=window, by=user)
    if step == "absent":
        return tickets.absent(ticket=current, window=window, by=user)
    if step == "served":
        service = None
        if values.get("service"):
            service = Service.objects.filter(pk=values["service"]).first()
            if service is None:
                raise DomainError(_("There is no such service."), code="invalid", field="service")
        return tickets.served(ticket=current, window=window, by=user, service=service)
    target = Window.objects.filter(pk=values.get("to_window") or 0).first()
    if target is None:
        raise DomainError(_("Choose another open window of this office."), code="bad_window", field="to_window")
    return tickets.redirect(ticket=current, window=window, to_window=target, by=user)


urlpatterns = [
    path("offices/<slug:office>/tickets/", TicketIssue.as_view(), name="api-queue-ticket"),
    path("offices/<slug:office>/check-in/", CheckIn.as_view(), name="api-queue-check-in"),
    path("offices/<slug:office>/line/", OfficeLine.as_view(), name="api-queue-line"),
    path("windows/<int:window>/<str:step>/", WindowStep.as_view(), name="api-queue-window-step"),
]
