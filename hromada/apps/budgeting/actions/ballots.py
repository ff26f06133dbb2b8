"""Online ballots: the choices checked against the cycle's rules, the ballot cast or replaced, and
the voters' public pseudonyms renewed. Who may vote is ``eligibility.ballot_refusal``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.apps.budgeting import phases
from hromada.apps.budgeting.actions.common import parse_int, require
from hromada.apps.budgeting.models import (
    Ballot,
    BallotChannel,
    BallotChoice,
    Category,
    Cycle,
    Project,
    ProjectStatus,
    VotingRule,
)
from hromada.apps.budgeting.selectors import voter_pseudonym
from hromada.apps.communities.models import District
from hromada.core.api.errors import DomainError
from hromada.core.audit.services import audit_record
from hromada.core.postgresql import prepared


@dataclass(frozen=True)
class Choice:
    project_id: int
    points: int = 1


@dataclass(frozen=True)
class BallotLine:
    project_id: int
    number: int
    category_id: int
    points: int


def parse_choices(raw: Iterable[Any]) -> list[Choice]:
    """Choices from input: project ids, or {"project": id, "points": n}."""
    choices = []
    for index, item in enumerate(raw):
        if isinstance(item, Mapping):
            project_id = parse_int(item.get("project"), field=f"choices.{index}.project", label=_("Project"))
            points = parse_int(item.get("points", 1), field=f"choices.{index}.points", label=_("Points"))
        else:
            project_id = parse_int(item, field=f"choices.{index}", label=_("Project"))
            points = 1
        choices.append(Choice(project_id, points))
    return choices


def validate_ballot(cycle: Cycle, choices: Sequence[Choice], district_id: int | None = None) \
        -> tuple[list[BallotLine], int | None]:
    """Check a ballot against the cycle's rules; return its lines and the district it votes in.

    Errors name the project by its public number and say which limit was broken."""
    if not choices:
        raise DomainError(_("Choose at least one project."), code="empty_ballot", field="choices")
    ids = [c.project_id for c in choices]
    seen: set[int] = set()
    for choice in choices:
        if choice.project_id in seen:
            raise DomainError(_("One vote per project: a project appears twice on your ballot."),
                              code="duplicate_project", field="choices")
        seen.add(choice.project_id)
    categories = {c.pk: c for c in _cycle_categories(cycle)}
    if district_id is not None and district_id not in {c.district_id for c in categories.values()} and (
            not 0 < district_id < 2**63
            or not District.objects.filter(pk=district_id, community_id=cycle.community_id).exists()):
        raise DomainError(_("There is no such district in this community."), code="unknown_district",
                          field="district")
    on_ballot: dict[int, tuple[int, int]] | None = cycle.__dict__.get("_on_ballot")  # selectors.cycle_for_ballot
    if on_ballot is None:
        on_ballot = {pk: (number, category_id) for pk, number, category_id in
                     Project.objects.filter(cycle=cycle, pk__in=ids, status=ProjectStatus.ON_BALLOT)
                     .values_list("pk", "number", "category_id")}
    lines = []
    for choice in choices:
        if choice.project_id not in on_ballot:
            raise DomainError(_("Project %(id)s is not on the ballot of this cycle.") % {"id": choice.project_id},
                              code="not_on_ballot", field="choices")
        number, category_id = on_ballot[choice.project_id]
        lines.append(BallotLine(choice.project_id, number, category_id, choice.points))
    rule = cycle.voting_rule
    for line in lines:
        if rule == VotingRule.APPROVAL and line.points != 1:
            raise DomainError(_("Approval voting: each chosen project gets exactly one vote."),
                              code="bad_points", field="choices")
        if rule == VotingRule.CUMULATIVE and not 1 <= line.points <= cycle.max_points_per_project:
            raise DomainError(_("Project №%(number)s: give it from 1 to %(max)d points.")
                              % {"number": line.number, "max": cycle.max_points_per_project},
                              code="bad_points", field="choices")
    per_category: dict[int, list[BallotLine]] = {}
    for line in lines:
        per_category.setdefault(line.category_id, []).append(line)
    voting_district = district_id
    for category_id, group in per_category.items():
        category = categories[category_id]
        used = len(group) if rule != VotingRule.CUMULATIVE else sum(line.points for line in group)
        if used > category.max_votes:
            raise DomainError(_("In the category “%(category)s” you may give at most %(max)d votes; "
                                "your ballot gives %(used)d.") % {"category": category.name,
                                                                  "max": category.max_votes, "used": used},
                              code="category_limit", field="choices")
        if rule == VotingRule.RANKING and sorted(line.points for line in group) != list(range(1, len(group) + 1)):
            raise DomainError(_("In the category “%(category)s” rank the chosen projects 1, 2, 3… without gaps "
                                "or repeats.") % {"category": category.name}, code="bad_ranking",
                              field="choices")
        if category.district_id is not None:
            if voting_district is None:
                voting_district = category.district_id
            elif voting_district != category.district_id:
                raise DomainError(_("You may vote for the projects of one district only; the category "
                                    "“%(category)s” belongs to another district.") % {"category": category.name},
                                  code="other_district", field="choices")
    total = len(lines) if rule != VotingRule.CUMULATIVE else sum(line.points for line in lines)
    if total > cycle.effective_max_votes:
        raise DomainError(_("You may give at most %(max)d votes in total; your ballot gives %(used)d.")
                          % {"max": cycle.effective_max_votes, "used": total}, code="total_limit",
                          field="choices")
    return lines, voting_district


def _cycle_categories(cycle: Cycle) -> list[Category]:
    cached = cycle.__dict__.get("_categories")
    if cached is None:
        cached = list(Category.objects.filter(cycle=cycle))
        cycle.__dict__["_categories"] = cached
    return cached


def write_choices(ballot: Ballot, lines: list[BallotLine]) -> None:
    BallotChoice.objects.bulk_create([
        BallotChoice(community_id=ballot.community_id, ballot=ballot, project_id=line.project_id,
                     category_id=line.category_id, points=line.points)
        for line in lines
    ])


def _voting_closes(cycle: Cycle) -> datetime | None:
    current = phases.active_phase(cycle)
    return current.ends_at if current is not None else None


@dataclass
class BallotOutcome:
    ballot: Ballot
    created: bool  # False: an earlier online ballot was replaced
    lines: list[BallotLine]


def ballot_submit(*, cycle: Cycle, voter: Any, choices: Sequence[Choice], district_id: int | None = None) \
        -> BallotOutcome:
    """Cast or replace the voter's online ballot.

    One ballot per voter per cycle is the database's unique key (never check-then-insert): the
    insert either creates the ballot or fails; a failed insert means the person voted before, so
    the earlier ballot is locked and its choices are replaced in one transaction. Paper ballots
    are never replaced online.
    """
    require(voter, "budgeting.vote", cycle)
    lines, voting_district = validate_ballot(cycle, choices, district_id)
    closes_at = _voting_closes(cycle)
    public_id = voter_pseudonym(cycle.pk, f"user:{voter.pk}")
    try:
        if connection.vendor == "postgresql":
            _still_open(closes_at)
            return BallotOutcome(_insert_first_ballot_pg(cycle, voter, public_id, voting_district, lines), True, lines)
        # The common case, a first ballot, is one short transaction: insert, choices, commit.
        with transaction.atomic(durable=True):
            ballot = Ballot.objects.create(
                community_id=cycle.community_id, cycle=cycle, voter=voter, person_hash=voter.tax_number_hash,
                public_id=public_id, channel=BallotChannel.ONLINE, district_id=voting_district)
            write_choices(ballot, lines)
            _still_open(closes_at)
        return BallotOutcome(ballot, True, lines)
    except IntegrityError:
        pass  # the voter (or this person, on paper) has a ballot already: replace it, or refuse
    with transaction.atomic(durable=True):
        earlier = Ballot.objects.select_for_update().filter(cycle=cycle, voter=voter).first()
        if earlier is None or earlier.channel != BallotChannel.ONLINE:
            raise DomainError(_("You have already voted in this cycle on paper or at a CNAP desk; that ballot "
                                "cannot be changed online."), code="already_voted_offline", status_code=409)
        BallotChoice.objects.filter(ballot=earlier).delete()
        earlier.district_id = voting_district
        earlier.save(update_fields=["district", "updated_at"])
        write_choices(earlier, lines)
        _still_open(closes_at)
    return BallotOutcome(earlier, False, lines)


def _insert_first_ballot_pg(cycle: Cycle, voter: Any, public_id: str, district_id: int | None,
                            lines: list[BallotLine]) -> Ballot:
    """PostgreSQL: the ballot and its choices in ONE statement (a data-modifying CTE), which is atomic
    by itself, so a first ballot costs one round trip instead of BEGIN, two INSERTs and COMMIT. The
    statement is prepared once per connection (``prepared.fetchone``): PostgreSQL plans it once and
    each ballot only sends its parameters. The unique keys still decide: a second ballot of the voter
    raises IntegrityError and writes nothing. It writes exactly the rows the ORM path writes (see the
    SQLite branch of ``ballot_submit``)."""
    now = timezone.now()
    params = [cycle.community_id, cycle.pk, voter.pk, voter.tax_number_hash, public_id, BallotChannel.ONLINE.value,
              district_id, now, now, [line.project_id for line in lines], [line.category_id for line in lines],
              [line.points for line in lines]]
    # Outside a transaction (a web request) the statement commits alone; inside the transaction a
    # test runs in, a savepoint keeps a refused insert from breaking it.
    savepoint = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    with savepoint:
        row = prepared.fetchone(_FIRST_BALLOT_SQL, params)
    assert row is not None  # noqa: S101 - the CTE returns the new ballot's id or raises
    return Ballot(pk=row[0], community_id=cycle.community_id, cycle=cycle, voter=voter,
                  person_hash=voter.tax_number_hash, public_id=public_id, channel=BallotChannel.ONLINE,
                  district_id=district_id, created_at=now, updated_at=now)


_FIRST_BALLOT_SQL = (
    f"WITH new_ballot AS (INSERT INTO {Ballot._meta.db_table} (community_id, cycle_id, voter_id, person_hash, "  # noqa: S608
    "public_id, channel, district_id, entered_by_id, created_at, updated_at) "
    "VALUES (%s::bigint, %s::bigint, %s::bigint, %s::text, %s::text, %s::text, %s::bigint, NULL, "
    "%s::timestamptz, %s::timestamptz) RETURNING id, community_id), "
    f"new_choices AS (INSERT INTO {BallotChoice._meta.db_table} (community_id, ballot_id, project_id, category_id, "
    "points) SELECT new_ballot.community_id, new_ballot.id, c.project_id, c.category_id, c.points FROM new_ballot, "
    "unnest(%s::bigint[], %s::bigint[], %s::integer[]) AS c(project_id, category_id, points) RETURNING 1) "
    "SELECT id FROM new_ballot"
)


def _still_open(closes_at: datetime | None) -> None:
    """Refuse (rolling the ballot back) if voting closed while the ballot was being written."""
    if closes_at is not None and timezone.now() >= closes_at:
        raise DomainError(_("Voting closed while your ballot was being saved; it was not counted."),
                          code="voting_closed", status_code=403)


def ballot_pseudonyms_renew(*, cycle: Cycle, batch: int = 2000) -> int:
    """Give every ballot of `cycle` the voter id PSEUDONYM_KEY yields now; the number changed.

    For ballots published while another key (the SECRET_KEY, once) made the ids: whoever knows that
    key can no longer link them to accounts. Online and paper ballots alike: the id is keyed by the
    account when there is one, else by the person's tax-number hash, as when the ballot was cast."""
    changed = 0
    with transaction.atomic(durable=True):
        ballots = list(Ballot.objects.select_for_update().filter(cycle=cycle)
                       .only("pk", "voter_id", "person_hash", "public_id").order_by("pk"))
        renewed = []
        for ballot in ballots:
            key = f"user:{ballot.voter_id}" if ballot.voter_id is not None else f"person:{ballot.person_hash}"
            public_id = voter_pseudonym(cycle.pk, key)
            if public_id != ballot.public_id:
                ballot.public_id = public_id
                renewed.append(ballot)
        Ballot.objects.bulk_update(renewed, ["public_id"], batch_size=batch)
        changed = len(renewed)
        if changed:
            audit_record(actor=None, action="budgeting.renew_pseudonyms", community=cycle.community, target=cycle,
                         data={"ballots": changed})
    return changed
