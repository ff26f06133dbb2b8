from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hromada.apps.communities.models import Community
from hromada.core.audit.services import audit_record


def community_create(*, slug: str, name_uk: str, name_en: str = "", kind: str = Community.Kind.CITY,
                     by=None, **fields) -> Community:
    """Create an empty community. Platform admins only (checked by the caller)."""
    slug = slug.strip().lower()
    if Community.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("A community with this slug already exists.")}, code="slug_taken")
    community = Community(slug=slug, name_uk=name_uk.strip(), name_en=name_en.strip(), kind=kind, **fields)
    community.full_clean()
    with transaction.atomic():
        community.save()
        audit_record(actor=by, action="communities.create", community=community, target=community,
                     data={"slug": slug})
    return community


def community_update(*, community: Community, changes: dict, by) -> Community:
    """Save settings changed by a community admin; the audit record lists what changed."""
    with transaction.atomic():
        before = Community.objects.select_for_update().get(pk=community.pk)
        changed = {}
        for field, value in changes.items():
            if getattr(before, field) != value:
                changed[field] = str(value)
                setattr(community, field, value)
        if changed:
            community.save(update_fields=list(changed))
            audit_record(actor=by, action="communities.update_settings", community=community, target=community,
                         data={"changed": changed})
    return community


def community_save_unit(*, obj, by, kind: str):
    """Create or update a department or district of the active community."""
    created = obj.pk is None
    with transaction.atomic():
        obj.save()
        audit_record(actor=by, action=f"communities.{'create' if created else 'update'}_{kind}",
                     community=obj.community, target=obj, data={"name": obj.name_uk})
    return obj
