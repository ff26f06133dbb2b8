"""The e-queue: bookable resources and their schedules, slots, bookings, waiting lists, walk-in tickets and
the call display's queue, and enrolment of children in clubs.

A resource is a ЦНАП window (serving the services its `services.Window` serves), a doctor, or a club group's
sessions. Its weekly schedule (`ScheduleRule` rows: a weekday's working span, several rows for breaks) and
exceptions make `Slot` rows when the booking horizon opens. A slot holds at most `capacity` bookings: its
`booked` counter is raised by one conditional UPDATE and a CHECK constraint, so parallel requests can never
overbook it; a partial unique index keeps a person to one active booking per service (or resource) per day.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hromada.apps.communities.models import Localized
from hromada.core.tenancy.models import TenantModel


class ResourceKind(models.TextChoices):
    WINDOW = "window", _("ЦНАП window")
    DOCTOR = "doctor", _("Doctor")
    GROUP = "group", _("Club group session")


class Resource(TenantModel, Localized):
    """Something a resident books time with: a window, a doctor, a group's sessions."""

    kind = models.CharField(_("kind"), max_length=10, choices=ResourceKind.choices)
    office = models.ForeignKey("services.Office", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="resources", verbose_name=_("ЦНАП office"))
    window = models.OneToOneField("services.Window", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="resource", verbose_name=_("window"))
    clinic = models.CharField(_("clinic"), max_length=200, blank=True)
    speciality = models.CharField(_("speciality"), max_length=200, blank=True)
    group = models.OneToOneField("equeue.ClubGroup", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="resource", verbose_name=_("club group"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(_("slot length, minutes"), default=15,
                                                    validators=[MinValueValidator(5), MaxValueValidator(480)])
    capacity = models.PositiveSmallIntegerField(_("people per slot"), default=1,
                                                validators=[MinValueValidator(1), MaxValueValidator(500)])
    horizon_days = models.PositiveSmallIntegerField(_("booking horizon, days"), default=14,
                                                    validators=[MinValueValidator(1), MaxValueValidator(366)])
    opens_at = models.TimeField(_("new days open at"), default="08:00",
                                help_text=_("Each day the slots of the day at the end of the horizon open at "
                                            "this time (Kyiv)."))
    cutoff_hours = models.PositiveSmallIntegerField(_("cancel or move until, hours before"), default=2)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("bookable resource")
        verbose_name_plural = _("bookable resources")
        ordering = ["kind", "name_uk"]


class ScheduleRule(TenantModel):
    """One working span of a weekday (a day with a break has two rows)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="rules",
                                 verbose_name=_("resource"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), validators=[MaxValueValidator(6)])  # 0 = Monday
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta(TenantModel.Meta):
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["resource", "weekday", "starts"]
        constraints = [models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="equeue_rule_order")]


class ScheduleException(TenantModel):
    """A day that differs from the week: closed (an absence, a holiday worked or not) or other hours."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="exceptions",
                                 verbose_name=_("resource"))
    day = models.DateField(_("day"))
    starts = models.TimeField(_("from"), null=True, blank=True)  # both empty: closed all day
    ends = models.TimeField(_("until"), null=True, blank=True)
    note = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("schedule exception")
        verbose_name_plural = _("schedule exceptions")
        ordering = ["resource", "day"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "day"], name="equeue_exception_day"),
            models.CheckConstraint(condition=Q(starts__isnull=True, ends__isnull=True)
                                   | Q(starts__isnull=False, ends__isnull=False, ends__gt=F("starts")),
                                   name="equeue_exception_hours"),
        ]


