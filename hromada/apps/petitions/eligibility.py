"""Who may sign a petition now: one function, `refusal`, asked by every way of signing.

The web form and the JSON sign button (`views.petition_sign`), the REST API
(`api.views.PetitionSign`), the operator's in-person signature (`actions.petition_sign_in_person`)
and the permission `petitions.sign_petition` (`rules.py`) all come here through
`actions.petition_sign`/`petition_sign_in_person` or directly. The parts are public for the few
places that need only one of them: `personal_refusal` (an author must be able to sign what they
write) and `petition_refusal` (why nobody may sign, for a signature that found the petition closed).

The refusals come in the order a resident would fix things: sign in, verify the identity, then
the petition's own state, then age and residence.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from hromada.apps.accounts.models import IdentityLevel
from hromada.apps.communities.models import Community
from hromada.apps.petitions.models import SIGNABLE_STATUSES, Petition, PetitionPolicy, PetitionStatus, SignersRule
from hromada.core.api.errors import DomainError
from hromada.core.calendar import kyiv_date

S = PetitionStatus


def refusal(person: Any, petition: Petition, policy: PetitionPolicy, now: datetime | None = None
            ) -> DomainError | None:
    """Why `person` may not sign `petition` now, or None: the one signing rule."""
    now = now or timezone.now()
    return (_identity_refusal(person) or petition_refusal(petition, now)
            or personal_refusal(petition.community, person, policy, now))


def _identity_refusal(person: Any) -> DomainError | None:
    if not getattr(person, "is_authenticated", False):
        return DomainError(_("Sign in to sign the petition."), code="not_authenticated", status_code=401)
    if person.identity_level < IdentityLevel.VERIFIED:
        return DomainError(
            _("Only people with a verified identity can sign petitions. Verify your identity with the "
              "identity provider, or in person at a CNAP desk, and sign again."),
            code="identity_not_verified", status_code=403)
    return None


def petition_refusal(petition: Petition, now: datetime) -> DomainError | None:
    """Why nobody may sign `petition` now (its status, its collection period), or None."""
    if petition.status in (S.DRAFT, S.MODERATION, S.REJECTED):
        return DomainError(_("This petition is not published, so it cannot be signed."),
                           code="petition_not_published", status_code=409)
    if petition.status == S.ANSWERED:
        return DomainError(_("This petition has already been answered; signatures are no longer collected."),
                           code="petition_answered", status_code=409)
    if petition.status not in SIGNABLE_STATUSES:
        return DomainError(_("Signature collection for this petition is closed."),
                           code="petition_closed", status_code=409)
    if petition.collection_ends_at is None or now > petition.collection_ends_at:
        ends = formats.date_format(timezone.localtime(petition.collection_ends_at), "DATE_FORMAT") \
            if petition.collection_ends_at else ""
        return DomainError(_("The signature collection period ended on %(date)s.") % {"date": ends},
                           code="collection_ended", status_code=409)
    return None


def personal_refusal(community: Community, person: Any, policy: PetitionPolicy, now: datetime
                     ) -> DomainError | None:
    """The checks about the person only (signed in, verified, age, residence): also what an author must meet."""
    found = _identity_refusal(person)
    if found is not None:
        return found
    if community.petition_min_age:
        age = person.age_on(kyiv_date(now))
        if age is None:
            return DomainError(
                _("Your date of birth is not known, so we cannot check the minimum age of %(age)s. "
                  "Verify your identity again or visit a CNAP desk.") % {"age": community.petition_min_age},
                code="birth_date_unknown", status_code=403)
        if age < community.petition_min_age:
            return DomainError(_("Petitions of this community can be signed from the age of %(age)s.")
                               % {"age": community.petition_min_age}, code="too_young", status_code=403)
    if not may_live_anywhere(policy) and not lives_in(person, community):
        return DomainError(_("Only residents of %(community)s can sign its petitions.")
                           % {"community": community.name}, code="not_resident", status_code=403)
    return None


def may_live_anywhere(policy: PetitionPolicy) -> bool:
    """Whether the community's petitions are open to verified people from anywhere."""
    return policy.signers == SignersRule.ANY_VERIFIED


def lives_in(person: Any, community: Community) -> bool:
    return getattr(person, "home_community_id", None) == community.pk
