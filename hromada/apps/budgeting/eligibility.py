"""Who may vote in a cycle: one function, `ballot_refusal`, for every way a ballot arrives.

The web ballot form, the JSON ballot (the API view and the edge) and the operator entering a paper
ballot all ask it: the online paths through the permission ``budgeting.vote`` (``rules.py``), whose
eligibility predicate is this function, and the desk through ``paper_ballot_enter``. The paths differ
only in where the facts come from (`Voter`): online, the account (its identity level, date of birth,
place of residence and tax number); at the desk, the documents the operator checked. They also
differ in whom the refusal is worded for: the voter (``voter_message``) or the operator
(``desk_error``, which names the form's field).

A second ballot of the same person is refused by the ballots' unique keys when it is written (the
account and the tax-number hash per cycle), not here: a look before the insert would race with a
ballot being written at the same moment, and online a second ballot replaces the first.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.apps.accounts.models import IdentityLevel
from hromada.apps.budgeting.models import Cycle, Taxpayer, VoterEligibility
from hromada.core.api.errors import DomainError
from hromada.core.calendar import kyiv_date


class Ineligible(enum.Enum):
    """Why a person may not vote in a cycle."""

    IDENTITY_LEVEL = "identity_level"  # the account's identity is not confirmed well enough for the cycle
    NOT_RESIDENT = "not_resident"  # residents vote, and the person does not live in the community
    NO_TAX_NUMBER = "no_tax_number"  # taxpayers vote, and the person's tax number is not known
    NOT_TAXPAYER = "not_taxpayer"  # taxpayers vote, and the tax number is not in the register
    NOT_ELIGIBLE = "not_eligible"  # residents or taxpayers vote, and the person is neither
    NO_BIRTH_DATE = "no_birth_date"  # the age cannot be checked
    TOO_YOUNG = "too_young"  # younger than the cycle's voting age


@dataclass(frozen=True)
class Voter:
    """The facts about a person that decide whether they may vote in a cycle."""

    identity_level: int
    birth_date: date | None
    resident: bool  # lives in the cycle's community
    tax_number_hash: str | None
    is_taxpayer: Callable[[], bool]  # in the community's register; asked only when taxpayers vote


def is_registered_taxpayer(user: Any, community_id: int | None) -> bool:
    """The person's tax number (as the account's keyed hash) is in the community's register of
    taxpayers; cached on the user object for the request."""
    hashed = getattr(user, "tax_number_hash", None)
    if community_id is None or not hashed:
        return False
    cache: dict[int, bool] = user.__dict__.setdefault("_budget_taxpayer_of", {})
    if community_id not in cache:
        cache[community_id] = Taxpayer.objects.filter(community_id=community_id, tax_number_hash=hashed).exists()
    return cache[community_id]


def account_voter(user: Any, cycle: Cycle) -> Voter:
    """The signed-in person, as their account describes them."""
    return Voter(
        identity_level=user.identity_level, birth_date=user.birth_date,
        resident=user.home_community_id is not None and user.home_community_id == cycle.community_id,
        tax_number_hash=user.tax_number_hash,
        is_taxpayer=lambda: is_registered_taxpayer(user, cycle.community_id),
    )


def desk_voter(cycle: Cycle, *, person_hash: str, birth_date: date | None, resident_confirmed: bool) -> Voter:
    """The person at the desk, as the operator checked their documents: the identity is verified in
    person; residence is what the documents show; taxpaying is the community's register."""
    return Voter(
        identity_level=IdentityLevel.VERIFIED, birth_date=birth_date, resident=resident_confirmed,
        tax_number_hash=person_hash,
        is_taxpayer=lambda: Taxpayer.objects.filter(community_id=cycle.community_id,
                                                    tax_number_hash=person_hash).exists(),
    )


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def ballot_refusal(cycle: Cycle, voter: Voter, *, today: date | None = None) -> Ineligible | None:
    """Why `voter` may not vote in `cycle`, or None when they may. The checks run in one order:
    the identity level, residence or taxpaying (``Cycle.eligibility``), the age. The register of
    taxpayers is read only when the cycle lets taxpayers vote and the person is not a resident who
    may vote as one. The phase (whether voting is open) is the permission's, not the person's."""
    if voter.identity_level < cycle.min_identity_level:
        return Ineligible.IDENTITY_LEVEL
    eligibility = cycle.eligibility
    if not (voter.resident and eligibility != VoterEligibility.TAXPAYERS):
        if eligibility == VoterEligibility.RESIDENTS:
            return Ineligible.NOT_RESIDENT
        if not voter.tax_number_hash:
            return Ineligible.NO_TAX_NUMBER
        if not voter.is_taxpayer():
            return Ineligible.NOT_TAXPAYER if eligibility == VoterEligibility.TAXPAYERS else Ineligible.NOT_ELIGIBLE
    if voter.birth_date is None:
        return Ineligible.NO_BIRTH_DATE
    if age_on(voter.birth_date, today or kyiv_date(timezone.now())) < cycle.effective_min_age:
        return Ineligible.TOO_YOUNG
    return None


