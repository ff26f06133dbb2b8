"""The catalogue: publishers, data sets with the passport of CMU resolution 835, resources and their versions."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hromada.apps.communities.models import edrpou_validator
from hromada.core.tenancy.models import TenantModel


def _localized(uk: str, en: str) -> str:
    if (get_language() or "uk").startswith("en") and en:
        return en
    return uk


def _language_of(en: str) -> str:
    """The language of the text `_localized` shows: pages mark it, so a reader reads Ukrainian as Ukrainian."""
    return "en" if (get_language() or "uk").startswith("en") and en else "uk"


class Frequency(models.TextChoices):
    """Update frequencies of resolution 835 (the official list); values are CKAN/data.gov.ua words."""

    MORE_THAN_DAILY = "more_than_daily", _("More than once a day")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Every half year")
    YEARLY = "yearly", _("Yearly")
    ON_CHANGE = "on_change", _("Immediately after changes")


# How long until the next update is due; ON_CHANGE is refreshed by a daily safety net.
FREQUENCY_PERIOD = {
    Frequency.MORE_THAN_DAILY: timedelta(hours=1),
    Frequency.DAILY: timedelta(days=1),
    Frequency.WEEKLY: timedelta(weeks=1),
    Frequency.MONTHLY: timedelta(days=30),
    Frequency.QUARTERLY: timedelta(days=91),
    Frequency.HALF_YEARLY: timedelta(days=182),
    Frequency.YEARLY: timedelta(days=365),
    Frequency.ON_CHANGE: timedelta(days=1),
}

# The EU frequency vocabulary (DCAT-AP dct:accrualPeriodicity).
FREQUENCY_EU = {
    Frequency.MORE_THAN_DAILY: "CONT",
    Frequency.DAILY: "DAILY",
    Frequency.WEEKLY: "WEEKLY",
    Frequency.MONTHLY: "MONTHLY",
    Frequency.QUARTERLY: "QUARTERLY",
    Frequency.HALF_YEARLY: "ANNUAL_2",
    Frequency.YEARLY: "ANNUAL",
    Frequency.ON_CHANGE: "UPDATE_CONT",
}


class Format(models.TextChoices):
    CSV = "CSV", "CSV"
    JSON = "JSON", "JSON"
    XLSX = "XLSX", "XLSX"
    GEOJSON = "GeoJSON", "GeoJSON"


FORMAT_MEDIA_TYPES = {
    Format.CSV: "text/csv",
    Format.JSON: "application/json",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.GEOJSON: "application/geo+json",
}
FORMAT_EXTENSIONS = {Format.CSV: "csv", Format.JSON: "json", Format.XLSX: "xlsx", Format.GEOJSON: "geojson"}


class License(models.TextChoices):
    CC_BY = "cc-by", _("Creative Commons Attribution 4.0")
    CC_ZERO = "cc-zero", _("Creative Commons CC0")
    ODC_BY = "odc-by", _("Open Data Commons Attribution")


LICENSE_URLS = {
    License.CC_BY: "http://creativecommons.org/licenses/by/4.0/",
    License.CC_ZERO: "http://creativecommons.org/publicdomain/zero/1.0/",
    License.ODC_BY: "http://opendatacommons.org/licenses/by/1-0/",
}


class Publisher(TenantModel):
    """A data set owner: the council or one of its departments (a CKAN organization)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(_("short name"), max_length=100)
    title_uk = models.CharField(_("name (Ukrainian)"), max_length=300)
    title_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    edrpou = models.CharField(_("EDRPOU code"), max_length=8, blank=True, validators=[edrpou_validator])
    department = models.ForeignKey("communities.Department", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("department"))
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("publisher")
        verbose_name_plural = _("publishers")
        ordering = ["title_uk"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="opendata_publisher_unique_name")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _localized(self.title_uk, self.title_en)

    @property
    def title_lang(self) -> str:
        return _language_of(self.title_en)


