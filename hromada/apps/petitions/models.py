"""Electronic petitions (Law "On Citizens' Appeals", Art. 23-1).

A petition's status changes only through its `actions` (see the table in `workflow.py`);
every change writes a `PetitionEvent`, the timeline residents see.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hromada.apps.communities.models import Community, Localized
from hromada.core.cases.models import CaseEvent
from hromada.core.memo import MISSING, TimedMemory
from hromada.core.tenancy.models import TenantModel

POLICY_TTL_SECONDS = 10.0
# By community: each community's policy, as this process read it.
_POLICIES = TimedMemory("petitions.policies", limit=1_000)
TITLE_MAX = 200
TEXT_MAX = 10_000
NOTE_MAX = 2_000


class PetitionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # the author is writing it; only the author sees it
    MODERATION = "moderation", _("On moderation")  # submitted; published or refused within 2 working days
    COLLECTING = "collecting", _("Collecting signatures")  # published; open for signing until the period ends
    # Enough signatures: the council must consider it within 10 working days. Signing stays
    # open until the period ends or consideration starts (support keeps counting).
    THRESHOLD_REACHED = "threshold_reached", _("Threshold reached")
    CONSIDERATION = "consideration", _("Under consideration")  # the council is considering it; signing closed
    ANSWERED = "answered", _("Answered")  # the official response is published
    FORWARDED = "forwarded", _("Forwarded as a collective appeal")  # the period ended below the threshold
    REJECTED = "rejected", _("Rejected")  # refused at moderation, with a reason from the list
    ARCHIVED = "archived", _("Archived")  # kept for the record, out of the default lists


# Statuses in which signatures are accepted (and may be withdrawn) while the period runs.
SIGNABLE_STATUSES = (PetitionStatus.COLLECTING, PetitionStatus.THRESHOLD_REACHED)
# Statuses the public sees.
PUBLIC_STATUSES = (
    PetitionStatus.COLLECTING, PetitionStatus.THRESHOLD_REACHED, PetitionStatus.CONSIDERATION,
    PetitionStatus.ANSWERED, PetitionStatus.FORWARDED, PetitionStatus.ARCHIVED,
)


class RejectionReason(models.TextChoices):
    PROHIBITED_CONTENT = "prohibited_content", _("Prohibited content (calls to violence, hate, obscenity)")
    NOT_COMPETENCE = "not_competence", _("Not within the council's competence")
    DUPLICATE = "duplicate", _("Duplicates a petition already collecting signatures")
    NO_REQUEST = "no_request", _("No clear request to the council")
    AUTHOR_DATA = "author_data", _("The author's name or contact is missing or false")
    PERSONAL_DATA = "personal_data", _("Discloses other people's personal data")
    OTHER = "other", _("Other (explained in the note)")


class Decision(models.TextChoices):
    SUPPORTED = "supported", _("Supported")
    NOT_SUPPORTED = "not_supported", _("Not supported")


class SignersRule(models.TextChoices):
    RESIDENTS = "residents", _("Residents of the community only")
    ANY_VERIFIED = "any_verified", _("Anyone with a verified identity")


class SignatureChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person at a CNAP desk")


class PetitionPolicy(models.Model):
    """Petition rules of one community beyond those on `Community` (threshold, period, age).

    Created with the defaults below the first time it is needed (`PetitionPolicy.for_community`).
    """

    community = models.OneToOneField(Community, on_delete=models.CASCADE, primary_key=True,
                                      related_name="petition_policy", verbose_name=_("community"))
    signers = models.CharField(_("who may sign"), max_length=16, choices=SignersRule.choices,
                               default=SignersRule.RESIDENTS)
    coauthors_required = models.PositiveSmallIntegerField(
        _("co-authors required"), default=0, validators=[MaxValueValidator(10)],
        help_text=_("How many co-authors must confirm before a petition can be submitted."),
    )
    moderation_working_days = models.PositiveSmallIntegerField(
        _("moderation term, working days"), default=2, validators=[MinValueValidator(1), MaxValueValidator(10)])
    consideration_working_days = models.PositiveSmallIntegerField(
        _("consideration term, working days"), default=10,
        validators=[MinValueValidator(1), MaxValueValidator(30)])
    sign_rate_per_account = models.PositiveIntegerField(
        _("signing attempts per account per minute"), default=10, validators=[MinValueValidator(1)])
    sign_rate_per_ip = models.PositiveIntegerField(
        _("signing attempts per IP address per minute"), default=60, validators=[MinValueValidator(1)])
    trusted_networks = models.TextField(
        _("trusted networks"), blank=True, default="",
        help_text=_("IP networks (CIDR, one per line) of CNAP desks, kiosks or shared gateways that get "
                    "the raised per-IP limit below."),
    )
    sign_rate_per_trusted_ip = models.PositiveIntegerField(
        _("signing attempts per trusted IP address per minute"), default=600, validators=[MinValueValidator(1)])
    trend_ip_per_hour = models.PositiveIntegerField(
        _("trending report: signatures per IP address per hour"), default=20, validators=[MinValueValidator(1)])
    trend_domain_per_hour = models.PositiveIntegerField(
        _("trending report: signatures per e-mail domain per hour"), default=200,
        validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("petition policy")
        verbose_name_plural = _("petition policies")

    def __str__(self) -> str:
        return f"{self.community}"

    @classmethod
    def for_community(cls, community: Community) -> PetitionPolicy:
        policy, _created = cls.objects.get_or_create(community=community)
        return policy

    @classmethod
    def cached_for(cls, community: Community) -> PetitionPolicy:
        """The policy as this process read it at most POLICY_TTL_SECONDS ago (the signing hot path).

        Saving a policy clears this process's memory at once; other processes follow within the TTL."""
        policy = _POLICIES.get(community.pk, "policy")
        if policy is MISSING:
            policy = cls.for_community(community)
            _POLICIES.put(community.pk, "policy", policy, POLICY_TTL_SECONDS)
        return policy


