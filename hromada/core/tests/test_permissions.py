"""`permission_required`: what a refused visitor and a refused person see, and the object loaded once."""

from __future__ import annotations

from typing import Any

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from hromada.apps.accounts.models import IdentityLevel
from hromada.core.permissions import per_request, permission_required
from hromada.testing import factories


@pytest.fixture
def door():
    """A permission for the test: open to verified people, on an object that is not None."""
    rules.add_perm("testing.open_door", rules.predicate(lambda user, obj: obj is not None and getattr(
        user, "identity_level", "") == IdentityLevel.VERIFIED))
    yield "testing.open_door"
    rules.remove_perm("testing.open_door")


def _request(user: Any, community: Any, accept: str = "text/html") -> Any:
    request = RequestFactory().get("/c/kyiv/door/", HTTP_ACCEPT=accept)
    request.user = user
    request.community = community
    return request


def _view(request: Any, **kwargs: Any) -> HttpResponse:
    return HttpResponse("inside")


def test_a_visitor_is_sent_to_sign_in_and_a_client_of_json_gets_403(community, door):
    view = permission_required(door)(_view)
    response = view(_request(AnonymousUser(), community))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "next=/c/kyiv/door/" in response["Location"]
    with pytest.raises(Exception) as refused:
        view(_request(AnonymousUser(), community, accept="application/json"))
    assert type(refused.value).__name__ == "PermissionDenied"


def test_a_signed_in_person_without_the_permission_gets_403_and_with_it_the_page(community, door):
    view = permission_required(door)(_view)
    with pytest.raises(Exception) as refused:
        view(_request(factories.make_user(community=community, level=IdentityLevel.EMAIL), community))
    assert type(refused.value).__name__ == "PermissionDenied"
    verified = factories.make_user(community=community, level=IdentityLevel.VERIFIED)
    assert view(_request(verified, community)).content == b"inside"


def test_a_refused_person_is_shown_what_to_do(client, resident):
    """Starting a petition needs a verified identity: the refusal says how to get one (403)."""
    client.force_login(resident)
    response = client.get("/c/kyiv/petitions/new/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "Verify your identity" in response.content.decode()


def test_the_object_is_loaded_once_for_the_check_and_the_view(community, door):
    loads = []

    @per_request
    def door_of(request: Any, pk: int, **_kwargs: Any) -> str:
        loads.append(pk)
        if pk != 7:
            raise Http404
        return f"door {pk}"

    @permission_required(door, fn=door_of)
    def view(request: Any, pk: int) -> HttpResponse:
        return HttpResponse(door_of(request, pk))

    verified = factories.make_user(community=community, level=IdentityLevel.VERIFIED)
    assert view(_request(verified, community), pk=7).content == b"door 7"
    assert loads == [7]
    with pytest.raises(Http404):
        view(_request(verified, community), pk=8)
