"""Anti-fraud: the trending report and batch invalidation, audited, with the counts following."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from hromada.apps.petitions import actions, selectors
from hromada.apps.petitions.models import Petition, PetitionEvent, PetitionPolicy, PetitionStatus, Signature
from hromada.core import tenancy
from hromada.core.api.errors import DomainError
from hromada.core.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def botnet(make_petition, community, person):
    """A petition signed by 6 residents from one IP and one throwaway domain, plus 2 ordinary ones."""
    petition = make_petition(threshold=8)
    with tenancy.scope(community):
        PetitionPolicy.objects.filter(community=community).update(trend_ip_per_hour=5, trend_domain_per_hour=5)
        for n in range(6):
            actions.petition_sign(petition=petition, person=person(email=f"bot{n}@tempmail.test"), ip="203.0.113.9")
        for n in range(2):
            actions.petition_sign(petition=petition, person=person(), ip=f"198.51.100.{n}")
        petition.refresh_from_db()
    return petition


def test_trending_report_shows_groups_above_thresholds(botnet, community):
    with tenancy.scope(community):
        report = selectors.trending(community)
    assert [(row.key, row.count) for row in report["ip"]] == [("203.0.113.9", 6)]
    assert [(row.key, row.count) for row in report["email_domain"]] == [("tempmail.test", 6)]
    assert report["ip"][0].title == botnet.title


def test_trending_page_for_moderators(client, botnet, moderator):
    client.force_login(moderator)
    html = client.get("/c/kyiv/petitions/office/trending/").content.decode()
    assert "203.0.113.9" in html and "tempmail.test" in html
    assert f"/c/kyiv/petitions/office/{botnet.pk}/?ip=203.0.113.9" in html


def test_trending_period_out_of_range_is_explained_not_guessed(client, botnet, moderator):
    client.force_login(moderator)
    assert client.get("/c/kyiv/petitions/office/trending/?hours=48").status_code == 200
    for bad in ("abc", "0", "1000"):
        response = client.get(f"/c/kyiv/petitions/office/trending/?hours={bad}")
        html = response.content.decode()
        assert response.status_code == 400 and 'class="error-summary"' in html and 'href="#id_hours"' in html
        assert "203.0.113.9" in html  # the report of the last 24 hours is still shown


def test_batch_invalidation_is_audited_and_the_count_and_status_follow(botnet, community, moderator):
    assert botnet.status == PetitionStatus.THRESHOLD_REACHED and botnet.signature_count == 9
    with tenancy.scope(community):
        with pytest.raises(DomainError) as empty:
            actions.signatures_invalidate_batch(petition=botnet, by=moderator, reason="Боти")
        assert empty.value.code == "criteria_required"
        batch = actions.signatures_invalidate_batch(petition=botnet, by=moderator, reason="Ботоферма з одного IP",
                                                    ip="203.0.113.9")
        petition = Petition.objects.get(pk=botnet.pk)
        assert batch.signature_count == 6 and petition.signature_count == 3
        assert petition.status == PetitionStatus.COLLECTING  # below the threshold again
        assert Signature.objects.filter(petition=petition, invalidated_at__isnull=True,
                                        withdrawn_at__isnull=True).count() == 3
        record = AuditRecord.objects.get(action="petitions.invalidate_signatures")
        assert record.actor == moderator and record.data["count"] == 6 and record.data["ip"] == "203.0.113.9"
        event = PetitionEvent.objects.get(petition=petition, kind="signatures_invalidated")
        assert event.note == "Ботоферма з одного IP" and event.data["count"] == 6
        with pytest.raises(DomainError) as again:
            actions.signatures_invalidate_batch(petition=petition, by=moderator, reason="Ще раз", ip="203.0.113.9")
        assert again.value.code == "nothing_to_invalidate"
        # An invalidated person cannot simply sign again.
        bot = Signature.objects.filter(petition=petition, invalidated_at__isnull=False).first().person
        with pytest.raises(DomainError) as resign:
            actions.petition_sign(petition=petition, person=bot)
        assert resign.value.code == "already_signed"
        assert not selectors.trending(community)["ip"]


def test_invalidation_by_time_window_and_domain(botnet, community, moderator):
    now = timezone.now()
    with tenancy.scope(community):
        batch = actions.signatures_invalidate_batch(
            petition=botnet, by=moderator, reason="Вікно", email_domain="TempMail.test",
            signed_from=now - timedelta(hours=1), signed_to=now + timedelta(minutes=1))
        assert batch.signature_count == 6


def test_only_moderators_invalidate(client, botnet, community, controller):
    client.force_login(controller)
    response = client.post(f"/c/kyiv/petitions/office/{botnet.pk}/invalidate/", {"ip": "203.0.113.9", "reason": "x"})
    assert response.status_code == 403
    with tenancy.scope(community):
        assert Petition.objects.get(pk=botnet.pk).signature_count == 9


def test_a_person_sees_that_their_signature_was_invalidated(client, botnet, community, moderator):
    with tenancy.scope(community):
        actions.signatures_invalidate_batch(petition=botnet, by=moderator, reason="Ботоферма", ip="203.0.113.9")
        bot = Signature.objects.filter(petition=botnet, invalidated_at__isnull=False).first().person
    client.force_login(bot)
    html = client.get(f"/c/kyiv/petitions/{botnet.pk}/").content.decode()
    assert "Your signature was invalidated by a moderator" in html and "Withdraw my signature" not in html
    # the public timeline names the act and its reason
    assert re.search(r'<p class="timeline__title">6 signatures invalidated</p>.*?<p lang="uk">Ботоферма</p>',
                     html, re.S)
