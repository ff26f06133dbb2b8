"""The surge paths through the real WSGI application: the live count and scripted signing (both
answered at the edge, signing with Django's own session, authentication and CSRF checks), and what
the edge leaves to Django's middleware stack and `views.petition_sign`.

These call the project's real WSGI application (`hromada.config.wsgi.application`), as a server
does; Django's test client would skip the edge. The database is used without a wrapping test
transaction, so on PostgreSQL signing takes its production path (group commit, autocommitted).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hromada.apps.accounts.models import IdentityLevel
from hromada.apps.petitions import actions
from hromada.apps.petitions.models import Petition, PetitionStatus, Signature
from hromada.core import tenancy
from hromada.core.notifications.models import Message
from hromada.testing import wsgi
from hromada.testing.concurrency import run_together
from hromada.testing.wsgi import session_of

pytestmark = pytest.mark.django_db(transaction=True)

BASE = "/c/kyiv/petitions/"
SECRET = wsgi.CSRF_SECRET


def call(method: str, path: str, *, session: str = "", csrf_cookie: str = SECRET, token: str = SECRET,
         accept: str = "application/json", body: bytes = b"", **headers: str) -> tuple[int, dict[str, str], Any]:
    if token:
        headers["HTTP_X_CSRFTOKEN"] = token
    status, response_headers, content = wsgi.call(
        method, path, body=body, cookies={"sessionid": session, "csrftoken": csrf_cookie}, HTTP_ACCEPT=accept,
        **headers)
    kind = response_headers.get("Content-Type", "")
    return status, response_headers, json.loads(content) if kind.startswith("application/json") else content


def count_of(petition: Petition) -> int:
    with tenancy.scope(petition.community):
        return Petition.objects.get(pk=petition.pk).signature_count


def test_count_is_served_at_the_edge_without_queries_once_cached(make_petition):
    petition = make_petition(threshold=10)
    status, headers, payload = call("GET", f"{BASE}{petition.pk}/count.json")
    assert status == 200 and payload["count"] == 1 and payload["open"] is True
    assert headers["Cache-Control"] == "public, max-age=1"
    assert headers["Access-Control-Allow-Origin"] == "*" and headers["X-Content-Type-Options"] == "nosniff"
    with CaptureQueriesContext(connection) as queries:
        again = call("GET", f"{BASE}{petition.pk}/count.json")
    assert again[2]["count"] == 1 and len(queries) == 0


def test_count_errors_are_djangos_in_the_visitors_language(make_petition):
    draft = make_petition("draft")
    status, _headers, payload = call("GET", f"{BASE}{draft.pk}/count.json", HTTP_ACCEPT_LANGUAGE="en")
    assert status == 404 and payload["errors"][0]["message"] == "There is no such petition."
    assert call("GET", "/c/nowhere/petitions/1/count.json")[0] == 404
    assert call("POST", f"{BASE}{draft.pk}/count.json")[0] == 405


def test_signing_counts_once_and_refuses_the_second(make_petition, person):
    petition = make_petition(threshold=10)
    signer = person()
    session = session_of(signer)
    status, headers, payload = call("POST", f"{BASE}{petition.pk}/sign/", session=session)
    assert (status, payload) == (200, {"signed": True, "count": 2, "status": PetitionStatus.COLLECTING})
    assert headers["Content-Language"] == settings.LANGUAGE_CODE
    status, headers, payload = call("POST", f"{BASE}{petition.pk}/sign/", session=session,
                                    HTTP_ACCEPT_LANGUAGE="uk")
    assert status == 409 and payload["errors"][0]["code"] == "already_signed"
    assert payload["errors"][0]["message"] == "Ви вже підписали цю петицію." and headers["Content-Language"] == "uk"
    with tenancy.scope(petition.community):
        assert Signature.objects.filter(petition=petition, person=signer).count() == 1
    assert count_of(petition) == 2


def test_scripted_signing_is_answered_at_the_edge_with_the_views_answers(make_petition, person, monkeypatch):
    petition = make_petition(threshold=10)
    session = session_of(person())
    unverified = session_of(person(level=IdentityLevel.PHONE))

    def djangos_stack(self, environ, start_response):
        raise AssertionError(f"{environ['PATH_INFO']} reached Django's middleware stack")

    monkeypatch.setattr(WSGIHandler, "__call__", djangos_stack)
    status, _h, payload = call("POST", f"{BASE}{petition.pk}/sign/", session=session)
    assert (status, payload) == (200, {"signed": True, "count": 2, "status": PetitionStatus.COLLECTING})
    status, _h, payload = call("POST", f"{BASE}{petition.pk}/sign/", session=unverified,
                               CONTENT_TYPE="application/x-www-form-urlencoded")  # an empty form: no body to read
    assert status == 403 and payload["errors"][0]["code"] == "identity_not_verified"
    with pytest.raises(AssertionError, match="middleware stack"):  # a form with a body: Django reads it
        call("POST", f"{BASE}{petition.pk}/sign/", session=unverified, body=b"notify=1",
             CONTENT_TYPE="application/x-www-form-urlencoded")
    with pytest.raises(AssertionError, match="middleware stack"):  # no session: Django answers it
        call("POST", f"{BASE}{petition.pk}/sign/")
    with pytest.raises(AssertionError, match="middleware stack"):  # a token that does not match: Django refuses it
        call("POST", f"{BASE}{petition.pk}/sign/", session=session, token="x" * 32)
    assert count_of(petition) == 2


def test_signing_refusals_change_nothing(make_petition, person):
    petition = make_petition(threshold=10)
    unverified = session_of(person(level=IdentityLevel.PHONE))
    status, _h, payload = call("POST", f"{BASE}{petition.pk}/sign/", session=unverified)
    assert status == 403 and payload["errors"][0]["code"] == "identity_not_verified"
    young = session_of(person(birth_date=None))
    status, _h, payload = call("POST", f"{BASE}{petition.pk}/sign/", session=young)
    assert status == 403 and payload["errors"][0]["code"] == "birth_date_unknown"
    draft = make_petition("draft")
    status, _h, payload = call("POST", f"{BASE}{draft.pk}/sign/", session=session_of(person()))
    assert status == 409 and payload["errors"][0]["code"] == "petition_not_published"
    assert count_of(petition) == 1 and count_of(draft) == 0
    with tenancy.scope(petition.community):
        assert Signature.objects.count() == 1  # the author's own, made at publication


def test_a_petition_closed_since_the_snapshot_is_still_refused_exactly(make_petition, person, moderator):
    petition = make_petition(threshold=10)
    first = session_of(person())
    assert call("POST", f"{BASE}{petition.pk}/sign/", session=first)[0] == 200  # the process remembers it open
    with tenancy.scope(petition.community):
        Petition.objects.filter(pk=petition.pk).update(status=PetitionStatus.ARCHIVED)
    status, _h, payload = call("POST", f"{BASE}{petition.pk}/sign/", session=session_of(person()))
    assert status == 409 and payload["errors"][0]["code"] == "petition_closed"
    assert count_of(petition) == 2


def test_crossing_the_threshold_tells_the_controllers(make_petition, person, controller):
    petition = make_petition(threshold=2)
    status, _h, payload = call("POST", f"{BASE}{petition.pk}/sign/", session=session_of(person()))
    assert status == 200 and payload["status"] == PetitionStatus.THRESHOLD_REACHED
    with tenancy.scope(petition.community):
        stored = Petition.objects.get(pk=petition.pk)
        assert stored.status == PetitionStatus.THRESHOLD_REACHED and stored.consideration_due_at is not None
        assert Message.objects.filter(kind="petitions.threshold_reached_controller", recipient=controller).exists()


@pytest.mark.parametrize("case", ["wrong token", "no cookie", "no token", "foreign origin", "no session"])
def test_signing_without_a_valid_token_or_session_is_refused_by_django(make_petition, person, case):
    petition = make_petition(threshold=10)
    session = session_of(person())
    kwargs: dict[str, Any] = {"session": session}
    if case == "wrong token":
        kwargs["token"] = "Z" * 32
    elif case == "no cookie":
        kwargs["csrf_cookie"] = ""
    elif case == "no token":
        kwargs["token"] = ""
    elif case == "foreign origin":
        kwargs["HTTP_ORIGIN"] = "https://evil.example"
    else:
        kwargs["session"] = ""
    status, _h, _body = call("POST", f"{BASE}{petition.pk}/sign/", **kwargs)
    assert status == (401 if case == "no session" else 403)
    assert count_of(petition) == 1


def test_html_form_posts_are_left_to_the_page_view(make_petition, person):
    petition = make_petition(threshold=10)
    status, headers, _body = call("POST", f"{BASE}{petition.pk}/sign/", session=session_of(person()),
                                  accept="text/html", body=b"form=1&notify=1",
                                  CONTENT_TYPE="application/x-www-form-urlencoded")
    assert status == 303 and headers["Location"].endswith(f"/petitions/{petition.pk}/")
    assert count_of(petition) == 2


def test_rate_limit_applies_to_scripted_signing(make_petition, person, community):
    petitions = [make_petition(threshold=10, title=f"Петиція {n}") for n in range(3)]
    with tenancy.scope(community):
        from hromada.apps.petitions.models import PetitionPolicy

        policy = PetitionPolicy.for_community(community)
        policy.sign_rate_per_account = 2
        policy.save()
    session = session_of(person())
    statuses = [call("POST", f"{BASE}{p.pk}/sign/", session=session)[0] for p in petitions]
    assert statuses == [200, 200, 429]
    assert [count_of(p) for p in petitions] == [2, 2, 1]


@pytest.mark.postgres
def test_one_person_signing_twenty_times_at_once_counts_once(make_petition, person):
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL (SQLite runs one write at a time)")
    petition = make_petition(threshold=1000, sign_rate_per_account=100)
    session = session_of(person())
    answers = run_together([lambda: call("POST", f"{BASE}{petition.pk}/sign/", session=session)] * 20)
    assert sorted(answer[0] for answer in answers) == [200] + [409] * 19
    assert count_of(petition) == 2


def test_author_and_in_transaction_signing_keep_the_transactional_path(make_petition, person):
    # Inside an outer transaction (operators' batch tools, the tests' own transactions) the action
    # keeps the INSERT + UPDATE transaction; both paths give the same count.
    petition = make_petition(threshold=10)
    from django.db import transaction

    with tenancy.scope(petition.community), transaction.atomic():
        loaded = Petition.objects.select_related("community").get(pk=petition.pk)
        actions.petition_sign(petition=loaded, person=person())
        assert loaded.signature_count == 2
    assert count_of(petition) == 2


@pytest.mark.postgres
def test_a_batch_signs_each_person_once_and_counts_exactly(make_petition, person):
    if connection.vendor != "postgresql":
        pytest.skip("batches are written on PostgreSQL")
    from django.utils import timezone

    from hromada.apps.petitions import batching
    from hromada.apps.petitions.batching import Outcome

    petition = make_petition(threshold=1000)
    first, second = person(), person()
    now = timezone.now()
    requests = [batching.Request(person_id=p.pk, signed_at=now, ip="192.0.2.1", email_domain="example.org",
                                 notify_on_answer=True) for p in (first, second, first)]
    with tenancy.scope(petition.community):
        batching._write(Petition.objects.get(pk=petition.pk), requests)
    assert [r.outcome for r in requests] == [Outcome.SIGNED, Outcome.SIGNED, Outcome.DUPLICATE]
    assert requests[0].count[0] == 3 and count_of(petition) == 3
    with tenancy.scope(petition.community):
        assert Signature.objects.filter(petition=petition, person=first).count() == 1
        Petition.objects.filter(pk=petition.pk).update(status=PetitionStatus.ARCHIVED)
        late = [batching.Request(person_id=person().pk, signed_at=now, ip=None, email_domain="",
                                 notify_on_answer=False)]
        batching._write(Petition.objects.get(pk=petition.pk), late)
    assert late[0].outcome is Outcome.CLOSED and count_of(petition) == 3


@pytest.mark.postgres
def test_many_people_signing_at_once_are_all_counted(make_petition, person):
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL (SQLite runs one write at a time)")
    petition = make_petition(threshold=10_000)
    sessions = [session_of(person()) for _ in range(24)]
    answers = run_together([lambda session=session: call("POST", f"{BASE}{petition.pk}/sign/", session=session)
                            for session in sessions])
    assert [answer[0] for answer in answers] == [200] * len(sessions)
    assert count_of(petition) == 1 + len(sessions)
    with tenancy.scope(petition.community):
        assert Signature.objects.filter(petition=petition).count() == 1 + len(sessions)


def test_the_page_signs_with_its_masked_token_and_origin(make_petition, person):
    import re

    petition = make_petition(threshold=10)
    browser = Client()
    browser.force_login(person())
    page = browser.get(f"{BASE}{petition.pk}/").content.decode()
    assert "petitions/sign.js" in page and "data-signed-message=" in page
    masked = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]  # type: ignore[index]
    assert len(masked) == 64
    status, _h, payload = call("POST", f"{BASE}{petition.pk}/sign/",
                               session=browser.cookies[settings.SESSION_COOKIE_NAME].value,
                               csrf_cookie=browser.cookies[settings.CSRF_COOKIE_NAME].value, token=masked,
                               HTTP_ORIGIN="http://127.0.0.1")
    assert status == 200 and payload["signed"] is True and payload["count"] == 2


@pytest.mark.postgres
def test_a_batch_failing_with_a_non_database_error_tells_no_one_signed_who_is_not(make_petition, person,
                                                                                 monkeypatch):
    """A batch that fails with an error that is not a DatabaseError (a lost connection raises
    InterfaceError): every request of it is signed on its own, and "signed" means stored."""
    if connection.vendor != "postgresql":
        pytest.skip("batches are written on PostgreSQL")
    import threading
    import time

    from django.db import InterfaceError, connections

    from hromada.apps.petitions import batching

    petition = make_petition(threshold=1000)
    people = [person() for _ in range(3)]
    sessions = [session_of(p) for p in people]
    real = batching.prepared.fetchone
    calls = []

    def flaky(sql, params, **kwargs):
        if sql != batching._SQL:  # the account's own statement (AccountBackend)
            return real(sql, params, **kwargs)
        calls.append(sql)
        if len(calls) == 1:  # the first batch waits until the next one (two requests) has formed behind it
            deadline = time.monotonic() + 20
            while len(batching._QUEUES.get(petition.pk, [])) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
        elif len(calls) == 2:
            raise InterfaceError("connection already closed")
        return real(sql, params, **kwargs)

    monkeypatch.setattr(batching.prepared, "fetchone", flaky)
    answers: list[Any] = [None] * 3

    def sign(index: int) -> None:
        try:
            answers[index] = call("POST", f"{BASE}{petition.pk}/sign/", session=sessions[index])
        finally:
            connections.close_all()

    first = threading.Thread(target=sign, args=(0,))
    first.start()
    while not calls:
        time.sleep(0.01)
    others = [threading.Thread(target=sign, args=(index,)) for index in (1, 2)]
    for thread in others:
        thread.start()
    for thread in (first, *others):
        thread.join(timeout=60)
    assert len(calls) >= 2, "the second batch was written"
    with tenancy.scope(petition.community):
        stored = set(Signature.objects.filter(petition=petition).values_list("person_id", flat=True))
    for someone, (status, _headers, payload) in zip(people, answers, strict=True):
        assert status == 200 and payload["signed"] is True, payload
        assert someone.pk in stored, "told signed, but no signature was stored"
    assert count_of(petition) == 4