class Theme(TenantModel):
    """A group of data sets (a CKAN group), mapped to an EU data theme for DCAT-AP."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(_("short name"), max_length=100)
    title_uk = models.CharField(_("name (Ukrainian)"), max_length=200)
    title_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    eu_theme = models.CharField(_("EU data theme code"), max_length=8, default="GOVE",
                                help_text=_("A code of the EU data theme vocabulary, e.g. GOVE, SOCI, TRAN."))

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="opendata_theme_unique_name")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _localized(self.title_uk, self.title_en)


class Tag(TenantModel):
    name = models.CharField(_("keyword"), max_length=100)

    class Meta:
        verbose_name = _("keyword")
        verbose_name_plural = _("keywords")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="opendata_tag_unique_name")]

    def __str__(self) -> str:
        return self.name


class Dataset(TenantModel):
    """A data set with its passport (CMU resolution 835); a CKAN package."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(_("short name (URL)"), max_length=100)
    identifier = models.CharField(_("identifier"), max_length=100,
                                  help_text=_("The data set's number in the community's register, e.g. 1.7."))
    title_uk = models.CharField(_("title (Ukrainian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_uk = models.TextField(_("description (Ukrainian)"))
    description_en = models.TextField(_("description (English)"), blank=True)
    publisher = models.ForeignKey(Publisher, on_delete=models.PROTECT, related_name="datasets",
                                  verbose_name=_("publisher"))
    responsible_person = models.CharField(_("responsible person"), max_length=200)
    responsible_email = models.EmailField(_("responsible person's e-mail"))
    legal_basis = models.TextField(_("legal basis"))
    purpose = models.TextField(_("purpose of collection"), blank=True)
    frequency = models.CharField(_("update frequency"), max_length=20, choices=Frequency.choices)
    license_id = models.CharField(_("licence"), max_length=20, choices=License.choices, default=License.CC_BY)
    language = models.CharField(_("language"), max_length=8, default="uk")
    spatial = models.CharField(_("spatial coverage"), max_length=300, blank=True)
    temporal_start = models.DateField(_("temporal coverage from"), null=True, blank=True)
    temporal_end = models.DateField(_("temporal coverage to"), null=True, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="datasets", verbose_name=_("themes"))
    tags = models.ManyToManyField(Tag, blank=True, related_name="datasets", verbose_name=_("keywords"))
    platform_key = models.CharField(_("produced by the platform"), max_length=100, blank=True, default="",
                                    help_text=_("Key of the platform data set that produces it; empty when uploaded."))
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    metadata_modified = models.DateTimeField(_("metadata modified"), default=timezone.now, db_index=True)
    last_updated_at = models.DateTimeField(_("data last updated"), null=True, blank=True)
    next_update_at = models.DateTimeField(_("next update due"), null=True, blank=True, db_index=True)
    search_text = models.TextField(editable=False, default="")
    # The CKAN package dict as JSON text, per language, refreshed by actions.py (ckan/store.py).
    ckan_uk = models.TextField(editable=False, default="")
    ckan_en = models.TextField(editable=False, default="")
    # Formats of its resources as "|CSV|JSON|", refreshed with the JSON: the res_format facet in one scan.
    res_formats = models.CharField(editable=False, max_length=100, default="")

    class Meta:
        verbose_name = _("data set")
        verbose_name_plural = _("data sets")
        ordering = ["title_uk"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="opendata_dataset_unique_name")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _localized(self.title_uk, self.title_en)

    @property
    def title_lang(self) -> str:
        return _language_of(self.title_en)

    @property
    def description(self) -> str:
        return _localized(self.description_uk, self.description_en)

    @property
    def description_lang(self) -> str:
        return _language_of(self.description_en)

    def build_search_text(self, tag_names: list[str] | None = None) -> str:
        parts = [self.name, self.identifier, self.title_uk, self.title_en, self.description_uk, self.description_en]
        parts += tag_names or []
        return " ".join(p for p in parts if p).lower()


class Resource(TenantModel):
    """A file of a data set (a CKAN resource). Its bytes live in versions; the newest is current."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources",
                                verbose_name=_("data set"))
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices, db_index=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    size = models.PositiveBigIntegerField(_("size, bytes"), null=True, blank=True)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_modified = models.DateTimeField(_("last modified"), null=True, blank=True)
    current_version = models.ForeignKey("ResourceVersion", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+", verbose_name=_("current version"))

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["position", "created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localized(self.name_uk, self.name_en)

    @property
    def name_lang(self) -> str:
        return _language_of(self.name_en)

    @property
    def extension(self) -> str:
        return FORMAT_EXTENSIONS.get(Format(self.format), "bin") if self.format in Format.values else "bin"

    @property
    def media_type(self) -> str:
        return FORMAT_MEDIA_TYPES.get(Format(self.format), "application/octet-stream") \
            if self.format in Format.values else "application/octet-stream"


def _version_path(instance: ResourceVersion, filename: str) -> str:
    return f"opendata/{instance.community_id}/{instance.resource_id}/{instance.number}-{filename}"


class ResourceVersion(TenantModel):
    """One published state of a resource's bytes; kept when a newer one arrives."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions",
                                 verbose_name=_("resource"))
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=_version_path, max_length=300)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    checksum = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveBigIntegerField(_("rows"), null=True, blank=True)
    created_at = models.DateTimeField(_("published"), default=timezone.now)
    created_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("published by"))

    class Meta:
        verbose_name = _("resource version")
        verbose_name_plural = _("resource versions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["resource", "number"], name="opendata_version_unique")]

    def __str__(self) -> str:
        return f"{self.resource_id} v{self.number}"


class ApiToken(models.Model):
    """A staff member's key for the CKAN write actions. Only its hash is stored; the key is shown once."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="ckan_token",
                                verbose_name=_("staff member"))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("key begins with"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        verbose_name = _("CKAN API token")
        verbose_name_plural = _("CKAN API tokens")

    def __str__(self) -> str:
        return f"{self.key_prefix}…"
