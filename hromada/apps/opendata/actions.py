"""Every write of the catalogue. Staff writes are audited; platform refreshes keep every version."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.apps.accounts.models import Role, StaffRole
from hromada.apps.opendata import files, registry
from hromada.apps.opendata.ckan import store
from hromada.apps.opendata.models import (
    FREQUENCY_PERIOD,
    ApiToken,
    Dataset,
    Format,
    Frequency,
    Publisher,
    Resource,
    ResourceVersion,
    Tag,
    Theme,
)
from hromada.core import tenancy
from hromada.core.audit.services import audit_record
from hromada.core.keys import new_key
from hromada.core.text import strip_controls

logger = logging.getLogger(__name__)

DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024

# Titles of the EU data themes used by the platform's own data sets.
EU_THEMES = {
    "GOVE": ("Уряд і публічний сектор", "Government and public sector", "government"),
    "SOCI": ("Населення і суспільство", "Population and society", "society"),
    "ECON": ("Економіка і фінанси", "Economy and finance", "economy"),
    "REGI": ("Регіони і міста", "Regions and cities", "regions"),
    "TRAN": ("Транспорт", "Transport", "transport"),
    "EDUC": ("Освіта, культура і спорт", "Education, culture and sport", "education"),
}


def max_upload_bytes() -> int:
    return int(getattr(settings, "OPENDATA_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def council_publisher(community: Any) -> Publisher:
    """The council itself as a publisher (a CKAN organization named after the community)."""
    with tenancy.scope(community):
        publisher, _created = Publisher.objects.get_or_create(
            community=community, name=community.slug,
            defaults={"title_uk": community.name_uk, "title_en": community.name_en,
                      "edrpou": community.edrpou, "email": community.email},
        )
    return publisher


def theme_for(community: Any, code: str) -> Theme:
    title_uk, title_en, name = EU_THEMES.get(code, (code, code, code.lower()))
    theme, _created = Theme.objects.get_or_create(
        community=community, name=name, defaults={"title_uk": title_uk, "title_en": title_en, "eu_theme": code})
    return theme


def _set_tags(dataset: Dataset, names: Iterable[str]) -> list[str]:
    clean = sorted({n.strip()[:100] for n in names if n and n.strip()})
    tags = []
    for name in clean:
        tag, _created = Tag.objects.get_or_create(community_id=dataset.community_id, name=name)
        tags.append(tag)
    dataset.tags.set(tags)
    return clean


def _responsible(community: Any) -> tuple[str, str]:
    admin = (StaffRole.objects.filter(role=Role.ADMIN).select_related("user").order_by("pk").first())
    name = admin.user.full_name if admin and admin.user.full_name else "Адміністратор відкритих даних"
    return name, community.email or "opendata@hromada.local"


# ---------------------------------------------------------------- platform data sets


def ensure_platform_datasets(*, community: Any) -> list[Dataset]:
    """Create the catalogue entries of every registered platform data set this community has."""
    out = []
    with tenancy.scope(community), transaction.atomic():
        publisher = council_publisher(community)
        person, email = _responsible(community)
        existing = {d.platform_key: d for d in Dataset.objects.exclude(platform_key="")}
        for spec in registry.registered():
            if not spec.available(community):
                continue
            dataset = existing.get(spec.key)
            if dataset is None:
                dataset = Dataset(
                    community=community, name=spec.key, platform_key=spec.key, identifier=spec.identifier,
                    title_uk=spec.title_uk, title_en=spec.title_en, description_uk=spec.description_uk,
                    description_en=spec.description_en, publisher=publisher, responsible_person=person,
                    responsible_email=email, legal_basis=spec.legal_basis, purpose=spec.purpose,
                    frequency=spec.frequency, spatial=community.name_uk, next_update_at=timezone.now(),
                )
                dataset.search_text = dataset.build_search_text(list(spec.keywords))
                dataset.save()
                _set_tags(dataset, spec.keywords)
                dataset.themes.set([theme_for(community, code) for code in spec.themes])
            have = {r.format for r in dataset.resources.all()}
            for position, fmt in enumerate(spec.formats):
                if fmt not in have:
                    Resource.objects.create(
                        community=community, dataset=dataset, format=fmt, position=position,
                        name_uk=f"{spec.title_uk} ({fmt})", name_en=f"{spec.title_en} ({fmt})",
                    )
            out.append(dataset)
        store.refresh([d.pk for d in out])
    return out


def _next_number(resource: Resource) -> int:
    return (resource.versions.aggregate(n=Max("number"))["n"] or 0) + 1


def _store_version(resource: Resource, written: files.Written, *, by: Any = None, filename: str) -> ResourceVersion:
    """Keep a new version unless the bytes did not change. Call inside a transaction."""
    current = resource.current_version
    if current is not None and current.checksum == written.checksum:
        return current
    now = timezone.now()
    version = ResourceVersion(community_id=resource.community_id, resource=resource, number=_next_number(resource),
                              size=written.size, checksum=written.checksum, rows=written.rows,
                              created_at=now, created_by=by if getattr(by, "pk", None) else None)
    version.file.save(filename, File(written.file), save=False)
    version.save()
    resource.current_version = version
    resource.size, resource.checksum, resource.last_modified = written.size, written.checksum, now
    resource.save(update_fields=["current_version", "size", "checksum", "last_modified"])
    return version


def platform_dataset_refresh(*, community: Any, key: str) -> Dataset:
    """Produce every format of one platform data set anew; a resource whose bytes changed gets a version."""
    spec = registry.get(key)
    if spec is None:
        raise LookupError(f"no platform data set {key!r} is registered")
    with tenancy.scope(community):
        dataset = Dataset.objects.filter(platform_key=key).first()
        if dataset is None:
            ensure_platform_datasets(community=community)
            dataset = Dataset.objects.get(platform_key=key)
        header = [c.name for c in spec.columns]
        written = {}
        try:
            for resource in dataset.resources.all():
                if resource.format == Format.CSV and spec.csv_stream is not None:
                    written[resource.pk] = files.write_chunks(spec.csv_stream(community))
                    continue
                written[resource.pk] = files.write_format(resource.format, spec.producer(community), header,
                                                          geometry=spec.geometry)
            now = timezone.now()
            with transaction.atomic():
                changed = False
                for resource in dataset.resources.select_related("current_version"):
                    if resource.pk not in written:
                        continue
                    before = resource.current_version_id
                    version = _store_version(resource, written[resource.pk],
                                             filename=f"{dataset.name}.{resource.extension}")
                    changed = changed or version.pk != before
                dataset.last_updated_at = now
                dataset.next_update_at = now + FREQUENCY_PERIOD[Frequency(dataset.frequency)]
                fields = ["last_updated_at", "next_update_at"]
                if changed:
                    dataset.metadata_modified = now
                    fields.append("metadata_modified")
                dataset.save(update_fields=fields)
                store.refresh([dataset.pk])
        finally:
            for item in written.values():
                item.file.close()
    return dataset


def platform_datasets_refresh(*, community: Any, only_due: bool = False) -> list[Dataset]:
    ensure_platform_datasets(community=community)
    with tenancy.scope(community):
        qs = Dataset.objects.exclude(platform_key="")
        if only_due:
            qs = qs.filter(next_update_at__lte=timezone.now())
        keys = [d.platform_key for d in qs if registry.get(d.platform_key) is not None]
    refreshed = []
    for key in keys:
        # One data set that cannot be written (bad data in its source) must not hold back the others;
        # it keeps its previous file and stays due, so the next run tries it again.
        try:
            refreshed.append(platform_dataset_refresh(community=community, key=key))
        except Exception:
            logger.exception("open data: refreshing %s of %s failed", key, community.slug)
    return refreshed


# ---------------------------------------------------------------- CKAN API tokens


def api_token_rotate(*, community: Any, by: Any) -> str:
    """Issue the staff member's CKAN API token, replacing the one they held, which stops working at once.

    Returns the key, to be shown once: only its hash is stored. Audited with the key's first characters.
    """
    if not by.has_perm("opendata.hold_api_token", community):
        raise PermissionDenied(_("Only the community's open-data staff can do this."))
    key, digest, prefix = new_key()
    with transaction.atomic(durable=True):  # the outermost transaction: called by views only
        token = ApiToken.objects.select_for_update().filter(user=by).first()
        replaced = token.key_prefix if token is not None else ""
        if token is None:
            token = ApiToken.objects.create(user=by, key_hash=digest, key_prefix=prefix)
        else:
            token.key_hash, token.key_prefix, token.created_at = digest, prefix, timezone.now()
            token.save(update_fields=["key_hash", "key_prefix", "created_at"])
        audit_record(actor=by, action="opendata.api_token_rotate" if replaced else "opendata.api_token_issue",
                     community=community, target=token, data={"key_prefix": prefix, "replaced": replaced})
    return key


# ---------------------------------------------------------------- staff writes (office and CKAN API)

PASSPORT_FIELDS = (
    "name", "identifier", "title_uk", "title_en", "description_uk", "description_en", "responsible_person",
    "responsible_email", "legal_basis", "purpose", "frequency", "license_id", "language", "spatial",
    "temporal_start", "temporal_end", "is_published",
)


def dataset_save(*, community: Any, by: Any, fields: dict[str, Any], publisher: Publisher,
                 dataset: Dataset | None = None, tags: Sequence[str] | None = None,
                 themes: Sequence[Theme] | None = None) -> Dataset:
    """Create or update a data set's passport. Raises ValidationError (by field) and changes nothing then."""
    creating = dataset is None
    with tenancy.scope(community), transaction.atomic():
        if dataset is None:
            dataset = Dataset(community=community)
        before = {f: str(getattr(dataset, f)) for f in PASSPORT_FIELDS} if not creating else {}
        for key, value in fields.items():
            if key in PASSPORT_FIELDS:
                setattr(dataset, key, strip_controls(value) if isinstance(value, str) else value)
        dataset.publisher = publisher
        dataset.metadata_modified = timezone.now()
        if dataset.frequency in Frequency.values and dataset.next_update_at is None:
            dataset.next_update_at = timezone.now() + FREQUENCY_PERIOD[Frequency(dataset.frequency)]
        dataset.full_clean(exclude=["community", "search_text"])
        if Dataset.objects.filter(name=dataset.name).exclude(pk=dataset.pk).exists():
            raise ValidationError({"name": [_("That URL is already in use.")]})
        dataset.save()
        tag_names = _set_tags(dataset, tags) if tags is not None else list(dataset.tags.values_list("name", flat=True))
        if themes is not None:
            dataset.themes.set(themes)
        dataset.search_text = dataset.build_search_text(tag_names)
        dataset.save(update_fields=["search_text"])
        store.refresh([dataset.pk])
        changed = {f: str(getattr(dataset, f)) for f in PASSPORT_FIELDS if before.get(f) != str(getattr(dataset, f))}
        audit_record(actor=by, action="opendata.dataset_create" if creating else "opendata.dataset_update",
                     community=community, target=dataset, data={"name": dataset.name, "changed": sorted(changed)})
    return dataset


