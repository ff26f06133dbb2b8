"""The published voter ids are keyed by PSEUDONYM_KEY, never by the SECRET_KEY."""

from __future__ import annotations

from django.core.management import call_command

from hromada.apps.budgeting.models import Ballot
from hromada.apps.budgeting.selectors import voter_pseudonym
from hromada.apps.budgeting.tests import factories as bf
from hromada.core.audit.models import AuditRecord


def test_voter_ids_depend_on_the_pseudonym_key_not_the_secret_key(settings):
    settings.PSEUDONYM_KEY = "p" * 25 + "q" * 25
    published = voter_pseudonym(7, "user:42")
    settings.SECRET_KEY = "another-secret-key-" * 3
    assert voter_pseudonym(7, "user:42") == published
    settings.PSEUDONYM_KEY = "r" * 25 + "s" * 25
    assert voter_pseudonym(7, "user:42") != published


def test_repseudonymise_rekeys_ballots_cast_under_an_old_key(settings, community, cycle):
    project = bf.make_project(cycle)
    settings.PSEUDONYM_KEY = settings.SECRET_KEY  # how the ids were made before PSEUDONYM_KEY existed
    voters = [bf.make_voter(community) for _ in range(3)]
    old_ids = {bf.cast(cycle, voter, [project]).public_id for voter in voters}
    settings.PSEUDONYM_KEY = "k3y-" * 15

    call_command("budget_repseudonymise", community.slug)

    renewed = dict(Ballot.objects.filter(cycle=cycle).values_list("voter_id", "public_id"))
    assert renewed == {voter.pk: voter_pseudonym(cycle.pk, f"user:{voter.pk}") for voter in voters}
    assert not old_ids & set(renewed.values())
    assert AuditRecord.objects.get(action="budgeting.renew_pseudonyms").data == {"ballots": 3}
    call_command("budget_repseudonymise")  # once more: nothing left to change
    assert AuditRecord.objects.filter(action="budgeting.renew_pseudonyms").count() == 1
