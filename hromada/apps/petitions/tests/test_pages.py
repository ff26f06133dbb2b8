"""Public pages, the resident's pages and the back office, through the test client."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own feed

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hromada.apps.petitions import actions
from hromada.apps.petitions.models import Petition, PetitionCategory, PetitionStatus, Signature
from hromada.core import tenancy
from hromada.core.notifications.models import Message

pytestmark = pytest.mark.django_db
S = PetitionStatus
BASE = "/c/kyiv/petitions/"


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def test_list_search_filters_sort_and_pagination(client, make_petition, community, person, moderator):
    with tenancy.scope(community):
        transport = PetitionCategory.objects.create(community=community, name_uk="Транспорт", name_en="Transport")
    popular = make_petition(title="Тролейбус до Троєщини", threshold=50)
    quiet = make_petition(title="Лавки у парку", threshold=50)
    make_petition("draft", title="Чернетка про секрети")
    with tenancy.scope(community):
        Petition.objects.filter(pk=popular.pk).update(category=transport)
        for _ in range(3):
            actions.petition_sign(petition=popular, person=person())
        for n in range(22):
            make_petition(title=f"Петиція номер {n}", threshold=50)
    html = page(client, BASE)
    assert "Тролейбус до Троєщини" not in html  # 24 published: the first page shows the 20 newest
    assert "Чернетка" not in html
    assert "24 petitions found" in html and 'href="?page=2" rel="next"' in html
    # the filters stay in the URL of the next page
    filtered = page(client, BASE + "?sort=newest&status=open")
    assert 'href="?sort=newest&amp;status=open&amp;page=2" rel="next"' in filtered
    assert "Тролейбус" in page(client, BASE + "?page=2")
    found = page(client, BASE + "?q=тролейбус")
    assert "Тролейбус до Троєщини" in found and "Лавки у парку" not in found
    by_category = page(client, BASE + f"?category={transport.pk}")
    assert "1 petition found" in by_category and "Тролейбус" in by_category
    most_signed = page(client, BASE + "?sort=signatures")
    assert most_signed.index("Тролейбус до Троєщини") < most_signed.index("Петиція номер 21")
    assert "Лавки у парку" in page(client, BASE + "?status=open&period=week&q=лавки")
    assert "No petitions match" in page(client, BASE + "?status=answered")
    assert quiet.pk  # listed, filtered out above


@pytest.mark.parametrize("language", ["en", "uk"])
def test_petition_page_shows_everything_a_visitor_needs(client, make_petition, community, person, author, language,
                                                        settings):
    petition = make_petition(threshold=4, text="Рядок перший: a < b && c > d.\nРядок другий.")
    signer = person(full_name="Іван Підписант", email="ivan.private@example.test")
    with tenancy.scope(community):
        actions.petition_sign(petition=petition, person=signer)
    settings.LANGUAGE_CODE = language
    html = page(client, f"{BASE}{petition.pk}/")
    if language == "uk":  # the chart's coordinates stay numbers ("60.0", not the Ukrainian "60,0")
        assert "2 підписи з 4 потрібних (50%)" in html.replace("<strong data-count>", "").replace("</strong>", "")
        assert re.search(r'<rect class="chart-bar chart-series-1" x="[0-9.]+" y="[0-9.]+" width="[0-9.]+" '
                         r'height="[0-9.]+">', html)
        assert "Сигнатури" not in html and "Підписи за днями (таблиця)" in html
        return
    assert "Олена Авторка" in html
    assert "a &lt; b &amp;&amp; c &gt; d.<br>Рядок другий." in html
    with tenancy.scope(community):  # a row written around the actions (an import, say) is still escaped
        Petition.objects.filter(pk=petition.pk).update(text="<script>alert(1)</script>")
    html = page(client, f"{BASE}{petition.pk}/")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert re.search(r'<progress id="progress-\d+" max="4" value="2"', html)
    assert "signatures of 4 needed (50%)" in html
    assert "left" in html  # countdown to the end of collection
    assert "Signatures per day (table)" in html and 'role="img"' in html
    assert re.search(r'<rect class="chart-bar chart-series-1" x="[0-9.]+" y="[0-9.]+" width="[0-9.]+" '
                     r'height="[0-9.]+">', html)
    assert "Іван Підписант" in html and "ivan.private" not in html  # names only
    assert "https://t.me/share/url?url=http%3A%2F%2Ftestserver%2Fc%2Fkyiv%2Fpetitions%2F" in html
    assert "Sign in to sign" in html


def test_drafts_are_private(client, make_petition, author, person):
    draft = make_petition("draft")
    assert client.get(f"{BASE}{draft.pk}/").status_code == 404
    client.force_login(person())
    assert client.get(f"{BASE}{draft.pk}/").status_code == 404
    client.force_login(author)
    assert "only you can see it" in page(client, f"{BASE}{draft.pk}/")


def test_sign_and_withdraw_buttons_post_with_csrf(make_petition, community, person):
    petition = make_petition(threshold=10)
    signer = person()
    client = Client(enforce_csrf_checks=True)
    client.force_login(signer)
    html = page(client, f"{BASE}{petition.pk}/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert client.post(f"{BASE}{petition.pk}/sign/", {"form": "1", "notify": "1"}).status_code == 403  # no token
    response = client.post(f"{BASE}{petition.pk}/sign/", {"form": "1", "csrfmiddlewaretoken": token})
    assert response.status_code == 303
    html = page(client, response["Location"])
    assert "your signature is counted" in html and "You signed this petition" in html
    with tenancy.scope(community):
        signature = Signature.objects.get(petition=petition, person=signer)
        assert signature.notify_on_answer is False and signature.ip == "127.0.0.1"
    again = client.post(f"{BASE}{petition.pk}/sign/", {"csrfmiddlewaretoken": token},
                        HTTP_ACCEPT="application/json")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "already_signed"
    response = client.post(f"{BASE}{petition.pk}/withdraw/", {"csrfmiddlewaretoken": token}, follow=True)
    assert "Your signature is withdrawn" in response.content.decode()
    signed = client.post(f"{BASE}{petition.pk}/sign/", {"csrfmiddlewaretoken": token}, HTTP_ACCEPT="application/json")
    assert signed.json() == {"signed": True, "count": 2, "status": "collecting"}


def test_anonymous_and_unverified_visitors_get_clear_answers(client, make_petition, person):
    from hromada.apps.accounts.models import IdentityLevel

    petition = make_petition()
    response = client.post(f"{BASE}{petition.pk}/sign/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(f"{BASE}{petition.pk}/sign/", HTTP_ACCEPT="application/json").status_code == 401
    client.force_login(person(level=IdentityLevel.EMAIL))
    assert "Only people with a verified identity" in page(client, f"{BASE}{petition.pk}/")
    response = client.post(f"{BASE}{petition.pk}/sign/", follow=True)
    assert "Only people with a verified identity" in response.content.decode()


def test_rate_limit_per_account_and_per_ip(client, make_petition, community, person):
    from hromada.apps.petitions.models import PetitionPolicy

    petitions = [make_petition(threshold=100, title=f"П {i}") for i in range(3)]
    with tenancy.scope(community):
        PetitionPolicy.objects.filter(community=community).update(sign_rate_per_account=2, sign_rate_per_ip=4)
    signer = person()
    client.force_login(signer)
    codes = [client.post(f"{BASE}{p.pk}/sign/", HTTP_ACCEPT="application/json").status_code for p in petitions]
    assert codes == [200, 200, 429]
    other = Client()
    other.force_login(person())
    response = other.post(f"{BASE}{petitions[2].pk}/sign/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200  # the fourth attempt from 127.0.0.1 (refused ones count too)
    response = other.post(f"{BASE}{petitions[1].pk}/sign/", HTTP_ACCEPT="application/json")
    assert response.status_code == 429 and "from your network" in response.json()["errors"][0]["message"]
    with tenancy.scope(community):
        policy = PetitionPolicy.objects.get(community=community)
        policy.trusted_networks = "127.0.0.0/8"
        policy.save()  # saving forgets the policy this process remembered
        assert Petition.objects.get(pk=petitions[2].pk).signature_count == 2
    third = Client()
    third.force_login(person())
    assert third.post(f"{BASE}{petitions[1].pk}/sign/", HTTP_ACCEPT="application/json").status_code == 200


def test_count_endpoint_is_cheap_and_cached(client, make_petition, community, person):
    petition = make_petition(threshold=10)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{BASE}{petition.pk}/count.json")
    assert response.json()["count"] == 1 and response.json()["open"] is True
    assert response["Cache-Control"] == "public, max-age=1"
    assert len(queries) <= 2  # the community (middleware) and the petition
    with CaptureQueriesContext(connection) as cached:
        client.get(f"{BASE}{petition.pk}/count.json")
    assert len(cached) <= 1
    draft = make_petition("draft")
    assert client.get(f"{BASE}{draft.pk}/count.json").status_code == 404


def test_signatories_list_is_paginated_with_names_only(client, make_petition, community, person):
    petition = make_petition(threshold=500)
    with tenancy.scope(community):
        for n in range(120):
            actions.petition_sign(petition=petition, person=person(full_name=f"Підписант {n:03d}"))
    first = page(client, f"{BASE}{petition.pk}/signatories/")
    assert "Підписант 098" in first and "Підписант 099" not in first and "@" not in first.split("<main")[1]
    assert "121 signatures" in first and 'href="?page=2" rel="next"' in first
    assert "Підписант 119" in page(client, f"{BASE}{petition.pk}/signatories/?page=2")
    # the petition's page pages its own short list under its own parameter and comes back to it
    detail = page(client, f"{BASE}{petition.pk}/")
    assert 'href="?signatories=2#signatories" rel="next"' in detail and "Підписант 049" not in detail
    assert "Підписант 049" in page(client, f"{BASE}{petition.pk}/?signatories=2")
    with CaptureQueriesContext(connection) as queries:
        page(client, f"{BASE}{petition.pk}/signatories/?page=2")
    assert len(queries) < 12  # no COUNT(*) over the signatures, no query per row


def test_feeds_list_new_and_answered_petitions(client, make_petition, community, controller):
    answered = make_petition(threshold=1, title="Відповідь буде")
    make_petition(threshold=5, title="Нова петиція")
    with tenancy.scope(community):
        actions.petition_start_consideration(petition=answered, by=controller)
        actions.petition_answer(petition=answered, by=controller, decision="supported", text="Так")
    rss = client.get(f"{BASE}feed/rss/")
    assert rss["Content-Type"].startswith("application/rss+xml")
    feed = ET.fromstring(rss.content)  # noqa: S314 - our own feed
    titles = [item.findtext("title") for item in feed.iter("item")]
    assert titles == ["Answered: Відповідь буде", "Нова петиція"]
    atom = client.get(f"{BASE}feed/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml") and "Нова петиція" in atom.content.decode()


def test_resident_creates_edits_and_submits_a_petition(client, community, author):
    client.force_login(author)
    response = client.post(f"{BASE}new/", {"title": "Нова зупинка", "text": "<b>жирний</b>"})
    assert response.status_code == 400 and "HTML markup" in response.content.decode()
    response = client.post(f"{BASE}new/", {"title": "Нова зупинка", "text": "x" * (1024 * 1024)})
    assert response.status_code == 400 and "at most 10000 characters" in response.content.decode()
    response = client.post(f"{BASE}new/", {"title": "Нова зупинка", "text": "Просимо зупинку біля школи."})
    assert response.status_code == 302
    with tenancy.scope(community):
        petition = Petition.objects.get()
    assert petition.status == S.DRAFT
    response = client.post(f"{BASE}{petition.pk}/edit/", {"title": "Нова зупинка №5", "text": "Біля школи №5."})
    assert response.status_code == 302
    response = client.post(f"{BASE}{petition.pk}/submit/", follow=True)
    assert "Submitted" in response.content.decode()
    with tenancy.scope(community):
        petition.refresh_from_db()
    assert (petition.title, petition.status) == ("Нова зупинка №5", S.MODERATION)
    mine = page(client, f"{BASE}mine/")
    assert "Нова зупинка №5" in mine and "On moderation" in mine


def test_unverified_resident_is_told_to_verify_before_writing(client, community, resident):
    client.force_login(resident)
    response = client.get(f"{BASE}new/")
    assert response.status_code == 403 and "Verify your identity" in response.content.decode()


def test_cabinet_and_office_sections_link_to_petitions(client, community, author, moderator):
    client.force_login(author)
    cabinet = page(client, "/c/kyiv/accounts/cabinet/")
    assert f'href="{BASE}mine/"' in cabinet
    client.force_login(moderator)
    assert f'href="{BASE}office/"' in page(client, "/c/kyiv/office/")


def test_moderator_works_the_queue(client, make_petition, community, moderator, author):
    petition = make_petition("moderation", title="На модерації")
    client.force_login(moderator)
    assert "На модерації" in page(client, f"{BASE}office/")
    response = client.post(f"{BASE}office/{petition.pk}/moderate/", {"decision": "reject", "reason": ""})
    assert response.status_code == 400 and "Choose the reason" in response.content.decode()
    response = client.post(f"{BASE}office/{petition.pk}/moderate/", {"decision": "publish"}, follow=True)
    assert "The petition is published." in response.content.decode()
    with tenancy.scope(community):
        assert Petition.objects.get(pk=petition.pk).status == S.COLLECTING
    assert Message.objects.filter(recipient=author, kind="petitions.published").exists()


def test_controller_considers_and_answers_with_documents(client, make_petition, community, controller, settings,
                                                         tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    petition = make_petition(threshold=1)
    client.force_login(controller)
    assert "overdue" not in page(client, f"{BASE}office/")
    client.post(f"{BASE}office/{petition.pk}/consider/")
    doc = SimpleUploadedFile("decision.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(f"{BASE}office/{petition.pk}/answer/",
                           {"decision": "supported", "text": "Рада підтримала.", "documents": [doc]}, follow=True)
    assert "The official response is published." in response.content.decode()
    public = page(client, f"{BASE}{petition.pk}/")
    assert "Official response" in public and "Рада підтримала." in public and "decision.pdf" in public


def test_operator_records_in_person_signature(client, make_petition, community, staff, person):
    from hromada.apps.accounts.models import tax_number_hash

    petition = make_petition(threshold=10)
    resident = person()
    resident.tax_number_hash = tax_number_hash("2987654321")
    resident.save()
    client.force_login(staff("operator"))
    response = client.post(f"{BASE}office/{petition.pk}/sign-in-person/", {"tax_number": "123"})
    assert response.status_code == 400 and "exactly 10 digits" in response.content.decode()
    response = client.post(f"{BASE}office/{petition.pk}/sign-in-person/", {"tax_number": "2987654321"}, follow=True)
    assert "signature is recorded" in response.content.decode()
    with tenancy.scope(community):
        assert Petition.objects.get(pk=petition.pk).signature_count == 2


def test_community_admin_sets_petition_rules(client, community, staff):
    from hromada.apps.petitions.models import PetitionPolicy

    client.force_login(staff("admin"))
    assert page(client, f"{BASE}office/rules/")
    response = client.post(f"{BASE}office/rules/", {
        "form": "policy", "signers": "any_verified", "coauthors_required": 2, "moderation_working_days": 2,
        "consideration_working_days": 10, "sign_rate_per_account": 10, "sign_rate_per_ip": 60,
        "trusted_networks": "not a network", "sign_rate_per_trusted_ip": 600, "trend_ip_per_hour": 20,
        "trend_domain_per_hour": 200})
    assert response.status_code == 400 and "is not an IP network" in response.content.decode()
    response = client.post(f"{BASE}office/rules/", {
        "form": "policy", "signers": "any_verified", "coauthors_required": 2, "moderation_working_days": 2,
        "consideration_working_days": 10, "sign_rate_per_account": 10, "sign_rate_per_ip": 60,
        "trusted_networks": "10.1.0.0/16", "sign_rate_per_trusted_ip": 600, "trend_ip_per_hour": 20,
        "trend_domain_per_hour": 200})
    assert response.status_code == 302
    policy = PetitionPolicy.objects.get(community=community)
    assert (policy.signers, policy.coauthors_required, policy.trusted_networks) == ("any_verified", 2, "10.1.0.0/16")
    client.post(f"{BASE}office/rules/", {"form": "category", "name_uk": "Освіта", "name_en": "Education"})
    assert "Освіта" in page(client, f"{BASE}office/rules/")


@pytest.mark.parametrize("path", ["", "office/", "mine/", "feed/rss/"])
def test_list_queries_do_not_grow_with_the_number_of_petitions(client, make_petition, community, author, moderator,
                                                                path):
    def queries() -> int:
        client.force_login(moderator if path == "office/" else author)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(BASE + path).status_code == 200
        return len(captured)

    make_petition(title="Перша")
    few = queries()
    for n in range(12):
        make_petition(title=f"Ще одна {n}")
    assert queries() == few


def test_the_signature_that_reaches_the_threshold_stays_cheap(client, make_petition, community, person):
    petition = make_petition(threshold=2)
    client.force_login(person())
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"{BASE}{petition.pk}/sign/", HTTP_ACCEPT="application/json")
    assert response.json()["status"] == "threshold_reached"
    # No reloading of the petition's texts, whatever the transition needs (event, deadline, notices).
    assert not [q for q in queries if '"text"' in q["sql"] and "petitions_petition" in q["sql"]]


@pytest.mark.parametrize("language", ["en", "uk"])
def test_one_day_of_signatures_is_a_narrow_bar_and_a_table_row(client, make_petition, community, person, language,
                                                              settings):
    petition = make_petition(threshold=100)
    with tenancy.scope(community):
        for n in range(2):
            actions.petition_sign(petition=petition, person=person(full_name=f"Підписант {n}"))
    settings.LANGUAGE_CODE = language
    html = page(client, f"{BASE}{petition.pk}/")
    found_svg = re.search(r'<svg class="chart-svg.*?</svg>', html, re.S)
    assert found_svg
    svg = found_svg.group(0)
    viewbox_width = float(re.findall(r'viewBox="0 0 ([0-9.]+) ', svg)[0])
    (bar_width,) = re.findall(r'<rect class="chart-bar chart-series-1" x="[0-9.]+" y="[0-9.]+" width="([0-9.]+)"', svg)
    assert float(bar_width) <= viewbox_width / 10  # a narrow bar, not a wall across the chart
    (table,) = re.findall(r'<table class="chart-table">.*?</table>', html, re.S)
    counts = re.findall(r'<td class="number">(\d+)</td>', table)
    assert counts == ["3", "3"]  # the author's signature and two more, all today: that day and the total
    assert ("Signatures per day" if language == "en" else "Підписи за днями") in html


def test_cards_and_the_petition_page_use_the_components(client, make_petition, community, settings):
    """Status as a tag with words, days left on the card, facts as a summary list that fits a phone."""
    petition = make_petition(threshold=4)
    with tenancy.scope(community):
        days = Petition.objects.get(pk=petition.pk).days_left
    assert days >= 1
    html = page(client, BASE)
    assert '<strong class="tag tag--green">Collecting signatures</strong>' in html
    assert f"{days} days left to sign" in html
    assert f'<a href="{BASE}{petition.pk}/" lang="uk">{petition.title}</a>' in html  # the resident's title
    detail = page(client, f"{BASE}{petition.pk}/")
    assert '<dl class="summary-list"' in detail and 'class="facts"' not in detail
    assert re.search(r"<dt>Signature collection ends</dt>\s*<dd><time", detail)
    assert f"{days} days left" in detail
    assert detail.count("<h1") == 1 and '<nav class="breadcrumbs' in detail


def test_days_left_counts_a_started_day_and_stops_at_zero(make_petition, community):
    from datetime import timedelta

    from django.utils import timezone

    petition = make_petition()
    petition.collection_ends_at = timezone.now() + timedelta(days=2, hours=1)
    assert petition.days_left == 3
    petition.collection_ends_at = timezone.now() - timedelta(hours=1)
    assert petition.days_left == 0
    petition.collection_ends_at = None
    assert petition.days_left == 0


def test_an_empty_search_says_what_to_do_next(client, make_petition):
    make_petition()
    html = page(client, BASE + "?q=нічогонемає")
    assert "No petitions match your search." in html and "Change the filters" in html
    assert f'href="{BASE}"' in html  # the way back to every petition


def test_a_refused_co_author_invitation_shows_the_draft_again_with_the_error(client, make_petition, community,
                                                                              author, person):
    petition = make_petition("draft", coauthors_required=1)
    client.force_login(author)
    url = f"{BASE}{petition.pk}/coauthors/"
    for email, error in [("not an address", "Enter a valid email address."),
                         (author.email, "You are the author; invite someone else."),
                         ("nobody@example.org", "There is no account with a verified identity for this e-mail.")]:
        response = client.post(url, {"email": email})
        body = response.content.decode()
        assert response.status_code == 400, email
        assert error in body and f'value="{email}"' in body  # what was typed stays in the field
        assert "<title>Error: " in body  # the page says so in its title, with the error summary
    friend = person(full_name="Ганна Співавторка")
    response = client.post(url, {"email": friend.email})
    assert response.status_code == 302
    with tenancy.scope(community):
        assert list(Message.objects.filter(kind="petitions.coauthor_invited").values_list("recipient", flat=True)) == [
            friend.pk]


def test_the_anonymous_list_is_kept_a_few_seconds_and_a_new_petition_shows_at_once(client, make_petition):
    make_petition("collecting", title="Парк на Лісовій")
    client.get(BASE)  # drawn and kept
    with CaptureQueriesContext(connection) as kept:
        page = client.get(BASE).content.decode()
    assert "Парк на Лісовій" in page
    assert not any("petitions_petition" in q["sql"] for q in kept.captured_queries)  # from the kept page
    assert 'name="csrfmiddlewaretoken"' in page and "csrf-token-of-the-visitor" not in page
    make_petition("collecting", title="Сквер біля школи")  # a petition saved: the kept pages are stale
    assert "Сквер біля школи" in client.get(BASE).content.decode()
