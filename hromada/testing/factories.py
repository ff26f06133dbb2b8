"""Factories for tests. Tenant rows are created inside the community's scope."""

from __future__ import annotations

import itertools

from hromada.apps.accounts.models import IdentityLevel, Role, StaffRole, User, VerificationMethod
from hromada.apps.communities.models import Community, Department, District
from hromada.core import tenancy

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-9"


def make_community(slug: str | None = None, **fields) -> Community:
    n = next(_seq)
    slug = slug or f"town{n}"
    fields.setdefault("name_uk", f"Громада {n}")
    fields.setdefault("name_en", f"Community {n}")
    return Community.objects.create(slug=slug, **fields)


def make_user(*, level: int = IdentityLevel.UNVERIFIED, community: Community | None = None, **fields) -> User:
    n = next(_seq)
    email = fields.pop("email", f"person{n}@example.test")
    fields.setdefault("full_name", f"Особа {n}")
    user = User.objects.create_user(email, PASSWORD, home_community=community, identity_level=level, **fields)
    if level >= IdentityLevel.VERIFIED:
        user.verification_method = VerificationMethod.PROVIDER
        user.save(update_fields=["verification_method"])
    return user


def make_department(community: Community, **fields) -> Department:
    n = next(_seq)
    fields.setdefault("name_uk", f"Відділ {n}")
    with tenancy.scope(community):
        return Department.objects.create(community=community, **fields)


def make_district(community: Community, boundary: dict, **fields) -> District:
    n = next(_seq)
    fields.setdefault("name_uk", f"Район {n}")
    with tenancy.scope(community):
        return District.objects.create(community=community, boundary=boundary, **fields)


def make_staff(community: Community, role: str, department: Department | None = None, **fields) -> User:
    user = make_user(level=IdentityLevel.VERIFIED, community=community, **fields)
    if role == Role.EXECUTOR and department is None:
        department = make_department(community)
    with tenancy.scope(community):
        StaffRole.objects.create(community=community, user=user, role=role, department=department)
    return user


def make_ckan_key(user: User) -> str:
    """A CKAN API key for `user`, stored as the office issues it (only its hash); returns the key."""
    from hromada.apps.opendata.models import ApiToken
    from hromada.core.keys import new_key

    key, digest, prefix = new_key()
    ApiToken.objects.create(user=user, key_hash=digest, key_prefix=prefix)
    return key
