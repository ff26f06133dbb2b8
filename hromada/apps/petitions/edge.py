"""The surge paths of petitions, answered at the WSGI edge (see `hromada/core/edge.py`).

- `GET count.json`: the live count, at most a second old (`selectors.count_payload`), from
  process memory without Django's per-request connection bookkeeping.
- `POST sign/` from a script (`Accept: application/json`, the CSRF token in the `X-CSRFToken`
  header, no body): the same checks as `views.petition_sign` — the CSRF token, the session, the
  petition open for signing, the rate limits, the account — then the same signing. On PostgreSQL
  the account is checked by the statement that writes the signature's batch
  (`actions.petition_sign_by_session`); elsewhere it is read here and `actions.petition_sign`
  signs. The edge only takes requests it can fully decide; anything else (no or expired session,
  a session that no longer holds, any doubt in the CSRF check, an HTML form, an unknown or closed
  petition) is passed on to Django untouched, so Django gives those answers exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from hromada.apps.accounts import backends
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


def sign(request: edge.EdgeRequest) -> edge.EdgeResponse | None:
    if "application/json" not in request.header("HTTP_ACCEPT") or request.content_length != 0:
        return None  # HTML forms (messages, redirects) and bodies are Django's
    if not edge.csrf_passes(request):
        return None
    pk = int(request.match["pk"])
    signing: Callable[[Petition, PetitionPolicy, str | None], bool]
    if actions.signs_in_batches():  # PostgreSQL: the statement that writes the batch checks the account
        account = edge.session_account(request)
        if account is None or account[0] != backends.PATH:
            return None
        try:
            person_id = int(account[1])
        except (TypeError, ValueError):
            return None
        petition = selectors.petition_for_signing(pk, request.community)
        if petition is None or not petition.is_signable():
            return None  # Django gives the refusal in the order a resident would fix things

        def signing(petition: Petition, policy: PetitionPolicy, ip: str | None) -> bool:
            return actions.petition_sign_by_session(petition=petition, person_id=person_id,
                                                    session_hash=account[2], policy=policy, ip=ip)
    else:
        user = edge.signed_in_user(request)
        petition = selectors.petition_for_signing(pk, request.community) if user is not None else None
        if user is None or petition is None:
            return None
        person_id = user.pk

        def signing(petition: Petition, policy: PetitionPolicy, ip: str | None) -> bool:
            actions.petition_sign(petition=petition, person=user, ip=ip, notify_on_answer=True, policy=policy)
            return True

    language = edge.language_of(request)
    with edge.speaking(language):
        policy = PetitionPolicy.cached_for(request.community)
        ip = request.header("REMOTE_ADDR") or None
        try:
            ratelimit.check_sign_rate(policy=policy, user_id=person_id, ip=ip)
            if not signing(petition, policy, ip):
                return None  # the session no longer holds: nothing written, Django answers
        except DomainError as exc:
            return edge.EdgeResponse(exc.status_code, exc.envelope(), language=language)
    return edge.EdgeResponse(200, {"signed": True, "count": petition.signature_count, "status": petition.status},
                             language=language)


def register() -> None:
    edge.register(COUNT_PATH, count, methods=("GET", "HEAD"), lifecycle=False)
    edge.register(SIGN_PATH, sign, methods=("POST",))