class Slot(TenantModel):
    """A bookable moment of a resource. `booked` never exceeds `capacity` (CHECK) and is raised by one
    conditional UPDATE, so parallel bookings of the last place give it to one of them."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="slots",
                                 verbose_name=_("resource"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("places"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)
    opens_at = models.DateTimeField(_("open for booking from"))

    class Meta(TenantModel.Meta):
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["resource", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "starts_at"], name="equeue_slot_start"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="equeue_slot_capacity"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="equeue_slot_order"),
        ]
        indexes = [models.Index(fields=["community", "resource", "starts_at"], name="equeue_slot_free_idx",
                                condition=Q(booked__lt=F("capacity")))]

    @property
    def free(self) -> int:
        return self.capacity - self.booked


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CHECKED_IN = "checked_in", _("Checked in")  # in the live queue (has a ticket)
    SERVED = "served", _("Served")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED = "cancelled", _("Cancelled")
    MOVED = "moved", _("Moved to another time")  # replaced by a new booking


ACTIVE_BOOKING_STATUSES = (BookingStatus.BOOKED, BookingStatus.CHECKED_IN)


class Booking(TenantModel):
    """A person's place in a slot (a resident's own, an operator's on their behalf, or a parent's for a child)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # iCalendar UID; also the QR
    code = models.CharField(_("booking number"), max_length=16)  # what the person says at check-in
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("slot"))
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="bookings",
                                 verbose_name=_("resource"))
    service = models.ForeignKey("services.Service", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="bookings", verbose_name=_("service"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings",
                               verbose_name=_("person"))
    child = models.ForeignKey("equeue.Child", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="bookings", verbose_name=_("child"))
    day = models.DateField(_("day"))  # the slot's Kyiv date (the one-a-day rule reads it)
    status = models.CharField(_("status"), max_length=12, choices=BookingStatus.choices,
                              default=BookingStatus.BOOKED)
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("booked by"))
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    moved_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("moved to"))
    sequence = models.PositiveIntegerField(default=0)  # iCalendar SEQUENCE: raised by each change sent

    class Meta(TenantModel.Meta):
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["slot__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "code"], name="equeue_booking_code"),
            # One active booking per person (or child) per service per day …
            # (a booking for oneself has no child: 0 stands for it, as NULLs would never collide)
            models.UniqueConstraint(F("person"), Coalesce(F("child"), Value(0)), F("service"), F("day"),
                                    name="equeue_one_a_day_service",
                                    condition=Q(status__in=["booked", "checked_in"], service__isnull=False)),
            # … and per resource per day where no service is named (a doctor, a group).
            models.UniqueConstraint(F("person"), Coalesce(F("child"), Value(0)), F("resource"), F("day"),
                                    name="equeue_one_a_day_resource",
                                    condition=Q(status__in=["booked", "checked_in"], service__isnull=True)),
        ]
        indexes = [models.Index(fields=["community", "person", "day"], name="equeue_booking_person_idx"),
                   models.Index(fields=["slot", "status"], name="equeue_booking_slot_idx")]

    def __str__(self) -> str:
        return self.code

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_BOOKING_STATUSES


class WaitingStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("A place is offered")
    ACCEPTED = "accepted", _("Accepted")
    EXPIRED = "expired", _("Offer expired")
    CANCELLED = "cancelled", _("Left the list")


class WaitingEntry(TenantModel):
    """A person waiting for a place with a resource on a day; a freed slot is offered in order, for a time."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="waiting",
                                 verbose_name=_("resource"))
    service = models.ForeignKey("services.Service", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+", verbose_name=_("service"))
    day = models.DateField(_("day"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waiting_entries",
                               verbose_name=_("person"))
    child = models.ForeignKey("equeue.Child", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                              verbose_name=_("child"))
    status = models.CharField(_("status"), max_length=10, choices=WaitingStatus.choices,
                              default=WaitingStatus.WAITING)
    created_at = models.DateTimeField(_("joined"), default=timezone.now)
    offered_slot = models.ForeignKey(Slot, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("offered slot"))
    offered_until = models.DateTimeField(_("offer open until"), null=True, blank=True)
    booking = models.ForeignKey(Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("booking"))

    class Meta(TenantModel.Meta):
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting-list entries")
        ordering = ["resource", "day", "created_at", "id"]
        constraints = [models.UniqueConstraint(F("resource"), F("day"), F("person"), Coalesce(F("child"), Value(0)),
                                               name="equeue_waiting_once",
                                               condition=Q(status__in=["waiting", "offered"]))]


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVED = "served", _("Served")
    ABSENT = "absent", _("Did not come up")
    REDIRECTED = "redirected", _("Sent to another window")


class Ticket(TenantModel):
    """A place in an office's live queue: a walk-in's ticket (`A-017`) or a checked-in booking."""

    office = models.ForeignKey("services.Office", on_delete=models.PROTECT, related_name="tickets",
                               verbose_name=_("office"))
    day = models.DateField(_("day"))
    prefix = models.CharField(_("prefix"), max_length=3)  # a letter per service group
    serial = models.PositiveIntegerField(_("number"))
    service = models.ForeignKey("services.Service", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("service"))
    booking = models.OneToOneField(Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="ticket",
                                   verbose_name=_("booking"))
    priority_at = models.DateTimeField(_("in line from"))  # order of the line: a booking's time, a walk-in's arrival
    status = models.CharField(_("status"), max_length=12, choices=TicketStatus.choices,
                              default=TicketStatus.WAITING)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    window = models.ForeignKey("services.Window", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("window"))
    called_at = models.DateTimeField(_("called"), null=True, blank=True)
    calls = models.PositiveSmallIntegerField(_("times called"), default=0)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("called by"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    served_service = models.ForeignKey("services.Service", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("service given"))

    class Meta(TenantModel.Meta):
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["office", "day", "priority_at", "id"]
        constraints = [models.UniqueConstraint(fields=["office", "day", "prefix", "serial"],
                                               name="equeue_ticket_number")]
        indexes = [models.Index(fields=["office", "day", "status", "priority_at"], name="equeue_line_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{self.prefix}-{self.serial:03d}"


class TicketCounter(TenantModel):
    """The last ticket number of an office's prefix on a day (locked to give the next)."""

    office = models.ForeignKey("services.Office", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    prefix = models.CharField(max_length=3)
    last = models.PositiveIntegerField(default=0)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["office", "day", "prefix"], name="equeue_counter_unique")]


