"""Citizens' appeals: one model for every channel, its timeline, categories, routing and Open311 clients."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hromada.apps.communities.models import Localized
from hromada.core.cases.models import CaseEvent
from hromada.core.private_files import RandomName, get_private_storage
from hromada.core.tenancy.models import TenantModel

TEXT_MAX = 10_000  # characters of an appeal's substance; a letter, not a book
ANSWER_MAX = 20_000
PUBLIC_ANSWER_MAX = 2_000  # the public summary of an answer: a few sentences
NOTE_MAX = 2_000
REOPEN_DAYS = 30  # a closed or answered appeal can be reopened for this many days after the answer
RETURN_DAYS = 10  # a non-compliant appeal is returned within this many days of registration


class AppealType(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal")  # an idea to improve something
    APPLICATION = "application", _("Application")  # a request to exercise a right or fix a problem
    COMPLAINT = "complaint", _("Complaint")  # a violated right or interest


class Channel(models.TextChoices):
    WEB = "web", _("Web form")  # the resident filed it signed in
    OPERATOR = "operator", _("Call centre or CNAP desk")  # an operator entered it on the resident's behalf
    PAPER = "paper", _("Paper letter")  # scanned and registered by the processing centre
    API = "api", _("API")  # the REST API
    OPEN311 = "open311", _("Open311")  # an Open311 GeoReport v2 client


class AppealStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")  # has a number; not yet with a department (triage)
    ROUTED = "routed", _("Routed")  # sent to a department, waiting for an executor
    IN_PROGRESS = "in_progress", _("In progress")  # an executor is working on it
    EXTENDED = "extended", _("Term extended")  # being worked on with an extended term (max 45 days)
    ANSWERED = "answered", _("Answered")  # the department answered; the resident may rate or reopen
    CLOSED = "closed", _("Closed")  # finished
    RETURNED = "returned", _("Returned")  # non-compliant, returned to the author with an explanation
    NOT_CONSIDERED = "not_considered", _("Not subject to consideration")  # anonymous or repeated
    REOPENED = "reopened", _("Reopened")  # the resident was not satisfied; back to work


OPEN_STATUSES = (AppealStatus.REGISTERED, AppealStatus.ROUTED, AppealStatus.IN_PROGRESS, AppealStatus.EXTENDED,
                 AppealStatus.REOPENED)
WORK_STATUSES = (AppealStatus.ROUTED, AppealStatus.IN_PROGRESS, AppealStatus.EXTENDED, AppealStatus.REOPENED)
DONE_STATUSES = (AppealStatus.ANSWERED, AppealStatus.CLOSED)
# The colour of a status's tag (the word carries the meaning; the colour only helps).
STATUS_COLOURS: dict[str, str] = {
    AppealStatus.REGISTERED: "grey", AppealStatus.ROUTED: "blue", AppealStatus.IN_PROGRESS: "blue",
    AppealStatus.EXTENDED: "yellow", AppealStatus.ANSWERED: "green", AppealStatus.CLOSED: "green",
    AppealStatus.RETURNED: "red", AppealStatus.NOT_CONSIDERED: "red", AppealStatus.REOPENED: "orange"}


class Category(TenantModel, Localized):
    """A kind of problem or question; a tree. Public categories appear on the map and in Open311."""

    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent category"))
    code = models.SlugField(_("code"), max_length=40, help_text=_("Stable code, used as the Open311 service_code."))
    icon = models.CharField(_("icon"), max_length=40, blank=True, help_text=_("An emoji or an icon name."))
    description = models.TextField(_("description"), blank=True)
    is_public = models.BooleanField(_("public"), default=False,
                                    help_text=_("Problems of this category are shown de-identified on the map."))
    needs_study = models.BooleanField(_("needs study"), default=True,
                                      help_text=_("Appeals that need no extra study get the short term (15 days)."))
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta(TenantModel.Meta):
        verbose_name = _("appeal category")
        verbose_name_plural = _("appeal categories")
        ordering = ["position", "name_uk"]
        constraints = [models.UniqueConstraint(fields=["community", "code"], name="appeal_category_unique_code")]


class RoutingRule(TenantModel):
    """Appeals of `category` located in `district` (any district when empty) go to `department`."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="routing_rules",
                                 verbose_name=_("category"))
    district = models.ForeignKey("communities.District", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+", verbose_name=_("district"))
    department = models.ForeignKey("communities.Department", on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("department"))

    class Meta(TenantModel.Meta):
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [models.UniqueConstraint(fields=["community", "category", "district"],
                                               name="appeal_routing_unique")]

    def __str__(self) -> str:
        return f"{self.category} × {self.district or '*'} → {self.department}"


class RegistrationCounter(TenantModel):
    """The last registration number of a community in a year, locked FOR UPDATE to allocate the next.

    On PostgreSQL numbers come from a sequence per community and year (`actions.allocate_number`);
    there this row only seeds a new sequence with the numbers given out before it existed.
    """

    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["community", "year"], name="appeal_counter_unique")]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Open311Client(TenantModel):
    """An Open311 client allowed to POST requests; the api_key is stored hashed."""

    name = models.CharField(_("client name"), max_length=200)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self) -> str:
        return self.name