def resource_upload(*, dataset: Dataset, by: Any, fmt: str, raw: bytes | None = None, upload: Any = None,
                    filename: str = "", name_uk: str = "", name_en: str = "", description: str = "",
                    resource: Resource | None = None) -> Resource:
    """Add a resource (or a new version of `resource`) from uploaded bytes.

    CSV and JSON are stored as UTF-8 whatever they came in (UTF-8 or Windows-1251); a file over
    the limit, or in an encoding we cannot tell, raises ValidationError and nothing is stored.
    """
    if fmt not in Format.values:
        raise ValidationError({"format": [_("Unsupported format %(format)s; use CSV, JSON, XLSX or GeoJSON.")
                                          % {"format": fmt}]})
    limit = max_upload_bytes()
    if upload is not None:
        if upload.size > limit:
            raise ValidationError({"upload": [_("The file is too large: at most %(mb)d MB.")
                                              % {"mb": limit // (1024 * 1024)}]})
        raw = upload.read()
        filename = filename or os.path.basename(upload.name or "")
    if raw is None:
        raise ValidationError({"upload": [_("Attach a file.")]})
    if len(raw) > limit:
        raise ValidationError({"upload": [_("The file is too large: at most %(mb)d MB.")
                                          % {"mb": limit // (1024 * 1024)}]})
    if fmt in (Format.CSV, Format.JSON, Format.GEOJSON):
        try:
            raw = files.decode_text_upload(raw).encode()
        except files.UploadError as exc:
            raise ValidationError({"upload": [_("The file's encoding could not be read: use UTF-8 or Windows-1251.")
                                              ]}) from exc
    try:
        files.check_content(fmt, raw)
    except files.UploadError as exc:
        raise ValidationError({"upload": [str(exc)]}) from exc
    community = dataset.community
    with tenancy.scope(community), transaction.atomic():
        creating = resource is None
        if resource is None:
            resource = Resource(community=community, dataset=dataset, format=fmt,
                                name_uk=name_uk or filename or dataset.title_uk, name_en=name_en,
                                description=description, position=dataset.resources.count())
            resource.full_clean(exclude=["community", "dataset", "current_version"])
            resource.save()
        buffer = ContentFile(raw)
        written = files.Written(file=buffer, size=len(raw), checksum=hashlib.sha256(raw).hexdigest(), rows=None)
        version = _store_version(resource, written, by=by,
                                 filename=f"{dataset.name}.{resource.extension}")
        dataset.metadata_modified = dataset.last_updated_at = timezone.now()
        dataset.save(update_fields=["metadata_modified", "last_updated_at"])
        store.refresh([dataset.pk])
        audit_record(actor=by, action="opendata.resource_create" if creating else "opendata.resource_update",
                     community=community, target=resource,
                     data={"dataset": dataset.name, "version": version.number, "sha256": version.checksum})
    return resource
