"""A community's petition rules and categories, set by its admin."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hromada.apps.accounts.models import User
from hromada.apps.communities.models import Community
from hromada.apps.petitions.models import PetitionCategory, PetitionPolicy
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.cases.actions import require
from hromada.core.text import clean_plain_text


def category_create(*, community: Community, by: User, name_uk: str, name_en: str = "") -> PetitionCategory:
    require(by, "petitions.change_policy", community)
    name_uk = clean_plain_text(name_uk, field="name_uk", max_length=200, single_line=True, refuse_markup=True)
    name_en = clean_plain_text(name_en, field="name_en", max_length=200, single_line=True, required=False,
                               refuse_markup=True)
    try:
        with transaction.atomic(durable=True):
            category = PetitionCategory.objects.create(community=community, name_uk=name_uk, name_en=name_en)
            audit_record(actor=by, action="petitions.create_category", community=community, target=category,
                         data={"name": name_uk})
    except IntegrityError as exc:
        raise DomainError(_("This name is already used in the community."), code="category_exists",
                          field="name_uk") from exc
    return category


def policy_update(*, community: Community, by: User, changes: dict[str, Any]) -> PetitionPolicy:
    """Save petition rules changed by a community admin (audited with what changed)."""
    require(by, "petitions.change_policy", community)
    with transaction.atomic(durable=True):
        PetitionPolicy.for_community(community)
        policy = PetitionPolicy.objects.select_for_update().get(community=community)
        changed = {}
        for field, value in changes.items():
            if getattr(policy, field) != value:
                changed[field] = str(value)
                setattr(policy, field, value)
        if changed:
            policy.full_clean()
            policy.save(update_fields=list(changed))
            audit_record(actor=by, action="petitions.update_policy", community=community, data={"changed": changed})
    return policy
