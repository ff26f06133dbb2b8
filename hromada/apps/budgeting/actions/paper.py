"""Ballots given on paper or at a CNAP desk, entered by an operator who checked the documents."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hromada.apps.accounts.models import User, tax_number_hash
from hromada.apps.budgeting import eligibility
from hromada.apps.budgeting.actions.ballots import Choice, validate_ballot, write_choices
from hromada.apps.budgeting.actions.common import require
from hromada.apps.budgeting.models import Ballot, BallotChannel, Cycle
from hromada.apps.budgeting.selectors import voter_pseudonym
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record


def paper_ballot_enter(*, cycle: Cycle, operator: Any, tax_number: str, birth_date: date | None,
                       resident_confirmed: bool, choices: Sequence[Choice], channel: str = BallotChannel.PAPER,
                       account_email: str = "", district_id: int | None = None) -> Ballot:
    """An operator enters a paper ballot or a vote given at a CNAP desk, after checking the person's documents.

    The person is identified by their tax number (kept only as a keyed hash) and, when they have
    one, their account; both are unique keys of the cycle's ballots, so a person who voted online
    cannot vote on paper and the other way round. The act is audited with the operator.
    """
    require(operator, "budgeting.enter_paper_ballot", cycle)
    if channel not in (BallotChannel.PAPER, BallotChannel.CNAP):
        raise DomainError(_("Choose how the vote was given."), code="bad_channel", field="channel")
    digits = "".join(ch for ch in (tax_number or "") if ch.isdigit())
    if len(digits) != 10 or digits != (tax_number or "").strip():
        raise DomainError(_("The tax number (RNOKPP) has exactly 10 digits."), code="bad_tax_number",
                          field="tax_number")
    person_hash = tax_number_hash(digits)
    account = User.objects.filter(tax_number_hash=person_hash).first()
    if account_email.strip():
        by_email = User.objects.filter(email__iexact=account_email.strip()).first()
        if by_email is None:
            raise DomainError(_("There is no account with this e-mail."), code="unknown_account",
                              field="account_email")
        if account is not None and by_email.pk != account.pk or \
                by_email.tax_number_hash and by_email.tax_number_hash != person_hash:
            raise DomainError(_("The tax number does not match the account with this e-mail."),
                              code="account_mismatch", field="account_email")
        account = by_email
    if account is not None and account.pk == operator.pk:
        raise DomainError(_("An operator cannot enter their own ballot; ask a colleague."), code="own_ballot",
                          field="tax_number")
    voter = eligibility.desk_voter(cycle, person_hash=person_hash, birth_date=birth_date,
                                   resident_confirmed=resident_confirmed)
    refused = eligibility.ballot_refusal(cycle, voter)
    if refused is not None:
        raise eligibility.desk_error(refused, cycle)
    lines, voting_district = validate_ballot(cycle, choices, district_id)
    key = f"user:{account.pk}" if account is not None else f"person:{person_hash}"
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():
                ballot = Ballot.objects.create(
                    community_id=cycle.community_id, cycle=cycle, voter=account, person_hash=person_hash,
                    public_id=voter_pseudonym(cycle.pk, key), channel=channel, district_id=voting_district,
                    entered_by=operator)
        except IntegrityError:
            raise DomainError(_("This person has already voted in this cycle (online, on paper or at a CNAP "
                                "desk). A second ballot is not accepted."), code="already_voted",
                              status_code=409) from None
        write_choices(ballot, lines)
        audit_record(actor=operator, action="budgeting.enter_paper_ballot", community=cycle.community,
                     target=ballot, on_behalf_of=account,
                     data={"channel": channel, "projects": [line.number for line in lines]})
    return ballot
