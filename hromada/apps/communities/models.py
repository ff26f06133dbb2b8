from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hromada.core.geo import area_contains, validate_area
from hromada.core.tenancy.models import TenantModel

# A slug is also a host-name label (`<slug>.example.org`): it cannot end with a hyphen.
slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
    _("Use lowercase Latin letters, digits and hyphens; start and end with a letter or digit."),
)
edrpou_validator = RegexValidator(r"^\d{8}$", _("The EDRPOU code has exactly 8 digits."))


class Localized(models.Model):
    """Two-language name: Ukrainian (required) and English (falls back to Ukrainian)."""

    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "uk").startswith("en") and self.name_en:
            return self.name_en
        return self.name_uk


class Community(Localized):
    """A territorial community (hromada) served by this installation."""

    class Kind(models.TextChoices):
        CITY = "city", _("City community")
        SETTLEMENT = "settlement", _("Settlement community")
        VILLAGE = "village", _("Village community")

    slug = models.SlugField(_("slug"), max_length=63, unique=True, validators=[slug_validator])
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.CITY)
    domain = models.CharField(
        _("own host name"), max_length=253, blank=True, null=True, unique=True,
        help_text=_("Optional host name, e.g. rada.example.ua, that serves this community at /."),
    )
    coat_of_arms = models.ImageField(_("coat of arms"), upload_to="communities/arms/", blank=True)
    edrpou = models.CharField(_("EDRPOU code"), max_length=8, blank=True, validators=[edrpou_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("postal address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # Policy settings: defaults follow the national law; each community may set its own.
    martial_law_mode = models.BooleanField(
        _("martial-law working days"), default=True,
        help_text=_("Public holidays are working days; only Saturdays and Sundays are days off."),
    )
    petition_threshold = models.PositiveIntegerField(_("petition signature threshold"), default=250,
                                                     validators=[MinValueValidator(1)])
    petition_period_days = models.PositiveIntegerField(
        _("petition collection period, days"), default=90,
        validators=[MinValueValidator(1), MaxValueValidator(92)],
    )
    petition_min_age = models.PositiveIntegerField(_("minimum age of petition signers"), default=14)
    budget_max_votes = models.PositiveIntegerField(
        _("participatory budget: votes per voter"), default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    budget_min_age = models.PositiveIntegerField(_("participatory budget: minimum voter age"), default=16)
    appeal_term_days = models.PositiveIntegerField(_("appeal term, calendar days"), default=30)
    appeal_short_term_days = models.PositiveIntegerField(_("appeal term without study, calendar days"), default=15)
    appeal_max_term_days = models.PositiveIntegerField(_("appeal maximum term with extension, days"), default=45)
    # Rate limits a community sets for itself (the platform-wide ones are in settings.RATE_LIMITS).
    appeal_rate_per_hour = models.PositiveIntegerField(
        _("appeals a resident may file per hour"), default=10, validators=[MinValueValidator(1)],
        help_text=_("Online and through the API; appeals entered by operators are not counted."))
    ballot_rate_per_address = models.PositiveIntegerField(
        _("ballots from one network address per minute"), default=120, validators=[MinValueValidator(1)],
        help_text=_("Raise it for a voting day with kiosks or a CNAP desk behind one address."))
    open311_rate_per_hour = models.PositiveIntegerField(
        _("Open311 requests one API key may file per hour"), default=300, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["slug"]

    def get_absolute_url(self) -> str:
        return f"/c/{self.slug}/"

    @property
    def public_url(self) -> str:
        if self.domain:
            return f"https://{self.domain}/"
        return settings.SITE_URL.rstrip("/") + self.get_absolute_url()


class District(TenantModel, Localized):
    """An administrative district (raion/starostat) with its boundary as a GeoJSON geometry."""

    code = models.CharField(_("code"), max_length=32, blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON)"), validators=[validate_area])

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name_uk"]
        constraints = [models.UniqueConstraint(fields=["community", "name_uk"], name="district_unique_name")]

    def contains(self, lon: float, lat: float) -> bool:
        return area_contains(self.boundary, lon, lat)


class Department(TenantModel, Localized):
    """A department of the council's executive bodies; executors work in one."""

    code = models.CharField(_("code"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="headed_departments", verbose_name=_("head"),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name_uk"]
        constraints = [models.UniqueConstraint(fields=["community", "name_uk"], name="department_unique_name")]


class Address(TenantModel):
    """One building of the community's address register: where a typed address is on the map.

    Imported by a community admin from a CSV file; `street_key`, `street_type` and `house_key` are the
    normalised forms (see `geocoding.py`) that typed addresses are matched against.
    """

    street = models.CharField(_("street"), max_length=200, help_text=_("As written, e.g. “вулиця Соборна”."))
    house = models.CharField(_("house number"), max_length=20, help_text=_("E.g. 12, 12а, 12/1."))
    district = models.ForeignKey(District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("district"))
    latitude = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(_("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    street_type = models.CharField(max_length=20, blank=True, editable=False)
    street_key = models.CharField(max_length=200, editable=False)
    house_key = models.CharField(max_length=20, editable=False)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["street_key", "house_key"]
        constraints = [models.UniqueConstraint(fields=["community", "street_type", "street_key", "house_key"],
                                               name="address_unique_key")]
        # Pattern operator classes let PostgreSQL use the index for the autocomplete's prefix search too.
        indexes = [models.Index(fields=["community", "street_key", "house_key"], name="address_lookup",
                                opclasses=["int8_ops", "varchar_pattern_ops", "varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"{self.street}, {self.house}"
