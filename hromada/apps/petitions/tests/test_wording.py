"""What residents read on a petition: whether signing goes on, dates that end a sentence, the demo's story."""

import io

from django.core.management import call_command

from hromada.apps.communities.models import Community
from hromada.apps.petitions import actions
from hromada.apps.petitions.models import Petition, PetitionStatus
from hromada.core import tenancy

BASE = "/c/kyiv/petitions/"


def test_answered_petition_says_collection_has_ended(client, make_petition, community, controller):
    petition = make_petition(threshold=1)
    with tenancy.scope(community):
        actions.petition_start_consideration(petition=petition, by=controller)
        actions.petition_answer(petition=petition, by=controller, decision="supported", text="Так")
    html = client.get(f"{BASE}{petition.pk}/").content.decode()
    assert "Signature collection ended" in html and "Signature collection ends" not in html
    uk = client.get(f"{BASE}{petition.pk}/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Збір підписів завершено" in uk


def test_a_date_at_the_end_of_a_sentence_has_one_full_stop(client, make_petition, author):
    petition = make_petition("moderation")
    client.force_login(author)
    uk = client.get(f"{BASE}{petition.pk}/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "р.." not in uk
    assert str(petition.moderation_due_at.year) + "." in uk  # "…до 4 грудня 2026."


def test_demo_forwarded_petition_ends_after_it_starts(db):
    call_command("demo", stdout=io.StringIO())
    community = Community.objects.get(slug="demo")
    with tenancy.scope(community):
        petition = Petition.objects.get(status=PetitionStatus.FORWARDED)
        assert petition.published_at < petition.collection_ends_at
        assert petition.created_at <= petition.published_at
        signed = list(petition.signatures.values_list("signed_at", flat=True))
        events = list(petition.events.values_list("at", flat=True))
    assert signed and all(petition.published_at <= at <= petition.collection_ends_at for at in signed)
    assert events == sorted(events)