def voter_message(reason: Ineligible, cycle: Cycle) -> str:
    """The refusal as the person reads it on the ballot page and in the API."""
    if reason is Ineligible.IDENTITY_LEVEL:
        return _("Voting needs the identity level “%(level)s”. Verify your identity with an identity provider "
                 "or in person at a CNAP desk.") % {"level": IdentityLevel(cycle.min_identity_level).label}
    if reason is Ineligible.NOT_RESIDENT:
        return _("Only residents of this community can do this. Your account names another community "
                 "(or none) as your place of residence.")
    if reason is Ineligible.NO_TAX_NUMBER:
        return _("Taxpayers are recognised by their tax number, and your account has none yet. Verify your "
                 "identity with an identity provider or at a CNAP desk, then vote.")
    if reason is Ineligible.NOT_TAXPAYER:
        return _("Only taxpayers of this community vote in this cycle, and your tax number is not in the "
                 "community's register of taxpayers. If you pay taxes here, ask the council to check the register.")
    if reason is Ineligible.NOT_ELIGIBLE:
        return _("Residents and taxpayers of this community vote in this cycle. Your account names another "
                 "community (or none) as your place of residence, and your tax number is not in the community's "
                 "register of taxpayers.")
    if reason is Ineligible.NO_BIRTH_DATE:
        return _("Your date of birth is not known, so we cannot check the voting age. "
                 "Verify your identity to vote.")
    return _("Residents aged %(age)d or older can vote.") % {"age": cycle.effective_min_age}


def desk_error(reason: Ineligible, cycle: Cycle) -> DomainError:
    """The refusal as the operator reads it on the paper-ballot form, naming the field to look at."""
    if reason is Ineligible.NOT_RESIDENT:
        return DomainError(_("Confirm that the documents show the person lives in the community."),
                           code="not_resident", field="resident_confirmed")
    if reason in (Ineligible.NOT_TAXPAYER, Ineligible.NO_TAX_NUMBER) \
            and cycle.eligibility == VoterEligibility.TAXPAYERS:
        return DomainError(_("Only taxpayers of the community vote in this cycle, and this tax number is not in "
                             "the register of taxpayers."), code="not_taxpayer", field="tax_number")
    if reason in (Ineligible.NOT_ELIGIBLE, Ineligible.NO_TAX_NUMBER):
        return DomainError(_("Residents and taxpayers of the community vote in this cycle: confirm that the "
                             "documents show the person lives in the community, or check the tax number: it is "
                             "not in the register of taxpayers."), code="not_eligible", field="resident_confirmed")
    if reason is Ineligible.NO_BIRTH_DATE:
        return DomainError(_("Enter the date of birth."), code="required", field="birth_date")
    if reason is Ineligible.TOO_YOUNG:
        return DomainError(_("Residents aged %(age)d or older can vote.") % {"age": cycle.effective_min_age},
                           code="too_young", field="birth_date")
    # A person at the desk is verified in person, the highest level; kept for completeness.
    return DomainError(voter_message(reason, cycle), code="identity_level", status_code=403)
