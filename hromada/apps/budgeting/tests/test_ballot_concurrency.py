"""One ballot per person is the database's unique key, so it holds under parallel submissions (50 of one
voter, released together on as many connections as the server can spare; online and paper at once).

Runs on PostgreSQL (CI's second pass); SQLite serialises every write, so there is no race to test."""

from collections.abc import Callable
from typing import Any

from hromada.apps.accounts.models import tax_number_hash
from hromada.apps.budgeting import actions
from hromada.apps.budgeting.models import Ballot, BallotChoice
from hromada.apps.budgeting.tests import factories as bf
from hromada.core import tenancy
from hromada.core.api.errors import DomainError
from hromada.testing.concurrency import POSTGRES_RACE, run_together

pytestmark = POSTGRES_RACE


def _race(community: Any, calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in parallel threads released together, each inside the community's scope;
    return each result or exception."""

    def scoped(call: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            with tenancy.scope(community):
                return call()
        return run

    return run_together([scoped(call) for call in calls], cap=50)


def test_fifty_parallel_ballots_of_one_voter_make_exactly_one_ballot(community, cycle, at, voter):
    at("voting")
    projects = [bf.make_project(cycle, title=f"Проєкт {i}") for i in range(3)]
    choice_sets = [[actions.Choice(projects[i % 3].pk)] if i % 2 else
                   [actions.Choice(projects[i % 3].pk), actions.Choice(projects[(i + 1) % 3].pk)]
                   for i in range(50)]

    def submit(choices: list[actions.Choice]) -> Callable[[], Any]:
        return lambda: actions.ballot_submit(cycle=cycle, voter=voter, choices=choices)

    outcomes = _race(community, [submit(c) for c in choice_sets])

    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert errors == []
    assert sum(1 for o in outcomes if o.created) == 1  # one insert won, 49 replaced its choices
    with tenancy.scope(community):
        ballot = Ballot.objects.get()
        final = sorted(BallotChoice.objects.filter(ballot=ballot).values_list("project_id", flat=True))
    # The ballot holds exactly one submission's choices, never a mix of two.
    assert final in [sorted(c.project_id for c in choices) for choices in choice_sets]


def test_parallel_online_and_paper_ballots_of_one_person_make_one(community, cycle, at, voter, staff):
    at("voting")
    operator = staff("operator")
    project = bf.make_project(cycle)
    with tenancy.scope(community):
        voter.tax_number_hash = tax_number_hash("3012345678")
        voter.save(update_fields=["tax_number_hash"])
    online = lambda: actions.ballot_submit(cycle=cycle, voter=voter,  # noqa: E731
                                           choices=[actions.Choice(project.pk)])
    paper = lambda: actions.paper_ballot_enter(  # noqa: E731
        cycle=cycle, operator=operator, tax_number="3012345678", birth_date=voter.birth_date,
        resident_confirmed=True, choices=[actions.Choice(project.pk)])

    outcomes = _race(community, [online, paper] * 5)

    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert not [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, DomainError)]
    with tenancy.scope(community):
        assert Ballot.objects.count() == 1
        ballot = Ballot.objects.get()
    if ballot.channel == "online":
        assert all(e.code == "already_voted" for e in refused) and len(refused) == 5
    else:
        assert len(refused) == 9
