"""The ballot POST of the last voting day, answered at the WSGI edge (see `hromada/core/edge.py`).

`POST /api/v1/budget/cycles/<slug>/ballot/` from a script or the voting page (`Accept` and
`Content-Type: application/json`, the CSRF token in the `X-CSRFToken` header, a session cookie)
gets the same checks and the same action as `api.views.MyBallot.post`: the session and the
signed-in account (active, the session issued for its current password), the CSRF token, the
cycle, the permission `budgeting.vote` (phase, identity level, eligibility, age), the rate limits
(`limits.check_ballot`), then `actions.ballot_submit` (the ballot's limits and the unique keys). The
edge takes only what it can fully decide; everything else — token authentication, no or expired
session, any doubt in the CSRF check, a body that is not the plain JSON shape
(`api.views.plain_ballot`), an unknown cycle, a refused permission — is passed on to Django
untouched (with the body it sent), so Django and DRF give those answers exactly as before.
Errors of the action are the API's envelope.
"""

from __future__ import annotations

import io
import re

from hromada.apps.budgeting import actions, limits, selectors
from hromada.apps.budgeting import rules as budget_rules
from hromada.apps.budgeting.api.views import ballot_answer, plain_ballot
from hromada.apps.budgeting.models import Cycle

# The session, CSRF and language checks: Django's own, called by the core edge.
from hromada.core import edge
from hromada.core.api.errors import DomainError
from hromada.core.inputs import loads_bounded

BALLOT_PATH = re.compile(r"^/api/v1/budget/cycles/(?P<slug>[-a-zA-Z0-9_]{1,100})/ballot/$")
MAX_BODY = 16 * 1024  # a ballot of 100 choices is under 4 KiB; larger bodies are Django's


def ballot(request: edge.EdgeRequest) -> edge.EdgeResponse | None:
    environ = request.environ
    if ("application/json" not in request.header("HTTP_ACCEPT")
            or not request.header("CONTENT_TYPE").startswith("application/json")
            or request.header("HTTP_AUTHORIZATION") or not 0 < request.content_length <= MAX_BODY):
        return None
    if not edge.csrf_passes(request):
        return None
    user = edge.signed_in_user(request)
    if user is None:
        return None
    try:
        cycle = selectors.cycle_for_ballot(request.match["slug"])
    except Cycle.DoesNotExist:
        return None
    body = environ["wsgi.input"].read(request.content_length)
    environ["wsgi.input"] = io.BytesIO(body)  # Django reads the same body if the request is passed on
    try:
        plain = plain_ballot(loads_bounded(body))  # too deep a document is a ValueError too
    except ValueError:
        return None
    if plain is None:
        return None
    choices, district_id = plain
    language = edge.language_of(request)
    with edge.speaking(language):
        if budget_rules.refusal("budgeting.vote", user, cycle):
            return None  # DRF answers the refusal (403 with the reason)
        try:
            limits.check_ballot(community=request.community, user_id=user.pk, meta=environ)
            outcome = actions.ballot_submit(cycle=cycle, voter=user, choices=choices, district_id=district_id)
        except DomainError as exc:
            return edge.EdgeResponse(exc.status_code, exc.envelope(), language=language)
    return edge.EdgeResponse(201 if outcome.created else 200, ballot_answer(cycle, outcome), language=language)


def register() -> None:
    edge.register(BALLOT_PATH, ballot, methods=("POST",))