def forget_cached_policies(**_kwargs) -> None:
    _POLICIES.clear()


class PetitionCategory(TenantModel, Localized):
    """A topic residents filter petitions by (transport, education, ...)."""

    class Meta(TenantModel.Meta):
        verbose_name = _("petition category")
        verbose_name_plural = _("petition categories")
        ordering = ["name_uk"]
        constraints = [models.UniqueConstraint(fields=["community", "name_uk"], name="petition_category_unique")]


class Petition(TenantModel):
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    text = models.TextField(_("text"), help_text=_("Plain text: what you ask the council to do and why."))
    # Case-folded title and text: case-insensitive search that also works for Cyrillic on SQLite.
    search_text = models.TextField(editable=False, default="")
    category = models.ForeignKey(PetitionCategory, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="petitions", verbose_name=_("category"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="petitions",
                               verbose_name=_("author"))
    status = models.CharField(_("status"), max_length=20, choices=PetitionStatus.choices,
                              default=PetitionStatus.DRAFT)
    # Exact number of active (not withdrawn, not invalidated) signatures, changed in the
    # same transaction as the signature rows (UPDATE ... SET count = count ± n).
    signature_count = models.PositiveIntegerField(_("signatures"), default=0)
    # Policy fixed at publication: a later change of the community's settings does not move the goal posts.
    threshold = models.PositiveIntegerField(_("signatures needed"), default=0)

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    moderation_due_at = models.DateTimeField(_("moderation due"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    collection_ends_at = models.DateTimeField(_("signature collection ends"), null=True, blank=True)
    threshold_reached_at = models.DateTimeField(_("threshold reached"), null=True, blank=True)
    consideration_due_at = models.DateTimeField(_("consideration due"), null=True, blank=True)
    consideration_started_at = models.DateTimeField(_("consideration started"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True,
                                     help_text=_("When it was rejected, forwarded or archived."))
    overdue_flagged_at = models.DateTimeField(_("overdue reported to controllers"), null=True, blank=True)

    rejection_reason = models.CharField(_("reason for rejection"), max_length=32, choices=RejectionReason.choices,
                                        blank=True, default="")
    rejection_note = models.TextField(_("moderator's note"), blank=True, default="")
    # Set when the appeals module takes the petition in as a collective appeal (see actions.forward_hook).
    appeal_reference = models.CharField(_("collective appeal reference"), max_length=100, blank=True, default="")
    appeal_url = models.CharField(_("collective appeal link"), max_length=300, blank=True, default="")

    class Meta(TenantModel.Meta):
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["community", "status", "published_at"], name="petition_status_idx"),
            models.Index(fields=["community", "status", "collection_ends_at"], name="petition_ends_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(signature_count__gte=0), name="petition_count_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"title", "text"} & set(update_fields):
            self.search_text = f"{self.title}\n{self.text}".casefold()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("petitions:detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    def is_signable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return (self.status in SIGNABLE_STATUSES and self.collection_ends_at is not None
                and now <= self.collection_ends_at)

    @property
    def collection_closed_at(self) -> datetime | None:
        """When signing actually stopped: the end of the period, or the start of consideration if earlier."""
        started = self.consideration_started_at
        if started is not None and self.collection_ends_at is not None and started < self.collection_ends_at:
            return started
        return self.collection_ends_at

    @property
    def days_left(self) -> int:
        """Whole days of signing left, counting a started day as a day (0 once the period is over)."""
        if self.collection_ends_at is None:
            return 0
        seconds = (self.collection_ends_at - timezone.now()).total_seconds()
        return max(0, -int(-seconds // 86400))

    @property
    def progress_percent(self) -> int:
        if not self.threshold:
            return 0
        return min(100, self.signature_count * 100 // self.threshold)

    @property
    def is_consideration_overdue(self) -> bool:
        return (self.status in (PetitionStatus.THRESHOLD_REACHED, PetitionStatus.CONSIDERATION)
                and self.consideration_due_at is not None and timezone.now() > self.consideration_due_at)

    @property
    def is_moderation_overdue(self) -> bool:
        return (self.status == PetitionStatus.MODERATION and self.moderation_due_at is not None
                and timezone.now() > self.moderation_due_at)


# What signing and withdrawing read: not the texts (up to 20 KB a row).
SIGNING_FIELDS = ("id", "community_id", "author_id", "status", "signature_count", "threshold", "collection_ends_at")


class PetitionCoauthor(TenantModel):
    """A person the author asked to co-sign the petition as a co-author; counts once confirmed."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="coauthors",
                                 verbose_name=_("petition"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("co-author"))
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("co-author")
        verbose_name_plural = _("co-authors")
        constraints = [models.UniqueConstraint(fields=["petition", "person"], name="petition_coauthor_unique")]

    def __str__(self) -> str:
        return f"{self.person} → {self.petition_id}"


class SignatureInvalidation(TenantModel):
    """A batch of signatures a moderator invalidated, with the reason (also in the audit log)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="invalidations",
                                 verbose_name=_("petition"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("moderator"))
    reason = models.TextField(_("reason"))
    criteria = models.JSONField(_("selection"), default=dict)
    signature_count = models.PositiveIntegerField(_("signatures invalidated"), default=0)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta(TenantModel.Meta):
        verbose_name = _("signature invalidation")
        verbose_name_plural = _("signature invalidations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.signature_count} × {self.petition_id}"


class Signature(TenantModel):
    """One person's support of one petition.

    At most one *active* row per (petition, person): a partial unique index on rows that
    are not withdrawn. Withdrawing keeps the row (withdrawn_at); signing again inserts a
    new row. Invalidated rows stay non-withdrawn, so an invalidated person cannot sign again.
    """

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures",
                                 verbose_name=_("petition"), db_index=False)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="petition_signatures",
                               verbose_name=_("person"))
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=16, choices=SignatureChannel.choices,
                               default=SignatureChannel.ONLINE)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("recorded by operator"), db_index=False)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    email_domain = models.CharField(_("e-mail domain"), max_length=254, blank=True, default="")
    notify_on_answer = models.BooleanField(_("tell me when it is answered"), default=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    invalidated_at = models.DateTimeField(_("invalidated"), null=True, blank=True)
    invalidation = models.ForeignKey(SignatureInvalidation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="signatures", verbose_name=_("invalidation"), db_index=False)

    class Meta(TenantModel.Meta):
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(fields=["petition", "person"], condition=models.Q(withdrawn_at__isnull=True),
                                    name="signature_one_active_per_person"),
        ]
        indexes = [models.Index(fields=["petition", "signed_at"], name="signature_petition_time_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.petition_id}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None and self.invalidated_at is None


def active_signatures() -> models.Q:
    """Signatures that count: neither withdrawn nor invalidated."""
    return models.Q(withdrawn_at__isnull=True, invalidated_at__isnull=True)


class PetitionEvent(CaseEvent):
    """One step of a petition's life: who, when, from, to, why. The public timeline."""

    subject_field = "petition"

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events",
                                 verbose_name=_("petition"))

    class Meta(CaseEvent.Meta):
        verbose_name = _("petition event")
        verbose_name_plural = _("petition events")


class PetitionResponse(TenantModel):
    """The council's official response: the decision and its text."""

    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, related_name="response",
                                    verbose_name=_("petition"))
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    text = models.TextField(_("response"))
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("published by"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta(TenantModel.Meta):
        verbose_name = _("official response")
        verbose_name_plural = _("official responses")

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.decision}"


class PetitionDocument(TenantModel):
    """A decision document attached to the official response (a council decision, an order)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="documents",
                                 verbose_name=_("petition"))
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="petitions/documents/%Y/")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta(TenantModel.Meta):
        verbose_name = _("decision document")
        verbose_name_plural = _("decision documents")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title
