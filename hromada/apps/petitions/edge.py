"""The surge paths of petitions, answered at the WSGI edge (see `hromada/core/edge.py`).

- `GET count.json` is public and names no one: the count at most a second old
  (`selectors.count_payload`), remembered per community and petition, from process memory without
  Django's per-request connection bookkeeping. An unknown petition goes to Django, which answers
  the 404 in the visitor's language.
- `POST sign/` from a script (`Accept: application/json`, the CSRF token in the `X-CSRFToken`
  header, no body): the session, the account and the CSRF token are checked by Django's own
  `SessionStore`, `get_user` and `CsrfViewMiddleware` (`edge.signed_in_user`, `edge.csrf_passes`),
  then `sign_json` does what `views.petition_sign` does for a script: the rate limits and
  `actions.petition_sign`, whose one eligibility rule (`eligibility.refusal`) every way of signing
  asks. Whatever the edge cannot fully decide — a form post, a body, no session or one that no
  longer holds, any doubt in the CSRF check, an unknown petition — goes to Django untouched, which
  answers it as for every other request.
"""

from __future__ import annotations

import re
from typing import Any

from hromada.apps.petitions import actions, ratelimit, selectors
from hromada.apps.petitions.models import Petition, PetitionPolicy
from hromada.core import edge
from hromada.core.api.errors import DomainError
from hromada.core.memo import MISSING

COUNT_PATH = re.compile(r"^/petitions/(?P<pk>[0-9]{1,18})/count\.json$")
SIGN_PATH = re.compile(r"^/petitions/(?P<pk>[0-9]{1,18})/sign/$")


def count(request: edge.EdgeRequest) -> edge.EdgeResponse | None:
    pk = int(request.match["pk"])
    community_id = request.community.pk
    payload = selectors.remembered_count(community_id, pk)
    if payload is MISSING:
        with edge.database_lifecycle():
            payload = selectors.count_payload(community_id, pk)
    if payload is None:
        return None  # Django answers the 404 in the visitor's language
    return edge.EdgeResponse(200, payload, cache_control="public, max-age=1", public=True)


def sign_json(*, petition: Petition, person: Any, ip: str | None, notify_on_answer: bool) -> tuple[int, dict[str, Any]]:
    """A signing request of a signed-in person, as its JSON answer (status, body): the rate limits,
    then the one signing action. The page view's JSON answer and the edge's are this one."""
    policy = PetitionPolicy.cached_for(petition.community)
    try:
        ratelimit.check_sign_rate(policy=policy, user_id=person.pk, ip=ip)
        actions.petition_sign(petition=petition, person=person, ip=ip, notify_on_answer=notify_on_answer,
                              policy=policy)
    except DomainError as exc:
        return exc.status_code, exc.envelope()
    return 200, {"signed": True, "count": petition.signature_count, "status": petition.status}


def sign(request: edge.EdgeRequest) -> edge.EdgeResponse | None:
    if "application/json" not in request.header("HTTP_ACCEPT") or request.content_length != 0:
        return None  # HTML forms (messages, redirects) and bodies are Django's
    if not edge.csrf_passes(request):
        return None  # Django refuses it, in its own words
    person = edge.signed_in_user(request)
    if person is None:
        return None  # no session, or one that no longer holds: Django answers 401
    petition = selectors.petition_for_signing(int(request.match["pk"]), request.community)
    if petition is None:
        return None  # Django answers the 404 in the visitor's language
    language = edge.language_of(request)
    with edge.speaking(language):
        status, payload = sign_json(petition=petition, person=person, ip=request.header("REMOTE_ADDR") or None,
                                    notify_on_answer=True)
    return edge.EdgeResponse(status, payload, language=language)


def register() -> None:
    edge.register(COUNT_PATH, count, methods=("GET", "HEAD"), lifecycle=False)
    edge.register(SIGN_PATH, sign, methods=("POST",))
