"""Races on PostgreSQL: one signature per person and exact counts, however many requests arrive at once.

SQLite serialises every write transaction (IMMEDIATE mode), so these races cannot happen there;
the suite's PostgreSQL pass runs them, and CI requires that pass.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection

from hromada.apps.petitions import actions
from hromada.apps.petitions.models import Petition, PetitionEvent, PetitionStatus, Signature
from hromada.core import tenancy
from hromada.core.api.errors import DomainError
from hromada.testing.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("race tests need PostgreSQL: SQLite runs one write transaction at a time "
                    "(the PostgreSQL pass of the suite runs them; CI requires it)")


def run_at_once(tasks: list[Callable[[], str]]) -> Counter:
    """Run the tasks in threads that start together; count the outcomes (an escaped error counts
    as `error:<type>:<message>`, a failure the test reports)."""
    return Counter(f"error:{type(outcome).__name__}:{outcome}" if isinstance(outcome, Exception) else outcome
                   for outcome in run_together(tasks))


def sign_task(community, petition_id: int, person) -> Callable[[], str]:
    def task() -> str:
        with tenancy.scope(community):
            petition = Petition.objects.select_related("community").get(pk=petition_id)
            try:
                actions.petition_sign(petition=petition, person=person)
            except DomainError as exc:
                return exc.code
            return "signed"

    return task


def withdraw_task(community, petition_id: int, person) -> Callable[[], str]:
    def task() -> str:
        with tenancy.scope(community):
            petition = Petition.objects.select_related("community").get(pk=petition_id)
            try:
                actions.petition_withdraw_signature(petition=petition, person=person)
            except DomainError as exc:
                return exc.code
            return "withdrawn"

    return task


def stored_and_active(community, petition_id: int) -> tuple[int, int]:
    with tenancy.scope(community):
        stored = Petition.objects.get(pk=petition_id).signature_count
        active = Signature.objects.filter(petition_id=petition_id, withdrawn_at__isnull=True,
                                          invalidated_at__isnull=True).count()
    return stored, active


def test_hundred_parallel_signatures_of_one_person_count_once(make_petition, community, person):
    petition = make_petition(threshold=1000)
    signer = person()
    outcomes = run_at_once([sign_task(community, petition.pk, signer) for _ in range(100)])
    assert outcomes == Counter({"signed": 1, "already_signed": 99})
    with tenancy.scope(community):
        assert Signature.objects.filter(petition=petition, person=signer).count() == 1
    assert stored_and_active(community, petition.pk) == (2, 2)  # the author and this person


def test_many_people_in_parallel_give_an_exact_count_and_one_threshold_crossing(make_petition, community, person):
    people = [person() for _ in range(150)]
    petition = make_petition(threshold=100)
    outcomes = run_at_once([sign_task(community, petition.pk, p) for p in people])
    assert outcomes == Counter({"signed": 150})
    assert stored_and_active(community, petition.pk) == (151, 151)
    with tenancy.scope(community):
        assert Petition.objects.get(pk=petition.pk).status == PetitionStatus.THRESHOLD_REACHED
        assert PetitionEvent.objects.filter(petition=petition, kind="reach_threshold").count() == 1


def test_parallel_signing_and_withdrawing_keeps_count_equal_to_active_rows(make_petition, community, person):
    people = [person() for _ in range(20)]
    petition = make_petition(threshold=10)
    chooser = random.Random(23)
    tasks = []
    for _ in range(200):
        someone = chooser.choice(people)
        make = sign_task if chooser.random() < 0.55 else withdraw_task
        tasks.append(make(community, petition.pk, someone))
    outcomes = run_at_once(tasks)
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    assert set(outcomes) <= {"signed", "already_signed", "withdrawn", "not_signed"}
    stored, active = stored_and_active(community, petition.pk)
    assert stored == active
    with tenancy.scope(community):
        per_person = Counter(Signature.objects.filter(petition=petition, withdrawn_at__isnull=True)
                             .values_list("person_id", flat=True))
        assert max(per_person.values()) == 1
        petition.refresh_from_db()
        expected = PetitionStatus.THRESHOLD_REACHED if stored >= 10 else PetitionStatus.COLLECTING
        assert petition.status == expected


def test_invalidation_during_a_surge_keeps_the_count_exact(make_petition, community, person, moderator):
    bots = [person(email=f"bot{i}@spam.test") for i in range(40)]
    people = [person() for _ in range(40)]
    petition = make_petition(threshold=1000)
    run_at_once([sign_task(community, petition.pk, b) for b in bots[:20]])

    def invalidate() -> str:
        with tenancy.scope(community):
            target = Petition.objects.select_related("community").get(pk=petition.pk)
            batch = actions.signatures_invalidate_batch(petition=target, by=moderator, reason="Ботоферма",
                                                        email_domain="spam.test")
            return f"invalidated:{batch.signature_count > 0}"

    tasks = [sign_task(community, petition.pk, p) for p in people + bots[20:]] + [invalidate]
    outcomes = run_at_once(tasks)
    assert outcomes["invalidated:True"] == 1 and outcomes["signed"] == 60
    stored, active = stored_and_active(community, petition.pk)
    assert stored == active
    with tenancy.scope(community):
        assert Signature.objects.filter(petition=petition, email_domain="example.test",
                                        invalidated_at__isnull=True).count() == 41
