"""The request types views are written against: what the middleware has set on a request, typed.

`HromadaRequest` is the request of a community's site (every view of `config/urls_community`):
`CommunityMiddleware` has set its community, `AuthenticationMiddleware` its user. `PlatformRequest`
is the request of a page that answers on the platform's own address as well (sign-in, the list of
communities), where there is no community. `SignedInRequest` is for views that only a signed-in
person reaches (behind `login_required` or a declared permission that anonymous visitors lack).
The DRF counterparts type `self.request` and the handlers' `request` of the community's API.

These classes are never instantiated: Django builds the requests, the types only describe them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from hromada.apps.accounts.models import User
    from hromada.apps.communities.models import Community


class PlatformRequest(HttpRequest):
    """A request that may come to the platform's address: no community there."""

    community: Community | None
    user: User | AnonymousUser  # AuthenticationMiddleware sets it
    urlconf: str  # the community's URLconf, where the middleware found a community


class HromadaRequest(HttpRequest):
    """A request to a community's site: `CommunityMiddleware` resolved its community."""

    community: Community
    user: User | AnonymousUser


class SignedInRequest(HromadaRequest):
    """A community request from a signed-in person (the view is behind sign-in)."""

    user: User


class ApiRequest(Request):
    """A DRF request to a community's API (DRF hands unknown attributes to the Django request)."""

    community: Community
    user: User | AnonymousUser


class SignedInApiRequest(ApiRequest):
    """A DRF request whose permission classes admit signed-in people only."""

    user: User
