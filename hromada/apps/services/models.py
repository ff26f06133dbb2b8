"""Administrative services (ЦНАП): the register of services, the offices that give them, the cases.

The register follows art. 8 of the Law "On Administrative Services": every service has an information
card (provider, offices with hours, legal basis, the numbered documents, ways to apply, fee, term,
result and its delivery, grounds for refusal, how to appeal). The card a resident reads is the
`Service` row; each saved change also writes a `ServiceVersion` with the whole card as it was, and a
case keeps the version it was opened under.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hromada.apps.communities.models import Localized
from hromada.core.cases.models import CaseEvent
from hromada.core.private_files import RandomName, get_private_storage
from hromada.core.tenancy.models import TenantModel

NAME_MAX = 500
CODE_MAX = 40
code_validator = RegexValidator(r"^[A-Za-z0-9._-]{1,40}$",
                                _("A code has up to 40 Latin letters, digits, dots, hyphens or underscores."))
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")  # given, and open to applications
    SUSPENDED = "suspended", _("Suspended")  # shown, but no new applications
    RETIRED = "retired", _("Retired")  # no longer given; kept for the cases opened under it


class Audience(models.TextChoices):
    PERSON = "person", _("Individuals")
    BUSINESS = "business", _("Businesses")


class ApplyMethod(models.TextChoices):
    IN_PERSON = "in_person", _("In person at a ЦНАП")
    ONLINE = "online", _("Online")
    POST = "post", _("By post")
    REPRESENTATIVE = "representative", _("Through a representative")


class FeeKind(models.TextChoices):
    FREE = "free", _("Free of charge")
    FIXED = "fixed", _("Fixed fee")
    BY_LAW = "by_law", _("Fee set by law")


class TermKind(models.TextChoices):
    CALENDAR = "calendar", _("calendar days")
    WORKING = "working", _("working days")


class IdentityLevel(models.TextChoices):
    NONE = "none", _("Any signed-in resident")
    VERIFIED = "verified", _("Identity verified through the identity provider")


class LifeSituation(TenantModel, Localized):
    """A reason people come ("birth of a child", "starting a business"): groups services for finding them."""

    code = models.SlugField(_("code"), max_length=40)
    icon = models.CharField(_("icon"), max_length=40, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta(TenantModel.Meta):
        verbose_name = _("life situation")
        verbose_name_plural = _("life situations")
        ordering = ["position", "name_uk"]
        constraints = [models.UniqueConstraint(fields=["community", "code"], name="services_situation_code")]


class Office(TenantModel, Localized):
    """A ЦНАП office (or a remote workplace): where services are given, with its weekly hours.

    `hours` maps a weekday (`mon` … `sun`) to "08:00-17:00" (several spans: "08:00-12:00,13:00-17:00";
    "" or missing: closed). `exceptions` lists days that differ: {"date": "2026-12-31", "hours": "08:00-13:00",
    "note": "..."} ("" hours: closed). Public holidays close the office unless an exception opens it.
    """

    code = models.SlugField(_("code"), max_length=40)
    address = models.CharField(_("address"), max_length=300)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    hours = models.JSONField(_("weekly hours"), default=dict, blank=True)
    exceptions = models.JSONField(_("days with other hours"), default=list, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("ЦНАП office")
        verbose_name_plural = _("ЦНАП offices")
        ordering = ["name_uk"]
        constraints = [models.UniqueConstraint(fields=["community", "code"], name="services_office_code")]


class Service(TenantModel):
    """One administrative service and its current information card."""

    code = models.CharField(_("code"), max_length=CODE_MAX, validators=[code_validator])
    national_code = models.CharField(_("code in the national register"), max_length=40, blank=True)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=NAME_MAX)
    name_en = models.CharField(_("name (English)"), max_length=NAME_MAX, blank=True)
    provider = models.CharField(_("subject that provides the service"), max_length=500)
    department = models.ForeignKey("communities.Department", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("department that decides"),
                                   help_text=_("Its executors work the cases of this service."))
    status = models.CharField(_("status"), max_length=16, choices=ServiceStatus.choices,
                              default=ServiceStatus.ACTIVE)
    audience = models.JSONField(_("for whom"), default=list)  # Audience values
    life_situations = models.ManyToManyField(LifeSituation, related_name="services", blank=True,
                                             verbose_name=_("life situations"))
    offices = models.ManyToManyField(Office, related_name="services", blank=True, verbose_name=_("offices"))
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    legal_basis = models.JSONField(_("legal basis"), default=list, blank=True)  # acts and articles, one each
    documents = models.JSONField(_("documents"), default=list, blank=True)  # [{"title", "requirements"}]
    apply_methods = models.JSONField(_("ways to apply"), default=list, blank=True)  # ApplyMethod values
    fee_kind = models.CharField(_("fee"), max_length=10, choices=FeeKind.choices, default=FeeKind.FREE)
    fee_amount = models.DecimalField(_("fee, UAH"), max_digits=12, decimal_places=2, null=True, blank=True,
                                     validators=[MinValueValidator(Decimal("0"))])
    fee_details = models.TextField(_("fee: basis and payment details"), blank=True)
    term_days = models.PositiveSmallIntegerField(_("term, days"), null=True, blank=True,
                                                 validators=[MaxValueValidator(365)])
    term_kind = models.CharField(_("term counted in"), max_length=10, choices=TermKind.choices,
                                 default=TermKind.WORKING)
    term_text = models.CharField(_("term as written"), max_length=500, blank=True)
    result = models.TextField(_("result"), blank=True)
    delivery = models.TextField(_("how the result is delivered"), blank=True)
    refusal_grounds = models.JSONField(_("grounds for refusal"), default=list, blank=True)
    appeal_procedure = models.TextField(_("how to appeal a decision"), blank=True)
    identity_level = models.CharField(_("identity needed to apply online"), max_length=10,
                                      choices=IdentityLevel.choices, default=IdentityLevel.NONE)
    form = models.JSONField(_("online application form"), default=list, blank=True)  # see `forms.py`
    version = models.PositiveIntegerField(_("version"), default=0)  # the latest ServiceVersion's number
    search_text = models.TextField(editable=False, blank=True)  # name, keywords, provider: what search reads
    rating_count = models.PositiveIntegerField(_("ratings"), default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("administrative service")
        verbose_name_plural = _("administrative services")
        ordering = ["name_uk"]
        constraints = [
            models.UniqueConstraint(fields=["community", "code"], name="services_service_code"),
            models.CheckConstraint(condition=models.Q(rating_sum__lte=models.F("rating_count") * 5),
                                   name="services_rating_in_range"),
        ]
        indexes = [models.Index(fields=["community", "status", "name_uk"], name="services_status_name_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "uk").startswith("en") and self.name_en:
            return self.name_en
        return self.name_uk

    @property
    def accepts_applications(self) -> bool:
        return self.status == ServiceStatus.ACTIVE

    @property
    def applies_online(self) -> bool:
        return self.accepts_applications and ApplyMethod.ONLINE in self.apply_methods and bool(self.form)

    @property
    def average_rating(self) -> Decimal | None:
        if not self.rating_count:
            return None
        return (Decimal(self.rating_sum) / self.rating_count).quantize(Decimal("0.1"))


class ServiceVersion(TenantModel):
    """The whole card of a service as it was saved (the register's export form of it)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="versions",
                                verbose_name=_("service"))
    number = models.PositiveIntegerField(_("version"))
    card = models.JSONField(_("card"))
    created_at = models.DateTimeField(_("saved"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("saved by"))

    class Meta(TenantModel.Meta):
        verbose_name = _("version of a service card")
        verbose_name_plural = _("versions of service cards")
        ordering = ["service", "-number"]
        constraints = [models.UniqueConstraint(fields=["service", "number"], name="services_version_number")]

    def __str__(self) -> str:
        return f"{self.service_id} v{self.number}"


class Window(TenantModel):
    """A workplace in an office (a numbered window), serving a set of services."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="windows", verbose_name=_("office"))
    number = models.CharField(_("window"), max_length=20)
    name = models.CharField(_("name"), max_length=200, blank=True)
    services = models.ManyToManyField(Service, related_name="windows", blank=True, verbose_name=_("services"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        ordering = ["office", "number"]
        constraints = [models.UniqueConstraint(fields=["office", "number"], name="services_window_number")]

    def __str__(self) -> str:
        return f"{self.office} — {self.number}"


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")  # waiting for the ЦНАП administrator to accept it
    RETURNED = "returned", _("Returned for documents")  # the applicant must add what the list names
    ACCEPTED = "accepted", _("Accepted")  # registered by the ЦНАП, about to go to the provider
    IN_WORK = "in_work", _("In work at the provider")
    GRANTED = "granted", _("Granted")  # decided: the service is given
    REFUSED = "refused", _("Refused")  # decided: refused on a ground from the card
    RESULT_READY = "result_ready", _("Result ready")  # waiting at the ЦНАП (or sent)
    ISSUED = "issued", _("Issued")  # the applicant has the result
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")


OPEN_CASE_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.RETURNED, CaseStatus.ACCEPTED, CaseStatus.IN_WORK,
                      CaseStatus.GRANTED, CaseStatus.REFUSED, CaseStatus.RESULT_READY)
# Until a decision the term runs; a decided case only waits to be handed over.
UNDECIDED_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.RETURNED, CaseStatus.ACCEPTED, CaseStatus.IN_WORK)
CASE_STATUS_COLOURS: dict[str, str] = {
    CaseStatus.SUBMITTED: "grey", CaseStatus.RETURNED: "orange", CaseStatus.ACCEPTED: "blue",
    CaseStatus.IN_WORK: "blue", CaseStatus.GRANTED: "green", CaseStatus.REFUSED: "red",
    CaseStatus.RESULT_READY: "green", CaseStatus.ISSUED: "green", CaseStatus.WITHDRAWN: "grey"}


class CaseChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    DESK = "desk", _("At a ЦНАП desk")  # a paper application registered by an administrator
    POST = "post", _("By post")


class ServiceCase(TenantModel):
    """One application for a service and its way to the result."""

    number = models.CharField(_("case number"), max_length=32)
    status_code = models.CharField(_("status code"), max_length=12)  # with the number: the status check
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="cases", verbose_name=_("service"))
    version = models.ForeignKey(ServiceVersion, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("card version"))
    channel = models.CharField(_("channel"), max_length=10, choices=CaseChannel.choices, default=CaseChannel.ONLINE)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="service_cases", verbose_name=_("applicant"))
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=32, blank=True)
    data = models.JSONField(_("application"), default=dict, blank=True)  # the form's answers, by field name
    office = models.ForeignKey(Office, on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
                               verbose_name=_("office"))
    department = models.ForeignKey("communities.Department", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("provider's department"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("registered by"))
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    due_date = models.DateField(_("term"), null=True, blank=True)  # Kyiv date, from the card's term
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)  # its end: overdue is due_at < now
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    missing_documents = models.JSONField(_("missing documents"), default=list, blank=True)
    refusal_ground = models.TextField(_("ground for refusal"), blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(5)])
    rating_comment = models.TextField(_("comment on the service"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("service case")
        verbose_name_plural = _("service cases")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "number"], name="services_case_number"),
            models.CheckConstraint(condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                                   name="services_case_rating_range"),
        ]
        indexes = [
            # The ЦНАП's queue per office and the provider's per department: open cases, nearest term first.
            models.Index(fields=["community", "office", "status", "due_at"], name="services_office_queue_idx"),
            models.Index(fields=["community", "department", "status", "due_at"], name="services_dept_queue_idx"),
            models.Index(fields=["community", "status", "due_at"], name="services_case_due_idx"),
            models.Index(fields=["community", "applicant", "submitted_at"], name="services_case_applicant_idx"),
            models.Index(fields=["community", "service", "submitted_at"], name="services_case_service_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE_STATUSES

    @property
    def is_overdue(self) -> bool:
        return (self.status in UNDECIDED_STATUSES and self.due_at is not None
                and self.due_at < timezone.now())

    @property
    def status_colour(self) -> str:
        return CASE_STATUS_COLOURS.get(self.status, "grey")

    @property
    def card(self) -> dict[str, Any]:
        """The card the case was opened under."""
        return self.version.card


class ServiceCaseEvent(CaseEvent):
    subject_field = "case"
    case = models.ForeignKey(ServiceCase, on_delete=models.CASCADE, related_name="events", verbose_name=_("case"))

    class Meta(CaseEvent.Meta):
        verbose_name = _("service case event")
        verbose_name_plural = _("service case events")
        indexes = [models.Index(fields=["case", "at"], name="services_event_case_idx")]


class CaseAttachment(TenantModel):
    """A document given with an application (or added after a return): kept private, served by a checking view."""

    case = models.ForeignKey(ServiceCase, on_delete=models.CASCADE, related_name="attachments",
                             verbose_name=_("case"))
    field = models.CharField(_("form field"), max_length=60, blank=True)  # the form field, or "" (added later)
    file = models.FileField(_("file"), storage=get_private_storage, upload_to=RandomName("services/files"))
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size, bytes"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))

    class Meta(TenantModel.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["case", "uploaded_at", "id"]


class CaseCounter(TenantModel):
    """The last case number given in a community and year (the SQLite path of `core.numbering`)."""

    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["community", "year"], name="services_counter_unique")]