class WindowAssignment(TenantModel):
    """An operator who works at a window: they may call tickets to it."""

    window = models.ForeignKey("services.Window", on_delete=models.CASCADE, related_name="assignments",
                               verbose_name=_("window"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="window_assignments",
                             verbose_name=_("operator"))

    class Meta(TenantModel.Meta):
        verbose_name = _("window assignment")
        verbose_name_plural = _("window assignments")
        constraints = [models.UniqueConstraint(fields=["window", "user"], name="equeue_assignment_unique")]


class Club(TenantModel, Localized):
    """An after-school club, studio or section."""

    kind = models.CharField(_("kind"), max_length=100)  # sport, art, music, science…
    address = models.CharField(_("address"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="managed_clubs",
                                      verbose_name=_("club staff"))  # confirm enrolments
    is_active = models.BooleanField(_("active"), default=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("club")
        verbose_name_plural = _("clubs")
        ordering = ["name_uk"]


class ClubGroup(TenantModel):
    """A group of a club for a season: ages, schedule, places, fee."""

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="groups", verbose_name=_("club"))
    name = models.CharField(_("group"), max_length=200)
    season = models.CharField(_("season"), max_length=20)  # e.g. "2026/2027"
    age_min = models.PositiveSmallIntegerField(_("from age"), validators=[MaxValueValidator(99)])
    age_max = models.PositiveSmallIntegerField(_("to age"), validators=[MaxValueValidator(99)])
    schedule = models.CharField(_("schedule"), max_length=300)  # "Tue, Thu 16:00–17:30"
    capacity = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    enrolled = models.PositiveSmallIntegerField(_("enrolled"), default=0)  # confirmed; never above capacity
    fee = models.DecimalField(_("fee per month, UAH"), max_digits=10, decimal_places=2, null=True, blank=True)
    is_open = models.BooleanField(_("taking enrolments"), default=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("club group")
        verbose_name_plural = _("club groups")
        ordering = ["club", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(enrolled__lte=F("capacity")), name="equeue_group_capacity"),
            models.CheckConstraint(condition=Q(age_max__gte=F("age_min")), name="equeue_group_ages"),
        ]

    def __str__(self) -> str:
        return f"{self.club} — {self.name}"


class Child(TenantModel):
    """A child a parent acts for (enrolment, bookings)."""

    parent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="children",
                               verbose_name=_("parent"))
    full_name = models.CharField(_("child's full name"), max_length=200)
    birth_date = models.DateField(_("birth date"))

    class Meta(TenantModel.Meta):
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["parent", "birth_date"]

    def __str__(self) -> str:
        return self.full_name


class EnrolmentStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")  # waiting for the club's confirmation
    WAITING = "waiting", _("On the waiting list")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined by the club")
    WITHDRAWN = "withdrawn", _("Withdrawn by the parent")


ACTIVE_ENROLMENT_STATUSES = (EnrolmentStatus.REQUESTED, EnrolmentStatus.WAITING, EnrolmentStatus.CONFIRMED)


class Enrolment(TenantModel):
    """A child's place (or place in line) in a club group."""

    group = models.ForeignKey(ClubGroup, on_delete=models.PROTECT, related_name="enrolments",
                              verbose_name=_("group"))
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("child"))
    season = models.CharField(_("season"), max_length=20)  # the group's (the quota counts per season)
    status = models.CharField(_("status"), max_length=10, choices=EnrolmentStatus.choices,
                              default=EnrolmentStatus.REQUESTED)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["group", "created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["group", "child"], name="equeue_enrolment_once",
                                               condition=Q(status__in=["requested", "waiting", "confirmed"]))]


class EnrolmentPolicy(TenantModel):
    """The community's rules for a season: how many groups a child may be in."""

    season = models.CharField(_("season"), max_length=20)
    groups_per_child = models.PositiveSmallIntegerField(_("groups per child"), default=2,
                                                        validators=[MinValueValidator(1)])

    class Meta(TenantModel.Meta):
        verbose_name = _("enrolment rules")
        verbose_name_plural = _("enrolment rules")
        constraints = [models.UniqueConstraint(fields=["community", "season"], name="equeue_policy_season")]


from hromada.apps.equeue.hall_models import CallEvent, CallKind, TicketPrefix  # noqa: E402,F401  (the hall's rows)
