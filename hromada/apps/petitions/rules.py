"""Who may do what with petitions. The object is a petition or, before one exists, the community."""

from __future__ import annotations

import rules

from hromada.apps.accounts.rules import (
    is_community_admin,
    is_controller,
    is_identity_verified,
    is_moderator,
    is_operator,
)
from hromada.apps.communities.models import Community
from hromada.apps.petitions import eligibility
from hromada.apps.petitions.models import PUBLIC_STATUSES, Petition, PetitionPolicy, PetitionStatus


def _community(obj) -> Community | None:
    if isinstance(obj, Community):
        return obj
    if isinstance(obj, Petition):
        return obj.community
    return None


def _staff(predicate: rules.Predicate, name: str) -> rules.Predicate:
    return rules.predicate(lambda user, obj: obj is not None and predicate(user, _community(obj)), name=name)


staff_moderator = _staff(is_moderator, "petitions_staff_moderator")
staff_controller = _staff(is_controller, "petitions_staff_controller")
staff_operator = _staff(is_operator, "petitions_staff_operator")
staff_admin = _staff(is_community_admin, "petitions_staff_admin")


@rules.predicate
def may_author_here(user, obj) -> bool:
    """Whoever could sign the community's petitions may write one (the author signs it at publication):
    the residence rule of `eligibility`; the action gives the precise refusal of the other rules."""
    community = _community(obj)
    if community is None or not getattr(user, "is_authenticated", False):
        return False
    return eligibility.lives_in(user, community) or eligibility.may_live_anywhere(
        PetitionPolicy.for_community(community))


@rules.predicate
def may_sign(user, petition) -> bool:
    """`eligibility.refusal`, the one signing rule, finds nothing against signing now."""
    if not isinstance(petition, Petition):
        return False
    return eligibility.refusal(user, petition, PetitionPolicy.for_community(petition.community)) is None


@rules.predicate
def is_author(user, petition) -> bool:
    return (isinstance(petition, Petition) and getattr(user, "is_authenticated", False)
            and petition.author_id == user.pk)


@rules.predicate
def is_draft(user, petition) -> bool:
    return isinstance(petition, Petition) and petition.status == PetitionStatus.DRAFT


@rules.predicate
def is_public(user, petition) -> bool:
    return isinstance(petition, Petition) and petition.status in PUBLIC_STATUSES


rules.add_perm("petitions.view_petition", is_public | is_author | staff_moderator | staff_controller)
rules.add_perm("petitions.create_petition", is_identity_verified & may_author_here)
rules.add_perm("petitions.change_petition", is_author & is_draft)
rules.add_perm("petitions.submit_petition", is_author & is_draft & is_identity_verified)
rules.add_perm("petitions.moderate_petition", staff_moderator)
rules.add_perm("petitions.sign_petition", may_sign)
rules.add_perm("petitions.sign_in_person", staff_operator)
rules.add_perm("petitions.answer_petition", staff_controller)
rules.add_perm("petitions.archive_petition", staff_moderator | staff_controller)
rules.add_perm("petitions.invalidate_signatures", staff_moderator)
rules.add_perm("petitions.view_trending", staff_moderator)
rules.add_perm("petitions.view_office", staff_moderator | staff_controller | staff_operator)
rules.add_perm("petitions.change_policy", staff_admin)
