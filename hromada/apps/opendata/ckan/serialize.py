"""CKAN dictionaries (package, resource, organization, group, tag) built from the catalogue.

Built from prefetched rows only, so a page of 1,000 packages costs a fixed handful of queries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from hromada.apps.opendata.models import (
    FORMAT_MEDIA_TYPES,
    LICENSE_URLS,
    Dataset,
    License,
    Publisher,
    Resource,
    Tag,
    Theme,
)


def ckan_time(value: dt.datetime | dt.date | None) -> str | None:
    """CKAN's timestamps: UTC, ISO 8601 without an offset."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat()
    return value.isoformat()


def with_related(qs: QuerySet[Dataset]) -> QuerySet[Dataset]:
    """Prefetched into plain lists (to_attr): a page of 1,000 packages builds no per-row querysets."""
    return qs.select_related("publisher").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name"), to_attr="tag_list"),
        Prefetch("themes", queryset=Theme.objects.order_by("name"), to_attr="theme_list"),
        Prefetch("resources", queryset=Resource.objects.order_by("position", "created_at"), to_attr="resource_list"))


def related(dataset: Dataset) -> tuple[list[Tag], list[Theme], list[Resource]]:
    tags = getattr(dataset, "tag_list", None)
    themes = getattr(dataset, "theme_list", None)
    resources = getattr(dataset, "resource_list", None)
    return (tags if tags is not None else list(dataset.tags.order_by("name")),
            themes if themes is not None else list(dataset.themes.order_by("name")),
            resources if resources is not None else list(dataset.resources.order_by("position", "created_at")))


LICENSE_TITLES = dict(License.choices)
LICENSE_URL_BY_ID = {str(k.value): v for k, v in LICENSE_URLS.items()}
MEDIA_TYPES = {str(k.value): v for k, v in FORMAT_MEDIA_TYPES.items()}


class Urls:
    """Absolute addresses of the portal, computed once per request."""

    def __init__(self, portal_base: str) -> None:
        self.portal = portal_base  # ends with "/opendata/"

    def dataset(self, name: str) -> str:
        return f"{self.portal}dataset/{name}/"

    def download(self, dataset_name: str, resource: Resource) -> str:
        filename = f"{dataset_name}.{resource.extension}"
        return f"{self.portal}dataset/{dataset_name}/resource/{resource.pk}/download/{filename}"


def organization_dict(publisher: Publisher, package_count: int | None = None) -> dict[str, Any]:
    out = {
        "id": str(publisher.pk), "name": publisher.name, "title": publisher.title_uk,
        "display_name": publisher.title, "title_en": publisher.title_en, "description": "",
        "edrpou": publisher.edrpou, "type": "organization", "is_organization": True, "state": "active",
        "approval_status": "approved", "image_url": "", "created": ckan_time(publisher.created_at),
    }
    if package_count is not None:
        out["package_count"] = package_count
    return out


def group_dict(theme: Theme, package_count: int | None = None) -> dict[str, Any]:
    out = {
        "id": str(theme.pk), "name": theme.name, "title": theme.title_uk, "display_name": theme.title,
        "title_en": theme.title_en, "description": "", "eu_theme": theme.eu_theme, "type": "group",
        "is_organization": False, "state": "active", "approval_status": "approved", "image_display_url": "",
    }
    if package_count is not None:
        out["package_count"] = package_count
    return out


def resource_dict(resource: Resource, dataset: Dataset, urls: Urls) -> dict[str, Any]:
    return {
        "id": str(resource.pk), "package_id": str(dataset.pk), "name": resource.name_uk, "name_en": resource.name_en,
        "description": resource.description, "format": resource.format,
        "mimetype": MEDIA_TYPES.get(resource.format, "application/octet-stream"),
        "size": resource.size, "hash": resource.checksum, "hash_algorithm": "sha256" if resource.checksum else "",
        "url": urls.download(dataset.name, resource), "url_type": "upload", "position": resource.position,
        "created": ckan_time(resource.created_at), "last_modified": ckan_time(resource.last_modified),
        "metadata_modified": ckan_time(resource.last_modified or resource.created_at), "state": "active",
        "datastore_active": False,
    }


def package_dict(dataset: Dataset, urls: Urls) -> dict[str, Any]:
    tags, themes, resources = related(dataset)
    license_id = dataset.license_id
    return {
        "id": str(dataset.pk), "name": dataset.name, "title": dataset.title_uk, "title_en": dataset.title_en,
        "notes": dataset.description_uk, "notes_en": dataset.description_en, "type": "dataset", "state": "active",
        "private": not dataset.is_published, "url": urls.dataset(dataset.name),
        "author": dataset.publisher.title_uk, "author_email": dataset.publisher.email or None,
        "maintainer": dataset.responsible_person, "maintainer_email": dataset.responsible_email,
        "license_id": license_id,
        "license_title": str(LICENSE_TITLES.get(license_id, license_id)),
        "license_url": LICENSE_URL_BY_ID.get(license_id, ""),
        "metadata_created": ckan_time(dataset.created_at), "metadata_modified": ckan_time(dataset.metadata_modified),
        "owner_org": str(dataset.publisher_id), "organization": organization_dict(dataset.publisher),
        # The passport of CMU resolution 835 (scheming-style top-level fields, as data.gov.ua uses).
        "identifier": dataset.identifier, "update_frequency": dataset.frequency, "language": dataset.language,
        "legal_basis": dataset.legal_basis, "purpose_of_collecting_information": dataset.purpose,
        "spatial": dataset.spatial, "temporal_start": ckan_time(dataset.temporal_start),
        "temporal_end": ckan_time(dataset.temporal_end), "publisher_edrpou": dataset.publisher.edrpou,
        "platform_produced": bool(dataset.platform_key), "data_last_updated": ckan_time(dataset.last_updated_at),
        "next_update": ckan_time(dataset.next_update_at),
        "tags": [{"id": str(t.pk), "name": t.name, "display_name": t.name, "state": "active",
                  "vocabulary_id": None} for t in tags],
        "groups": [group_dict(t) for t in themes],
        "resources": [resource_dict(r, dataset, urls) for r in resources],
        "num_resources": len(resources), "num_tags": len(tags), "extras": [], "relationships_as_object": [],
        "relationships_as_subject": [], "version": None,
    }