class Appeal(TenantModel):
    """An appeal from any channel, with its registration number, stored term and answer."""

    number = models.CharField(_("registration number"), max_length=32)
    token = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)  # status link and Open311 token
    type = models.CharField(_("type"), max_length=16, choices=AppealType.choices, default=AppealType.APPLICATION)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField(_("status"), max_length=16, choices=AppealStatus.choices,
                              default=AppealStatus.REGISTERED)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="appeals",
                                 verbose_name=_("category"))
    text = models.TextField(_("substance of the appeal"))
    # The resident's choice when filing: may the text above be shown on the public map, in open data and in
    # Open311? Not unless they said so (every channel's default).
    description_public = models.BooleanField(
        _("description may be shown publicly"), default=False,
        help_text=_("The resident agreed that the description is shown on the problem map and in public data."))
    # Who wrote it. Platform users are linked; paper and Open311 authors may be known by name only.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="appeals", verbose_name=_("author"))
    author_name = models.CharField(_("name"), max_length=200, blank=True)
    author_address = models.CharField(_("place of residence"), max_length=300, blank=True)
    author_email = models.EmailField(_("e-mail"), blank=True)
    author_phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("entered by operator"))
    open311_client = models.ForeignKey(Open311Client, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("Open311 client"))
    # Where the problem is (GeoJSON order is lon, lat; stored apart for plain indexes).
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    location_text = models.CharField(_("address of the problem"), max_length=300, blank=True)
    district = models.ForeignKey("communities.District", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("district"))
    department = models.ForeignKey("communities.Department", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("department"))
    needs_study = models.BooleanField(_("needs study"), default=True)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    due_date = models.DateField(_("term"))  # Kyiv date by which the answer is due (inclusive)
    due_at = models.DateTimeField(_("due at"))  # end of that day: "overdue" is due_at < now
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for extension"), blank=True)
    answer_text = models.TextField(_("answer"), blank=True)  # the letter to the resident: never published
    public_answer = models.TextField(
        _("public summary of the answer"), blank=True,
        help_text=_("Published on the problem map and in Open311, apart from the letter to the resident. "
                    "Write what was done, without names, addresses or phone numbers."))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("comment on the answer"), blank=True)
    return_reason = models.TextField(_("explanation of the return"), blank=True)
    is_repeated = models.BooleanField(_("repeated appeal"), default=False)
    repeated_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("repeats the appeal"))
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="duplicates", verbose_name=_("duplicate of"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-registered_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["community", "number"], name="appeal_unique_number")]
        indexes = [
            models.Index(fields=["community", "department", "status", "due_at"], name="appeal_queue_idx"),
            # The executor's queue (all open statuses, nearest term first) reads this in order, no sort.
            models.Index(fields=["community", "department", "due_at", "id"], name="appeal_open_queue_idx",
                         condition=models.Q(status__in=[s.value for s in OPEN_STATUSES])),
            models.Index(fields=["community", "status", "due_at"], name="appeal_status_due_idx"),
            models.Index(fields=["community", "author", "registered_at"], name="appeal_author_idx"),
            models.Index(fields=["community", "category", "registered_at"], name="appeal_category_idx"),
            models.Index(fields=["community", "registered_at"], name="appeal_registered_idx"),
            # The repeated-appeal check at intake: same e-mail (any case) and category, decided on the merits.
            models.Index(F("community"), F("category"), Upper("author_email"), F("registered_at"),
                         name="appeal_repeat_email_idx",
                         condition=models.Q(status__in=["answered", "closed"])),
            # The public list, newest first: read in order and counted from the index alone.
            models.Index(F("community"), F("registered_at").desc(), F("id").desc(), name="appeal_public_idx",
                         include=["category"], condition=models.Q(duplicate_of__isnull=True)
                         & ~models.Q(status__in=["returned", "not_considered"])),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def status_colour(self) -> str:
        """The colour of the status's tag (`STATUS_COLOURS`)."""
        return STATUS_COLOURS.get(self.status, "grey")

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def contact_email(self) -> str:
        return self.author.email if self.author_id and self.author else self.author_email


class AppealEvent(CaseEvent):
    """One step of an appeal's life: who (and in which role), when, from, to, why. The timeline."""

    subject_field = "appeal"

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events", verbose_name=_("appeal"))
    actor_role = models.CharField(_("role"), max_length=16, blank=True)  # resident, operator, executor, system...
    # The case event's columns as the appeal timeline had them before it moved onto the case core (so the
    # table and the API's schema stay as they were): the statuses with the appeal's choices, whose names
    # the timeline shows, and the kind as long as the API says.
    kind = models.CharField(_("event"), max_length=32)
    from_status = models.CharField(_("from"), max_length=16, choices=AppealStatus.choices, blank=True, default="")
    to_status = models.CharField(_("to"), max_length=16, choices=AppealStatus.choices, blank=True, default="")

    class Meta(CaseEvent.Meta):
        verbose_name = _("appeal event")
        verbose_name_plural = _("appeal events")
        ordering = ["at", "id"]

    @property
    def kind_label(self) -> str:
        """What happened, as the timeline says it; an unknown kind (a newer code) shows as itself."""
        return str(EVENT_LABELS.get(self.kind, self.kind))


# The timeline's words for each kind of event (the transitions' names and the other steps).
EVENT_LABELS = {
    "register": _("Registered"),
    "route": _("Sent to a department"),
    "take": _("Taken into work"),
    "forward": _("Forwarded to another department"),
    "extend": _("Term extended"),
    "answer": _("Answered"),
    "close": _("Closed"),
    "reopen": _("Reopened"),
    "return": _("Returned with an explanation"),
    "not_consider": _("Not subject to consideration"),
    "request_details": _("Details requested"),
    "add_details": _("Details added"),
    "attach": _("File attached"),
    "rate": _("Rated"),
    "mark_duplicate": _("Marked as a duplicate"),
    "flag_repeated": _("Marked as a repeated appeal"),
}


class AppealPhoto(TenantModel):
    """A photo re-encoded without metadata under a random name (the copy anyone may be shown, when the
    appeal is published); the GPS point it carried is kept apart. Stored privately and served by
    `views.appeal_photo`, which checks that the appeal is published or the visitor may see it."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="photos", verbose_name=_("appeal"))
    image = models.ImageField(_("photo"), upload_to=RandomName("appeals/photos"), storage=get_private_storage)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    exif_latitude = models.FloatField(null=True, blank=True)
    exif_longitude = models.FloatField(null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.image.name or ""


class AppealAttachment(TenantModel):
    """A file added by staff while working the appeal (or the scan of a paper letter). Stored privately
    under a random name, served to the staff handling the appeal only (`office_views.attachment_file`)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments",
                               verbose_name=_("appeal"))
    file = models.FileField(_("file"), upload_to=RandomName("appeals/files"), storage=get_private_storage)
    name = models.CharField(_("name"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class OcrStatus(models.TextChoices):
    QUEUED = "queued", _("waiting for recognition")  # the job is queued
    RUNNING = "running", _("being recognised")  # a worker reads the pages
    DONE = "done", _("recognised")  # ocr_text holds the text of every page
    FAILED = "failed", _("not recognised")  # ocr_error says why; the operator types the text


class PaperScan(TenantModel):
    """A scanned paper letter waiting in the processing centre: OCR text to correct, then register.

    The text is recognised by a background job (`appeals.scan_ocr`), page by page. Stored privately
    under a random name (never the original file name), an image scan without its metadata."""

    file = models.FileField(_("scan"), upload_to=RandomName("appeals/scans"), storage=get_private_storage)
    ocr_text = models.TextField(_("recognised text"), blank=True)
    pages = models.PositiveSmallIntegerField(default=0)
    ocr_status = models.CharField(_("recognition"), max_length=8, choices=OcrStatus.choices,
                                  default=OcrStatus.DONE)
    ocr_pages_done = models.PositiveSmallIntegerField(_("pages recognised"), default=0)
    ocr_error = models.CharField(_("why the text was not recognised"), max_length=300, blank=True, default="")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    appeal = models.OneToOneField(Appeal, on_delete=models.SET_NULL, null=True, blank=True, related_name="scan")

    class Meta(TenantModel.Meta):
        verbose_name = _("paper scan")
        verbose_name_plural = _("paper scans")

    def __str__(self) -> str:
        return self.file.name or ""


# ---------------------------------------------------------------- tallies: the dashboard's figures, kept by the actions
#
# Every action that changes an appeal's status, department, category, term or answer moves its
# contribution between these rows in the same transaction (`actions.tally_move`). The dashboard and the
# statistics page read a bounded number of them instead of aggregating the appeals. `department_key` and
# `category_key` are the ids (0: none); they are plain numbers, so that a tally row never blocks deleting
# a department or category. Each figure is split over TALLY_SLOTS rows (`slot` = appeal id modulo it):
# a row stays locked from its update to the commit, and registrations of one department and category
# would otherwise queue on a single row. `hromada appeals_retally` recomputes them all from the appeals.

TALLY_SLOTS = 4


class AppealTally(TenantModel):
    """How many appeals are in each status, per department × category."""

    department_key = models.PositiveIntegerField(default=0)
    category_key = models.PositiveIntegerField(default=0)
    slot = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=16, choices=AppealStatus.choices)
    count = models.IntegerField(default=0)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["community", "department_key", "category_key", "status", "slot"],
                                               name="appeal_tally_unique")]


class AppealDueTally(TenantModel):
    """How many open appeals have their term on each day (Kyiv date), per department × category."""

    department_key = models.PositiveIntegerField(default=0)
    category_key = models.PositiveIntegerField(default=0)
    slot = models.PositiveSmallIntegerField(default=0)
    due_date = models.DateField()
    count = models.IntegerField(default=0)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(
            fields=["community", "department_key", "category_key", "due_date", "slot"], name="appeal_due_tally_unique")]
        indexes = [models.Index(fields=["community", "due_date"], name="appeal_due_tally_day_idx")]


class AppealAnswerTally(TenantModel):
    """Answers per department × category × day of the answer (Kyiv date): how many, and the seconds they took
    from registration in total (for the average time to answer)."""

    department_key = models.PositiveIntegerField(default=0)
    category_key = models.PositiveIntegerField(default=0)
    slot = models.PositiveSmallIntegerField(default=0)
    day = models.DateField()
    count = models.IntegerField(default=0)
    seconds = models.BigIntegerField(default=0)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["community", "department_key", "category_key", "day", "slot"],
                                               name="appeal_answer_tally_unique")]
        indexes = [models.Index(fields=["community", "day"], name="appeal_answer_tally_day_idx")]
