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
